"""Mutant: the FFT operations' mode defaults to "same".

The port copied the default of an image-filtering API that keeps the input size;
convspec's ``fft_convolve``/``fft_correlate`` (as ``numpy.convolve`` and
``scipy.signal.fftconvolve``) default to ``"full"``. Calls that pass ``mode`` are right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "fft_convolve/fft_correlate's mode defaults to 'same' instead of 'full'."
BUGGY_OPS = ("fft_convolve", "fft_correlate")


def fft_convolve(x, weight, *, mode="same"):  # BUG: default "full"
    return accelerated.fft_convolve(torch.from_numpy(x), torch.from_numpy(weight), mode=mode).numpy()


def fft_correlate(x, weight, *, mode="same"):  # BUG: likewise
    return accelerated.fft_correlate(torch.from_numpy(x), torch.from_numpy(weight), mode=mode).numpy()
