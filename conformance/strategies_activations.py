"""Hypothesis strategies and tolerance models for activations and dense layers.

Element-wise operations draw any shape of 1 to 4 axes (not 0-D: the accelerated target's numpy wrapper, ``np.ascontiguousarray``, turns 0-D into 1-D); softmax also an
axis and sometimes large or ``-inf`` logits; flatten an ``(N, ...)`` array; dense an
``(N, n_in)`` input, an ``(n_out, n_in)`` weight and an optional bias.

Tolerance models (all per output element, as :class:`~convspec.conformance.tolerance.SumOfProducts`,
whose bound is ``(γ_T(u) + γ_T(u_64) + u) · magnitude + T η``):

* ``relu``, ``flatten``: select or copy values: :class:`~convspec.conformance.tolerance.Exact`.
* ``dense``: a sum of ``n_in`` products plus the bias: ``T = n_in + 1``, magnitude ``Σ|x w| + |b|``.
* ``sigmoid``: ``exp`` within 2 ulp (``4u`` relative; CUDA's ``expf`` is documented at 2 ulp,
  glibc's and SLEEF's at 1), one addition whose relative error carries ``e/(1+e) <= 1`` of exp's,
  one division: ``T = 6``, magnitude ``|y|``.
* ``softmax``: ``x_i - m`` is rounded (relative ``u``, i.e. absolute ``u |x_i - m|`` in the exponent,
  a relative ``u |x_i - m|`` in ``exp``), ``exp`` itself ``4u``, the sum of ``n`` positive terms
  ``γ_{n-1}``, the division ``u``; numerator and denominator each carry the exponent errors, so
  with ``R`` the largest ``m - x_j`` over finite entries: ``T = n + 2 ceil(R) + 8``, magnitude ``|y|``.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

from convspec import reference
from convspec.spec import activations as spec_activations

from .case import Case
from .strategies import data_settings, random_array
from .tolerance import Exact, SumOfProducts


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
    mask = rng.random(x.shape) < draw(st.sampled_from((0.1, 0.3)))
    x[mask] = rng.choice(choices, size=int(mask.sum()))
    return x


@st.composite
def elementwise_cases(draw, op: str):
    """``relu`` / ``sigmoid``: any shape; a third of the calls carry infinities and NaNs."""
    shape = draw(_shape())
    dtype, kind, rng = draw(data_settings())
    scale = draw(st.sampled_from((1.0, 1.0, 8.0)))
    x = np.asarray(np.asarray(random_array(shape, "float64", kind, rng)) * scale, dtype=dtype)
    x = _specials(draw, x, rng, [np.inf, -np.inf, np.nan], kind)
    return Case(op, {"x": x}, {}, kind)


@st.composite
def softmax_cases(draw):
    """``softmax``: 1-4 axes, any axis (negative too), logits up to 16 wide, sometimes ``-inf``."""
    shape = draw(_shape(min_dims=1))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    dtype, kind, rng = draw(data_settings())
    scale = draw(st.sampled_from((1.0, 1.0, 8.0)))
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


def output_shape(case: Case) -> tuple[int, ...]:
    x = case.inputs["x"]
    if case.op == "flatten":
        return spec_activations.flatten_output_shape(x.shape)
    if case.op == "dense":
        return spec_activations.dense_output_shape(x.shape, case.inputs["weight"].shape)
    return x.shape


def exact_tolerance(case: Case) -> Exact:
    return Exact(output_shape(case))


def dense_tolerance(case: Case) -> SumOfProducts:
    x, weight, bias = case.arrays()
    absolute = [None if a is None else np.abs(a.astype(np.float64)) for a in case.arrays()]
    magnitude = reference.dense(*absolute)
    return SumOfProducts(x.shape[1] + (bias is not None), magnitude, case.dtype, case.data_kind == "integers")


def sigmoid_tolerance(case: Case) -> SumOfProducts:
    magnitude = np.abs(reference.sigmoid(case.inputs["x"].astype(np.float64)))
    return SumOfProducts(6, np.nan_to_num(magnitude), case.dtype, False)


def softmax_tolerance(case: Case) -> SumOfProducts:
    x = case.inputs["x"].astype(np.float64)
    axis = spec_activations.check_softmax_axis("softmax", x.shape, case.params.get("axis", -1))
    finite = np.isfinite(x)
    high = np.max(np.where(finite, x, -np.inf), axis=axis)
    low = np.min(np.where(finite, x, np.inf), axis=axis)
    spread = np.where(high >= low, high - low, 0.0)  # slices without a finite entry: no spread
    widest = float(np.max(spread, initial=0.0))
    terms = x.shape[axis] + 2 * math.ceil(widest) + 8
    magnitude = np.abs(reference.softmax(x, axis=axis))
    return SumOfProducts(terms, np.nan_to_num(magnitude), case.dtype, False)
