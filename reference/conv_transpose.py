"""Reference transposed convolution (numpy, loops): a weighted copy of the kernel per input element.

Conventions (layout, padding forms, dtypes, errors): :mod:`convspec.spec.conventions`.
Argument rules and closed forms: :mod:`convspec.spec.conv_transpose` (the closed-form
sizes are not used here: the buffer is as long as the farthest cell a kernel copy
reaches, and the padding modes are resolved from what they promise).
"""

from __future__ import annotations

from itertools import product

import numpy as np

from convspec.spec.conv_transpose import ConvTransposeArguments, check_conv_transpose_arguments
from convspec.spec.limits import check_output_size

from .arrays import accumulator, check_array, check_same_dtype, zeros
from .windows import span


def conv_transpose(x, weight, bias=None, *, stride=1, padding=0, output_padding=0, dilation=1, groups=1):
    """Transposed convolution: every input element scatters a weighted copy of the (dilated) kernel.

    Definition (seed 000: "Output contains copies of the filter weighted by the input,
    summing at where it overlaps in the output"). For every input position ``i``, kernel
    tap ``t`` and input channel ``ci`` of group ``g`` (per spatial axis ``i*stride`` and
    ``dilation*t``)::

        full[b, co, i*stride + dilation*t] += x[b, ci, i] * weight[ci, co - g*C_out/groups, t]
                                               for every co of group g

    ``full`` is as long as the farthest cell reached, ``(n - 1) * stride + dilation * (k - 1) + 1``.
    Then ``output_padding`` zero cells are appended at the **high** end of every axis, and
    ``padding`` is cropped: ``lo`` cells from the start and ``hi`` from the end. A bias is
    added to every remaining cell (appended ones included). ``padding`` is the padding of
    the convolution this is the adjoint of: ``"valid"`` crops nothing, ``"full"`` crops
    ``dilation * (k - 1)`` per side, ``"same"``/``"same_lower"`` make the output ``n * stride``
    long (cropping the surplus with the odd cell high / low, or appending zeros high when the
    kernel span is shorter than the stride). See :mod:`convspec.spec.conv_transpose`.

    Args:
        x: ``(N, C_in, *spatial)`` floating array (or ``dtype=object`` for exact/symbolic work).
        weight: ``(C_in, C_out / groups, *kernel)`` (torch's transposed layout).
        bias: ``(C_out,)`` or ``None``.
        stride, dilation: positive int, or one per spatial axis.
        padding: any padding form of :mod:`convspec.spec.conventions`.
        output_padding: int or one per axis, ``0 <= output_padding < max(stride, dilation)``;
            must be 0 with ``"same"``/``"same_lower"``.
        groups: it must divide ``C_in``; ``C_out = weight.shape[1] * groups``.

    Returns:
        ``(N, C_out, *out)`` array of ``x``'s dtype; sums are taken in float64.

    Example (seed 000, stride 2): input ``[[0, 1], [2, 3]]``, kernel ``[[0, 1], [2, 3]]``:
    the four copies ``0K, 1K, 2K, 3K`` land at rows/columns ``0`` and ``2`` without
    overlapping: ``[[0, 0, 0, 1], [0, 0, 2, 3], [0, 2, 0, 3], [4, 6, 6, 9]]``.
    """
    op = "conv_transpose"
    x, weight = check_array(op, "x", x), check_array(op, "weight", weight)
    if bias is not None:
        bias = check_array(op, "bias", bias)
    check_same_dtype(op, x, weight=weight, bias=bias)
    args = check_conv_transpose_arguments(
        op, x.shape, weight.shape, None if bias is None else bias.shape,
        stride=stride, padding=padding, output_padding=output_padding, dilation=dilation, groups=groups,
    )
    return _conv_transpose(x, weight, bias, args).astype(x.dtype)


