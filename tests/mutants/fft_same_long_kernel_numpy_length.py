"""Mutant: mode "same" with a kernel longer than the input returns ``max(n, k)`` samples.

``numpy.convolve(a, v, mode="same")`` swaps its arguments so the longer one comes first
and returns ``max(n, k)`` samples; the port copied that. convspec's ``"same"`` always has
the input's length ``n`` (its ``"same"`` padding). Kernels no longer than the input are
right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "mode='same' with k > n returns max(n, k) samples from (n - 1) // 2 (numpy.convolve) instead of n from k // 2."
BUGGY_OPS = ("fft_convolve", "fft_correlate")


def _same(op, x, weight):
    full = getattr(accelerated, op)(torch.from_numpy(x), torch.from_numpy(weight), mode="full")
    crop = tuple(slice((n - 1) // 2, (n - 1) // 2 + k) if k > n else slice(k // 2, k // 2 + n)  # BUG: n from k // 2
                 for n, k in zip(x.shape[2:], weight.shape[2:]))
    return full[(slice(None), slice(None)) + crop].contiguous().numpy()


def fft_convolve(x, weight, *, mode="full"):
    if mode == "same":
        return _same("fft_convolve", x, weight)
    return accelerated.fft_convolve(torch.from_numpy(x), torch.from_numpy(weight), mode=mode).numpy()


def fft_correlate(x, weight, *, mode="full"):
    if mode == "same":
        return _same("fft_correlate", x, weight)
    return accelerated.fft_correlate(torch.from_numpy(x), torch.from_numpy(weight), mode=mode).numpy()
