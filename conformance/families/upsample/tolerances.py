"""The tolerance models of ``upsample``, forward (:func:`upsample_tolerance`) and backward
(:func:`gradient_tolerances`), and the spec's output shape: the catalog's per-case hooks."""

from __future__ import annotations

import math
from itertools import product

import numpy as np

from convspec import reference
from convspec.reference.upsample import axis_taps, upsample
from convspec.spec.upsample import LINEAR_MODES, check_upsample_arguments, upsample_output_shape as _shape

from convspec.conformance.case import Case
from convspec.conformance.gradient_bounds import U64, Bound, magnitudes
from convspec.conformance.tolerance import SMALLEST_SUBNORMAL, UNIT_ROUNDOFF, Exact, Interpolation, SumOfProducts, gamma


def _arguments(case: Case):
    x = case.inputs["x"]
    return check_upsample_arguments(
        case.op, x.shape,
        scale_factor=case.params.get("scale_factor"), size=case.params.get("size"),
        mode=case.params.get("mode", "nearest"), align_corners=case.params.get("align_corners", False),
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
    if args.mode not in LINEAR_MODES:
        return Exact(shape)
    absolute = np.abs(x.astype(np.float64))
    magnitude = upsample(absolute, **case.params)
    taps = [axis_taps(args, axis) for axis in range(args.spatial_dims)]
    neighbourhood = np.zeros(shape)
    coordinate_error = np.zeros((1, 1) + shape[2:])
    everything = (slice(None), slice(None))
    spatial_axes = tuple(range(2, x.ndim))
    for position in product(*(range(len(axis)) for axis in taps)):
        box, error = [], 0.0
        for axis, t in enumerate(position):
            s, neighbours = taps[axis][t]
            slack = Interpolation.coordinate_slack(s, dtype)
            reach = math.ceil(slack)
            lowest = min(i for i, _ in neighbours) - reach
            highest = max(i for i, _ in neighbours) + reach
            box.append(slice(max(lowest, 0), min(highest, args.input_size[axis] - 1) + 1))
            error += slack
        neighbourhood[everything + position] = absolute[everything + tuple(box)].max(axis=spatial_axes, initial=0.0)
        coordinate_error[everything + position] = error
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
