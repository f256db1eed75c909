"""Mutant: sobel's one-int-per-axis padding applied as (width, height).

The port passes ``(pad_h, pad_w)`` to an image API that takes ``(pad_w, pad_h)``:
with different values per axis the image is padded on the wrong axes and the
gradient maps have the wrong shape. Other padding forms are right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "sobel padding given as one int per axis is applied with the axes reversed."
BUGGY_OPS = ("sobel",)


def sobel(x, *, padding="valid"):
    if isinstance(padding, (tuple, list)) and all(isinstance(p, int) for p in padding):
        padding = tuple(reversed(padding))  # BUG
    return accelerated.sobel(torch.from_numpy(x), padding=padding).numpy()
