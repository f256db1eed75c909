"""The tolerance model and output shape of ``fft_convolve`` and ``fft_correlate``.

The tolerance is :class:`~convspec.conformance.tolerance.FFTConvolution` (Percival's bound for FFT
convolution, summed over input channels); integer-valued data are not compared bit for bit.
"""

from __future__ import annotations

import math

import numpy as np

from convspec import reference
from convspec.spec import fft as spec_fft

from convspec.conformance.case import Case
from convspec.conformance.tolerance import FFTConvolution


def fft_output_shape(case: Case) -> tuple[int, ...]:
    x, weight = case.arrays()
    return spec_fft.fft_output_shape(x.shape, weight.shape, case.params.get("mode", "full"))


def fft_tolerance(case: Case) -> FFTConvolution:
    """Percival's bound at the transform lengths convspec uses; ``S[b, c] = Σ_q ||x[b, q]||_2 ||w[c, q]||_2``."""
    x, weight = (a.astype(np.float64) for a in case.arrays())
    lengths = [spec_fft.transform_length(n, k) for n, k in zip(x.shape[2:], weight.shape[2:])]
    passes = sum(int(math.log2(L)) for L in lengths) + 1
    x_norms = np.sqrt(np.sum(x**2, axis=tuple(range(2, x.ndim))))  # (N, C_in)
    w_norms = np.sqrt(np.sum(weight**2, axis=tuple(range(2, weight.ndim))))  # (C_out, C_in)
    norms = (x_norms @ w_norms.T).reshape(x.shape[0], weight.shape[0], *(1,) * (x.ndim - 2))
    exact = getattr(reference, case.op)(x, weight, **case.params)
    return FFTConvolution(passes, x.shape[1], norms, np.abs(exact), case.dtype)
