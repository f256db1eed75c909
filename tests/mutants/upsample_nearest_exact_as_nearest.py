"""Mutant: "nearest_exact" treated as legacy "nearest".

``nearest_exact`` reads the source sample ``floor((t + 1/2) r)`` (centres aligned);
legacy ``nearest`` reads ``floor(t r)``. The port maps both to its one nearest kernel,
so nearest_exact's samples are shifted wherever the two formulas differ (any
non-integer upscaling, and every downscaling).
"""

import torch

from convspec import accelerated

PLANTED_BUG = "mode='nearest_exact' is computed as 'nearest' (floor(t*r) instead of floor((t + 1/2)*r))."
BUGGY_OPS = ("upsample",)


def upsample(x, *, scale_factor=None, size=None, mode="nearest", align_corners=False):
    if mode == "nearest_exact":
        mode = "nearest"  # BUG
    return accelerated.upsample(torch.from_numpy(x), scale_factor=scale_factor, size=size, mode=mode,
                                align_corners=align_corners).numpy()
