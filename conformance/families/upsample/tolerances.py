"""The catalog's per-case functions for ``upsample``: its tolerance model and the spec's output shape."""

from __future__ import annotations

import math
from itertools import product

import numpy as np

from convspec.reference.upsample import axis_taps, upsample
from convspec.spec.upsample import LINEAR_MODES, check_upsample_arguments, upsample_output_shape as _shape

from convspec.conformance.case import Case
from convspec.conformance.tolerance import Exact, Interpolation


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
