"""Mutant: the Sobel kernels correlated instead of convolved.

Sobel is a convolution: ``G_x > 0`` where the image brightens to the right. The port
slides the printed kernels over the image with a correlation (``F.conv2d``), which
flips the sign of both gradients; the magnitude channel is unchanged.
"""

import numpy as np
import torch

from convspec import accelerated

PLANTED_BUG = "sobel correlates with the kernels instead of convolving: G_x and G_y have the wrong sign."
BUGGY_OPS = ("sobel",)


def sobel(x, *, padding="valid"):
    kx, ky = (np.asarray(k, dtype=x.dtype) for k in accelerated.sobel_kernels())
    weight = torch.from_numpy(np.stack([kx, ky])[:, None])
    g = accelerated.correlate(torch.from_numpy(x), weight, padding=padding)  # BUG: accelerated.convolve
    return torch.cat([g, torch.sqrt(g[:, :1] ** 2 + g[:, 1:] ** 2)], dim=1).numpy()
