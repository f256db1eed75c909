"""The tolerance models of ``upsample``, forward (:func:`upsample_tolerance`) and backward
(:func:`gradient_tolerances`), and the spec's output shape: the catalog's per-case hooks."""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache
from itertools import product

import numpy as np

from convspec import reference
from convspec.reference.upsample import axis_taps, rounded_product, upsample
from convspec.spec.upsample import (
    CUBIC_COEFFICIENT, CUBIC_MODES, LINEAR_MODES, check_upsample_arguments, upsample_output_shape as _shape,
)

from convspec.conformance.case import Case
from convspec.conformance.gradient_bounds import U64, Bound, magnitudes
from convspec.conformance.tolerance import SMALLEST_SUBNORMAL, UNIT_ROUNDOFF, Exact, Interpolation, SumOfProducts, gamma


def _arguments(case: Case):
    x = case.inputs["x"]
    return check_upsample_arguments(
        case.op, x.shape,
        scale_factor=case.params.get("scale_factor"), size=case.params.get("size"),
        mode=case.params.get("mode", "nearest"), align_corners=case.params.get("align_corners", False),
        cubic_coefficient=case.params.get("cubic_coefficient", CUBIC_COEFFICIENT),
    )


def upsample_output_shape(case: Case) -> tuple[int, ...]:
    """The spec's closed form: ``(N, C, *size)`` or ``(N, C, *floor(n * sigma))``."""
    return _shape(case.inputs["x"].shape, _arguments(case))


def upsample_tolerance(case: Case, dtype: str | None = None) -> Exact | Interpolation:
    """Exact for the nearest modes (they copy); :class:`Interpolation` for the linear modes.

    ``dtype`` is the precision the target computes in, the case's dtype by default (a
    test may hand float64 copies of bfloat16 values, which numpy cannot hold, and name
    ``"bfloat16"`` here).
    """
    dtype = case.dtype if dtype is None else dtype
    args = _arguments(case)
    x = case.inputs["x"]
    shape = _shape(x.shape, args)
    if args.mode in CUBIC_MODES:
        return _cubic_tolerance(case, args, dtype)
    if args.mode not in LINEAR_MODES:
        return Exact(shape)
    absolute = np.abs(x.astype(np.float64))
    magnitude = upsample(absolute, **case.params)
    # The largest |x| in each output's neighbourhood box: the box is a product of one interval per axis, so
    # its maximum is taken one axis at a time (a loop over the output length of each axis, not over every
    # output position); the coordinate error is the sum of the axes' slacks, added in axis order.
    neighbourhood = absolute
    coordinate_error = np.zeros((1, 1) + shape[2:])
    for axis in range(args.spatial_dims):
        at, n = 2 + axis, args.input_size[axis]
        maxima, slacks = [], []
        for s, neighbours in axis_taps(args, axis):
            slack = Interpolation.coordinate_slack(s, dtype)
            reach = math.ceil(slack)
            lowest = max(min(i for i, _ in neighbours) - reach, 0)
            highest = min(max(i for i, _ in neighbours) + reach, n - 1) + 1
            maxima.append(np.take(neighbourhood, range(lowest, highest), axis=at).max(axis=at, initial=0.0))
            slacks.append(slack)
        neighbourhood = np.stack(maxima, axis=at)
        coordinate_error = coordinate_error + np.reshape(slacks, [len(slacks) if a == at else 1 for a in range(x.ndim)])
    terms = 2**args.spatial_dims + args.spatial_dims
    return Interpolation(terms, magnitude, neighbourhood, coordinate_error, dtype)


