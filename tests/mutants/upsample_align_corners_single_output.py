"""Mutant: align_corners with one output sample divides by zero.

With ``align_corners=True`` the step is ``(n - 1) / (o - 1)``; for an output of one
sample that is ``0 / 0``. PyTorch (and convspec) take the step as 0 there: the output
reads the first sample. The port computes the formula as written and raises
``ZeroDivisionError`` on that axis. Every output longer than one sample is right.
"""

import math
from fractions import Fraction

import numpy as np

from convspec.spec.upsample import LINEAR_MODES, check_upsample_arguments

PLANTED_BUG = "upsample with align_corners=True and an output length of 1 divides by o - 1 = 0 instead of using step 0."
BUGGY_OPS = ("upsample",)

HALF = Fraction(1, 2)


def _step(args, axis, n, o):
    if args.align_corners:
        return Fraction(n - 1) / (o - 1)  # BUG: o == 1 needs step 0
    return 1 / Fraction(args.scale_factor[axis]) if args.scale_factor else Fraction(n, o)


def upsample(x, *, scale_factor=None, size=None, mode="nearest", align_corners=False):
    args = check_upsample_arguments(
        "upsample", x.shape, scale_factor=scale_factor, size=size, mode=mode, align_corners=align_corners
    )
    y = x.astype(np.float64)
    for axis, (n, o) in enumerate(zip(args.input_size, args.output_size)):
        r = _step(args, axis, n, o)
        if mode not in LINEAR_MODES:
            centre = HALF if mode == "nearest_exact" else 0
            y = np.take(y, [min(math.floor((t + centre) * r), n - 1) for t in range(o)], axis=2 + axis)
            continue
        coordinates = [t * r if align_corners else max((t + HALF) * r - HALF, Fraction(0)) for t in range(o)]
        i0 = [min(math.floor(s), n - 1) for s in coordinates]
        i1 = [min(i + 1, n - 1) for i in i0]
        lam = np.array([float(s - i) for s, i in zip(coordinates, i0)]).reshape((-1,) + (1,) * (x.ndim - 3 - axis))
        y = np.take(y, i0, axis=2 + axis) * (1 - lam) + np.take(y, i1, axis=2 + axis) * lam
    return y.astype(x.dtype)
