"""Hypothesis strategies for box_iou (and valid nms calls for the tests).

Boxes are drawn valid by construction in each format: a low corner (or centre) and a
non-negative size, sometimes zero (degenerate boxes), on a coarse grid (integer data:
touching and identical boxes are common) or as general floats. ``boxes2`` sometimes
repeats rows of ``boxes1`` (IoU 1, and 0/0 for two identical zero-area boxes).

The tolerance model of box_iou and its output shape are in ``tolerances.py``.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from convspec.spec.detection import BOX_FORMATS

from convspec.conformance.case import Case
from convspec.conformance.strategies import data_settings, sampled_from


def random_boxes(count: int, fmt: str, dtype: str, kind: str, rng: np.random.Generator) -> np.ndarray:
    """``count`` valid boxes: positions in [0, 8), sizes in [0, 5), a fifth of the sizes zero."""
    if kind == "integers":
        corner = rng.integers(0, 8, (count, 2)).astype(np.float64)
        size = rng.integers(0, 5, (count, 2)).astype(np.float64)
        if fmt == "cxcywh":
            size = 2 * np.floor(size / 2)  # even sizes: the corners cx -+ w/2 stay integers
    else:
        corner = rng.uniform(0, 8, (count, 2))
        size = rng.uniform(0, 5, (count, 2))
    size[rng.random((count, 2)) < 0.2] = 0.0
    corner, size = corner.astype(dtype), size.astype(dtype)
    if fmt == "xyxy":
        return np.concatenate([corner, (corner + size).astype(dtype)], axis=1)  # fl(a + w) >= a
    return np.concatenate([corner, size], axis=1)


@st.composite
def box_iou_cases(draw):
    fmt = draw(sampled_from(BOX_FORMATS))
    m, k = draw(st.integers(0, 6)), draw(st.integers(0, 6))
    dtype, kind, rng = draw(data_settings())
    boxes1 = random_boxes(m, fmt, dtype, kind, rng)
    boxes2 = random_boxes(k, fmt, dtype, kind, rng)
    if m and k and draw(st.booleans()):
        rows = rng.integers(0, m, min(m, k))
        boxes2[: len(rows)] = boxes1[rows]
    params = {"fmt": fmt} if fmt != "xyxy" or draw(st.booleans()) else {}
    return Case("box_iou", {"boxes1": boxes1, "boxes2": boxes2}, params, kind)


@st.composite
def nms_inputs(draw, batched: bool = False):
    """boxes, scores (many ties), classes (if batched), fmt, an IoU threshold away from every pair's IoU."""
    from fractions import Fraction

    from convspec.spec.detection import iou, to_xyxy

    fmt = draw(sampled_from(BOX_FORMATS))
    m = draw(st.integers(0, 10))
    dtype = draw(sampled_from(("float32", "float64", "float16")))
    kind = draw(sampled_from(("integers", "floats")))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    boxes = random_boxes(m, fmt, dtype, kind, rng)
    scores = (rng.integers(0, 4, m) / 4).astype(dtype) if draw(st.booleans()) else rng.uniform(0, 1, m).astype(dtype)
    exact = [to_xyxy(tuple(Fraction(float(v)) for v in box), fmt) for box in boxes]
    ious = sorted({float(iou(p, q)) for i, p in enumerate(exact) for q in exact[i + 1:]} | {0.0, 1.0})
    gaps = [(lo, hi) for lo, hi in zip(ious, ious[1:]) if hi - lo > 0.02]
    lo, hi = draw(sampled_from(gaps)) if gaps else (1.0, 1.5)
    threshold = round((lo + hi) / 2, 3)  # at least 0.01 from every IoU: no rounding can flip a decision
    params = {"iou_threshold": threshold, "fmt": fmt}
    if draw(st.booleans()):
        params["score_threshold"] = float(draw(sampled_from((0.25, 0.5))))
    classes = rng.integers(0, 3, m).astype(np.int64) if batched else None
    return boxes, scores, classes, params
