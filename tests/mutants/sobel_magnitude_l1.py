"""Mutant: the Sobel magnitude approximated by ``|G_x| + |G_y|``.

A common speed-up in image-processing code; the specified magnitude is
``sqrt(G_x^2 + G_y^2)``. The two agree only where one gradient is 0.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "sobel's magnitude channel is |G_x| + |G_y| instead of sqrt(G_x^2 + G_y^2)."
BUGGY_OPS = ("sobel",)


def sobel(x, *, padding="valid"):
    out = accelerated.sobel(torch.from_numpy(x), padding=padding)
    out[:, 2] = out[:, 0].abs() + out[:, 1].abs()  # BUG: the L1 norm
    return out.numpy()
