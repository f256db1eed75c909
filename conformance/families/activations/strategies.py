"""Hypothesis strategies and tolerance models for activations and dense layers.

Element-wise operations draw any shape of 1 to 4 axes (not 0-D: the accelerated target's numpy wrapper, ``np.ascontiguousarray``, turns 0-D into 1-D); softmax also an
axis and sometimes large or ``-inf`` logits; flatten an ``(N, ...)`` array; dense an
``(N, n_in)`` input, an ``(n_out, n_in)`` weight and an optional bias.

Tolerance models (all per output element, as :class:`~convspec.conformance.tolerance.SumOfProducts`,
whose bound is ``(γ_T(u) + γ_T(u_64) + u) · magnitude + T η``):

* ``relu``, ``flatten``: select or copy values: :class:`~convspec.conformance.tolerance.Exact`.
* ``dense``: a sum of ``n_in`` products plus the bias: ``T = n_in + 1``, magnitude ``Σ|x w| + |b|``.
* ``softmax`` (:func:`softmax_terms`): ``y_i = e_i / s`` with ``e_j = exp(fl(x_j - m))``, ``s = Σ_j e_j``
  and ``m`` the slice maximum over finite entries. The shift ``x_j - m`` costs nothing where it is exact
  in the dtype (``x_j = m``, a 0 in the slice, integer-valued logits, Sterbenz's ``m/2 <= x_j``, ...);
  where it is inexact it is off by at most ``u |x_j - m|``, which ``exp`` turns into a relative error
  ``u |x_j - m|``. ``exp`` itself is within 2 ulp (``4u`` relative; CUDA's ``expf`` is documented at
  2 ulp, glibc's and SLEEF's at 1), the sum of ``n`` positive terms costs ``γ_{n-1}``, the division
  ``u``. The numerator carries ``e_i``'s errors and the denominator at most the largest ``e_j``'s, so
  with ``R`` the largest ``m - x_j`` over the finite entries whose shift is **inexact** (0 when every
  shift is exact): ``T = n + 2 ceil(R) + 8``, magnitude ``|y|``.
* ``sigmoid``: ``sigmoid(x) = softmax([x, 0])[0]`` (``e^x / (e^x + e^0)``), and its two stable forms
  ``1 / (1 + exp(-x))`` and ``exp(x) / (1 + exp(x))`` are exactly that computation (one ``exp``, one
  addition, one division), so its bound is the softmax derivation applied to the pair ``[x, 0]``
  (:func:`sigmoid_tolerance`). Both shifts of the pair are exact (``m = max(x, 0)``: the shifts are
  ``0`` and ``-x``, or ``x`` and ``0``), so ``T = 2 + 0 + 8 = 10``, magnitude ``|sigmoid(x)|``.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

from convspec import reference
from convspec.spec import activations as spec_activations

from convspec.conformance.case import Case
from convspec.conformance.strategies import data_settings, random_array
from convspec.conformance.tolerance import Exact, SumOfProducts


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


def _shift_is_inexact(x: np.ndarray, m: np.ndarray, dtype: str) -> np.ndarray:
    """Whether ``x - m`` (finite float64 values of ``dtype``) rounded to ``dtype`` differs from the exact difference.

    TwoSum gives the float64 subtraction's rounding error exactly; the difference is exact in the dtype when that
    error is 0 and rounding the float64 difference to the dtype leaves it unchanged. (A target that shifts in a
    wider type, as torch does float16 in float32, rounds no more than that.)"""
    with np.errstate(invalid="ignore", over="ignore"):
        s = x - m
        bb = s - x
        error = (x - (s - bb)) + (-m - bb)
        rounded = s.astype(dtype).astype(np.float64)
    return (error != 0) | (rounded != s)


def softmax_terms(x: np.ndarray, axis: int, dtype: str) -> int:
    """``T = n + 2 ceil(R) + 8`` of the module docstring for logits ``x`` (float64 values of ``dtype``) along ``axis``.

    ``R``: the largest ``m - x_j`` over finite entries whose shift ``x_j - m`` is inexact in ``dtype``, ``m`` the
    slice maximum over its finite entries; slices without a finite entry contribute nothing."""
    finite = np.isfinite(x)
    m = np.max(np.where(finite, x, -np.inf), axis=axis, keepdims=True, initial=-np.inf)
    shifted = finite & np.isfinite(m)
    safe_x, safe_m = np.where(shifted, x, 0.0), np.where(np.isfinite(m), m, 0.0)
    inexact = shifted & _shift_is_inexact(safe_x, np.broadcast_to(safe_m, x.shape), dtype)
    widest = float(np.max(np.where(inexact, safe_m - safe_x, 0.0), initial=0.0))
    return x.shape[axis] + 2 * math.ceil(widest) + 8


def sigmoid_tolerance(case: Case) -> SumOfProducts:
    """The softmax derivation on the pair ``[x, 0]`` (``sigmoid(x) = softmax([x, 0])[0]``): ``T = 10``, magnitude ``|y|``.

    The magnitude is the reference sigmoid, which equals ``softmax([x, 0])[0]`` for finite ``x`` and is the limit
    ``sigmoid(+inf) = 1`` where convspec's softmax rule makes a slice holding ``+inf`` NaN."""
    x = case.inputs["x"].astype(np.float64)
    pair = np.stack([x, np.zeros_like(x)], axis=-1)
    magnitude = np.abs(reference.sigmoid(x))
    return SumOfProducts(softmax_terms(pair, -1, case.dtype), np.nan_to_num(magnitude), case.dtype, False)


def softmax_tolerance(case: Case) -> SumOfProducts:
    x = case.inputs["x"].astype(np.float64)
    axis = spec_activations.check_softmax_axis("softmax", x.shape, case.params.get("axis", -1))
    magnitude = np.abs(reference.softmax(x, axis=axis))
    return SumOfProducts(softmax_terms(x, axis, case.dtype), np.nan_to_num(magnitude), case.dtype, False)