def gradient_tolerances(case: Case, grad_out: np.ndarray) -> tuple:
    """One tolerance per array argument of the VJP (the input ``x``): nearest modes sum ``grad_out`` over
    the outputs that read a cell (counted; exact for integer-valued data); linear modes see
    :func:`_linear_upsample_bound`."""
    if case.op != "upsample":
        raise AssertionError(f"no gradient tolerance model for {case.op!r}")
    if case.params.get("mode", "nearest") in LINEAR_MODES:
        return (_linear_upsample_bound(case, grad_out),)
    if case.params.get("mode") in CUBIC_MODES:
        return (_cubic_upsample_bound(case, grad_out),)
    x = case.inputs["x"]
    readers = reference.upsample_vjp(np.ones(grad_out.shape), x.astype(np.float64), **case.params)[0]
    terms = max(int(readers.max(initial=1)), 1)
    return (SumOfProducts(terms, magnitudes(case, grad_out)[0], case.dtype, case.data_kind == "integers"),)


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


# ---- bicubic -----------------------------------------------------------------------------------------

@lru_cache(maxsize=64)
def keys_bounds(a: Fraction) -> tuple[float, float, float]:
    """``(G, S, P)`` for Keys' kernel ``W`` with coefficient ``a`` (``spec/upsample_cubic.py``).

    ``G = max_lam Σ_k |W'(lam + 1 - k)|`` over the four taps (the Lipschitz constant of an
    output along one axis, per unit of ``max |x|``), ``S = max_lam Σ_k |W(lam + 1 - k)|`` (the
    weights' absolute sum) and ``P = max(|a + 2| + |a + 3| + 1, 48 |a|)``, the sum of the
    absolute Horner terms of either piece at ``|d| <= 2`` (the weight evaluation's error scale).
    ``G`` and ``S`` are maxima over a grid of step ``h`` plus ``h/2`` times a bound on the
    derivative of the summed function (``Σ|W''| <= 2 (6|a + 2| + 2|a + 3|) + 8|a|``, resp. ``G``),
    so they bound the true maxima.
    """
    a = float(a)
    lam = np.linspace(0.0, 1.0, 2001)
    h = lam[1] - lam[0]
    slope, size = np.zeros_like(lam), np.zeros_like(lam)
    for shift in (1.0, 0.0, -1.0, -2.0):
        d = np.abs(lam + shift)
        inner = d <= 1
        value = np.where(inner, (a + 2) * d**3 - (a + 3) * d**2 + 1, a * (d**3 - 5 * d**2 + 8 * d - 4))
        derivative = np.where(inner, 3 * (a + 2) * d**2 - 2 * (a + 3) * d, a * (3 * d**2 - 10 * d + 8))
        size += np.abs(np.where(d < 2, value, 0.0))
        slope += np.abs(np.where(d < 2, derivative, 0.0))
    curvature = 2 * (6 * abs(a + 2) + 2 * abs(a + 3)) + 8 * abs(a)
    g = float(slope.max()) + curvature * h / 2
    return g, float(size.max()) + g * h / 2, max(abs(a + 2) + abs(a + 3) + 1, 48 * abs(a))


def _cubic_weight_slack(args, taps, position, dtype: str) -> tuple[float, list[slice]]:
    """How far a target's weight product may be off for one output, and the widened 4^D tap box.

    Per axis a computed coordinate is off by ``δ_a = 6u(|s_a| + 1)`` and each computed weight by
    ``E = γ_8(u) P`` (Horner's roundings, ``P`` of :func:`keys_bounds`); a border-folded weight sum
    ``h_a`` (the weights of the taps landing on one cell) then moves by at most ``e_a = G δ_a + 4E``
    and stays within ``S + e_a``. Moving one axis at a time, a product of ``D`` such sums moves by at
    most ``Σ_a e_a Π_{b≠a} (S + e_b)``; an output ``Σ W x`` by that times ``max |x|`` over the box.
    """
    g, size, horner = keys_bounds(args.cubic_coefficient)
    evaluation = 4 * gamma(8, UNIT_ROUNDOFF[dtype]) * horner
    errors, box = [], []
    for axis, t in enumerate(position):
        s, neighbours = taps[axis][t]
        delta = Interpolation.coordinate_slack(s, dtype)
        errors.append(g * delta + evaluation)
        reach = math.ceil(delta)
        box.append(slice(max(min(i for i, _ in neighbours) - reach, 0),
                         min(max(i for i, _ in neighbours) + reach, args.input_size[axis] - 1) + 1))
    slack = sum(e * math.prod(size + f for b, f in enumerate(errors) if b != a) for a, e in enumerate(errors))
    return slack, box


