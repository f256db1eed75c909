"""Mutant: with a scale factor, the step is recomputed from the sizes.

Given ``scale_factor``, the step is ``1 / scale_factor`` (torch with
``recompute_scale_factor`` unset, ONNX ``scales``); the port computes the output size
and then uses ``n / o``, as TensorFlow's size-only ``resize`` (or torch with
``recompute_scale_factor=True``) does. Only factors with ``n * scale_factor`` not an
integer show it (5 samples scaled by 1.5).
"""

import math
from fractions import Fraction

import numpy as np

from convspec.spec.upsample import LINEAR_MODES, check_upsample_arguments

PLANTED_BUG = "with scale_factor given, the step is n / o (recomputed) instead of 1 / scale_factor."
BUGGY_OPS = ("upsample",)

HALF = Fraction(1, 2)


def _step(args, axis, n, o):
    return Fraction(n, o)  # BUG: ignores the scale factor's own step


def _nearest_source(t, n, r, mode):
    centre = HALF if mode == "nearest_exact" else 0
    return min(math.floor((t + centre) * r), n - 1)


def _linear_coordinate(t, n, o, r, align_corners):
    return (Fraction(0) if o == 1 else Fraction(t * (n - 1), o - 1)) if align_corners else max((t + HALF) * r - HALF, Fraction(0))


def upsample(x, *, scale_factor=None, size=None, mode="nearest", align_corners=False):
    args = check_upsample_arguments(
        "upsample", x.shape, scale_factor=scale_factor, size=size, mode=mode, align_corners=align_corners
    )
    y = x.astype(np.float64)
    for axis, (n, o) in enumerate(zip(args.input_size, args.output_size)):
        r = _step(args, axis, n, o)
        if mode not in LINEAR_MODES:
            y = np.take(y, [_nearest_source(t, n, r, mode) for t in range(o)], axis=2 + axis)
            continue
        coordinates = [_linear_coordinate(t, n, o, r, align_corners) for t in range(o)]
        i0 = [math.floor(s) for s in coordinates]
        i1 = [min(i + 1, n - 1) for i in i0]
        lam = np.array([float(s - i) for s, i in zip(coordinates, i0)]).reshape((-1,) + (1,) * (x.ndim - 3 - axis))
        y = np.take(y, i0, axis=2 + axis) * (1 - lam) + np.take(y, i1, axis=2 + axis) * lam
    return y.astype(x.dtype)
