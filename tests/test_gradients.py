"""Backward passes, checked: the reference VJPs against autograd, finite differences and the adjoint identity.

Three independent checks of ``convspec.reference.<op>_vjp`` (the gradients of
``L = sum(grad_out * <op>(*inputs))``), over the catalog's own strategies:

1. **autograd**: ``torch.autograd.grad`` through ``convspec.accelerated.<op>`` with
   ``grad_outputs=grad_out`` equals the reference VJP within a rounding-error bound derived
   per operation (:func:`gradient_tolerances`): bit for bit where every gradient is a sum
   of integer products and the data are integer-valued; ``γ_n · Σ|terms|`` otherwise.
2. **finite differences** in float64: every operation is affine in each single input
   element (multilinear, or piecewise linear for max pooling away from ties), so the
   central difference has *no* truncation error; what is left is rounding, bounded in
   :func:`finite_difference_bound`.
3. **adjoint identity** ``<J v, u> == <v, Jᵀ u>`` for the linear operations, in exact
   rational arithmetic (integer-valued ``fractions.Fraction`` arrays, which the reference
   computes with exactly), so divisions (average pooling) and interpolation weights
   (upsampling) are exact too.

And a meta-test: every planted bug in ``tests/gradient_mutants/`` is caught by check 1,
while the real reference passes the same search.
"""

from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass
from fractions import Fraction
from itertools import product
from pathlib import Path

import numpy as np
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from convspec import reference  # noqa: E402
from convspec.conformance import catalog  # noqa: E402
from convspec.conformance.case import Case  # noqa: E402
from convspec.conformance.strategies import random_array  # noqa: E402
from convspec.conformance.tolerance import (  # noqa: E402
    SMALLEST_SUBNORMAL,
    UNIT_ROUNDOFF,
    Exact,
    Interpolation,
    SumOfProducts,
    compare,
    gamma,
)
from convspec.reference.upsample import axis_taps  # noqa: E402
from convspec.reference.windows import resolve_padding, span  # noqa: E402
from convspec.spec import style as spec_style  # noqa: E402
from convspec.spec.activations import check_softmax_axis  # noqa: E402
from convspec.spec.conventions import check_conv_arguments  # noqa: E402
from convspec.spec.upsample import LINEAR_MODES, check_upsample_arguments  # noqa: E402

MUTANTS = Path(__file__).parent / "gradient_mutants"
MUTANT_FILES = sorted(path for path in MUTANTS.glob("*.py") if not path.name.startswith("_"))
U64 = UNIT_ROUNDOFF["float64"]

# the differentiable operations of the catalog that have a reference VJP
GRADIENT_OPS = tuple(op for op in catalog.CATALOG if hasattr(reference, f"{op.name}_vjp"))
LINEAR_OPS = (
    "correlate", "convolve", "depthwise_separable", "conv_transpose", "avg_pool", "global_avg_pool",
    "max_unpool", "avg_unpool", "first_unpool", "upsample", "flatten", "dense",
)
# not affine in a single element: checked by the five-point stencil (exact up to degree 4)
POLYNOMIAL_OPS = ("gram_matrix", "content_loss", "style_loss")  # degree 2, 2 and 4 in one element
SMOOTH_OPS = ("sigmoid", "softmax")  # a sigmoid of the element: truncation bounded below


def _examples(at_most: int) -> int:
    """The profile's number of examples, capped: the reference is slow Python."""
    return min(settings.default.max_examples, at_most)


def reference_vjp(name: str):
    return getattr(reference, f"{name}_vjp")


# ---------------------------------------------------------------------------
# Drawing the upstream gradient and adapting the data


def draw_grad_out(op, case: Case, seed: int) -> np.ndarray:
    """``grad_out`` of the forward output's shape, of the case's dtype and data kind."""
    return random_array(op.output_shape(case), case.dtype, case.data_kind, np.random.default_rng(seed))


def with_arrays(case: Case, make, kind: str | None = None) -> Case:
    """The case with every floating input replaced by ``make(name, array)`` (integer inputs kept)."""
    inputs = {
        name: (a if a is None or a.dtype.kind != "f" else make(name, a)) for name, a in case.inputs.items()
    }
    return Case(case.op, inputs, case.params, kind or case.data_kind)


