"""Closed forms of cubic upsampling (``upsample(mode="bicubic")``): Keys' cubic convolution kernel.

Keys (1981), "Cubic convolution interpolation for digital image processing", defines the
kernel with one free coefficient ``a``::

    W(d) = (a + 2)|d|^3 - (a + 3)|d|^2 + 1          for |d| <= 1
    W(d) = a|d|^3 - 5a|d|^2 + 8a|d| - 4a             for 1 < |d| < 2
    W(d) = 0                                          for |d| >= 2

``W(0) = 1``, ``W(±1) = W(±2) = 0`` (it interpolates: an integer coordinate reads its
sample), ``W`` is continuous with a continuous first derivative, and for every ``a`` the
four weights ``W(lam + 1), W(lam), W(1 - lam), W(2 - lam)`` sum to 1. torch's
``mode="bicubic"`` (and OpenCV's ``INTER_CUBIC``, ONNX ``Resize``'s default
``cubic_coeff_a``) use ``a = -0.75``; ``jax.image.resize(method="cubic")`` and
``tf.image.resize(method="bicubic")`` use ``a = -0.5`` (Keys' own choice, the
Catmull-Rom spline: third-order accurate).

Per axis the output sample ``t`` has the coordinate ``s`` (input-sample units):

* ``align_corners=False`` (half pixel): ``s = (t + 1/2) r - 1/2``, **not** clamped at 0
  (torch clamps it for the linear modes only); ``r`` is the step of
  :func:`convspec.spec.upsample.coordinate_step`;
* ``align_corners=True``: ``s = t (n - 1) / (o - 1)`` (``0`` when ``o = 1``).

With ``i = floor(s)`` and ``lam = s - i`` it reads the four samples ``i - 1 .. i + 2``,
each index **clamped** to ``[0, n - 1]`` (torch's ``upsample_get_value_bounded``: the
border sample repeats outward), with the weights ``W(lam + 1), W(lam), W(1 - lam),
W(2 - lam)``; a clamped index may repeat, and its weights then add up. The weights of
``a = -0.75`` at ``lam = 1/2`` are ``-3/32, 19/32, 19/32, -3/32``. Two axes multiply
their weights (16 samples per output).

Antialiasing (widening the kernel by ``1 / scale`` when downsampling, torch's
``antialias=True``, jax's default) is not defined: see the ``upsample`` op page.
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction

from .symbolic import is_symbolic, Symbol, sympy

from .conventions import check_number

CUBIC_COEFFICIENT = -0.75  # torch's bicubic (OpenCV, ONNX Resize's default); jax/tf cubic use -0.5

d = Symbol("d", real=True)
a = Symbol("a", real=True)


def cubic_coefficient_value(op: str, value: object) -> Fraction:
    """The exact rational ``a`` stands for: ints and Fractions as they are, a float as its shortest decimal.

    Any finite real is allowed (Keys' kernel is defined for every ``a``; common values are
    -0.5, -0.75 and -1).

    >>> cubic_coefficient_value("upsample", -0.75), cubic_coefficient_value("upsample", Fraction(-1, 2))
    (Fraction(-3, 4), Fraction(-1, 2))
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{op}: cubic_coefficient must be a real number (int, float or fractions.Fraction), got {value!r} "
            f"of type {type(value).__name__}"
        )
    if isinstance(value, numbers.Rational):
        return Fraction(int(value.numerator), int(value.denominator))
    as_float = float(value)
    if not math.isfinite(as_float):
        raise ValueError(f"{op}: cubic_coefficient must be finite, got {value!r}")
    return Fraction(repr(as_float))


def cubic_kernel(d=d, a=a):
    """Keys' kernel ``W(d)`` with coefficient ``a``: a sympy ``Piecewise`` for symbols, exact for rationals.

    >>> cubic_kernel(Fraction(1, 2), Fraction(-3, 4)), cubic_kernel(Fraction(3, 2), Fraction(-3, 4))
    (Fraction(19, 32), Fraction(-3, 32))
    >>> cubic_kernel(1, Fraction(-1, 2)), cubic_kernel(0, Fraction(-1, 2))
    (Fraction(0, 1), Fraction(1, 1))
    """
    if is_symbolic(d) or is_symbolic(a):
        m = sympy.Abs(d)
        return sympy.Piecewise(
            ((a + 2) * m**3 - (a + 3) * m**2 + 1, m <= 1),
            (a * m**3 - 5 * a * m**2 + 8 * a * m - 4 * a, m < 2),
            (0, True),
        )
    check_number("cubic_kernel", "d", d)
    a = cubic_coefficient_value("cubic_kernel", a)
    m = abs(Fraction(d))
    if m <= 1:
        return (a + 2) * m**3 - (a + 3) * m**2 + 1
    if m < 2:
        return a * m**3 - 5 * a * m**2 + 8 * a * m - 4 * a
    return Fraction(0)


def cubic_taps(s, n: int, a) -> tuple[tuple[int, Fraction], ...]:
    """The four ``(index, weight)`` pairs of coordinate ``s`` on ``n`` samples: indices ``floor(s) - 1 ..
    floor(s) + 2`` clamped to ``[0, n - 1]``, weights ``W(s - j)`` at the unclamped ``j``.

    Example: ``s = -1/4`` (doubling, ``t = 0``) on 3 samples with ``a = -3/4``: ``floor(s) = -1``, the
    indices ``-2, -1, 0, 1`` clamp to ``0, 0, 0, 1``.

    >>> [(i, str(w)) for i, w in cubic_taps(Fraction(-1, 4), 3, Fraction(-3, 4))]
    [(0, '-9/256'), (0, '67/256'), (0, '225/256'), (1, '-27/256')]
    """
    if not isinstance(s, numbers.Rational):
        raise TypeError(f"cubic_taps: s must be an exact rational (int or fractions.Fraction), got {s!r}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"cubic_taps: n must be a positive int, got {n!r}")
    base = math.floor(s)
    return tuple((min(max(j, 0), n - 1), cubic_kernel(Fraction(s) - j, a)) for j in range(base - 1, base + 3))
