"""Mutant: "same" cropped where scipy.signal.fftconvolve crops it.

For an even kernel the centre of a "same" result is ambiguous: scipy starts the crop
at ``(k - 1) // 2``, convspec at ``ceil((k - 1) / 2) = k // 2`` (its "same" padding puts
the odd zero high), one sample later. Odd kernels and the other modes are right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "mode='same' crops the full result from (k-1)//2 (scipy) instead of k//2: even kernels are off by one sample."
BUGGY_OPS = ("fft_convolve", "fft_correlate")


def _same(full, x, weight):
    crop = tuple(slice((k - 1) // 2, (k - 1) // 2 + n) for n, k in zip(x.shape[2:], weight.shape[2:]))  # BUG: k // 2
    return full[(slice(None), slice(None)) + crop].contiguous().numpy()


def fft_convolve(x, weight, *, mode="full"):
    if mode != "same":
        return accelerated.fft_convolve(torch.from_numpy(x), torch.from_numpy(weight), mode=mode).numpy()
    return _same(accelerated.fft_convolve(torch.from_numpy(x), torch.from_numpy(weight), mode="full"), x, weight)


def fft_correlate(x, weight, *, mode="full"):
    if mode != "same":
        return accelerated.fft_correlate(torch.from_numpy(x), torch.from_numpy(weight), mode=mode).numpy()
    return _same(accelerated.fft_correlate(torch.from_numpy(x), torch.from_numpy(weight), mode="full"), x, weight)
