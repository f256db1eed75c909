"""Mutant: the output length of a scale factor computed in float64.

The output length is ``floor(n * sigma)`` with the scale factor read as the decimal it
was written as. The port multiplies the floats, ``math.floor(n * scale_factor)``, as
torch does: for factors whose float lies a hair below the decimal the product rounds
below an exact integer, ``100 * 0.29 = 28.999999999999996``, and the output is one
sample short (28, not 29). Sizes, integer and dyadic factors are right.
"""

import math
from fractions import Fraction

import numpy as np

from convspec.spec.upsample import LINEAR_MODES, check_upsample_arguments

PLANTED_BUG = "upsample's output length for a scale factor is floor(n * float(scale)): 100 * 0.29 gives 28, not 29."
BUGGY_OPS = ("upsample",)

HALF = Fraction(1, 2)


def _length(args, axis, n):
    if args.scale_factor is None:
        return args.size[axis]
    return math.floor(n * float(args.scale_factor[axis]))  # BUG: float64 product, not the exact decimal one


def _step(args, axis, n, o):
    return 1 / args.scale_factor[axis] if args.scale_factor else Fraction(n, o)


def _nearest_source(t, n, r, mode):
    centre = HALF if mode == "nearest_exact" else 0
    return min(math.floor((t + centre) * r), n - 1)


def _linear_coordinate(t, n, o, r, align_corners):
    if align_corners:
        return Fraction(0) if o <= 1 else Fraction(t * (n - 1), o - 1)
    return max((t + HALF) * r - HALF, Fraction(0))


def upsample(x, *, scale_factor=None, size=None, mode="nearest", align_corners=False):
    args = check_upsample_arguments(
        "upsample", x.shape, scale_factor=scale_factor, size=size, mode=mode, align_corners=align_corners
    )
    y = x.astype(np.float64)
    for axis, n in enumerate(args.input_size):
        o = _length(args, axis, n)
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