def _cubic_tolerance(case: Case, args, dtype: str) -> Interpolation:
    """Bicubic: the :class:`Interpolation` model with Keys' weights (which may be negative).

    ``magnitude`` is ``Σ |w_c| |x_c|`` over the 4^D taps, ``T = 4^D + D`` roundings on any
    evaluation path, and the coordinate and weight errors of :func:`_cubic_weight_slack` in place
    of the hat functions' ``2 M Σ δ_a`` (``coordinate_error`` carries half of it: the model doubles).
    """
    x = case.inputs["x"]
    absolute = np.abs(x.astype(np.float64))
    shape = _shape(x.shape, args)
    taps = [axis_taps(args, axis) for axis in range(args.spatial_dims)]
    magnitude = np.zeros(shape)
    neighbourhood = np.zeros(shape)
    coordinate_error = np.zeros((1, 1) + shape[2:])
    everything = (slice(None), slice(None))
    spatial_axes = tuple(range(2, x.ndim))
    for position in product(*(range(len(axis)) for axis in taps)):
        for corner in product(*(axis[t][1] for axis, t in zip(taps, position))):
            weight = abs(rounded_product([w for _, w in corner]))
            magnitude[everything + position] += weight * absolute[everything + tuple(i for i, _ in corner)]
        slack, box = _cubic_weight_slack(args, taps, position, dtype)
        neighbourhood[everything + position] = absolute[everything + tuple(box)].max(axis=spatial_axes, initial=0.0)
        coordinate_error[everything + position] = slack / 2
    return Interpolation(4**args.spatial_dims + args.spatial_dims, magnitude, neighbourhood, coordinate_error, dtype)


def _cubic_upsample_bound(case: Case, grad_out: np.ndarray) -> Bound:
    """Bicubic: ``grad_x[i] = Σ_t W_i(t) g[t]`` with ``W_i(t)`` the product of the border-folded weight sums.

    Each ``Ŵ_i(t)`` is off by at most the slack of :func:`_cubic_weight_slack` (for every cell ``i``
    of the widened box of ``t``), then ``m`` terms (counted) are summed::

        bound_i = (γ_T(u) + γ_T(u64) + u) Σ_t |W_i(t) g[t]| + Σ_{t: i in box(t)} |g[t]| slack(t) + T η,
        T = m + D + 1.
    """
    x = case.inputs["x"]
    dtype = case.dtype
    args = _arguments(case)
    taps = [axis_taps(args, axis) for axis in range(args.spatial_dims)]
    g = np.abs(grad_out.astype(np.float64))
    coordinate = np.zeros(x.shape)
    magnitude = np.zeros(x.shape)
    counts = np.zeros(x.shape[2:], dtype=np.int64)
    everything = (slice(None), slice(None))
    for position in product(*(range(len(axis)) for axis in taps)):
        slack, box = _cubic_weight_slack(args, taps, position, dtype)
        for corner in product(*(axis[t][1] for axis, t in zip(taps, position))):
            index = tuple(i for i, _ in corner)
            counts[index] += 1
            magnitude[everything + index] += abs(rounded_product([w for _, w in corner])) * g[everything + position]
        coordinate[everything + tuple(box)] += (g[everything + position] * slack)[(...,) + (None,) * len(box)]
    terms = int(counts.max(initial=1)) + args.spatial_dims + 1
    u = UNIT_ROUNDOFF[dtype]
    relative = gamma(terms, u) + gamma(terms, U64) + u
    return Bound(relative * magnitude + coordinate + terms * SMALLEST_SUBNORMAL[dtype])
