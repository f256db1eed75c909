"""Hypothesis strategies and the tolerance model for ``fft_convolve`` and ``fft_correlate``.

Cases: 1-D to 3-D, batch 1-2, ``C_in`` and ``C_out`` 1-3, every mode (``"valid"`` draws an
input at least as long as the kernel), even and odd kernels, float16/32/64, integer-valued
and general data. The tolerance is :class:`~convspec.conformance.tolerance.FFTConvolution`
(Percival's bound for FFT convolution, summed over input channels); integer-valued data
are not compared bit for bit.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

from convspec import reference
from convspec.spec import fft as spec_fft

from convspec.conformance.case import Case
from convspec.conformance.strategies import data_settings, random_array
from convspec.conformance.tolerance import FFTConvolution

# per spatial rank: (max kernel, max extra input length)
_LIMITS = {1: (7, 9), 2: (4, 5), 3: (2, 3)}


@st.composite
def fft_cases(draw, op: str):
    rank = draw(st.sampled_from((1, 1, 2, 2, 3)))
    max_k, max_extra = _LIMITS[rank]
    mode = draw(st.sampled_from(spec_fft.MODES))
    kernel = tuple(draw(st.integers(1, max_k)) for _ in range(rank))
    size = tuple((k if mode == "valid" else 1) + draw(st.integers(0, max_extra)) for k in kernel)
    batch, c_in, c_out = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dtype, kind, rng = draw(data_settings())
    x = random_array((batch, c_in, *size), dtype, kind, rng)
    weight = random_array((c_out, c_in, *kernel), dtype, kind, rng)
    params = {} if mode == "full" and draw(st.booleans()) else {"mode": mode}
    return Case(op, {"x": x, "weight": weight}, params, kind)


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
