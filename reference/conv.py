"""Reference correlation, convolution and depthwise-separable convolution (numpy, loops).

Conventions (layout, padding forms, dtypes, errors): :mod:`convspec.spec.conventions`.
Closed forms for the sizes and counts: :mod:`convspec.spec.conv` (not used here). ``method="fft"``:
:mod:`.conv_fft`; ``method="auto"`` asks :func:`convspec.spec.fft.choose_method` (a rule on shapes).
"""

from __future__ import annotations

from dataclasses import replace
from itertools import product

import numpy as np

from convspec.spec.conventions import ConvArguments, check_conv_arguments, check_depthwise_separable_arguments
from convspec.spec.fft import check_method, choose_method  # the method rule, shared: no size is taken from it
from convspec.spec.limits import check_output_size, padded_shape

from .arrays import accumulator, check_array, check_same_dtype, zeros
from .conv_fft import correlate_fft
from .windows import count, resolve_padding, span, window_starts, zero_pad


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1, method="direct"):
    """Cross-correlation, as deep-learning frameworks compute "convolution".

    Definition (per spatial output position ``o``, output channel ``c`` in group ``g``)::

        y[b, c, o] = bias[c] + sum_{i in group g} sum_{tap} x_pad[b, i, o*stride + dilation*tap] * weight[c, i - g*C_in/groups, tap]

    where ``x_pad`` is ``x`` with zeros added as ``padding`` says, ``o*stride`` and
    ``dilation*tap`` are taken per axis, and the output positions are every window
    start ``0, stride, 2*stride, ...`` whose dilated kernel lies inside ``x_pad``.
    The kernel is *not* flipped (seed 001's "looping direction", seed 004's
    ``C(j, k) = sum_l sum_m I(j + l, k + m) K(l, m)``).

    Args:
        x: ``(N, C_in, *spatial)`` floating array (or ``dtype=object`` for exact/symbolic work).
        weight: ``(C_out, C_in / groups, *kernel)``.
        bias: ``(C_out,)`` or ``None``.
        stride, dilation: positive int, or one per spatial axis.
        padding: any padding form of :mod:`convspec.spec.conventions`.
        groups: number of channel groups; it must divide ``C_in`` and ``C_out``.
        method: ``"direct"`` (default: the sum above, in float64), ``"fft"`` (the same sum by the
            convolution theorem, :mod:`convspec.reference.conv_fft`: the FFT's rounding and its
            non-finite rule, a NaN or ±inf spreads over its whole row ``y[b, c]``), or ``"auto"``
            (whichever :func:`convspec.spec.fft.choose_method` picks from the shapes, parameters and
            dtype, as ``scipy.signal.convolve(method="auto")``).

    Returns:
        ``(N, C_out, *out)`` array of ``x``'s dtype; sums are taken in float64.

    Example (seed 004's 3x3 image and 2x2 filter, top-left output)::

        [[a, b, c], [d, e, f], [g, h, i]] correlated with [[j, k], [l, m]]
        -> [[a j + b k + d l + e m, ...], ...]
    """
    op = "correlate"
    x, weight = check_array(op, "x", x), check_array(op, "weight", weight)
    if bias is not None:
        bias = check_array(op, "bias", bias)
    check_same_dtype(op, x, weight=weight, bias=bias)
    args = check_conv_arguments(
        op, x.shape, weight.shape, None if bias is None else bias.shape,
        stride=stride, padding=padding, dilation=dilation, groups=groups,
    )
    if _method(op, method, x, weight, stride, padding, dilation, groups) == "fft":
        return correlate_fft(x, weight, bias, args, op).astype(x.dtype)
    return _correlate(x, weight, bias, args, op).astype(x.dtype)


def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1, method="direct"):
    """True convolution: correlation with the kernel flipped along every spatial axis.

    Definition: ``convolve(x, w, ...) == correlate(x, w[:, :, ::-1, ::-1, ...], ...)``,
    i.e. tap ``j`` of a kernel of size ``k`` meets the input where tap ``k - 1 - j``
    would in a correlation (seed 001's ``Z[i, j] = sum K[u, v] A[i - u, j - v]``).
    Everything else (padding, stride, dilation, groups, bias) is as in :func:`correlate`.
    With ``padding="full"`` and stride 1 this is the signal-processing full
    convolution (``numpy.convolve(a, v, "full")`` in 1-D).

    ``method`` (``"direct"``, ``"fft"``, ``"auto"``) as in :func:`correlate`.

    Example: ``convolve([[[1, 2, 3]]], [[[1, 10]]], padding="full")`` is
    ``[[[1, 12, 23, 30]]]`` (the kernel flipped to ``[10, 1]`` slides over ``[0, 1, 2, 3, 0]``).
    """
    op = "convolve"
    x, weight = check_array(op, "x", x), check_array(op, "weight", weight)
    if bias is not None:
        bias = check_array(op, "bias", bias)
    check_same_dtype(op, x, weight=weight, bias=bias)
    args = check_conv_arguments(
        op, x.shape, weight.shape, None if bias is None else bias.shape,
        stride=stride, padding=padding, dilation=dilation, groups=groups,
    )
    flipped = weight[(slice(None), slice(None)) + (slice(None, None, -1),) * args.spatial_dims]
    if _method(op, method, x, weight, stride, padding, dilation, groups) == "fft":
        return correlate_fft(x, flipped, bias, args, op).astype(x.dtype)
    return _correlate(x, flipped, bias, args, op).astype(x.dtype)


