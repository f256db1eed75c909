"""Hypothesis strategies for ``fft_convolve`` and ``fft_correlate``.

Cases: 1-D to 3-D, batch 1-2, ``C_in`` and ``C_out`` 1-3, every mode (``"valid"`` draws an
input at least as long as the kernel), even and odd kernels, float16/32/64, integer-valued
and general data. The tolerance model and output shape are in ``tolerances.py``.
"""

from __future__ import annotations

from hypothesis import strategies as st

from convspec.spec import fft as spec_fft

from convspec.conformance.case import Case
from convspec.conformance.strategies import data_settings, random_array, sampled_from

# per spatial rank: (max kernel, max extra input length)
_LIMITS = {1: (7, 9), 2: (4, 5), 3: (2, 3)}


@st.composite
def fft_cases(draw, op: str):
    rank = draw(sampled_from((1, 1, 2, 2, 3)))
    max_k, max_extra = _LIMITS[rank]
    mode = draw(sampled_from(spec_fft.MODES))
    kernel = tuple(draw(st.integers(1, max_k)) for _ in range(rank))
    size = tuple((k if mode == "valid" else 1) + draw(st.integers(0, max_extra)) for k in kernel)
    batch, c_in, c_out = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dtype, kind, rng = draw(data_settings())
    x = random_array((batch, c_in, *size), dtype, kind, rng)
    weight = random_array((c_out, c_in, *kernel), dtype, kind, rng)
    params = {} if mode == "full" and draw(st.booleans()) else {"mode": mode}
    return Case(op, {"x": x, "weight": weight}, params, kind)


