"""Reference detection operations: box_iou, nms, batched_nms (numpy, loops).

Rules (formats, degenerate boxes, thresholds, ties): :mod:`convspec.spec.detection`.
Coordinates are converted to ``xyxy`` and every area and ratio is computed in
float64 (exactly, for the small integer and short binary values of the tests),
then the IoU is rounded once to the input dtype. ``dtype=object`` boxes are refused
(TypeError): nothing here is computed exactly.
"""

from __future__ import annotations

import math

import numpy as np

from convspec.spec.limits import check_output_size
from convspec.spec.detection import (
    box_is_valid,
    check_boxes_shape,
    check_fmt,
    check_scores_shape,
    check_threshold,
    invalid_box_error,
    nan_score_error,
)

from .arrays import check_array, check_same_dtype, refuse_object


def box_iou(boxes1, boxes2, *, fmt="xyxy"):
    """Pairwise intersection over union: ``iou[m, k] = IoU(boxes1[m], boxes2[k])``.

    Definition (``xyxy`` corners; other formats are converted first)::

        inter = max(0, min(x2, x2') - max(x1, x1')) * max(0, min(y2, y2') - max(y1, y1'))
        union = (x2 - x1)(y2 - y1) + (x2' - x1')(y2' - y1') - inter
        iou   = inter / union,   and 0 when union == 0 (two zero-area boxes)

    Args:
        boxes1: ``(M, 4)`` floating array of boxes.
        boxes2: ``(K, 4)`` floating array of boxes, the dtype of ``boxes1``.
        fmt: ``"xyxy"`` (corners, default), ``"cxcywh"`` (centre and size, seed 004's
            ``(b_x, b_y, b_W, b_H)``) or ``"xywh"`` (low corner and size).

    Returns:
        ``(M, K)`` array of ``boxes1``'s dtype, values in ``[0, 1]``.

    Example: ``(0, 0, 2, 2)`` and ``(1, 1, 3, 3)`` overlap in a unit square: ``1 / (4 + 4 - 1) = 1/7``.
    """
    op = "box_iou"
    corners1 = _checked_corners(op, "boxes1", boxes1, fmt)
    corners2 = _checked_corners(op, "boxes2", boxes2, fmt)
    check_same_dtype(op, boxes1, boxes2=boxes2)
    check_output_size(op, (len(corners1), len(corners2)), boxes1.dtype)
    out = np.zeros((len(corners1), len(corners2)), dtype=np.float64)
    for m, a in enumerate(corners1):
        for k, b in enumerate(corners2):
            out[m, k] = _iou(a, b)
    return out.astype(boxes1.dtype)


def nms(boxes, scores, iou_threshold, *, score_threshold=None, fmt="xyxy"):
    """Greedy non-max suppression (seed 004): the indices of the kept boxes, best first.

    Definition::

        candidates = boxes with score >= score_threshold (all if None), by decreasing
                     score, equal scores by increasing index
        kept = []
        for each candidate i in that order:
            if IoU(i, j) <= iou_threshold for every j in kept: keep i

    which is seed 004's "keep the most probable box, discard every box whose IoU with
    it exceeds the threshold, repeat" (a box already discarded never suppresses).

    Args:
        boxes: ``(M, 4)`` floating array of boxes.
        scores: ``(M,)`` array of the same dtype; no NaN.
        iou_threshold: finite real; a box is discarded when its IoU with a kept box is strictly greater.
        score_threshold: ``None`` or a finite real: boxes scoring below it are dropped first.
        fmt: the box format, as in :func:`box_iou`.

    Returns:
        int64 ``(K,)`` array of indices into ``boxes``, in decreasing score order.

    Example: boxes ``(0, 0, 2, 2)``, ``(0, 0, 2, 2.5)``, ``(5, 5, 6, 6)`` scored 0.9, 0.8, 0.7
    with threshold 0.5: box 1 overlaps box 0 with IoU ``4 / 5 = 0.8 > 0.5`` and is discarded; ``[0, 2]``.
    """
    op = "nms"
    corners, order = _nms_candidates(op, boxes, scores, iou_threshold, score_threshold, fmt)
    threshold = float(iou_threshold)
    kept: list[int] = []
    for i in order:
        if all(_iou(corners[j], corners[i]) <= threshold for j in kept):
            kept.append(i)
    return np.array(kept, dtype=np.int64)


