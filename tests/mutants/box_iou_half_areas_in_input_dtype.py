"""Mutant: box_iou computes float16 boxes in float16.

The port drops the upcast (torchvision's ``_upcast``) and computes areas, the
intersection and the union in the input dtype: for float16 boxes of a few hundred
pixels the areas exceed 65504 and become ``inf``, so the IoU is ``inter / inf = 0`` or
``inf / inf = NaN``. float32 and float64 inputs are right; small float16 boxes only lose
some accuracy.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "box_iou computes the areas of float16 boxes in float16: areas above 65504 overflow to inf."
BUGGY_OPS = ("box_iou",)


def _corners(b, fmt):
    if fmt == "cxcywh":
        return torch.cat([b[:, :2] - b[:, 2:] / 2, b[:, :2] + b[:, 2:] / 2], dim=1)
    if fmt == "xywh":
        return torch.cat([b[:, :2], b[:, :2] + b[:, 2:]], dim=1)
    return b


def box_iou(boxes1, boxes2, *, fmt="xyxy"):
    t1, t2 = torch.from_numpy(boxes1), torch.from_numpy(boxes2)
    if t1.dtype != torch.float16:
        return accelerated.box_iou(t1, t2, fmt=fmt).numpy()
    accelerated.box_iou(t1, t2, fmt=fmt)  # the argument checks
    a, b = _corners(t1, fmt), _corners(t2, fmt)  # BUG: .float() first
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    size = (torch.minimum(a[:, None, 2:], b[None, :, 2:]) - torch.maximum(a[:, None, :2], b[None, :, :2])).clamp(min=0)
    inter = size[..., 0] * size[..., 1]
    union = area_a[:, None] + area_b[None, :] - inter
    positive = union > 0
    return torch.where(positive, inter / torch.where(positive, union, torch.ones_like(union)),
                       torch.zeros_like(union)).numpy()