def _method(op: str, method, x, weight, stride, padding, dilation, groups) -> str:
    """``"direct"`` or ``"fft"``: ``method`` checked, ``"auto"`` decided by the spec's cost model."""
    method = check_method(op, method)
    if method != "auto":
        return method
    return choose_method(x.shape, weight.shape, stride, padding, dilation, groups, dtype=x.dtype.name)


def depthwise_separable(x, depthwise_weight, pointwise_weight, bias=None, *, stride=1, padding=0, dilation=1):
    """A per-channel (depthwise) correlation followed by a 1x1 (pointwise) correlation.

    Definition (seed 000): first every input channel ``i`` is correlated with its own
    ``channel multiplier m`` filters, giving ``C_in * m`` intermediate maps
    (``correlate(x, depthwise_weight, groups=C_in, stride=..., padding=..., dilation=...)``);
    then each output channel is a weighted sum of the intermediate maps at the same
    position plus its bias (``correlate(intermediate, pointwise_weight, bias)``).
    There is one bias, after the pointwise stage (as Keras ``SeparableConv``).

    Args:
        depthwise_weight: ``(C_in * m, 1, *kernel)``; filters ``i*m .. i*m + m - 1`` read channel ``i``.
        pointwise_weight: ``(C_out, C_in * m, 1, ..., 1)``.
        bias: ``(C_out,)`` or ``None``.

    Example: seed 000's 12x12x3 input to 256 channels with 5x5 filters takes
    ``3*25 + 3*256 + 256 = 1099`` parameters instead of ``19456``.
    """
    op = "depthwise_separable"
    x = check_array(op, "x", x)
    depthwise_weight = check_array(op, "depthwise_weight", depthwise_weight)
    pointwise_weight = check_array(op, "pointwise_weight", pointwise_weight)
    if bias is not None:
        bias = check_array(op, "bias", bias)
    check_same_dtype(op, x, depthwise_weight=depthwise_weight, pointwise_weight=pointwise_weight, bias=bias)
    depthwise = check_depthwise_separable_arguments(
        op, x.shape, depthwise_weight.shape, pointwise_weight.shape, None if bias is None else bias.shape,
        stride=stride, padding=padding, dilation=dilation,
    )
    intermediate = _correlate(x, depthwise_weight, None, depthwise, op, "depthwise stage's output")
    pointwise = _pointwise_arguments(depthwise, intermediate.shape, pointwise_weight.shape)
    return _correlate(intermediate, pointwise_weight, bias, pointwise, op).astype(x.dtype)


def _correlate(x, weight, bias, args: ConvArguments, op: str = "correlate", what: str = "output"):
    """The loop behind every operation here; returns the float64 (or object) accumulator.

    The windows are counted first (``window_starts`` is a range) and the output size is
    checked (:func:`convspec.spec.limits.check_output_size`) before anything is allocated.
    """
    pads = resolve_padding(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    starts = [
        window_starts(lo + n + hi, span(k, d), s)
        for n, (lo, hi), k, d, s in zip(args.input_size, pads, args.kernel_size, args.dilation, args.stride)
    ]
    out_shape = (x.shape[0], args.out_channels, *map(count, starts))
    check_output_size(op, out_shape, x.dtype, what=what)  # before any padding or loop
    padded = padded_shape(x.shape, pads)
    if padded is not None:  # the padded copy below is an array too
        check_output_size(op, padded, x.dtype, what="padded input")
    x, weight = accumulator(x), accumulator(weight)
    x_padded = zero_pad(x, pads)
    out = zeros(out_shape, like=x)
    in_per_group = args.in_channels // args.groups
    out_per_group = args.out_channels // args.groups
    for out_position in product(*(range(len(axis_starts)) for axis_starts in starts)):
        window_start = [axis_starts[o] for axis_starts, o in zip(starts, out_position)]
        for tap in product(*(range(k) for k in args.kernel_size)):
            input_position = tuple(start + d * t for start, d, t in zip(window_start, args.dilation, tap))
            for g in range(args.groups):
                in_channels = slice(g * in_per_group, (g + 1) * in_per_group)
                out_channels = slice(g * out_per_group, (g + 1) * out_per_group)
                # (N, C_in/g) @ (C_in/g, C_out/g): each output channel's sum over its group's inputs
                out[(slice(None), out_channels) + out_position] += (
                    x_padded[(slice(None), in_channels) + input_position]
                    @ weight[(out_channels, slice(None)) + tap].T
                )
    if bias is not None:
        out += accumulator(bias).reshape((1, -1) + (1,) * len(starts))
    return out


def _pointwise_arguments(depthwise: ConvArguments, intermediate_shape, pointwise_weight_shape) -> ConvArguments:
    """The second stage of a depthwise-separable convolution: a 1x1, stride-1, unpadded correlation."""
    return replace(
        depthwise,
        in_channels=intermediate_shape[1],
        out_channels=pointwise_weight_shape[0],
        input_size=tuple(intermediate_shape[2:]),
        kernel_size=tuple(pointwise_weight_shape[2:]),
        stride=(1,) * depthwise.spatial_dims,
        padding="valid",
        dilation=(1,) * depthwise.spatial_dims,
        groups=1,
    )
