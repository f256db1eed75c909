"""Mutant: the FFT operations read ``weight`` as ``(C_in, C_out, *k)``.

The port sums the spectra with the transposed convolution's weight layout
(``einsum("bq...,qc...->bc...")``): with as many output channels as input channels
the call goes through and output channel ``c`` mixes the wrong kernels. One channel
either way, or batches alone, hide it.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "fft_convolve/fft_correlate take weight as (C_in, C_out, *k): output channel c uses w[q, c] instead of w[c, q]."
BUGGY_OPS = ("fft_convolve", "fft_correlate")


def _fft_convolve(x, weight, mode):
    if weight.shape[0] == weight.shape[1]:
        weight = weight.transpose(0, 1)  # BUG: (C_out, C_in) read as (C_in, C_out)
    return accelerated.fft_convolve(x, weight, mode=mode)


def fft_convolve(x, weight, *, mode="full"):
    return _fft_convolve(torch.from_numpy(x), torch.from_numpy(weight), mode).numpy()


def fft_correlate(x, weight, *, mode="full"):
    flipped = torch.flip(torch.from_numpy(weight), dims=tuple(range(2, weight.ndim)))
    return _fft_convolve(torch.from_numpy(x), flipped, mode).numpy()
