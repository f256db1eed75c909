"""Mutant: the FFT length is the least power of two >= n + k - 2.

An off-by-one in the padding rule: the linear convolution has ``n + k - 1`` samples,
and a transform one sample shorter wraps the last one onto the first (a circular
convolution). It shows only when ``n + k - 1`` is one more than a power of two.
"""

import numpy as np

from convspec.spec import fft as spec

PLANTED_BUG = "fft_convolve/fft_correlate pad to the least power of two >= n + k - 2 instead of n + k - 1."
BUGGY_OPS = ("fft_convolve", "fft_correlate")


def _length(n, k):
    return 1 << max(n + k - 3, 0).bit_length()  # BUG: should cover n + k - 1 samples


def _fft_convolve(x, weight, mode):
    mode = spec.check_fft_arguments("fft_convolve", x.shape, weight.shape, mode)
    axes = tuple(range(2, x.ndim))
    lengths = [_length(n, k) for n, k in zip(x.shape[2:], weight.shape[2:])]
    with np.errstate(invalid="ignore", over="ignore"):
        X = np.fft.rfftn(x.astype(np.float64), s=lengths, axes=axes)
        W = np.fft.rfftn(weight.astype(np.float64), s=lengths, axes=axes)
        full = np.fft.irfftn(np.einsum("bq...,cq...->bc...", X, W), s=lengths, axes=axes)
    starts = [int(spec.crop_start(k, mode)) for k in weight.shape[2:]]
    crop = tuple(slice(a, a + int(spec.fft_output_length(n, k, mode)))
                 for a, n, k in zip(starts, x.shape[2:], weight.shape[2:]))
    out = full[(slice(None), slice(None)) + crop]
    bad_x = ~np.isfinite(x).reshape(x.shape[0], -1).all(axis=1)
    bad_w = ~np.isfinite(weight).reshape(weight.shape[0], -1).all(axis=1)
    out[bad_x[:, None] | bad_w[None, :]] = np.nan  # convspec's non-finite rule
    return out.astype(x.dtype)


def fft_convolve(x, weight, *, mode="full"):
    return _fft_convolve(x, weight, mode)


def fft_correlate(x, weight, *, mode="full"):
    return _fft_convolve(x, weight[(slice(None), slice(None)) + (slice(None, None, -1),) * (weight.ndim - 2)], mode)
