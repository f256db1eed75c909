"""Reference upsampling (numpy, loops): nearest, nearest_exact, linear, bilinear, trilinear, bicubic.

Conventions (layout, dtypes, errors): :mod:`convspec.spec.conventions`; the modes, the
coordinate mappings and where torch differs: :mod:`convspec.spec.upsample`, whose
closed forms are not used here. The output length is the number of output cells
inside the stretched input, and every coordinate is computed exactly with ``fractions.Fraction`` from its
geometric definition, so no index is ever off by a rounding.
"""

from __future__ import annotations

import math
from fractions import Fraction
from itertools import product

import numpy as np

from convspec.spec.limits import check_output_size
from convspec.spec.upsample import UpsampleArguments, check_upsample_arguments

from .arrays import accumulator, check_array, zeros

HALF = Fraction(1, 2)


def upsample(x, *, scale_factor=None, size=None, mode="nearest", align_corners=False, cubic_coefficient=-0.75):
    """Upsample (or downsample) by interpolation, without learned parameters.

    Definition, per spatial axis with input length ``n`` and output length ``o``
    (``o = size``, or the number of unit cells ``[t, t + 1)`` inside the stretched
    input ``[0, n * scale_factor)``); input sample ``i`` covers ``[i, i + 1)`` and
    output sample ``t`` covers ``[t r, (t + 1) r)`` in input units, with the step
    ``r = 1 / scale_factor`` if a scale factor was given, else ``n / o``:

    * ``"nearest"``: ``y[t] = x[src]``, ``src`` the input cell holding ``t r`` (the output
      cell's left edge), at most ``n - 1``;
    * ``"nearest_exact"``: the input cell holding ``(t + 1/2) r`` (its centre), at most ``n - 1``;
    * ``"linear"``, ``"bilinear"``, ``"trilinear"`` (exactly 1, 2, 3 spatial axes): the
      coordinate ``s`` of the output sample in input-sample units --
      ``max((t + 1/2) r - 1/2, 0)``, or with ``align_corners=True`` ``t (n - 1) / (o - 1)``
      (0 if ``o = 1``) -- has neighbours ``i0 = floor(s)`` and ``i1 = min(i0 + 1, n - 1)``
      with weights ``1 - lam`` and ``lam = s - i0``; then::

          y[b, c, t_1..t_D] = sum over corners (k_1..k_D) in {0,1}^D of
                              prod_a w_a[k_a] * x[b, c, i_{k_1}(t_1), ..., i_{k_D}(t_D)]

    * ``"bicubic"`` (exactly 2 spatial axes): Keys' cubic convolution. Per axis the same
      coordinate, but the half-pixel one is not clamped at 0 (``s = (t + 1/2) r - 1/2``);
      with ``i = floor(s)`` the four samples ``j = i - 1 .. i + 2`` (each index clamped
      to ``[0, n - 1]``) get the weights ``W(s - j)``, ``W(d) = (a + 2)|d|^3 - (a + 3)|d|^2 + 1``
      for ``|d| <= 1``, ``a|d|^3 - 5a|d|^2 + 8a|d| - 4a`` for ``1 < |d| < 2``, ``a =
      cubic_coefficient``; the two axes multiply, as above with 4 x 4 corners.

    Nearest modes take any number of spatial axes and copy values. Everything is as
    ``torch.nn.functional.interpolate`` with ``recompute_scale_factor`` unset, except
    where torch's float arithmetic rounds across a boundary (:mod:`convspec.spec.upsample`).

    Args:
        x: ``(N, C, *spatial)`` floating array (or ``dtype=object`` for exact work).
        scale_factor: a positive number, or one per spatial axis (a float is read as its
            shortest decimal, ``1.1 == 11/10``); exactly one of ``scale_factor``, ``size``.
        size: the output length, a positive int or one per spatial axis.
        mode: ``"nearest"``, ``"nearest_exact"``, ``"linear"``, ``"bilinear"``, ``"trilinear"``.
        align_corners: linear modes and bicubic only.
        cubic_coefficient: Keys' ``a`` for ``"bicubic"`` (torch's -0.75; jax/TF ``cubic``: -0.5);
            other modes take only the default.

    Returns:
        ``(N, C, *out)`` array of ``x``'s dtype; weighted sums are taken in float64
        (exact weights rounded once), nearest modes copy.

    Example: ``[1, 2, 3]`` doubled: nearest ``[1, 1, 2, 2, 3, 3]``; linear
    ``[1, 1.25, 1.75, 2.25, 2.75, 3]``; linear with ``align_corners=True`` and
    ``size=5``: ``[1, 1.5, 2, 2.5, 3]``. Bicubic (``a = -3/4``) doubling a row ``[0, 0, 0, 256]``
    reads at ``t = 5`` the coordinate ``s = 9/4``: samples 1, 2, 3, 3 (the last clamped from 4)
    with weights ``W(5/4), W(1/4), W(-3/4), W(-7/4) = -27/256, 225/256, 67/256, -9/256``, so
    ``y = 67 - 9 = 58``.
    """
    op = "upsample"
    x = check_array(op, "x", x)
    args = check_upsample_arguments(
        op, x.shape, scale_factor=scale_factor, size=size, mode=mode, align_corners=align_corners,
        cubic_coefficient=cubic_coefficient,
    )
    out_size = tuple(output_length(args, axis) for axis in range(args.spatial_dims))
    check_output_size(op, x.shape[:2] + out_size, x.dtype)  # before a single tap is computed
    taps = [axis_taps(args, axis) for axis in range(args.spatial_dims)]
    if args.mode not in ("nearest", "nearest_exact", "bicubic"):
        # an axis with o == n and s = t is a copy: its zero-weight neighbour is sample t itself, not
        # t + 1, so a NaN at t + 1 does not leak into output t, and an inf at t gives inf + 0 * inf = NaN
        # (spec.upsample.NON_FINITE; what torch's kernels compute)
        taps = [
            [(s, (first, (first[0], second[1]))) for s, (first, second) in axis] if _is_copy(args, a, len(axis)) else axis
            for a, axis in enumerate(taps)
        ]
    values = accumulator(x)
    out = zeros(x.shape[:2] + tuple(len(axis) for axis in taps), like=x)
    everything = (slice(None), slice(None))
    for position in product(*(range(len(axis)) for axis in taps)):
        neighbours = [axis[t][1] for axis, t in zip(taps, position)]  # per axis: ((index, weight), ...)
        if args.mode in ("nearest", "nearest_exact"):
            source = tuple(axis_neighbours[0][0] for axis_neighbours in neighbours)
            out[everything + position] = values[everything + source]  # a copy, no arithmetic
            continue
        for corner in product(*neighbours):
            index = tuple(i for i, _ in corner)
            weight = _corner_weight([w for _, w in corner], values)  # exact, rounded once
            out[everything + position] += weight * values[everything + index]
    return out.astype(x.dtype)