def distinct_values(case: Case, seed: int, spacing: float = 1.0, dtype=None) -> Case:
    """Tie-free data without NaN or infinities: a permutation of ``spacing * (0, 1, 2, ...)`` per array."""
    rng = np.random.default_rng(seed)

    def make(name, a):
        values = (rng.permutation(a.size) - a.size // 2) * spacing
        return values.reshape(a.shape).astype(dtype or a.dtype)

    return with_arrays(case, make, "integers" if spacing == 1 else "floats")


# ---------------------------------------------------------------------------
# Autograd through convspec.accelerated


def autograd_vjp(op, case: Case, grad_out: np.ndarray) -> tuple:
    """``torch.autograd.grad`` of the accelerated op with ``grad_outputs=grad_out``; ``None`` where no gradient."""
    tensors = []
    for array in case.copies():
        if array is None:
            tensors.append(None)
        else:
            tensor = torch.from_numpy(array)
            tensors.append(tensor.requires_grad_(True) if tensor.dtype.is_floating_point else tensor)
    out = op.accelerated(*tensors, **case.params)
    if isinstance(out, tuple):  # max_pool's (values, indices): the indices carry no gradient
        out = out[0]
    wanted = [t for t in tensors if t is not None and t.requires_grad]
    grads = iter(torch.autograd.grad(out, wanted, grad_outputs=torch.from_numpy(grad_out), allow_unused=True))
    result = []
    for tensor in tensors:
        if tensor is None or not tensor.requires_grad:
            result.append(None)
            continue
        grad = next(grads)
        result.append(np.zeros(tensor.shape, dtype=case.dtype) if grad is None else grad.numpy())
    return tuple(result)


# ---------------------------------------------------------------------------
# The tolerance model of the backward passes


@dataclass(frozen=True)
class Bound:
    """A per-element bound computed by the test (``compare`` needs only ``exact`` and ``bound()``)."""

    values: np.ndarray
    exact: bool = False

    def bound(self) -> np.ndarray:
        return self.values


def _absolute_inputs(case: Case, absolute_data: bool) -> list:
    """The inputs for a magnitude computation: ``|a|`` (float64) when ``absolute_data``, else as they are."""
    def convert(a):
        if a is None or a.dtype.kind != "f":  # integer inputs (max_unpool's indices) as they are
            return a
        # max pooling: the winners must stay those of the real data
        return np.abs(a.astype(np.float64)) if absolute_data else a.astype(np.float64)

    return [convert(a) for a in case.arrays()]


def _magnitudes(case: Case, grad_out: np.ndarray, absolute_data: bool = True) -> tuple:
    """Σ|terms| of every gradient element: the reference VJP of ``|grad_out|`` (and of ``|inputs|``)."""
    g = np.abs(grad_out.astype(np.float64))
    return reference_vjp(case.op)(g, *_absolute_inputs(case, absolute_data), **case.params)


def _windows_per_cell(kernel, stride, dilation=None) -> int:
    """The most windows one input cell lies in: per axis ``min(k, ceil(span / s))``."""
    dilation = dilation or (1,) * len(kernel)
    return math.prod(min(k, -(-span(k, d) // s)) for k, s, d in zip(kernel, stride, dilation))


def _per_axis(value, rank: int) -> tuple[int, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * rank


def gradient_tolerances(case: Case, grad_out: np.ndarray) -> tuple:
    """One tolerance per array argument (``None`` where there is no gradient), from rounding-error bounds.

    Every gradient element is a sum of products. ``terms`` is an upper bound on how many
    roundings a product passes through on its way into the sum (Higham §3.1: any order
    of summation, ``|err| <= γ_terms · Σ|terms|``); ``Σ|terms|`` is the reference VJP of
    the absolute values. Integer-valued data make every such sum exact (``SumOfProducts.exact``).

    * correlate/convolve: ``grad_x`` sums ``(C_out/groups) · prod(k)`` products, ``grad_weight``
      and ``grad_bias`` ``N · prod(out)``; conv_transpose likewise with ``N · prod(in)``
      for the weight.
    * depthwise_separable: a chain of two such sums (``grad_h = Σ pw·g``, then a depthwise
      one); the terms of both stages add: ``m·prod(k) + C_out + N·prod(out) + 2``.
    * max pooling: a cell gets ``grad_out`` of every window it wins, at most
      ``prod(min(k, ceil(span/s)))``; one window at most is exact for any data.
    * avg pooling: the same sums of ``grad_out[o] / divisor(o)``, each share rounded once (or
      twice, via a rounded reciprocal): ``windows per cell + 1`` roundings, never exact
      (``7 / 3``); global average: one division.
    * unpooling: gathers (exact), or for avg_unpool sums of ``prod(k)`` cells.
    * upsample: nearest modes sum ``grad_out`` over the outputs that read a cell (counted);
      linear modes see :func:`_linear_upsample_bound`.
    """
    name, dtype, integers = case.op, case.dtype, case.data_kind == "integers"
    arrays = case.arrays()
    if name in ("correlate", "convolve", "conv_transpose"):
        x, weight, bias = arrays
        groups = case.params.get("groups", 1)
        mags = _magnitudes(case, grad_out)
        batch, out_spatial = grad_out.shape[0], math.prod(grad_out.shape[2:])
        if name == "conv_transpose":
            x_terms = (weight.shape[1]) * math.prod(weight.shape[2:])
            w_terms = batch * math.prod(x.shape[2:])
        else:
            x_terms = (weight.shape[0] // groups) * math.prod(weight.shape[2:])
            w_terms = batch * out_spatial
        terms = (x_terms, w_terms, batch * out_spatial)
        return tuple(
            None if m is None else SumOfProducts(max(t, 1), m, dtype, integers) for t, m in zip(terms, mags)
        )
    if name == "depthwise_separable":
        x, depthwise, pointwise, bias = arrays
        multiplier = depthwise.shape[0] // x.shape[1]
        t = multiplier * math.prod(depthwise.shape[2:]) + pointwise.shape[0] + grad_out.shape[0] * math.prod(
            grad_out.shape[2:]) + 2
        return tuple(None if m is None else SumOfProducts(t, m, dtype, integers) for m in _magnitudes(case, grad_out))
    if name in ("max_pool", "avg_pool"):
        rank = case.inputs["x"].ndim - 2
        kernel = _per_axis(case.params["kernel_size"], rank)
        stride = _per_axis(case.params.get("stride") or kernel, rank)
        dilation = _per_axis(case.params.get("dilation", 1), rank)
        windows = _windows_per_cell(kernel, stride, dilation)
        (magnitude,) = _magnitudes(case, grad_out, absolute_data=(name == "avg_pool"))
        if name == "max_pool":
            if windows == 1:
                return (Exact(magnitude.shape),)
            return (SumOfProducts(windows, magnitude, dtype, integers),)
        return (SumOfProducts(windows + 1, magnitude, dtype, False),)
    if name == "global_max_pool":
        return (Exact(case.inputs["x"].shape),)
    if name == "global_avg_pool":
        return (SumOfProducts(2, _magnitudes(case, grad_out)[0], dtype, False),)
    if name in ("max_unpool", "first_unpool"):
        return (Exact(case.inputs["x"].shape),) + ((None,) if name == "max_unpool" else ())
    if name == "avg_unpool":
        rank = case.inputs["x"].ndim - 2
        kernel = _per_axis(case.params["kernel_size"], rank)
        return (SumOfProducts(math.prod(kernel), _magnitudes(case, grad_out)[0], dtype, integers),)
    if name == "upsample":
        if case.params.get("mode", "nearest") in LINEAR_MODES:
            return (_linear_upsample_bound(case, grad_out),)
        x = case.inputs["x"]
        readers = reference.upsample_vjp(np.ones(grad_out.shape), x.astype(np.float64), **case.params)[0]
        terms = max(int(readers.max(initial=1)), 1)
        return (SumOfProducts(terms, _magnitudes(case, grad_out)[0], dtype, integers),)
    if name in ("relu", "flatten"):
        return (Exact(case.inputs["x"].shape),)
    if name == "dense":
        x, weight, bias = arrays
        batch, n_out = grad_out.shape
        terms = (n_out, batch, batch)
        return tuple(None if m is None else SumOfProducts(max(t, 1), m, dtype, integers)
                     for t, m in zip(terms, _magnitudes(case, grad_out)))
    if name == "sigmoid":
        return (_sigmoid_bound(case, grad_out),)
    if name == "softmax":
        return (_softmax_bound(case, grad_out),)
    if name in ("gram_matrix", "content_loss", "style_loss"):
        return _style_tolerances(case, grad_out)
    raise AssertionError(f"no gradient tolerance model for {name!r}")


def _forward_relative(case: Case) -> tuple[float, int]:
    """The forward's catalog bound as ``(relative, floor_terms)``: ``|ŷ - y| <= relative |y| + floor_terms η``."""
    tolerance = catalog.get(case.op).tolerance(case)
    u = UNIT_ROUNDOFF[case.dtype]
    return gamma(tolerance.terms, u) + gamma(tolerance.terms, U64) + u, tolerance.terms


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
    epsilon, floor = _forward_relative(case)
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
    axis = check_softmax_axis("softmax", x.shape, case.params.get("axis", -1))
    s = reference.softmax(x, axis=axis)
    g = np.abs(grad_out.astype(np.float64))
    u, eta = UNIT_ROUNDOFF[case.dtype], SMALLEST_SUBNORMAL[case.dtype]
    epsilon, floor = _forward_relative(case)
    n = x.shape[axis]
    with np.errstate(invalid="ignore"):
        dot = np.nansum(g * s, axis=axis, keepdims=True)
        magnitude = np.nan_to_num(s * (g + dot))
    total = np.sum(g, axis=axis, keepdims=True)
    relative = 2 * epsilon + gamma(n + 2, u) * (1 + epsilon) ** 2 + gamma(n + 2, U64) + u
    return Bound(relative * magnitude + floor * eta * (g + 2 * total) + (n + 2) * eta)


def _style_magnitudes(case: Case, grad_out: np.ndarray) -> tuple:
    """Σ|terms| of every gradient element of gram_matrix, content_loss and style_loss (float64).

    * gram: ``c Σ_k' (|G_jk'| + |G_k'j|) |a_k'p|``: the VJP of the absolute values.
    * content: ``2 |g_b| (|gen| + |content|)`` (a content of batch 1 sums over ``b``).
    * style: ``|D| <= c E`` with ``E = F(|gen|) + F(|style|)`` (raw grams), so the upstream
      ``2 g_b D`` of a gram is at most ``2 |g_b| c E``; through the gram's VJP on ``|a|``:
      ``4 |g_b| c² Σ_k' E_jk' |a_k'p|`` (a style of batch 1 sums over ``b``).
    """
    g = np.abs(grad_out.astype(np.float64))
    absolute = [np.abs(a.astype(np.float64)) for a in case.arrays()]
    if case.op == "gram_matrix":
        return reference.gram_matrix_vjp(g, *absolute, **case.params)
    first, other = absolute
    if case.op == "content_loss":
        both = first + other  # broadcasts a batch of 1
        per_image = 2 * g.reshape((-1,) + (1,) * (first.ndim - 1)) * both
        return per_image, per_image.sum(axis=0, keepdims=True) if other.shape[0] == 1 else per_image
    normalization = case.params.get("normalization", "gatys")
    channels, positions = first.shape[1], math.prod(first.shape[2:])
    c = float(spec_style.gram_scale(normalization, channels, positions))
    upstream = 2 * g[:, None, None] * c * (reference.gram_matrix(first) + reference.gram_matrix(other))
    style_upstream = upstream.sum(axis=0, keepdims=True) if other.shape[0] == 1 else upstream
    return (reference.gram_matrix_vjp(upstream, first, normalization=normalization)[0],
            reference.gram_matrix_vjp(style_upstream, other, normalization=normalization)[0])


def _style_tolerances(case: Case, grad_out: np.ndarray) -> tuple:
    """Sums of products over :func:`_style_magnitudes`; exact for integer data without normalisation.

    * gram: the upstream divided by the divisor (1), two sums of ``C`` products and their sum:
      ``T = 2 C + 2``.
    * content: a rounded difference, a product by ``2 g``: ``T = 3``; plus ``N`` for a
      broadcast content's sum over the batch.
    * style: the computed ``D̂`` is within ``γ_{M+3} c E`` of ``D`` (the forward's model,
      :mod:`convspec.conformance.strategies_style`); then ``2 g D̂`` and the division (2), the
      gram's two ``C``-term sums and their sum (``C + 1``): ``T = M + C + 8``, plus ``N``
      for a broadcast style.
    """
    default = "gatys" if case.op == "style_loss" else "none"
    integers = case.data_kind == "integers" and case.params.get("normalization", default) == "none"
    first, other = case.arrays()[0], case.arrays()[-1]
    magnitudes = _style_magnitudes(case, grad_out)
    if case.op == "gram_matrix":
        terms = (2 * first.shape[1] + 2,)
    elif case.op == "content_loss":
        terms = (3, 3 + (first.shape[0] if other.shape[0] == 1 else 0))
    else:
        base = math.prod(first.shape[2:]) + first.shape[1] + 8
        terms = (base, base + (first.shape[0] if other.shape[0] == 1 else 0))
    return tuple(SumOfProducts(t, m, case.dtype, integers) for t, m in zip(terms, magnitudes))


def _linear_upsample_bound(case: Case, grad_out: np.ndarray) -> Bound:
    """Linear modes: ``grad_x[i] = Σ_t Σ_c w_c(t) g[t]`` over the outputs ``t`` and corners ``c`` landing on ``i``.

    The weight of cell ``i`` in output ``t`` is ``W_i(t) = Π_a h_a(s_a)``, with ``h_a`` the
    (border-folded) hat function of the coordinate, which is 1-Lipschitz and in ``[0, 1]``.
    A target computes ``ŝ_a`` with ``|ŝ_a - s_a| <= δ_a = 6u(s_a + 1)`` (the forward's
    :class:`~convspec.conformance.tolerance.Interpolation` model, weights' roundings
    included), so ``|Ŵ_i(t) - W_i(t)| <= Σ_a δ_a`` -- also across an integer boundary, where
    the target picks another pair of neighbours (then ``i`` lies within ``ceil(δ_a)`` of
    the exact pair: the widened box). Then the sum: ``m`` terms into cell ``i`` (``m`` counted),
    each a product of ``D`` weights and ``g``::

        bound_i = (γ_T(u) + γ_T(u64) + u) Σ_t |W_i(t) g[t]| + Σ_{t: i in box(t)} |g[t]| Σ_a δ_a(t) + T η,
        T = m + D + 1.
    """
    x = case.inputs["x"]
    dtype = case.dtype
    args = check_upsample_arguments(
        "upsample", x.shape, scale_factor=case.params.get("scale_factor"), size=case.params.get("size"),
        mode=case.params["mode"], align_corners=case.params.get("align_corners", False),
    )
    taps = [axis_taps(args, axis) for axis in range(args.spatial_dims)]
    g = np.abs(grad_out.astype(np.float64))
    coordinate = np.zeros(x.shape)
    counts = np.zeros(x.shape[2:], dtype=np.int64)
    everything = (slice(None), slice(None))
    for position in product(*(range(len(axis)) for axis in taps)):
        box, slack = [], 0.0
        for axis, t in enumerate(position):
            s, neighbours = taps[axis][t]
            delta = Interpolation.coordinate_slack(s, dtype)
            slack += delta
            reach = math.ceil(delta)
            box.append(slice(max(min(i for i, _ in neighbours) - reach, 0),
                             min(max(i for i, _ in neighbours) + reach, args.input_size[axis] - 1) + 1))
        for corner in product(*(axis[t][1] for axis, t in zip(taps, position))):
            counts[tuple(i for i, _ in corner)] += 1
        coordinate[everything + tuple(box)] += (g[everything + position] * slack)[(...,) + (None,) * len(box)]
    terms = int(counts.max(initial=1)) + args.spatial_dims + 1
    u = UNIT_ROUNDOFF[dtype]
    magnitude = reference.upsample_vjp(g, x.astype(np.float64), **case.params)[0]
    relative = gamma(terms, u) + gamma(terms, U64) + u
    return Bound(relative * magnitude + coordinate + terms * SMALLEST_SUBNORMAL[dtype])


# ---------------------------------------------------------------------------
# The checker: a candidate VJP against autograd


def vjp_disagreement(op, case: Case, grad_out: np.ndarray, candidate) -> str | None:
    """``None`` when ``candidate(grad_out, *inputs, **params)`` agrees with autograd; else what differs."""
    expected = autograd_vjp(op, case, grad_out)
    actual = candidate(grad_out.copy(), *case.copies(), **case.params)
    tolerances = gradient_tolerances(case, grad_out)
    names = list(case.inputs)
    where = f"{op.name}_vjp on {case.describe()}"
    if not isinstance(actual, tuple) or len(actual) != len(names):
        return f"{where}: expected a tuple of {len(names)} gradients, got {type(actual).__name__}"
    for name, want, got, tolerance in zip(names, expected, actual, tolerances):
        if want is None or got is None:
            if (want is None) != (got is None):
                return f"{where}: gradient of {name}: expected {'None' if want is None else 'an array'}, got {got!r}"
            continue
        if got.shape != want.shape or got.dtype != want.dtype:
            return f"{where}: gradient of {name}: shape/dtype {got.shape}/{got.dtype}, autograd {want.shape}/{want.dtype}"
        with np.errstate(over="ignore"):  # diff / bound where the bound is a subnormal
            comparison = compare(want, got, tolerance)
        if not comparison.passed:
            return (
                f"{where}: gradient of {name} differs from autograd "
                f"({'bit-for-bit' if comparison.exact else 'rounding-error bound'}): {comparison.describe()}\n"
                f"{case.input_source()}\ngrad_out = np.array({grad_out.astype(np.float64).tolist()!r}, "
                f"dtype=np.{grad_out.dtype})"
            )
    return None


def search_for_disagreement(op, candidate, examples: int, shrink: bool = True) -> None:
    """Draw ``examples`` cases with the op's strategy; raise AssertionError at the first disagreement."""
    phases = (Phase.explicit, Phase.reuse, Phase.generate) + ((Phase.shrink,) if shrink else ())

    @settings(max_examples=examples, derandomize=True, database=None, phases=phases)
    @given(op.strategy(), st.integers(0, 2**32 - 1))
    def check(case, seed):
        problem = vjp_disagreement(op, case, draw_grad_out(op, case, seed), candidate)
        assert problem is None, problem

    check()


# ---------------------------------------------------------------------------
# 1. The reference VJPs against autograd


def test_every_differentiable_operation_has_a_vjp():
    names = {op.name for op in GRADIENT_OPS}
    assert {"correlate", "convolve", "depthwise_separable", "conv_transpose", "max_pool", "avg_pool",
            "global_max_pool", "global_avg_pool", "max_unpool", "avg_unpool", "first_unpool", "upsample",
            "relu", "sigmoid", "softmax", "flatten", "dense", "gram_matrix", "style_loss", "content_loss"} <= names


@pytest.mark.parametrize("op", GRADIENT_OPS, ids=lambda op: op.name)
def test_reference_vjp_matches_autograd(op):
    search_for_disagreement(op, reference_vjp(op.name), _examples(60))


def test_max_pool_ties_route_to_the_first_maximum_in_torch_too():
    """Ties: all of grad_out goes to the first maximum (torch's recorded index); overlaps add; NaN: the last NaN."""
    op = catalog.get("max_pool")
    cases = [
        ([[[1.0, 3.0, 3.0, 2.0]]], {"kernel_size": 4}, [[[0.0, 1.0, 0.0, 0.0]]]),
        ([[[1.0, 5.0, 2.0]]], {"kernel_size": 2, "stride": 1}, [[[0.0, 2.0, 0.0]]]),  # won twice: adds up
        ([[[np.nan, 1.0, np.nan, 0.0]]], {"kernel_size": 4}, [[[0.0, 0.0, 1.0, 0.0]]]),
        ([[[[2.0, 2.0], [2.0, 2.0]]]], {"kernel_size": 2}, [[[[1.0, 0.0], [0.0, 0.0]]]]),
    ]
    for x, params, expected in cases:
        x = np.array(x, dtype=np.float32)
        case = Case("max_pool", {"x": x}, params, "floats")
        grad_out = np.ones(op.output_shape(case), dtype=np.float32)
        (ours,) = reference.max_pool_vjp(grad_out, x, **params)
        (torch_grad,) = autograd_vjp(op, case, grad_out)
        np.testing.assert_array_equal(ours, np.array(expected, dtype=np.float32), err_msg=f"reference {params}")
        np.testing.assert_array_equal(torch_grad, ours, err_msg=f"accelerated {params}")


def test_global_max_pool_ties_route_to_the_first_maximum():
    """Regression: accelerated global_max_pool was torch.amax, whose backward shares a tie's gradient."""
    op = catalog.get("global_max_pool")
    x = np.array([[[1.0, 3.0, 3.0]]], dtype=np.float32)
    case = Case("global_max_pool", {"x": x}, {}, "floats")
    grad_out = np.ones((1, 1, 1), dtype=np.float32)
    np.testing.assert_array_equal(reference.global_max_pool_vjp(grad_out, x)[0], [[[0.0, 1.0, 0.0]]])
    np.testing.assert_array_equal(autograd_vjp(op, case, grad_out)[0], [[[0.0, 1.0, 0.0]]])


def test_max_unpool_duplicates_only_the_winning_write_gets_gradient():
    """Two pooled positions write cell 1; the later one (position 2) is in the output and gets its gradient."""
    op = catalog.get("max_unpool")
    x = np.array([[[10.0, 20.0, 30.0]]], dtype=np.float32)
    indices = np.array([[[1, 0, 1]]], dtype=np.int64)
    params = {"kernel_size": 2, "stride": 1, "padding": 0, "output_size": None}
    case = Case("max_unpool", {"x": x, "indices": indices}, params, "floats")
    grad_out = np.array([[[5.0, 7.0, 0.0, 0.0]]], dtype=np.float32)
    grad_x, grad_indices = reference.max_unpool_vjp(grad_out, x, indices, **params)
    np.testing.assert_array_equal(grad_x, [[[0.0, 5.0, 7.0]]])
    assert grad_indices is None
    np.testing.assert_array_equal(autograd_vjp(op, case, grad_out)[0], grad_x)


def test_relu_gradient_at_zero_nan_and_infinities_is_torchs():
    """0 at 0 and -0.0 (the subgradient torch, JAX and TF pick); grad_out passes at NaN and +inf; 0 at -inf."""
    op = catalog.get("relu")
    x = np.array([np.nan, 0.0, -0.0, np.inf, -np.inf, 1.0, -1.0], dtype=np.float32)
    grad_out = np.arange(1, 8, dtype=np.float32)
    expected = np.array([1, 0, 0, 4, 0, 6, 0], dtype=np.float32)  # by hand
    np.testing.assert_array_equal(reference.relu_vjp(grad_out, x)[0], expected)
    np.testing.assert_array_equal(autograd_vjp(op, Case("relu", {"x": x}, {}, "floats"), grad_out)[0], expected)


def test_activation_and_dense_gradients_by_hand():
    # sigmoid'(0) = 1/4; at ±inf 0; NaN stays NaN
    (grad,) = reference.sigmoid_vjp(np.array([4.0, 1.0, 1.0, 1.0]), np.array([0.0, np.inf, -np.inf, np.nan]))
    np.testing.assert_array_equal(grad, [1.0, 0.0, 0.0, np.nan])
    # softmax([0, ln 3]) = [1/4, 3/4]; grad_out [1, 0]: Σ g s = 1/4, grad = [1/4 · 3/4, 3/4 · (-1/4)]
    (grad,) = reference.softmax_vjp(np.array([1.0, 0.0]), np.array([0.0, math.log(3)]))
    np.testing.assert_allclose(grad, [3 / 16, -3 / 16], rtol=1e-15, atol=1e-16)
    # a -inf logit gets 0; along axis 0
    (grad,) = reference.softmax_vjp(np.array([[1.0], [2.0]]), np.array([[0.0], [-np.inf]]), axis=0)
    np.testing.assert_array_equal(grad, [[0.0], [0.0]])
    # a constant grad_out gives 0: the rows of the Jacobian sum to 0
    (grad,) = reference.softmax_vjp(np.full(3, 5.0), np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(grad, 0.0, atol=1e-15)
    # dense([[1, 2]], [[3, 4], [5, 6]]) with grad_out [[1, 10]]
    gx, gw, gb = reference.dense_vjp(np.array([[1.0, 10.0]]), np.array([[1.0, 2.0]]),
                                     np.array([[3.0, 4.0], [5.0, 6.0]]), np.array([0.0, 0.0]))
    np.testing.assert_array_equal(gx, [[53.0, 64.0]])  # 1·3 + 10·5, 1·4 + 10·6
    np.testing.assert_array_equal(gw, [[1.0, 2.0], [10.0, 20.0]])
    np.testing.assert_array_equal(gb, [1.0, 10.0])
    assert reference.dense_vjp(np.ones((1, 2)), np.ones((1, 2)), np.ones((2, 2)))[2] is None
    # flatten: the row-major index read backwards
    (grad,) = reference.flatten_vjp(np.array([[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]]), np.zeros((1, 2, 2, 2)))
    np.testing.assert_array_equal(grad, [[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]])


def test_style_gradients_by_hand_and_gatys_eq_6():
    # gram of one channel [1, 2] is [[5]]; its gradient 2a
    np.testing.assert_array_equal(reference.gram_matrix_vjp(np.array([[[1.0]]]), np.array([[[1.0, 2.0]]]))[0],
                                  [[[2.0, 4.0]]])
    # content: 2 (g - c), and the negative for the content
    gg, gc = reference.content_loss_vjp(np.array([1.0]), np.array([[[1.0, 2.0]]]), np.array([[[0.0, 0.0]]]))
    np.testing.assert_array_equal(gg, [[[2.0, 4.0]]])
    np.testing.assert_array_equal(gc, [[[-2.0, -4.0]]])
    # Gatys et al. eq. 6: dE/da = 1/(C^2 M^2) (G - A) a for raw grams G, A (spec.style.style_gradient_factor)
    rng = np.random.default_rng(4)
    gen, sty = rng.integers(-3, 4, (1, 3, 2, 2)).astype(np.float64), rng.integers(-3, 4, (1, 3, 2, 2)).astype(np.float64)
    factor = float(spec_style.style_gradient_factor("gatys", 3, 4))
    a = gen.reshape(3, 4)
    expected = factor * (reference.gram_matrix(gen)[0] - reference.gram_matrix(sty)[0]) @ a
    grad, _ = reference.style_loss_vjp(np.array([1.0]), gen, sty, normalization="gatys")
    np.testing.assert_allclose(grad.reshape(3, 4), expected, rtol=1e-14)
    # two layers with weights: the gradients are lists, each layer's scaled by its lambda
    grads, _ = reference.style_loss_vjp(np.array([1.0]), [gen, gen], [sty, sty], weights=[1.0, 3.0])
    np.testing.assert_allclose(grads[1], 3 * grads[0], rtol=1e-15)


# ---------------------------------------------------------------------------
# The input gradient of a correlation is a transposed convolution


@pytest.mark.parametrize("name", ["correlate", "convolve"])
def test_input_gradient_is_a_transposed_convolution(name):
    op = catalog.get(name)

    @settings(max_examples=_examples(30))
    @given(op.strategy(), st.integers(0, 2**32 - 1))
    def check(case, seed):
        rng = np.random.default_rng(seed)
        case = with_arrays(case, lambda _, a: rng.integers(-4, 5, size=a.shape).astype(np.float64), "integers")
        x, weight, bias = case.arrays()
        grad_out = draw_grad_out(op, case, seed)
        args = check_conv_arguments(name, x.shape, weight.shape, None, **case.params)
        pads = resolve_padding(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
        # the cells past the last window, which no window reaches: output_padding appends them
        leftover = tuple(
            lo + n + hi - ((o - 1) * s + span(k, d))
            for n, (lo, hi), o, s, k, d in zip(args.input_size, pads, grad_out.shape[2:], args.stride,
                                               args.kernel_size, args.dilation)
        )
        kernel = weight if name == "correlate" else weight[(slice(None), slice(None)) + (slice(None, None, -1),) * args.spatial_dims]
        transposed = reference.conv_transpose(
            grad_out, np.ascontiguousarray(kernel), stride=args.stride, padding=tuple(pads), output_padding=leftover,
            dilation=args.dilation, groups=args.groups,
        )
        grad_x = reference_vjp(name)(grad_out, *case.arrays(), **case.params)[0]
        np.testing.assert_array_equal(grad_x, transposed, err_msg=case.describe())  # integers: exact

    check()


# ---------------------------------------------------------------------------
# 2. The reference VJPs against central finite differences (float64)

FD_STEP = 2.0**-4  # a power of two: dividing by 2h is exact
FD_COORDINATES = 3  # perturbed elements per input, chosen at random


def _forward_terms(op, case: Case) -> int:
    """How many roundings one product passes through in the forward (1 for a selection or copy)."""
    tolerance = op.tolerance(case)
    return getattr(tolerance, "terms", 1)


def finite_difference_bound(terms: int, outputs: int, scale: float, magnitude: float, element: float,
                            derivative: float) -> float:
    """How far the float64 central difference may be from the exact derivative ``d``, from rounding alone.

    ``L(a) = Σ g · f(a)`` is affine in the perturbed element ``a_i`` (no truncation error),
    so ``(L(a + h) - L(a - h)) / 2h = d`` exactly in real arithmetic. In float64:

    * each ``L(a ± h)`` is a sum of ``outputs`` products ``g · f``, each ``f`` a sum of
      ``terms`` products: ``|err| <= γ_K · S`` with ``K = terms + outputs + 1`` and
      ``S = Σ|g| · f(|a| + h)`` (the forward on absolute values, every element raised by
      ``h``, bounds ``|f|`` and Σ|terms| at both points): the two together, over ``2h``,
      give ``γ_K S / h``;
    * ``a_i ± h`` is rounded: the step is ``2h (1 + ε)``, ``|ε| <= u (|a_i| + h) / h``, which
      moves the quotient by ``|d| ε``; the subtraction and the reference VJP's own float64
      sum add ``2u |d|`` and ``γ_K · Σ|terms of d|``.
    """
    k = terms + outputs + 1
    return gamma(k, U64) * (scale / FD_STEP + magnitude) + abs(derivative) * U64 * ((abs(element) + FD_STEP) / FD_STEP + 2)


def _fd_case(op, case: Case, seed: int) -> Case:
    """float64 data: general floats, or tie-free values spaced 4h apart for the max operations."""
    if op.name in ("max_pool", "global_max_pool"):
        return distinct_values(case, seed, spacing=4 * FD_STEP, dtype=np.float64)
    rng = np.random.default_rng(seed)
    if op.name == "relu":  # |x| >= 2h: the kink at 0 stays outside [x - h, x + h]
        return with_arrays(case, lambda _, a: rng.choice((-1.0, 1.0), a.shape) * rng.uniform(2 * FD_STEP, 2.0, a.shape),
                           "floats")
    return with_arrays(case, lambda _, a: rng.uniform(-2.0, 2.0, size=a.shape), "floats")


@pytest.mark.parametrize("op", [op for op in GRADIENT_OPS if op.name not in POLYNOMIAL_OPS + SMOOTH_OPS],
                         ids=lambda op: op.name)
def test_reference_vjp_matches_finite_differences(op):
    @settings(max_examples=_examples(10))
    @given(op.strategy(), st.integers(0, 2**32 - 1))
    def check(case, seed):
        case = _fd_case(op, case, seed)
        rng = np.random.default_rng(seed + 1)
        grad_out = rng.uniform(-2.0, 2.0, size=op.output_shape(case))
        gradients = reference_vjp(op.name)(grad_out, *case.arrays(), **case.params)
        magnitudes = _magnitudes(case, grad_out, absolute_data=op.name not in ("max_pool", "global_max_pool"))
        terms, outputs = _forward_terms(op, case), grad_out.size
        raised = [a if a is None or a.dtype.kind != "f" else np.abs(a) + FD_STEP for a in case.arrays()]
        scale = float(np.sum(np.abs(grad_out) * _values(op.reference(*raised, **case.params))))

        def loss(arrays):
            return float(np.sum(grad_out * _values(op.reference(*arrays, **case.params))))

        for position, (array, gradient, magnitude) in enumerate(zip(case.arrays(), gradients, magnitudes)):
            if gradient is None:
                continue
            for flat in rng.choice(array.size, size=min(FD_COORDINATES, array.size), replace=False):
                index = np.unravel_index(flat, array.shape)
                plus, minus = list(case.copies()), list(case.copies())
                plus[position][index] += FD_STEP
                minus[position][index] -= FD_STEP
                difference = (loss(plus) - loss(minus)) / (2 * FD_STEP)
                derivative = float(gradient[index])
                allowed = finite_difference_bound(terms, outputs, scale, float(magnitude[index]),
                                                  float(array[index]), derivative)
                assert abs(difference - derivative) <= allowed, (
                    f"{op.name}_vjp on {case.describe()}: d/d{list(case.inputs)[position]}{tuple(map(int, index))} "
                    f"is {derivative!r}, the central difference {difference!r} (allowed {allowed:.3g})"
                )

    check()


FD_SMOOTH_STEP = 2.0**-6  # sigmoid, softmax: truncation h^4 / 120 per unit of |B|, ~5e-10


def five_point_bound(terms: int, outputs: int, scale: float, slope: float, element: float, step: float) -> float:
    """Rounding in the five-point stencil ``(f(a-2h) - 8 f(a-h) + 8 f(a+h) - f(a+2h)) / 12h`` (float64).

    As :func:`finite_difference_bound`, with weights ``1 + 8 + 8 + 1 = 18`` over ``12h``: each
    loss within ``γ_K S`` (``S`` bounds Σ|terms| at every point: the forward's tolerance
    magnitude on the data raised by ``2h``) gives ``1.5 γ_K S / h``; each rounded point
    ``a ± kh`` is off by ``u (|a| + 2h)``, which moves ``f`` by at most ``slope`` (a bound on
    ``|f'|`` over ``[a - 2h, a + 2h]``) times that: ``1.5 slope u (|a| + 2h) / h``; the
    reference VJP's own float64 sum and the stencil's arithmetic: ``(γ_K + 4u) slope``.
    """
    k = terms + outputs + 1
    return (1.5 * gamma(k, U64) * scale / step + 1.5 * slope * U64 * (abs(element) + 2 * step) / step
            + (gamma(k, U64) + 4 * U64) * slope)


def _raised(case: Case, by: float) -> Case:
    return with_arrays(case, lambda _, a: np.abs(a) + by, "floats")


def _smooth_slopes(case: Case, grad_out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """sigmoid, softmax: ``L`` as a function of one element is ``A + B σ(x_j - c)`` (softmax: the other
    logits fixed, ``s_j = σ(x_j - ln R)`` and ``s_i = r_i (1 - s_j)`` with ``Σ_{i≠j} r_i = 1``), so
    ``|B| <= |g_j| + max_slice |g|`` (sigmoid: ``|g_j|``); ``|σ'| <= 1/4``, ``|σ^(5)| <= 1/4``: the
    stencil's truncation is at most ``h^4 |B| / 120`` and ``|L'| <= |B| / 4``. Returns ``(|B|, |B|)``-shaped arrays."""
    g = np.abs(grad_out)
    if case.op == "sigmoid":
        return g, g
    axis = check_softmax_axis("softmax", g.shape, case.params.get("axis", -1))
    b = g + np.max(g, axis=axis, keepdims=True)
    return b, b


@pytest.mark.parametrize("op", [op for op in GRADIENT_OPS if op.name in POLYNOMIAL_OPS + SMOOTH_OPS],
                         ids=lambda op: op.name)
def test_reference_vjp_matches_five_point_differences(op):
    """The non-affine operations: the five-point stencil is exact for polynomials of degree <= 4
    (a gram entry and the content loss are quadratic in one element, the style loss quartic);
    for sigmoid and softmax its truncation ``h^4 |f^(5)| / 30`` is bounded (:func:`_smooth_slopes`)."""
    smooth = op.name in SMOOTH_OPS
    step = FD_SMOOTH_STEP if smooth else FD_STEP

    @settings(max_examples=_examples(10))
    @given(op.strategy(), st.integers(0, 2**32 - 1))
    def check(case, seed):
        rng = np.random.default_rng(seed)
        case = with_arrays(case, lambda _, a: rng.uniform(-2.0, 2.0, size=a.shape), "floats")
        grad_out = rng.uniform(-2.0, 2.0, size=op.output_shape(case))
        gradients = reference_vjp(op.name)(grad_out, *case.arrays(), **case.params)
        raised = _raised(case, 2 * step)
        if smooth:  # every output in [0, 1]
            scale = float(np.sum(np.abs(grad_out)))
            terms = _forward_terms(op, raised)
            b, _ = _smooth_slopes(case, grad_out)
            slopes = [b / 4]
            truncations = [step**4 * b / 120]
        else:
            tolerance = op.tolerance(raised)
            magnitude = tolerance.magnitude
            scale = float(np.sum(np.abs(grad_out) * magnitude))
            terms = tolerance.terms
            slopes = list(_style_magnitudes(raised, grad_out))
            truncations = [np.zeros(a.shape) for a in case.arrays()]

        def loss(arrays):
            return float(np.sum(grad_out * op.reference(*arrays, **case.params)))

        for position, (array, gradient) in enumerate(zip(case.arrays(), gradients)):
            for flat in rng.choice(array.size, size=min(FD_COORDINATES, array.size), replace=False):
                index = np.unravel_index(flat, array.shape)
                values = []
                for k in (-2, -1, 1, 2):
                    arrays = case.copies()
                    arrays[position][index] += k * step
                    values.append(loss(arrays))
                difference = (values[0] - 8 * values[1] + 8 * values[2] - values[3]) / (12 * step)
                derivative = float(gradient[index])
                allowed = five_point_bound(terms, grad_out.size, scale, float(slopes[position][index]),
                                           float(array[index]), step) + float(truncations[position][index])
                assert abs(difference - derivative) <= allowed, (
                    f"{op.name}_vjp on {case.describe()}: d/d{list(case.inputs)[position]}{tuple(map(int, index))} "
                    f"is {derivative!r}, the five-point difference {difference!r} (allowed {allowed:.3g})"
                )

    check()


def _values(result):
    return result[0] if isinstance(result, tuple) else result


# ---------------------------------------------------------------------------
# 3. The adjoint identity <J v, u> == <v, Jᵀ u>, exactly


def _fractions(case: Case, seed: int) -> Case:
    """Integer-valued ``Fraction`` object arrays: the reference then computes exactly (divisions and weights too)."""
    rng = np.random.default_rng(seed)

    def make(_, a):
        values = rng.integers(-4, 5, size=a.shape)
        return np.vectorize(Fraction, otypes=[object])(values) if values.size else values.astype(object)

    return with_arrays(case, make, "integers")


def _dot(a, b) -> Fraction:
    return sum((Fraction(p) * Fraction(q) for p, q in zip(np.ravel(a), np.ravel(b))), Fraction(0))


@pytest.mark.parametrize("op", [op for op in GRADIENT_OPS if op.name in LINEAR_OPS], ids=lambda op: op.name)
def test_adjoint_identity(op):
    """For each argument the operation is linear in (the others fixed, bias dropped): <J v, u> == <v, Jᵀ u>."""

    @settings(max_examples=_examples(15))
    @given(op.strategy(), st.integers(0, 2**32 - 1))
    def check(case, seed):
        case = _fractions(case, seed)
        names = list(case.inputs)
        arrays = case.arrays()
        if "bias" in case.inputs:
            arrays[names.index("bias")] = None  # an affine term: J does not see it
        shape = op.output_shape(case)
        u = _fractions(Case(case.op, {"u": np.zeros(shape)}, {}, "floats"), seed + 1).inputs["u"]
        adjoint = reference_vjp(op.name)(u, *arrays, **case.params)
        for position, (array, gradient) in enumerate(zip(arrays, adjoint)):
            if array is None or gradient is None:
                continue
            forward = op.reference(*arrays, **case.params)  # arrays[position] plays v: linear in it
            assert _dot(_values(forward), u) == _dot(array, gradient), (
                f"{op.name}: <J v, u> != <v, J^T u> for {names[position]} on {case.describe()}"
            )

    check()


# ---------------------------------------------------------------------------
# Planted bugs: the checker catches every gradient mutant


def _mutant(path: Path):
    spec = importlib.util.spec_from_file_location(f"convspec_gradient_mutant_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_there_are_at_least_eight_gradient_mutants():
    assert len(MUTANT_FILES) >= 8, [path.name for path in MUTANT_FILES]


MUTANT_EXAMPLES = 100  # per mutant; a mutant may ask for more with EXAMPLES (the search stops at the first catch)


@pytest.mark.parametrize("path", MUTANT_FILES, ids=lambda path: path.stem)
def test_gradient_mutant_is_caught(path):
    module = _mutant(path)
    assert (module.__doc__ or "").strip() and module.PLANTED_BUG.strip(), f"{path.name}: say what is wrong"
    op = catalog.get(module.OP)
    candidate = getattr(module, f"{module.OP}_vjp")
    with pytest.raises(AssertionError, match="differs from autograd"):
        search_for_disagreement(op, candidate, getattr(module, "EXAMPLES", MUTANT_EXAMPLES), shrink=False)
