"""Mutant: box sizes with the old "+1 pixel" convention.

The port comes from Pascal VOC / early Detectron code, where a box covers pixels
``x1..x2`` inclusive and its width is ``x2 - x1 + 1``. convspec's boxes are continuous
coordinates (width ``x2 - x1``, as torchvision's ``box_iou``): every IoU that is not 0
or 1 comes out different.
"""

import numpy as np

PLANTED_BUG = "box_iou measures widths and heights as x2 - x1 + 1 (inclusive pixel convention) instead of x2 - x1."
BUGGY_OPS = ("box_iou",)


def _xyxy(b, fmt):
    if fmt == "cxcywh":
        return np.concatenate([b[:, :2] - b[:, 2:] / 2, b[:, :2] + b[:, 2:] / 2], axis=1)
    if fmt == "xywh":
        return np.concatenate([b[:, :2], b[:, :2] + b[:, 2:]], axis=1)
    return b


def box_iou(boxes1, boxes2, *, fmt="xyxy"):
    a, b = _xyxy(boxes1.astype(np.float64), fmt), _xyxy(boxes2.astype(np.float64), fmt)
    area = lambda c: (c[:, 2] - c[:, 0] + 1) * (c[:, 3] - c[:, 1] + 1)  # noqa: E731  BUG: + 1
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    wh = np.clip(rb - lt + 1, 0, None)  # BUG: + 1
    inter = wh[..., 0] * wh[..., 1]
    union = area(a)[:, None] + area(b)[None, :] - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0).astype(boxes1.dtype)