def _conv_transpose(x, weight, bias, args: ConvTransposeArguments):
    """The scatter, then the high-end zero cells, then the crop; float64 (or object) accumulator."""
    # the farthest cell any kernel copy reaches, per axis: the length of the scatter buffer. Input
    # element i's copy covers i*s + d*t for the taps t; the last element's last tap reaches farthest
    full_size = tuple(
        (n - 1) * s + d * (k - 1) + 1
        for n, k, s, d in zip(args.input_size, args.kernel_size, args.stride, args.dilation)
    )
    crops = [
        _crop(args.padding, axis, n, size, k, s, d)
        for axis, (n, size, k, s, d) in enumerate(
            zip(args.input_size, full_size, args.kernel_size, args.stride, args.dilation)
        )
    ]
    # output_padding (and the zeros "same" appends when the kernel is shorter than the stride)
    # are cells nothing landed on, at the high end of each axis
    appended = [a + extra for a, (_, _, extra) in zip(args.output_padding, crops)]
    grown_size = tuple(size + more for size, more in zip(full_size, appended))
    out_size = tuple(size - lo - hi for (lo, hi, _), size in zip(crops, grown_size))
    check_output_size("conv_transpose", (x.shape[0], args.out_channels, *out_size), x.dtype)
    # the scatter buffer is allocated before the crop: guarded too (a huge dilation under "same")
    check_output_size("conv_transpose", (x.shape[0], args.out_channels, *grown_size), x.dtype, what="uncropped output")
    x, weight = accumulator(x), accumulator(weight)
    full = zeros((x.shape[0], args.out_channels, *full_size), like=x)
    in_per_group = args.in_channels // args.groups
    out_per_group = args.out_channels // args.groups
    for in_position in product(*(range(n) for n in args.input_size)):
        for tap in product(*(range(k) for k in args.kernel_size)):
            landing = tuple(i * s + d * t for i, s, d, t in zip(in_position, args.stride, args.dilation, tap))
            for g in range(args.groups):
                in_channels = slice(g * in_per_group, (g + 1) * in_per_group)
                out_channels = slice(g * out_per_group, (g + 1) * out_per_group)
                # (N, C_in/g) @ (C_in/g, C_out/g): each output channel of the group receives
                # this input position times this tap, summed over the group's input channels
                full[(slice(None), out_channels) + landing] += (
                    x[(slice(None), in_channels) + in_position] @ weight[(in_channels, slice(None)) + tap]
                )
    grown = zeros(full.shape[:2] + grown_size, like=x)
    grown[(slice(None), slice(None)) + tuple(slice(0, size) for size in full_size)] = full
    kept = tuple(slice(lo, size - hi) for (lo, hi, _), size in zip(crops, grown.shape[2:]))
    out = grown[(slice(None), slice(None)) + kept]
    if bias is not None:
        out = out + accumulator(bias).reshape((1, -1) + (1,) * len(full_size))
    return out


def _crop(padding, axis: int, n: int, full_size: int, k: int, s: int, d: int) -> tuple[int, int, int]:
    """``(lo, hi, extra)``: cells cropped from the start and the end, zero cells appended high.

    Explicit padding is cropped as given. The modes are resolved from their promise:
    ``"valid"`` keeps every cell; ``"full"`` removes what a ``"full"`` convolution adds,
    ``span - 1`` per side; ``"same"``/``"same_lower"`` keep ``n * stride`` cells: the
    surplus of the buffer is split with the odd cell cropped at the end (``"same"``) or
    the start (``"same_lower"``); a shortfall is filled with zeros at the end.
    """
    if not isinstance(padding, str):
        lo, hi = padding[axis]
        return lo, hi, 0
    if padding == "valid":
        return 0, 0, 0
    if padding == "full":
        return span(k, d) - 1, span(k, d) - 1, 0
    wanted = n * s  # the promise: one stride step of output per input element
    surplus = full_size - wanted
    if surplus < 0:
        return 0, 0, -surplus
    smaller, larger = surplus // 2, surplus - surplus // 2
    if padding == "same":
        return smaller, larger, 0
    if padding == "same_lower":
        return larger, smaller, 0
    raise AssertionError(f"unknown padding mode {padding!r}")  # the conventions already refused it
