"""Mutant: upsample's align_corners defaults to True for the linear modes.

The port follows PyTorch before 0.4.0, whose bilinear upsampling aligned the corner
samples by default; convspec (and PyTorch since) default to ``align_corners=False``
(the half-pixel mapping). A linear-mode call that leaves the keyword out gets the
corner mapping; passing it explicitly is right.
"""

import torch

from convspec import accelerated
from convspec.spec.upsample import LINEAR_MODES

PLANTED_BUG = "upsample's align_corners defaults to True (for the linear modes) instead of False."
BUGGY_OPS = ("upsample",)


def upsample(x, *, scale_factor=None, size=None, mode="nearest", align_corners=None):
    if align_corners is None:
        align_corners = mode in LINEAR_MODES  # BUG: the default is False
    return accelerated.upsample(torch.from_numpy(x), scale_factor=scale_factor, size=size, mode=mode,
                                align_corners=align_corners).numpy()
