"""Mutant: per-axis scale factors (or sizes) applied to the axes in reverse order.

The port hands ``scale_factor``/``size`` tuples to an image API that lists width
before height, without reversing them: with different values per axis each axis is
resampled with another axis's factor. One value for every axis, and 1-D inputs, are
right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "upsample's per-axis scale_factor and size tuples are applied with the axes reversed."
BUGGY_OPS = ("upsample",)


def _reversed(value):
    return tuple(reversed(value)) if isinstance(value, (tuple, list)) else value  # BUG


def upsample(x, *, scale_factor=None, size=None, mode="nearest", align_corners=False):
    return accelerated.upsample(torch.from_numpy(x), scale_factor=_reversed(scale_factor), size=_reversed(size),
                                mode=mode, align_corners=align_corners).numpy()