def output_length(args: UpsampleArguments, axis: int) -> int:
    """``size``, or the number of output cells ``[t, t + 1)`` inside ``[0, n * scale_factor)``."""
    if args.size is not None:
        return args.size[axis]
    stretched = args.input_size[axis] * args.scale_factor[axis]  # exact: a Fraction
    # the cells [t, t + 1) with t + 1 <= stretched: t = 0 .. floor(stretched) - 1
    return math.floor(stretched)


def step(args: UpsampleArguments, axis: int) -> Fraction:
    """Distance in input samples between neighbouring output samples: ``1 / scale_factor`` or ``n / o``."""
    if args.scale_factor is not None:
        return 1 / args.scale_factor[axis]
    return Fraction(args.input_size[axis], output_length(args, axis))


def axis_taps(args: UpsampleArguments, axis: int) -> list[tuple[Fraction, tuple[tuple[int, Fraction], ...]]]:
    """For every output index ``t`` along ``axis``: its exact source coordinate and its neighbours.

    Each entry is ``(s, ((i, w), ...))``: one neighbour of weight 1 for the nearest
    modes (``s`` is then the position whose cell is read), two ``(i0, 1 - lam), (i1, lam)``
    for the linear modes, four for bicubic (``s`` in input-sample units).
    """
    n = args.input_size[axis]
    o = output_length(args, axis)
    r = step(args, axis)
    taps = []
    for t in range(o):
        if args.mode == "nearest":
            position = t * r  # the output cell's left edge
            taps.append((position, ((_cell(position, n), Fraction(1)),)))
        elif args.mode == "nearest_exact":
            position = (t + HALF) * r  # the output cell's centre
            taps.append((position, ((_cell(position, n), Fraction(1)),)))
        elif args.mode == "bicubic":
            if args.align_corners:
                s = Fraction(0) if o == 1 else Fraction(t * (n - 1), o - 1)
            else:
                s = (t + HALF) * r - HALF  # centre to centre, not clamped: the taps are
            base = math.floor(s)
            taps.append((s, tuple((min(max(j, 0), n - 1), _keys(s - j, args.cubic_coefficient))
                                  for j in range(base - 1, base + 3))))
        else:
            if args.align_corners:
                s = Fraction(0) if o == 1 else Fraction(t * (n - 1), o - 1)  # ends meet ends
            else:
                s = max((t + HALF) * r - HALF, Fraction(0))  # centre to centre, clamped at sample 0
            i0 = math.floor(s)
            i1 = min(i0 + 1, n - 1)  # past the last sample the border repeats
            lam = s - i0
            taps.append((s, ((i0, 1 - lam), (i1, lam))))
    return taps


def _keys(distance: Fraction, a: Fraction) -> Fraction:
    """Keys' cubic convolution kernel at ``distance`` (in samples), coefficient ``a``: exact."""
    m = abs(distance)
    if m <= 1:
        return (a + 2) * m**3 - (a + 3) * m**2 + 1
    if m < 2:
        return a * (m**3 - 5 * m**2 + 8 * m - 4)
    return Fraction(0)


def _is_copy(args: UpsampleArguments, axis: int, o: int) -> bool:
    """A linear-mode axis whose output coordinates are ``s = t`` for every ``t`` (``o == n``, step 1)."""
    n = args.input_size[axis]
    return o == n and (args.align_corners or step(args, axis) == 1)


def _cell(position: Fraction, n: int) -> int:
    """The input cell ``[i, i + 1)`` holding ``position``, the last one if it lies beyond."""
    return min(math.floor(position), n - 1)


def rounded_product(weights) -> float:
    """``float(math.prod(weights))`` for exact weights (``Fraction`` or ``int``): their product rounded once.

    Computed as the numerators' product divided by the denominators' product: Python's division of
    integers rounds correctly, so the result is the same float without the ``Fraction`` normalisations
    (a gcd per multiplication). Example: ``rounded_product([Fraction(1, 3), Fraction(3, 4)]) == 0.25``.
    """
    return math.prod(w.numerator for w in weights) / math.prod(w.denominator for w in weights)


def _corner_weight(weights: list[Fraction], values: np.ndarray):
    """The product of a corner's exact per-axis weights: the ``Fraction`` for object arrays, otherwise that
    product rounded once to float64 (:func:`rounded_product`)."""
    return math.prod(weights) if values.dtype == object else rounded_product(weights)
