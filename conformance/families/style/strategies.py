"""Hypothesis strategies for gram_matrix, style_loss and content_loss.

Features ``(N, C, *spatial)`` with 1 to 3 spatial axes, ``C <= 4`` and at most 64
positions; the style/content image has batch 1 or ``N``. float16 draws leave out the
unnormalised style loss, whose squares of gram differences can exceed float16's range.

The tolerance models and output shapes are in ``tolerances.py``.
"""

from __future__ import annotations

from hypothesis import strategies as st

from convspec.spec import style as spec_style

from convspec.conformance.case import Case
from convspec.conformance.strategies import built_once, data_settings, random_array, sampled_from


@built_once
@st.composite
def _features(draw):
    rank = draw(st.integers(1, 3))
    largest = {1: 12, 2: 6, 3: 3}[rank]
    spatial = tuple(draw(st.integers(1, largest)) for _ in range(rank))
    return draw(st.integers(1, 3)), draw(st.integers(1, 4)), spatial


@st.composite
def gram_cases(draw):
    batch, channels, spatial = draw(_features())
    dtype, kind, rng = draw(data_settings())
    x = random_array((batch, channels, *spatial), dtype, kind, rng)
    normalization = draw(sampled_from(spec_style.NORMALIZATIONS))
    params = {} if normalization == "none" and draw(st.booleans()) else {"normalization": normalization}
    return Case("gram_matrix", {"features": x}, params, kind)


@st.composite
def pair_cases(draw, op: str):
    batch, channels, spatial = draw(_features())
    dtype, kind, rng = draw(data_settings())
    other_batch = draw(sampled_from((1, batch)))
    generated = random_array((batch, channels, *spatial), dtype, kind, rng)
    other = random_array((other_batch, channels, *spatial), dtype, kind, rng)
    if op == "content_loss":
        return Case(op, {"generated": generated, "content": other}, {}, kind)
    choices = spec_style.NORMALIZATIONS[1:] if dtype == "float16" else spec_style.NORMALIZATIONS
    params = {"normalization": draw(sampled_from(choices))}
    return Case(op, {"generated": generated, "style": other}, params, kind)
