"""Fast detection operations: box_iou, nms, batched_nms (torch).

Same names, signatures and semantics as :mod:`convspec.reference.detection`; takes
and returns ``torch.Tensor`` on the input's device, float16, bfloat16, float32 and
float64; ``box_iou`` is differentiable. Rules: :mod:`convspec.spec.detection`.

``box_iou`` is one broadcast expression over the ``(M, K)`` pairs, in float32 for
float16/bfloat16 inputs (as torchvision's ``_upcast``) and in the input dtype
otherwise, with the union-0 case set to 0 (torchvision's ``box_iou`` gives NaN
there). Where a coordinate lies outside the range in which every width and area is finite and
normal in the compute dtype (float32: ``2^-38 .. 2^62``), each pair is scaled per axis by a power
of two first (exact), so that IoU stays exact up to rounding for every finite box
(``[0, 0, 2e19, 2e19]`` with itself: 1, not 0). ``nms`` sorts with a *stable* descending sort (ties: lower index first;
torchvision's ``nms`` does not promise an order for ties), thresholds the IoU
matrix once, and runs the greedy pass over its rows. ``batched_nms`` runs that per
class on the ``IoU > threshold`` matrix masked to same-class pairs (torchvision
offsets each class's boxes by ``class * (max coordinate + 1)`` instead, which is the
same for ``xyxy`` boxes but adds rounding for large coordinates).
"""

from __future__ import annotations

import torch

from convspec.spec.conventions import dtype_mismatch_error
from convspec.spec.limits import check_output_size
from convspec.spec.detection import (
    check_boxes_shape,
    check_fmt,
    check_scores_shape,
    check_threshold,
    invalid_box_error,
    nan_score_error,
)

from ._tensors import check_same_device as _check_same_device
from ._tensors import check_storage as _check_storage
from ._tensors import check_tensor as _check_tensor
from ._tensors import dtype_name as _name

_HALF = (torch.float16, torch.bfloat16)


def box_iou(boxes1, boxes2, *, fmt="xyxy"):
    """Pairwise IoU ``(M, K)``; see :func:`convspec.reference.detection.box_iou`."""
    op = "box_iou"
    corners1 = _checked_corners(op, "boxes1", boxes1, fmt)
    corners2 = _checked_corners(op, "boxes2", boxes2, fmt)
    _check_alike(op, "boxes1", boxes1, boxes2=boxes2)
    check_output_size(op, (len(corners1), len(corners2)), boxes1.dtype)
    return _iou_matrix(corners1, corners2).to(boxes1.dtype)


def nms(boxes, scores, iou_threshold, *, score_threshold=None, fmt="xyxy"):
    """Greedy non-max suppression, kept indices best first; see :func:`convspec.reference.detection.nms`."""
    op = "nms"
    corners, order = _nms_candidates(op, boxes, scores, iou_threshold, score_threshold, fmt)
    return _greedy(corners, order, float(iou_threshold), None)


def batched_nms(boxes, scores, classes, iou_threshold, *, score_threshold=None, fmt="xyxy"):
    """Non-max suppression per class; see :func:`convspec.reference.detection.batched_nms`."""
    op = "batched_nms"
    corners, order = _nms_candidates(op, boxes, scores, iou_threshold, score_threshold, fmt)
    if not isinstance(classes, torch.Tensor):
        raise TypeError(f"batched_nms: classes must be a torch.Tensor, got {type(classes).__name__}")
    if classes.dtype.is_floating_point or classes.dtype.is_complex or classes.dtype == torch.bool:
        raise TypeError(f"batched_nms: classes must have an integer dtype, got {_name(classes.dtype)}")
    _check_storage(op, "classes", classes)  # on another device it is moved: labels, not data
    check_scores_shape(op, "classes", tuple(classes.shape), corners.shape[0])
    return _greedy(corners, order, float(iou_threshold), classes.to(corners.device))


