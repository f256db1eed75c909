"""Hypothesis strategies for the classic filters (``sobel``).

``sobel_cases`` draws ``(N, 1, H, W)`` images and any padding form with an image just
large enough for the 3x3 kernel; data from :func:`convspec.conformance.strategies.data_settings`.

The tolerance model and output shape are in ``tolerances.py``.
"""

from __future__ import annotations

from hypothesis import strategies as st

from convspec.conformance.case import Case
from convspec.conformance.strategies import data_settings, random_array, sampled_from


@st.composite
def sobel_cases(draw):
    form = draw(sampled_from(("int", "per_axis", "per_side", "valid", "same", "same_lower", "full")))
    if form == "int":
        p = draw(st.integers(0, 2))
        padding, pairs = p, [(p, p)] * 2
    elif form == "per_axis":
        per_axis = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
        padding, pairs = per_axis, [(p, p) for p in per_axis]
    elif form == "per_side":
        pairs = [(draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in range(2)]
        padding = tuple(pairs)
    else:
        padding, pairs = form, [(0, 0)] * 2
    size = []
    for lo, hi in pairs:
        needed = 1 if form in ("same", "same_lower", "full") else max(1, 3 - lo - hi)
        size.append(needed + draw(st.integers(0, 7)))
    dtype, kind, rng = draw(data_settings())
    x = random_array((draw(st.integers(1, 2)), 1, *size), dtype, kind, rng)
    params = {} if form == "valid" and draw(st.booleans()) else {"padding": padding}
    return Case("sobel", {"x": x}, params, kind)
