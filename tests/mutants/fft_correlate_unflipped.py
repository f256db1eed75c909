"""Mutant: fft_correlate multiplies the spectra without conjugating (flipping) the kernel.

Correlation by the convolution theorem needs the kernel reversed (the conjugate
spectrum of a real kernel); the port reuses the convolution's product unchanged, so
``fft_correlate`` equals ``fft_convolve``. Symmetric kernels hide it.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "fft_correlate computes the convolution (kernel not flipped / spectrum not conjugated)."
BUGGY_OPS = ("fft_correlate",)


def fft_correlate(x, weight, *, mode="full"):
    return accelerated.fft_convolve(torch.from_numpy(x), torch.from_numpy(weight), mode=mode).numpy()  # BUG
