"""The tolerance model of box_iou (per pair; derivation in :func:`box_iou_tolerance`) and its output shape."""

from __future__ import annotations

import numpy as np

from convspec.conformance.case import Case
from convspec.conformance.tolerance import UNIT_ROUNDOFF, SumOfProducts


IOU_TERMS = 19


def box_iou_output_shape(case: Case) -> tuple[int, int]:
    return (case.inputs["boxes1"].shape[0], case.inputs["boxes2"].shape[0])


def _corners(boxes: np.ndarray, fmt: str) -> np.ndarray:
    b = boxes.astype(np.float64)
    if fmt == "cxcywh":
        return np.concatenate([b[:, :2] - b[:, 2:] / 2, b[:, :2] + b[:, 2:] / 2], axis=1)
    if fmt == "xywh":
        return np.concatenate([b[:, :2], b[:, :2] + b[:, 2:]], axis=1)
    return b


def box_iou_tolerance(case: Case) -> SumOfProducts:
    """``|ÎoU - IoU| <= γ_19 · (IoU + S·P/U + 4u·S²/U)`` per pair (0 where the union is 0).

    Derivation. Let ``S`` be the largest ``|coordinate|`` of the pair's exact corners.
    Converting a format rounds each corner once (``u S``) and the widths ``x2 - x1`` are
    rounded once more: every computed length (the two boxes' widths and heights and the
    intersection's, ``max(0, ·)`` being 1-Lipschitz) is off by at most ``4u S``. Then
    ``|ΔI| <= 4uS (w_I + h_I) + 16u²S²``, likewise ``|ΔA_j|``, and
    ``|ΔIoU| <= (2|ΔI| + |ΔA_1| + |ΔA_2|) / U`` to first order (``I <= U``), i.e.
    ``<= 4uS·P/U + 64u²S²/U`` with ``P = 2(w_I + h_I) + w_1 + h_1 + w_2 + h_2``. Evaluating
    ``I / (A_1 + A_2 - I)`` from those lengths costs at most 7 more roundings relative to
    the IoU (the union's two additions ``<= 3u U`` since ``A_1 + A_2 <= 2U``). With 19 units
    of ``u`` there is room for the second-order terms whenever the bound is below 1 (beyond
    it any two values in ``[0, 1]`` pass). Where the union is 0 both boxes have zero area,
    the computed lengths are exactly 0 (``x1 = x2`` exactly in every format) and so is the
    answer: the bound there is 0. ``u`` is the input dtype's (half inputs are computed in
    float32, inside it).
    """
    fmt = case.params.get("fmt", "xyxy")
    a = _corners(case.inputs["boxes1"], fmt)[:, None, :]
    b = _corners(case.inputs["boxes2"], fmt)[None, :, :]
    u = UNIT_ROUNDOFF[case.dtype]
    scale = np.maximum(np.abs(a).max(axis=-1), np.abs(b).max(axis=-1))
    size_a, size_b = a[..., 2:] - a[..., :2], b[..., 2:] - b[..., :2]
    inter_size = np.clip(np.minimum(a[..., 2:], b[..., 2:]) - np.maximum(a[..., :2], b[..., :2]), 0, None)
    inter = inter_size.prod(axis=-1)
    union = size_a.prod(axis=-1) + size_b.prod(axis=-1) - inter
    perimeters = 2 * inter_size.sum(axis=-1) + size_a.sum(axis=-1) + size_b.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        iou = np.where(union > 0, inter / union, 0.0)
        spread = np.where(union > 0, (scale * perimeters + 4 * u * scale**2) / union, 0.0)
    return SumOfProducts(IOU_TERMS, iou + spread, case.dtype, False)
