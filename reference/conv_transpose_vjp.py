"""Reference backward pass of the transposed convolution (numpy, loops): a vector-Jacobian product.

:func:`conv_transpose_vjp` follows the convention of :mod:`convspec.reference.conv_vjp`:
the gradients of ``sum(grad_out * conv_transpose(x, weight, bias, ...))`` with respect to
each array argument, written from the forward's scatter term by term.
"""

from __future__ import annotations

from itertools import product

from convspec.spec.conv_transpose import check_conv_transpose_arguments

from .arrays import accumulator, check_array, check_same_dtype, zeros
from .conv_transpose import _crop
from .conv_vjp import check_grad_out


def conv_transpose_vjp(grad_out, x, weight, bias=None, *, stride=1, padding=0, output_padding=0, dilation=1, groups=1):
    """Gradients of ``sum(grad_out * conv_transpose(x, weight, bias, ...))``: ``(grad_x, grad_weight, grad_bias)``.

    Definition. The forward scatters, for every input position ``i``, tap ``t`` and input
    channel ``ci`` of group ``g`` (``co' = co - g*C_out/groups``)::

        full[b, co, i*stride + dilation*t] += x[b, ci, i] * weight[ci, co', t]

    then appends ``output_padding`` zero cells high, crops ``padding`` and adds the bias.
    Backwards: ``grad_full`` is ``grad_out`` put back where the crop took the output from
    (cropped cells and appended cells get nothing: nothing they hold came from ``x``, or
    nothing of them reached the output), and term by term::

        grad_x[b, ci, i]       += grad_full[b, co, i*stride + dilation*t] * weight[ci, co', t]
        grad_weight[ci, co', t] += x[b, ci, i] * grad_full[b, co, i*stride + dilation*t]
        grad_bias[co]           = sum over b and every output cell of grad_out[b, co, ...]

    The input gradient *gathers* where the forward scattered: it is the correlation of
    ``grad_full`` with the same, unflipped kernel (stride ``stride``, dilation
    ``dilation``), i.e. a strided convolution is the adjoint of this operation.

    Args:
        grad_out: the shape of ``conv_transpose``'s output.
        x, weight, bias, stride, padding, output_padding, dilation, groups: as
            :func:`convspec.reference.conv_transpose.conv_transpose`.

    Returns:
        ``(grad_x, grad_weight, grad_bias)``, ``grad_bias`` is ``None`` when ``bias`` is.
    """
    op = "conv_transpose_vjp"
    x, weight = check_array(op, "x", x), check_array(op, "weight", weight)
    if bias is not None:
        bias = check_array(op, "bias", bias)
    check_same_dtype(op, x, weight=weight, bias=bias)
    args = check_conv_transpose_arguments(
        "conv_transpose", x.shape, weight.shape, None if bias is None else bias.shape,
        stride=stride, padding=padding, output_padding=output_padding, dilation=dilation, groups=groups,
    )
    values, kernel = accumulator(x), accumulator(weight)
    full_size = tuple(
        max(i * s + d * t for i in range(n) for t in range(k)) + 1
        for n, k, s, d in zip(args.input_size, args.kernel_size, args.stride, args.dilation)
    )
    crops = [
        _crop(args.padding, axis, n, size, k, s, d)
        for axis, (n, size, k, s, d) in enumerate(
            zip(args.input_size, full_size, args.kernel_size, args.stride, args.dilation)
        )
    ]
    grown_size = tuple(size + a + extra for size, a, (_, _, extra) in zip(full_size, args.output_padding, crops))
    kept = tuple(slice(lo, size - hi) for (lo, hi, _), size in zip(crops, grown_size))
    out_size = tuple(size - lo - hi for (lo, hi, _), size in zip(crops, grown_size))
    grad = accumulator(check_grad_out(op, grad_out, (x.shape[0], args.out_channels, *out_size)))
    grad_grown = zeros((x.shape[0], args.out_channels, *grown_size), like=values)
    grad_grown[(slice(None), slice(None)) + kept] = grad  # undo the crop
    grad_full = grad_grown[(slice(None), slice(None)) + tuple(slice(0, size) for size in full_size)]  # drop appended
    grad_x = zeros(x.shape, like=values)
    grad_weight = zeros(weight.shape, like=kernel)
    in_per_group = args.in_channels // args.groups
    out_per_group = args.out_channels // args.groups
    for in_position in product(*(range(n) for n in args.input_size)):
        for tap in product(*(range(k) for k in args.kernel_size)):
            landing = tuple(i * s + d * t for i, s, d, t in zip(in_position, args.stride, args.dilation, tap))
            for g in range(args.groups):
                in_channels = slice(g * in_per_group, (g + 1) * in_per_group)
                out_channels = slice(g * out_per_group, (g + 1) * out_per_group)
                upstream = grad_full[(slice(None), out_channels) + landing]  # (N, C_out/g)
                cell = (slice(None), in_channels) + in_position
                taps = (in_channels, slice(None)) + tap
                # forward: full[:, out, landing] += x[:, in, i] @ weight[in, :, t]
                grad_x[cell] += upstream @ kernel[taps].T  # (N, C_out/g) @ (C_out/g, C_in/g)
                grad_weight[taps] += values[cell].T @ upstream  # (C_in/g, N) @ (N, C_out/g)
    grad_bias = None if bias is None else grad.sum(axis=(0, *range(2, grad.ndim))).astype(bias.dtype)
    return grad_x.astype(x.dtype), grad_weight.astype(weight.dtype), grad_bias