def batched_nms(boxes, scores, classes, iou_threshold, *, score_threshold=None, fmt="xyxy"):
    """Non-max suppression per class: boxes of different classes never suppress each other.

    Definition: for every class ``c``, :func:`nms` on the boxes with ``classes == c``;
    the kept indices of all classes together, in decreasing score order (ties:
    increasing index).

    Args:
        boxes: ``(M, 4)`` floating array of boxes.
        scores: ``(M,)`` array of the same dtype; no NaN.
        classes: ``(M,)`` integer array, the class of each box.
        iou_threshold: finite real, as in :func:`nms`.
        score_threshold: ``None`` or a finite real, as in :func:`nms`.
        fmt: the box format, as in :func:`box_iou`.

    Returns:
        int64 ``(K,)`` array of indices into ``boxes``.

    Example: two identical boxes of classes 0 and 1 are both kept.
    """
    op = "batched_nms"
    corners, order = _nms_candidates(op, boxes, scores, iou_threshold, score_threshold, fmt)
    if not isinstance(classes, np.ndarray):
        raise TypeError(f"batched_nms: classes must be a numpy.ndarray, got {type(classes).__name__}")
    if not np.issubdtype(classes.dtype, np.integer):
        raise TypeError(f"batched_nms: classes must have an integer dtype, got {classes.dtype}")
    check_scores_shape(op, "classes", classes.shape, len(corners))
    threshold = float(iou_threshold)
    kept: list[int] = []
    for i in order:
        same_class = [j for j in kept if classes[j] == classes[i]]
        if all(_iou(corners[j], corners[i]) <= threshold for j in same_class):
            kept.append(i)
    return np.array(kept, dtype=np.int64)


def _nms_candidates(op, boxes, scores, iou_threshold, score_threshold, fmt):
    corners = _checked_corners(op, "boxes", boxes, fmt)
    scores = check_array(op, "scores", scores)
    check_same_dtype(op, boxes, scores=scores)
    check_scores_shape(op, "scores", scores.shape, len(corners))
    check_threshold(op, "iou_threshold", iou_threshold)
    if score_threshold is not None:
        check_threshold(op, "score_threshold", score_threshold)
    values = [float(s) for s in scores]
    for row, value in enumerate(values):
        if value != value:
            raise nan_score_error(op, row)
    order = sorted(range(len(values)), key=lambda i: (-values[i], i))  # ties: lower index first
    if score_threshold is not None:
        order = [i for i in order if values[i] >= float(score_threshold)]
    return corners, order


def _checked_corners(op, name, boxes, fmt):
    """Validate and convert every box to float64 ``(x1, y1, x2, y2)``."""
    boxes = check_array(op, name, boxes)
    refuse_object(op, name, boxes, "boxes are compared and divided in float64")
    check_boxes_shape(op, name, boxes.shape)
    check_fmt(op, fmt)
    corners = []
    for row, box in enumerate(boxes.astype(np.float64)):
        if not box_is_valid(box, fmt):
            raise invalid_box_error(op, name, row, box, fmt)
        a, b, c, d = (float(v) for v in box)
        if fmt == "cxcywh":
            corners.append((a - c / 2, b - d / 2, a + c / 2, b + d / 2))
        elif fmt == "xywh":
            corners.append((a, b, a + c, b + d))
        else:
            corners.append((a, b, c, d))
    return corners


def _iou(a, b) -> float:
    """IoU of two float64 ``xyxy`` boxes. Each axis is first scaled by the power of two that brings
    the pair's larger |coordinate| on it into ``[0.5, 1)`` (``math.ldexp``: exact, IoU does not change
    when one axis is scaled), so no width or area over- or underflows: exact up to rounding for every
    finite box, float64 ones near ``1e308`` or ``1e-300`` included."""
    shift = [math.frexp(max(abs(a[axis]), abs(a[axis + 2]), abs(b[axis]), abs(b[axis + 2])))[1] for axis in (0, 1)]
    a = [math.ldexp(v, -shift[i % 2]) for i, v in enumerate(a)]
    b = [math.ldexp(v, -shift[i % 2]) for i, v in enumerate(b)]
    width = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    height = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = width * height
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return 0.0 if union == 0 else inter / union
