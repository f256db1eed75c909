"""Mutant: mode "valid" takes the first n - k + 1 samples of the full result.

The port gets the length of a "valid" result right but crops it from the start of the
full convolution, where the kernel hangs over the low edge, instead of from ``k - 1``
(where it first fits inside the input). Kernels of length 1 and the other modes are right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "mode='valid' crops the full result from 0 instead of k - 1."
BUGGY_OPS = ("fft_convolve", "fft_correlate")


def _valid(op, x, weight):
    full = getattr(accelerated, op)(torch.from_numpy(x), torch.from_numpy(weight), mode="full")
    crop = tuple(slice(0, n - k + 1) for n, k in zip(x.shape[2:], weight.shape[2:]))  # BUG: from k - 1
    return full[(slice(None), slice(None)) + crop].contiguous().numpy()


def fft_convolve(x, weight, *, mode="full"):
    if mode == "valid":
        accelerated.fft_convolve(torch.from_numpy(x), torch.from_numpy(weight), mode=mode)  # the argument checks
        return _valid("fft_convolve", x, weight)
    return accelerated.fft_convolve(torch.from_numpy(x), torch.from_numpy(weight), mode=mode).numpy()


def fft_correlate(x, weight, *, mode="full"):
    if mode == "valid":
        accelerated.fft_correlate(torch.from_numpy(x), torch.from_numpy(weight), mode=mode)
        return _valid("fft_correlate", x, weight)
    return accelerated.fft_correlate(torch.from_numpy(x), torch.from_numpy(weight), mode=mode).numpy()
