"""Hypothesis strategies for activations and dense layers.

Element-wise operations draw any shape of 1 to 4 axes (not 0-D: the accelerated target's numpy wrapper, ``np.ascontiguousarray``, turns 0-D into 1-D); softmax also an
axis and sometimes large or ``-inf`` logits; flatten an ``(N, ...)`` array; dense an
``(N, n_in)`` input, an ``(n_out, n_in)`` weight and an optional bias.

The tolerance models and output shapes are in ``tolerances.py``.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from convspec.conformance.case import Case
from convspec.conformance.strategies import built_once, data_settings, random_array, sampled_from


@built_once
@st.composite
def _shape(draw, min_dims: int = 1, max_dims: int = 4):
    rank = draw(st.integers(min_dims, max_dims))
    largest = {0: 1, 1: 12, 2: 6, 3: 4, 4: 3}[rank]
    return tuple(draw(st.integers(1, largest)) for _ in range(rank))


def _specials(draw, x: np.ndarray, rng, choices, kind: str) -> np.ndarray:
    """Sometimes put some of ``choices`` into a tenth to a third of the cells (NaN only into float data)."""
    if kind == "integers":
        choices = [c for c in choices if not np.isnan(c)]
    if x.size == 0 or not choices or draw(st.integers(0, 2)):
        return x
    x = x.copy()
    mask = rng.random(x.shape) < draw(sampled_from((0.1, 0.3)))
    x[mask] = rng.choice(choices, size=int(mask.sum()))
    return x


@st.composite
def elementwise_cases(draw, op: str):
    """``relu`` / ``sigmoid``: any shape; a third of the calls carry infinities and NaNs."""
    shape = draw(_shape())
    dtype, kind, rng = draw(data_settings())
    scale = draw(sampled_from((1.0, 1.0, 8.0)))
    x = np.asarray(np.asarray(random_array(shape, "float64", kind, rng)) * scale, dtype=dtype)
    x = _specials(draw, x, rng, [np.inf, -np.inf, np.nan], kind)
    return Case(op, {"x": x}, {}, kind)


@st.composite
def softmax_cases(draw):
    """``softmax``: 1-4 axes, any axis (negative too), logits up to 16 wide, sometimes ``-inf``."""
    shape = draw(_shape(min_dims=1))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    dtype, kind, rng = draw(data_settings())
    scale = draw(sampled_from((1.0, 1.0, 8.0)))
    x = np.asarray(np.asarray(random_array(shape, "float64", kind, rng)) * scale, dtype=dtype)
    x = _specials(draw, x, rng, [-np.inf], kind)
    params = {} if axis == -1 and draw(st.booleans()) else {"axis": axis}
    return Case("softmax", {"x": x}, params, kind)


@st.composite
def flatten_cases(draw):
    shape = (draw(st.integers(1, 3)), *draw(_shape(min_dims=1, max_dims=3)))
    dtype, kind, rng = draw(data_settings())
    x = _specials(draw, random_array(shape, dtype, kind, rng), rng, [np.inf, np.nan], kind)
    return Case("flatten", {"x": x}, {}, kind)


@st.composite
def dense_cases(draw):
    batch, n_in, n_out = draw(st.integers(1, 3)), draw(st.integers(1, 24)), draw(st.integers(1, 8))
    dtype, kind, rng = draw(data_settings())
    x = random_array((batch, n_in), dtype, kind, rng)
    weight = random_array((n_out, n_in), dtype, kind, rng)
    bias = random_array((n_out,), dtype, kind, rng) if draw(st.booleans()) else None
    return Case("dense", {"x": x, "weight": weight, "bias": bias}, {}, kind)