def _greedy(corners, order, threshold, classes):
    if order.numel() == 0:
        return torch.zeros(0, dtype=torch.int64, device=corners.device)
    ranked = corners[order]
    with torch.no_grad():
        over = _iou_matrix(ranked, ranked) > threshold
        if classes is not None:
            ranked_classes = classes[order]
            over &= ranked_classes[:, None] == ranked_classes[None, :]
    over = over.cpu()
    suppressed = torch.zeros(len(order), dtype=torch.bool)
    keep = []
    for a in range(len(order)):
        if suppressed[a]:
            continue
        keep.append(a)
        suppressed |= over[a]
    return order[torch.tensor(keep, dtype=torch.int64, device=order.device)]


def _nms_candidates(op, boxes, scores, iou_threshold, score_threshold, fmt):
    corners = _checked_corners(op, "boxes", boxes, fmt)
    _check_tensor(op, "scores", scores)
    _check_alike(op, "boxes", boxes, scores=scores)
    check_scores_shape(op, "scores", tuple(scores.shape), corners.shape[0])
    check_threshold(op, "iou_threshold", iou_threshold)
    if score_threshold is not None:
        check_threshold(op, "score_threshold", score_threshold)
    nan = torch.isnan(scores)
    if bool(nan.any()):
        raise nan_score_error(op, int(nan.nonzero()[0, 0]))
    order = torch.sort(scores, descending=True, stable=True).indices  # ties: lower index first
    if score_threshold is not None:
        order = order[scores[order].double() >= float(score_threshold)]  # compared exactly, as the reference
    return corners, order


def _checked_corners(op, name, boxes, fmt):
    """Validate, then ``(M, 4)`` corners in the compute dtype (float32 for half inputs)."""
    _check_tensor(op, name, boxes)
    check_boxes_shape(op, name, tuple(boxes.shape))
    check_fmt(op, fmt)
    b = boxes.float() if boxes.dtype in _HALF else boxes
    finite = torch.isfinite(b).all(dim=1)
    if fmt == "xyxy":
        valid = finite & (b[:, 0] <= b[:, 2]) & (b[:, 1] <= b[:, 3])
    else:
        valid = finite & (b[:, 2] >= 0) & (b[:, 3] >= 0)
    corners = b
    if fmt != "xyxy":
        corners = _corners(b, fmt)
        if b.dtype != torch.float64 and not bool(torch.isfinite(corners).all()):
            corners = _corners(b.double(), fmt)  # a corner past float32's range: float64, as the reference
        valid = valid & torch.isfinite(corners).all(dim=1)  # corners past float64's range: refused
    if not bool(valid.all()):
        row = int((~valid).nonzero()[0, 0])
        raise invalid_box_error(op, name, row, boxes[row].detach().double().cpu().tolist(), fmt)
    return corners


def _corners(b, fmt):
    if fmt == "cxcywh":
        half = b[:, 2:] / 2
        return torch.cat([b[:, :2] - half, b[:, :2] + half], dim=1)
    return torch.cat([b[:, :2], b[:, :2] + b[:, 2:]], dim=1)  # xywh


# nonzero |coordinates| in [2^lo, 2^hi] keep every width, area and sum of areas finite and normal
# (a positive difference of two such values is at least 2^(lo - precision)): IoU directly
_SAFE_EXPONENTS = {torch.float32: (-38, 62), torch.float64: (-457, 510)}


def _iou_matrix(a, b):
    """IoU of every pair; exact up to rounding for all finite corners (:data:`convspec.spec.detection.NON_FINITE`)."""
    if a.dtype != b.dtype:  # one set's corners were converted in float64
        a, b = a.double(), b.double()
    if _in_safe_range(a) and _in_safe_range(b):
        return _iou_direct(a, b)
    return _iou_scaled(a, b)


def _in_safe_range(corners) -> bool:
    lo, hi = _SAFE_EXPONENTS[corners.dtype]
    magnitude = corners.detach().abs()
    nonzero = magnitude[magnitude > 0]
    return nonzero.numel() == 0 or (float(nonzero.min()) >= 2.0**lo and float(nonzero.max()) <= 2.0**hi)


