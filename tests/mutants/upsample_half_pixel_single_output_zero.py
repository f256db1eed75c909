"""Mutant: a half-pixel linear axis with one output sample reads sample 0.

With ``align_corners=False`` the single output of an axis sits at
``s = (0 + 1/2) n - 1/2 = n/2 - 1/2``, the input's centre (torch). The port follows
ONNX's ``"pytorch_half_pixel"`` coordinate transformation, which maps an output of
length 1 to 0: it returns the first sample instead of the middle one. Outputs longer
than one sample, and ``align_corners=True`` (where ``s = 0`` is right), are right.
"""

import math
from fractions import Fraction

import numpy as np

from convspec.spec.upsample import LINEAR_MODES, check_upsample_arguments

PLANTED_BUG = "upsample align_corners=False with output length 1 reads s = 0 (ONNX pytorch_half_pixel), not n/2 - 1/2."
BUGGY_OPS = ("upsample",)

HALF = Fraction(1, 2)


def _step(args, axis, n, o):
    return 1 / args.scale_factor[axis] if args.scale_factor else Fraction(n, o)


def _nearest_source(t, n, r, mode):
    centre = HALF if mode == "nearest_exact" else 0
    return min(math.floor((t + centre) * r), n - 1)


def _linear_coordinate(t, n, o, r, align_corners):
    if align_corners:
        return Fraction(0) if o == 1 else Fraction(t * (n - 1), o - 1)
    return Fraction(0) if o == 1 else max((t + HALF) * r - HALF, Fraction(0))  # BUG: o == 1 is n/2 - 1/2 too


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
