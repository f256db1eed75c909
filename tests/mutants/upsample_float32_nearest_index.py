"""Mutant: nearest indices in float32, as torch computes them.

The port computes the source index as ``floor(fl32(t) * fl32(r))``, torch's own
formula. At exact boundaries (``2 -> 82`` samples, ``t = 41``: ``41 * 2/82 = 1``)
``fl32(2/82)`` lies below ``2/82`` and the product rounds to ``0.99999994``: the port
reads the sample before. Only the strategy's rounding-boundary cases show it.
"""

import math
from fractions import Fraction

import numpy as np

from convspec.spec.upsample import LINEAR_MODES, check_upsample_arguments

PLANTED_BUG = "nearest indices computed in float32 (torch's floorf(t * fl32(r))): off by one at exact boundaries."
BUGGY_OPS = ("upsample",)

HALF = Fraction(1, 2)


def _step(args, axis, n, o):
    return 1 / args.scale_factor[axis] if args.scale_factor else Fraction(n, o)


def _nearest_source(t, n, r, mode):
    centre = HALF if mode == "nearest_exact" else 0
    return min(int(np.floor(np.float32(t + centre) * np.float32(r))), n - 1)  # BUG: float32 arithmetic


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
