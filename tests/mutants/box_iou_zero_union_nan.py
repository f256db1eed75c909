"""Mutant: box_iou divides by the union without guarding a zero union.

The port is torchvision's ``inter / union``: two zero-area boxes (a point or a line
each) have union 0 and give ``0 / 0 = NaN``, where convspec defines their IoU as 0.
Every pair with a positive union is right.
"""

import numpy as np
import torch

from convspec import accelerated

PLANTED_BUG = "box_iou returns NaN (0/0) for two zero-area boxes instead of 0."
BUGGY_OPS = ("box_iou",)


def box_iou(boxes1, boxes2, *, fmt="xyxy"):
    iou = accelerated.box_iou(torch.from_numpy(boxes1), torch.from_numpy(boxes2), fmt=fmt).numpy()
    area1 = _areas(boxes1, fmt)
    area2 = _areas(boxes2, fmt)
    zero_union = (area1[:, None] == 0) & (area2[None, :] == 0)
    return np.where(zero_union, np.nan, iou).astype(iou.dtype)  # BUG: inter / union with union == 0


def _areas(boxes, fmt):
    b = boxes.astype(np.float64)
    if fmt == "xyxy":
        return (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return b[:, 2] * b[:, 3]
