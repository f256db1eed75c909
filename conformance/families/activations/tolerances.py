"""Tolerance models and output shapes of the activations family (the catalog's per-case hooks).

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
from convspec.conformance.tolerance import Exact, SumOfProducts


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
