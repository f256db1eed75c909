"""Hypothesis strategies for ``upsample`` (its tolerance model and output shape: ``tolerances.py``).

The strategy draws a *valid* call directly: the mode, then the rank it allows, then
either one output size per axis or a scale factor per axis together with an input
length that leaves at least one output sample (``floor(n * sigma) >= 1``). Scale
factors come from a fixed list: integers, dyadic fractions (exact in binary) and
decimals such as ``1.1`` or ``0.7`` (inexact in binary, read as decimals by the spec).

``"bicubic"`` (2-D) draws its coefficient from :data:`CUBIC_COEFFICIENTS` (or leaves it out).

One case in ten of the nearest modes is drawn from :data:`ROUNDING_BOUNDARIES`: 1-D
sizes where torch's float32 source index rounds across an integer, so the check
exercises both the native path and the exact-index path of an implementation.
"""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import strategies as st

from convspec.spec.upsample import CUBIC_MODES, INTERPOLATING_MODES, LINEAR_MODES, MODES

from convspec.conformance.case import Case
from convspec.conformance.strategies import data_settings, random_array, sampled_from

# per spatial rank: (max input length, max output length) per axis, small for the reference loops
LIMITS = {1: (12, 40), 2: (6, 12), 3: (4, 6), 4: (3, 4)}
SCALE_FACTORS = (1, 2, 3, 4, 0.5, 1.5, 2.5, 0.25, 0.75, 1.25, 0.3, 0.7, 1.1, 1.3, 1.7, 2.2, 3.3, Fraction(1, 3))
# (mode, input length, params): exact index t*r (or (t+1/2)*r) is an integer but torch's float32 lands below
ROUNDING_BOUNDARIES = (
    ("nearest", 2, {"size": 82}),  # t = 41: 41 * 2/82 = 1, torch reads x[0]
    ("nearest", 4, {"size": 94}),  # t = 47: 47 * 4/94 = 2, torch reads x[1]
    ("nearest", 3, {"scale_factor": 20.5}),  # t = 41: 41 / 20.5 = 2, torch reads x[1]
    ("nearest_exact", 4, {"size": 41}),  # t = 20: 20.5 * 4/41 = 2, torch reads x[1]
    ("nearest_exact", 2, {"size": 61}),  # t = 30: 30.5 * 2/61 = 1, torch reads x[0]
    ("nearest_exact", 3, {"scale_factor": 10.25}),  # t = 20: 20.5 / 10.25 = 2, torch reads x[1]
)
# bicubic: Keys' coefficient left out (torch's -0.75), or torch's, jax/TF's cubic, or a sharper one
CUBIC_COEFFICIENTS = (None, -0.75, -0.5, -1.0)


def _scale_choices(spatial_dims: int) -> tuple[tuple[object, int, int], ...]:
    """(scale factor, least n, most n) for every listed factor that fits the rank's limits."""
    max_n, max_out = LIMITS[spatial_dims]
    choices = []
    for factor in SCALE_FACTORS:
        exact = Fraction(factor) if isinstance(factor, (int, Fraction)) else Fraction(repr(factor))
        fitting = [n for n in range(1, max_n + 1) if 1 <= math.floor(n * exact) <= max_out]
        if fitting:  # floor(n * sigma) grows with n: the fitting lengths are a range
            choices.append((factor, fitting[0], fitting[-1]))
    return tuple(choices)


_SCALES = {dims: _scale_choices(dims) for dims in LIMITS}


def _collapse(values: tuple, as_tuple: bool):
    return values if as_tuple or len(set(values)) > 1 else values[0]


@st.composite
def upsample_cases(draw, op: str = "upsample", modes=MODES):
    """A valid ``upsample`` call: mode, rank, sizes or scale factors, align_corners, data."""
    mode = draw(sampled_from(modes))
    dtype, kind, rng = draw(data_settings())
    if mode not in INTERPOLATING_MODES and draw(st.integers(0, 9)) == 0:
        options = [b for b in ROUNDING_BOUNDARIES if b[0] == mode]
        _, n, params = draw(sampled_from(options))
        x = random_array((draw(st.integers(1, 2)), draw(st.integers(1, 2)), n), dtype, kind, rng)
        return Case(op, {"x": x}, {**params, "mode": mode}, kind)
    if mode in INTERPOLATING_MODES:
        spatial_dims = INTERPOLATING_MODES[mode]
        align_corners = draw(st.booleans())
    else:
        spatial_dims = draw(sampled_from((1, 1, 2, 2, 3, 4)))
        align_corners = False
    max_n, max_out = LIMITS[spatial_dims]
    as_tuple = draw(st.booleans())
    if draw(st.booleans()):
        input_size = tuple(draw(st.integers(1, max_n)) for _ in range(spatial_dims))
        output_size = tuple(draw(st.integers(1, max_out)) for _ in range(spatial_dims))
        given = {"size": _collapse(output_size, as_tuple)}
    else:
        if draw(st.booleans()):  # one factor for every axis
            choices = [draw(sampled_from(_SCALES[spatial_dims]))] * spatial_dims
        else:
            choices = [draw(sampled_from(_SCALES[spatial_dims])) for _ in range(spatial_dims)]
        input_size = tuple(draw(st.integers(least, most)) for _, least, most in choices)
        given = {"scale_factor": _collapse(tuple(factor for factor, _, _ in choices), as_tuple)}
    batch = draw(st.integers(1, 2))
    channels = draw(st.integers(1, 3 if spatial_dims < 3 else 2))
    x = random_array((batch, channels, *input_size), dtype, kind, rng)
    params = {**given, "mode": mode}
    if mode in INTERPOLATING_MODES:
        params["align_corners"] = align_corners
    if mode in CUBIC_MODES:
        coefficient = draw(sampled_from(CUBIC_COEFFICIENTS))
        if coefficient is not None:
            params["cubic_coefficient"] = coefficient
    return Case(op, {"x": x}, params, kind)