def _iou_scaled(a, b):
    """Each pair scaled per axis by a power of two that brings its larger |coordinate| into [0.5, 1):
    IoU does not change under a scaling of one axis, and the scaling is exact (two factors, each a
    normal number, so neither over- nor underflows on its own)."""

    def exponents(corners):  # (M, 2): the exponent of the larger |coordinate| along x and along y
        magnitude = corners.detach().abs()
        return torch.stack([torch.frexp(magnitude[:, axis::2].amax(dim=1)).exponent for axis in (0, 1)], dim=1)

    e = torch.maximum(exponents(a)[:, None, :], exponents(b)[None, :, :]).repeat(1, 1, 2)  # (M, K, 4)
    half = torch.div(e, 2, rounding_mode="floor")
    first, second = torch.pow(2.0, (-half).to(a.dtype)), torch.pow(2.0, (half - e).to(a.dtype))
    sa, sb = a[:, None, :] * first * second, b[None, :, :] * first * second
    area_a = (sa[..., 2] - sa[..., 0]) * (sa[..., 3] - sa[..., 1])
    area_b = (sb[..., 2] - sb[..., 0]) * (sb[..., 3] - sb[..., 1])
    size = (torch.minimum(sa[..., 2:], sb[..., 2:]) - torch.maximum(sa[..., :2], sb[..., :2])).clamp(min=0)
    return _ratio(size[..., 0] * size[..., 1], area_a + area_b - size[..., 0] * size[..., 1])


def _iou_direct(a, b):
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    degenerate = bool((area_a == 0).any()) and bool((area_b == 0).any())  # (M,) and (K,): cheap
    if torch.is_grad_enabled() and (a.requires_grad or b.requires_grad):
        low = torch.maximum(a[:, None, :2], b[None, :, :2])
        high = torch.minimum(a[:, None, 2:], b[None, :, 2:])
        size = (high - low).clamp(min=0)
        inter = size[..., 0] * size[..., 1]
        return _ratio(inter, area_a[:, None] + area_b[None, :] - inter, degenerate)
    # Without a gradient the same operations, in the same order (the same bits), run in place: at most two
    # (M, K)-sized arrays live at once instead of five. Fresh memory is what costs here (the pages the kernel
    # hands out, zeroed): for 1000 x 1000 boxes this took the call from 7.2-10 ms to 3.4 ms, where the
    # composition torchvision's box_iou is takes 3.8 ms.
    size = torch.minimum(a[:, None, 2:], b[None, :, 2:])
    size.sub_(torch.maximum(a[:, None, :2], b[None, :, :2])).clamp_(min=0)
    inter = size[..., 0] * size[..., 1]
    del size
    union = area_a[:, None] + area_b[None, :]
    ratio = inter.div_(union.sub_(inter))
    return torch.nan_to_num_(ratio, nan=0.0) if degenerate else ratio


def _ratio(inter, union, degenerate: bool = True):
    """``inter / union``, and 0 where both are 0 (two zero-area boxes: ``union = 0`` only then, since
    ``0 <= inter <= min(area_a, area_b)``; the corners are finite, so no other NaN can arise).
    ``degenerate=False``: the caller knows one side has no zero-area box, so no 0/0 can arise."""
    if not (inter.requires_grad or union.requires_grad):
        ratio = inter / union
        return torch.nan_to_num_(ratio, nan=0.0) if degenerate else ratio  # one pass or two, not five
    positive = union > 0
    # under autograd the safe denominator keeps the gradient finite (0/0's gradient is NaN)
    return torch.where(positive, inter / torch.where(positive, union, torch.ones_like(union)), torch.zeros_like(union))


def _check_alike(op, x_name, x, **others):
    """``others`` of ``x``'s dtype, and on its device."""
    for name, other in others.items():
        if other.dtype != x.dtype:
            raise dtype_mismatch_error(op, name, _name(other.dtype), _name(x.dtype))
        _check_same_device(op, name, other, x_name, x)
