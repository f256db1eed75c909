"""Tolerance models and output shapes of the activations family (the catalog's per-case hooks); the
backward models are :func:`gradient_tolerances`.

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

from convspec import reference
from convspec.spec import activations as spec_activations

from convspec.conformance.case import Case
from convspec.conformance.gradient_bounds import U64, Bound, forward_relative, magnitudes
from convspec.conformance.tolerance import SMALLEST_SUBNORMAL, UNIT_ROUNDOFF, Exact, SumOfProducts, gamma


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


def gradient_tolerances(case: Case, grad_out: np.ndarray) -> tuple:
    """One tolerance per array argument of the VJP (``None`` where there is no gradient).

    * relu, flatten: gathers, bit for bit.
    * dense: ``grad_x`` sums ``n_out`` products, ``grad_weight`` and ``grad_bias`` ``N``; exact for
      integer-valued data.
    * sigmoid, softmax: computed from the rounded forward output: :func:`_sigmoid_bound`, :func:`_softmax_bound`.
    """
    name = case.op
    if name in ("relu", "flatten"):
        return (Exact(case.inputs["x"].shape),)
    if name == "dense":
        batch, n_out = grad_out.shape
        terms = (n_out, batch, batch)
        return tuple(None if m is None else SumOfProducts(max(t, 1), m, case.dtype, case.data_kind == "integers")
                     for t, m in zip(terms, magnitudes(case, grad_out)))
    if name == "sigmoid":
        return (_sigmoid_bound(case, grad_out),)
    if name == "softmax":
        return (_softmax_bound(case, grad_out),)
    raise AssertionError(f"no gradient tolerance model for {name!r}")


def _sigmoid_bound(case: Case, grad_out: np.ndarray) -> Bound:
    """torch: ``g · ŷ · (1 - ŷ)`` from the *rounded* output ``ŷ``; the reference: ``g s (1 - s)``, ``s`` exact-ish.

    ``|ŷ(1 - ŷ) - s(1 - s)| = |ŷ - s| · |1 - ŷ - s| <= |ŷ - s| <= ε s + T η`` (the forward's
    catalog bound), an *absolute* error that ``s (1 - s)`` does not cover near ``s = 1``
    (float32 ``sigmoid(20) = 1``: torch's gradient is 0). Then three roundings (two
    products, one difference) in the target, one in the float64 reference, one to the dtype::

        bound = |g| ((γ_4(u) + γ_4(u64) + u) s (1 - s) + (1 + γ_4(u)) (ε s + T η)) + 4 η.
    """
    x = case.inputs["x"].astype(np.float64)
    s = np.nan_to_num(reference.sigmoid(x))
    g = np.abs(grad_out.astype(np.float64))
    u, eta = UNIT_ROUNDOFF[case.dtype], SMALLEST_SUBNORMAL[case.dtype]
    epsilon, floor = forward_relative(case)
    relative = gamma(4, u) + gamma(4, U64) + u
    return Bound(g * (relative * s * (1 - s) + (1 + gamma(4, u)) * (epsilon * s + floor * eta)) + 4 * eta)


def _softmax_bound(case: Case, grad_out: np.ndarray) -> Bound:
    """torch: ``ŷ_i (g_i - Σ_j g_j ŷ_j)`` from the rounded output; the reference the same from float64 ``s``.

    With ``|ŷ_j - s_j| <= ε s_j + T η`` (the forward's catalog bound) and ``m_i = s_i (|g_i| + Σ_j |g_j| s_j)``
    (Σ|terms|; the difference itself may cancel to nothing, so the bound is absolute)::

        |ŷ_i (g_i - Σ g ŷ) - s_i (g_i - Σ g s)| <= 2 ε m_i + T η (|g_i| + 2 Σ|g|)   (first order)

    and the target's own ``n + 2`` roundings (the dot product, the difference, the product)
    on ``(1 + ε)^2 m_i``, the reference's in float64, one to the dtype.
    """
    x = case.inputs["x"].astype(np.float64)
    axis = spec_activations.check_softmax_axis("softmax", x.shape, case.params.get("axis", -1))
    s = reference.softmax(x, axis=axis)
    g = np.abs(grad_out.astype(np.float64))
    u, eta = UNIT_ROUNDOFF[case.dtype], SMALLEST_SUBNORMAL[case.dtype]
    epsilon, floor = forward_relative(case)
    n = x.shape[axis]
    with np.errstate(invalid="ignore"):
        dot = np.nansum(g * s, axis=axis, keepdims=True)
        magnitude = np.nan_to_num(s * (g + dot))
    total = np.sum(g, axis=axis, keepdims=True)
    relative = 2 * epsilon + gamma(n + 2, u) * (1 + epsilon) ** 2 + gamma(n + 2, U64) + u
    return Bound(relative * magnitude + floor * eta * (g + 2 * total) + (n + 2) * eta)
