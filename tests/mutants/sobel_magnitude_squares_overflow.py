"""Mutant: the Sobel magnitude computed as ``sqrt(G_x**2 + G_y**2)`` in the input dtype.

The textbook formula, written out: the squares overflow the dtype long before the
magnitude does (float16 already at gradients above 256, float32 above 2^64), so large
gradients give ``inf`` where the specified magnitude (``hypot``) is finite. Ordinary
data are right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "sobel's magnitude is sqrt(G_x**2 + G_y**2) in the input dtype: the squares overflow (hypot does not)."
BUGGY_OPS = ("sobel",)


def sobel(x, *, padding="valid"):
    out = accelerated.sobel(torch.from_numpy(x), padding=padding)
    out[:, 2] = torch.sqrt(out[:, 0] ** 2 + out[:, 1] ** 2)  # BUG: torch.hypot(G_x, G_y)
    return out.numpy()
