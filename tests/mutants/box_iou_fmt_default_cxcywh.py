"""Mutant: box_iou's fmt defaults to "cxcywh".

The port was written next to a YOLO head, whose boxes are centre/size, and made that
the default; convspec (and torchvision) default to corner boxes ``"xyxy"``. Calls
that pass ``fmt`` are right; calls that leave it out read corners as centres and sizes.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "box_iou's fmt defaults to 'cxcywh' instead of 'xyxy'."
BUGGY_OPS = ("box_iou",)


def box_iou(boxes1, boxes2, *, fmt="cxcywh"):  # BUG: default "xyxy"
    return accelerated.box_iou(torch.from_numpy(boxes1), torch.from_numpy(boxes2), fmt=fmt).numpy()
