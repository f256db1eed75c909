"""Backward passes, checked: the tolerance models of the gradients and the machinery that compares VJPs.

One implementation, shared by ``convspec check TARGET --grad`` (:func:`convspec.conformance.runner.run_gradient`)
and ``tests/test_gradients.py`` (which checks the reference VJPs themselves against autograd,
finite differences and the adjoint identity):

* :data:`GRADIENT_OPS`: the catalog's differentiable operations, those with a reference VJP
  ``convspec.reference.<op>_vjp(grad_out, *inputs, **params)`` (the gradients of
  ``L = sum(grad_out * <op>(*inputs))``, one per array argument, ``None`` where there is none);
* :func:`draw_grad_out`: the upstream gradient of a case, of the forward output's shape, dtype and data kind;
* :func:`gradient_tolerances`: one tolerance per array argument, derived per operation from
  rounding-error bounds -- bit for bit where every gradient is a sum of integer products and
  the data are integer-valued, ``γ_n · Σ|terms|`` otherwise (see its docstring);
* :func:`torch_gradients`, :func:`torch_vjp`, :func:`autograd_vjp`: ``torch.autograd.grad``
  as a numpy-in, numpy-out VJP (``convspec.accelerated``, the torch adapter);
  :func:`jax_gradients`: ``jax.vjp`` likewise (the jax adapter);
* :func:`compare_gradients`, :func:`vjp_disagreement`, :func:`search_for_disagreement`:
  a candidate VJP against expected gradients (autograd, or the reference VJP) under those tolerances.

Neither torch nor jax is imported here until a function that needs it runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import product
from typing import Callable, Sequence

import numpy as np
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from convspec import reference
from convspec.reference.upsample import axis_taps
from convspec.reference.windows import span
from convspec.spec import style as spec_style
from convspec.spec.activations import check_softmax_axis
from convspec.spec.upsample import LINEAR_MODES, check_upsample_arguments

from convspec.conformance import catalog
from .case import Case
from .strategies import random_array
from .tolerance import (
    SMALLEST_SUBNORMAL,
    UNIT_ROUNDOFF,
    Comparison,
    Exact,
    Interpolation,
    SumOfProducts,
    compare,
    gamma,
)

U64 = UNIT_ROUNDOFF["float64"]

#: the differentiable operations of the catalog: those with a reference VJP
GRADIENT_OPS = tuple(op for op in catalog.CATALOG if hasattr(reference, f"{op.name}_vjp"))
GRADIENT_OP_NAMES = frozenset(op.name for op in GRADIENT_OPS)


def reference_vjp(name: str) -> Callable:
    """``convspec.reference.<name>_vjp``."""
    return getattr(reference, f"{name}_vjp")


def draw_grad_out(op, case: Case, seed: int) -> np.ndarray:
    """``grad_out`` of the forward output's shape, of the case's dtype and data kind."""
    return random_array(op.output_shape(case), case.dtype, case.data_kind, np.random.default_rng(seed))


# ---------------------------------------------------------------------------
# Autograd (torch) and jax.vjp as numpy-in, numpy-out VJPs


def _is_floating(array) -> bool:
    return array is not None and np.asarray(array).dtype.kind == "f"


def torch_leaves(arrays: Sequence, device: str = "cpu") -> list:
    """Tensors of ``arrays`` on ``device``: floating ones as leaves that require grad, integer ones as they are."""
    import torch

    tensors = []
    for array in arrays:
        if array is None:
            tensors.append(None)
            continue
        tensor = torch.from_numpy(np.ascontiguousarray(array)).to(device)
        tensors.append(tensor.requires_grad_(True) if tensor.dtype.is_floating_point else tensor)
    return tensors


def torch_gradients(out, tensors: Sequence, grad_out: np.ndarray) -> tuple:
    """``torch.autograd.grad(out, leaves, grad_outputs=grad_out)`` as numpy, one entry per tensor.

    ``out`` may be a tuple (max_pool's values and indices: the indices carry no gradient);
    ``None`` for a tensor that is ``None`` or does not require grad; zeros where autograd
    finds the output independent of a leaf.
    """
    import torch

    if isinstance(out, tuple):
        out = out[0]
    wanted = [t for t in tensors if t is not None and t.requires_grad]
    upstream = torch.from_numpy(np.ascontiguousarray(grad_out)).to(out.device)
    grads = iter(torch.autograd.grad(out, wanted, grad_outputs=upstream, allow_unused=True))
    result = []
    for tensor in tensors:
        if tensor is None or not tensor.requires_grad:
            result.append(None)
            continue
        grad = next(grads)
        dtype = np.dtype(str(tensor.dtype).removeprefix("torch."))
        result.append(np.zeros(tuple(tensor.shape), dtype=dtype) if grad is None else grad.detach().cpu().numpy())
    return tuple(result)


def torch_vjp(forward: Callable, device: str = "cpu") -> Callable:
    """A numpy VJP ``vjp(grad_out, *arrays, **params)`` of ``forward(*tensors, **params)`` by autograd.

    TF32 is off (the float32 tolerance assumes float32 arithmetic), as in the forward check.
    """

    def vjp(grad_out, *arrays, **params):
        import torch

        from convspec.accelerated._backend import checking_flags

        tensors = torch_leaves(arrays, device)
        with torch.enable_grad(), checking_flags():
            return torch_gradients(forward(*tensors, **params), tensors, grad_out)

    vjp.__name__ = f"{getattr(forward, '__name__', 'forward')}_vjp"
    return vjp


def autograd_vjp(op, case: Case, grad_out: np.ndarray, device: str = "cpu") -> tuple:
    """``torch.autograd.grad`` of ``convspec.accelerated.<op>`` with ``grad_outputs=grad_out``; ``None`` where no gradient."""
    return torch_vjp(op.accelerated, device)(grad_out, *case.copies(), **case.params)


def jax_gradients(forward: Callable, arrays: Sequence, grad_out: np.ndarray) -> tuple:
    """``jax.vjp`` of ``forward(*primals)`` (one primal per floating array) with cotangent ``grad_out``, as numpy.

    ``forward`` receives jax arrays for the floating entries of ``arrays`` (in order) and
    returns the output (or a tuple whose first entry is the output); the gradients come
    back in each array's dtype, ``None`` for ``None`` and integer arrays.
    """
    import jax
    import jax.numpy as jnp

    positions = [i for i, a in enumerate(arrays) if _is_floating(a)]
    primals = [jnp.asarray(arrays[i]) for i in positions]

    def first(*values):
        out = forward(*values)
        return out[0] if isinstance(out, tuple) else out

    out, pullback = jax.vjp(first, *primals)
    grads = pullback(jnp.asarray(grad_out).astype(out.dtype))
    result: list = [None] * len(arrays)
    for i, grad in zip(positions, grads):
        result[i] = np.asarray(grad).astype(np.asarray(arrays[i]).dtype)
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


def magnitudes(case: Case, grad_out: np.ndarray, absolute_data: bool = True) -> tuple:
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
        mags = magnitudes(case, grad_out)
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
        return tuple(None if m is None else SumOfProducts(t, m, dtype, integers) for m in magnitudes(case, grad_out))
    if name in ("max_pool", "avg_pool"):
        rank = case.inputs["x"].ndim - 2
        kernel = _per_axis(case.params["kernel_size"], rank)
        stride = _per_axis(case.params.get("stride") or kernel, rank)
        dilation = _per_axis(case.params.get("dilation", 1), rank)
        windows = _windows_per_cell(kernel, stride, dilation)
        (magnitude,) = magnitudes(case, grad_out, absolute_data=(name == "avg_pool"))
        if name == "max_pool":
            if windows == 1:
                return (Exact(magnitude.shape),)
            return (SumOfProducts(windows, magnitude, dtype, integers),)
        return (SumOfProducts(windows + 1, magnitude, dtype, False),)
    if name == "global_max_pool":
        return (Exact(case.inputs["x"].shape),)
    if name == "global_avg_pool":
        return (SumOfProducts(2, magnitudes(case, grad_out)[0], dtype, False),)
    if name in ("max_unpool", "first_unpool"):
        return (Exact(case.inputs["x"].shape),) + ((None,) if name == "max_unpool" else ())
    if name == "avg_unpool":
        rank = case.inputs["x"].ndim - 2
        kernel = _per_axis(case.params["kernel_size"], rank)
        return (SumOfProducts(math.prod(kernel), magnitudes(case, grad_out)[0], dtype, integers),)
    if name == "upsample":
        if case.params.get("mode", "nearest") in LINEAR_MODES:
            return (_linear_upsample_bound(case, grad_out),)
        x = case.inputs["x"]
        readers = reference.upsample_vjp(np.ones(grad_out.shape), x.astype(np.float64), **case.params)[0]
        terms = max(int(readers.max(initial=1)), 1)
        return (SumOfProducts(terms, magnitudes(case, grad_out)[0], dtype, integers),)
    if name in ("relu", "flatten"):
        return (Exact(case.inputs["x"].shape),)
    if name == "dense":
        x, weight, bias = arrays
        batch, n_out = grad_out.shape
        terms = (n_out, batch, batch)
        return tuple(None if m is None else SumOfProducts(max(t, 1), m, dtype, integers)
                     for t, m in zip(terms, magnitudes(case, grad_out)))
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


def style_magnitudes(case: Case, grad_out: np.ndarray) -> tuple:
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
    """Sums of products over :func:`style_magnitudes`; exact for integer data without normalisation.

    * gram: the upstream divided by the divisor (1), two sums of ``C`` products and their sum:
      ``T = 2 C + 2``.
    * content: a rounded difference, a product by ``2 g``: ``T = 3``; plus ``N`` for a
      broadcast content's sum over the batch.
    * style: the computed ``D̂`` is within ``γ_{M+3} c E`` of ``D`` (the forward's model,
      :mod:`convspec.conformance.families.style.strategies`); then ``2 g D̂`` and the division (2), the
      gram's two ``C``-term sums and their sum (``C + 1``): ``T = M + C + 8``, plus ``N``
      for a broadcast style.
    """
    default = "gatys" if case.op == "style_loss" else "none"
    integers = case.data_kind == "integers" and case.params.get("normalization", default) == "none"
    first, other = case.arrays()[0], case.arrays()[-1]
    magnitudes = style_magnitudes(case, grad_out)
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
# The checker: a candidate VJP against expected gradients


@dataclass(frozen=True)
class GradientMismatch:
    """Why a candidate's gradients differ from the expected ones: the argument and what differs."""

    argument: str | None  # None: the result as a whole (not a tuple of the right length)
    reason: str
    comparison: Comparison | None = None


def compare_gradients(op, case: Case, grad_out: np.ndarray, expected: Sequence, actual,
                      against: str = "autograd") -> tuple[GradientMismatch | None, list[Comparison]]:
    """Compare ``actual`` (a candidate's gradients) with ``expected`` under :func:`gradient_tolerances`.

    Returns the first mismatch (``None`` when all agree) and the comparisons made, one per
    gradient compared (for the worst ratio and the bit-exact count).
    """
    names = list(case.inputs)
    if not isinstance(actual, (tuple, list)) or len(actual) != len(names):
        got = f"{len(actual)} entries" if isinstance(actual, (tuple, list)) else type(actual).__name__
        return GradientMismatch(None, f"expected a tuple of {len(names)} gradients ({', '.join(names)}), got {got}"), []
    tolerances = gradient_tolerances(case, grad_out)
    comparisons = []
    for name, want, got, tolerance in zip(names, expected, actual, tolerances):
        if want is None or got is None:
            if (want is None) != (got is None):
                return GradientMismatch(
                    name, f"gradient of {name}: expected {'None' if want is None else 'an array'}, got {got!r}"), comparisons
            continue
        if not isinstance(got, np.ndarray):
            return GradientMismatch(name, f"gradient of {name}: {type(got).__name__}, not a numpy.ndarray"), comparisons
        if got.shape != want.shape or got.dtype != want.dtype:
            return GradientMismatch(
                name, f"gradient of {name}: shape/dtype {got.shape}/{got.dtype}, {against} {want.shape}/{want.dtype}"
            ), comparisons
        with np.errstate(over="ignore"):  # diff / bound where the bound is a subnormal
            comparison = compare(want, got, tolerance)
        comparisons.append(comparison)
        if not comparison.passed:
            return GradientMismatch(
                name,
                f"gradient of {name} differs from {against} "
                f"({'bit-for-bit' if comparison.exact else 'rounding-error bound'}): {comparison.describe()}",
                comparison,
            ), comparisons
    return None, comparisons


def grad_out_source(grad_out: np.ndarray) -> str:
    """A Python line that rebuilds ``grad_out`` exactly."""
    return Case("grad_out", {"grad_out": grad_out}, {}, "floats").input_source()


def vjp_disagreement(op, case: Case, grad_out: np.ndarray, candidate, expected=None) -> str | None:
    """``None`` when ``candidate(grad_out, *inputs, **params)`` agrees with autograd; else what differs.

    ``expected``: the gradients to compare with (default: :func:`autograd_vjp` through
    ``convspec.accelerated``).
    """
    against = "autograd" if expected is None else "the expected gradients"
    if expected is None:
        expected = autograd_vjp(op, case, grad_out)
    actual = candidate(grad_out.copy(), *case.copies(), **case.params)
    mismatch, _ = compare_gradients(op, case, grad_out, expected, actual, against)
    if mismatch is None:
        return None
    return f"{op.name}_vjp on {case.describe()}: {mismatch.reason}\n{case.input_source()}\n{grad_out_source(grad_out)}"


def search_for_disagreement(op, candidate, examples: int, shrink: bool = True) -> None:
    """Draw ``examples`` cases with the op's strategy; raise AssertionError at the first disagreement with autograd."""
    phases = (Phase.explicit, Phase.reuse, Phase.generate) + ((Phase.shrink,) if shrink else ())

    @settings(max_examples=examples, derandomize=True, database=None, phases=phases)
    @given(op.strategy(), st.integers(0, 2**32 - 1))
    def check(case, seed):
        problem = vjp_disagreement(op, case, draw_grad_out(op, case, seed), candidate)
        assert problem is None, problem

    check()
