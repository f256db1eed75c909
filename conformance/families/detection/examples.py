"""Literal worked examples of box_iou, computed by hand.

Every expected value was worked out by hand; none is computed by convspec.
"""

from __future__ import annotations

import numpy as np

from convspec.conformance.case import WorkedExample


def _f64(rows) -> np.ndarray:
    return np.array(rows, dtype=np.float64)


BOX_IOU_EXAMPLES = (
    WorkedExample(
        title="Overlap, touching, identical and contained boxes",
        source="hand computation (seed 004, 'Intersection-over-union')",
        inputs={"boxes1": _f64([[0, 0, 2, 2]]), "boxes2": _f64([[1, 1, 3, 3], [2, 0, 4, 2], [0, 0, 2, 2], [0, 0, 1, 1]])},
        params={"fmt": "xyxy"},
        expected=_f64([[1 / 7, 0, 1, 1 / 4]]),
        note=(
            "(1, 1, 3, 3) shares the unit square [1, 2] x [1, 2]: 1 / (4 + 4 - 1) = 1/7. (2, 0, 4, 2) only touches "
            "along x = 2: intersection 0, IoU 0. The box itself: 4/4 = 1. (0, 0, 1, 1) lies inside: 1 / (4 + 1 - 1) = 1/4."
        ),
    ),
    WorkedExample(
        title="Seed 004's centre-and-size boxes (cxcywh)",
        source="seed 004, 'Bounding boxes': b = (b_x, b_y, b_W, b_H); hand computation",
        inputs={"boxes1": _f64([[1, 1, 2, 2]]), "boxes2": _f64([[2, 2, 2, 2], [1, 1, 0, 2]])},
        params={"fmt": "cxcywh"},
        expected=_f64([[1 / 7, 0]]),
        note=(
            "(1, 1, 2, 2) is the square from (0, 0) to (2, 2) and (2, 2, 2, 2) the one from (1, 1) to (3, 3): 1/7 as "
            "in the first example. (1, 1, 0, 2) has width 0: a zero-area box has IoU 0 with a box of positive area."
        ),
    ),
    WorkedExample(
        title="Low corner and size (xywh)",
        source="hand computation (COCO's box format)",
        inputs={"boxes1": _f64([[0, 0, 2, 2]]), "boxes2": _f64([[1, 0, 2, 2]])},
        params={"fmt": "xywh"},
        expected=_f64([[1 / 3]]),
        note="(1, 0, 2, 2) spans [1, 3] x [0, 2]: the intersection [1, 2] x [0, 2] has area 2, the union 4 + 4 - 2 = 6: 1/3.",
    ),
    WorkedExample(
        title="Two identical zero-area boxes: 0/0 is defined as 0",
        source="convspec's convention (spec/detection.py)",
        inputs={"boxes1": _f64([[1, 1, 1, 3]]), "boxes2": _f64([[1, 1, 1, 3], [0, 0, 2, 2]])},
        params={},
        expected=_f64([[0, 0]]),
        note=(
            "The segment from (1, 1) to (1, 3) has area 0; with itself the union is 0 and convspec returns 0 "
            "(torchvision.ops.box_iou returns 0/0 = NaN). With the square (0, 0, 2, 2) the union is 4 and the "
            "intersection 0."
        ),
        tags=("torch-differs",),
    ),
)
