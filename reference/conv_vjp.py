"""Reference backward passes of the convolution family (numpy, loops): vector-Jacobian products.

``<op>_vjp(grad_out, *inputs, **params)`` returns, for the operation ``<op>`` of
:mod:`convspec.reference.conv` called as ``y = <op>(*inputs, **params)``, the
gradients of the scalar ``L = sum(grad_out * y)`` with respect to each array
argument, as a tuple in the order of those arguments (``None`` for a bias that is
``None``). Each gradient has its input's shape and dtype; the sums are taken in
float64 (or exactly for ``dtype=object``) and rounded once, as in the forward.

The VJPs are written from the forward's definition, term by term: every product
``x_pad[b, i, o*stride + dilation*tap] * weight[c, i', tap]`` that the forward adds into
``y[b, c, o]`` sends ``grad_out[b, c, o] * weight[c, i', tap]`` back to that input cell
and ``grad_out[b, c, o] * x_pad[...]`` back to that tap: the same loops, with the
accumulation turned around. No closed-form size is used.
"""

from __future__ import annotations

from itertools import product

import numpy as np

from convspec.spec.conventions import ConvArguments, check_conv_arguments, check_depthwise_separable_arguments

from .arrays import accumulator, check_array, check_same_dtype, zeros
from .conv import _correlate, _pointwise_arguments
from .windows import resolve_padding, span, window_starts, zero_pad


def check_grad_out(op: str, grad_out, expected_shape: tuple[int, ...]) -> np.ndarray:
    """``grad_out`` must be a floating (or object) array of the forward output's shape."""
    grad_out = check_array(op, "grad_out", grad_out)
    if tuple(grad_out.shape) != tuple(expected_shape):
        raise ValueError(
            f"{op}: grad_out must have the shape of the forward output, {tuple(expected_shape)!r}; "
            f"got {tuple(grad_out.shape)!r}"
        )
    return grad_out


def correlate_vjp(grad_out, x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    """Gradients of ``sum(grad_out * correlate(x, weight, bias, ...))``: ``(grad_x, grad_weight, grad_bias)``.

    Definition. The forward adds, for every output position ``o``, tap ``t`` and input
    channel ``i`` of output channel ``c``'s group ``g`` (``i' = i - g*C_in/groups``)::

        y[b, c, o] += x_pad[b, i, o*stride + dilation*t] * weight[c, i', t]

    so, term by term (the loops below)::

        grad_x_pad[b, i, o*stride + dilation*t] += grad_out[b, c, o] * weight[c, i', t]
        grad_weight[c, i', t]                   += grad_out[b, c, o] * x_pad[b, i, o*stride + dilation*t]
        grad_bias[c]                             = sum over b, o of grad_out[b, c, o]

    and ``grad_x`` is ``grad_x_pad`` without its padding cells (they are constants).
    The weight gradient is a correlation of ``x_pad`` with ``grad_out`` dilated by the
    stride; the bias gradient sums over the batch *and* every output position.

    The input gradient is a transposed convolution of ``grad_out`` with the same kernel.
    Collect the terms by input cell ``p``: ``grad_x_pad[b, i, p] = sum over (o, t) with
    o*stride + dilation*t = p, and c in i's group, of grad_out[b, c, o] * weight[c, i', t]``.
    That is word for word the scatter of :func:`convspec.reference.conv_transpose.conv_transpose`
    (``full[b, co, i*stride + dilation*t] += x[b, ci, i] * w[ci, co', t]``) with
    ``x := grad_out``, ``w := weight`` -- the same array, neither flipped nor with its
    axes swapped: the correlation weight ``(C_out, C_in/groups, *k)`` *is* a transposed
    weight ``(C_in', C_out'/groups, *k)`` with ``C_in' = C_out``, ``C_out' = C_in`` -- and
    the same stride, dilation and groups. The scatter buffer has length
    ``(o_n - 1)*stride + span`` per axis, which falls short of the padded length
    ``lo + n + hi`` by the ``r`` cells no window reaches (``0 <= r < stride``); those get
    zero gradient: ``output_padding = r`` appends them. Cropping ``(lo, hi)`` removes the
    padding. Hence::

        grad_x == conv_transpose(grad_out, weight, stride=stride, padding=((lo, hi), ...),
                                 output_padding=(r, ...), dilation=dilation, groups=groups)

    with ``(lo, hi)`` the resolved padding (``tests/test_gradients.py`` checks it). With
    stride 1 and ``"valid"`` padding this is the textbook "full convolution of the
    gradient with the kernel rotated by 180°": a full *correlation* with the flipped
    kernel is a full convolution with the unflipped one.

    Args:
        grad_out: ``(N, C_out, *out)``, the shape of ``correlate``'s output.
        x, weight, bias, stride, padding, dilation, groups: as :func:`convspec.reference.conv.correlate`.

    Returns:
        ``(grad_x, grad_weight, grad_bias)``, ``grad_bias`` is ``None`` when ``bias`` is.
    """
    op = "correlate_vjp"
    x, weight, bias, args = _checked(op, "correlate", x, weight, bias, stride, padding, dilation, groups)
    grad_x, grad_weight, grad_bias = _correlate_vjp(op, grad_out, x, weight, bias is not None, args)
    return _rounded(grad_x, x), _rounded(grad_weight, weight), None if bias is None else _rounded(grad_bias, bias)


def convolve_vjp(grad_out, x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    """Gradients of ``sum(grad_out * convolve(x, weight, bias, ...))``: ``(grad_x, grad_weight, grad_bias)``.

    ``convolve(x, w) == correlate(x, flip(w))`` with ``flip`` reversing every spatial axis
    of the kernel, so by the chain rule ``grad_x`` and ``grad_bias`` are
    :func:`correlate_vjp`'s for the flipped kernel and ``grad_weight`` is its weight
    gradient flipped back (a flip is its own adjoint). The input gradient is therefore a
    transposed convolution of ``grad_out`` with the *flipped* kernel.
    """
    op = "convolve_vjp"
    x, weight, bias, args = _checked(op, "convolve", x, weight, bias, stride, padding, dilation, groups)
    flip = (slice(None), slice(None)) + (slice(None, None, -1),) * args.spatial_dims
    grad_x, grad_flipped, grad_bias = _correlate_vjp(op, grad_out, x, weight[flip], bias is not None, args)
    grad_weight = grad_flipped[flip]
    return _rounded(grad_x, x), _rounded(grad_weight, weight), None if bias is None else _rounded(grad_bias, bias)


def depthwise_separable_vjp(grad_out, x, depthwise_weight, pointwise_weight, bias=None, *, stride=1, padding=0,
                            dilation=1):
    """Gradients of ``sum(grad_out * depthwise_separable(x, dw, pw, bias, ...))``.

    The forward is two correlations, ``h = correlate(x, dw, groups=C_in, ...)`` then
    ``y = correlate(h, pw, bias)`` (1x1, stride 1, no padding). The chain rule runs them
    backwards: :func:`correlate_vjp` of the pointwise stage gives ``grad_h``,
    ``grad_pointwise_weight`` and ``grad_bias``; :func:`correlate_vjp` of the depthwise
    stage with ``grad_h`` gives ``grad_x`` and ``grad_depthwise_weight``. ``h`` is kept in
    float64, as in the forward.

    Returns:
        ``(grad_x, grad_depthwise_weight, grad_pointwise_weight, grad_bias)``.
    """
    op = "depthwise_separable_vjp"
    x = check_array(op, "x", x)
    depthwise_weight = check_array(op, "depthwise_weight", depthwise_weight)
    pointwise_weight = check_array(op, "pointwise_weight", pointwise_weight)
    if bias is not None:
        bias = check_array(op, "bias", bias)
    check_same_dtype(op, x, depthwise_weight=depthwise_weight, pointwise_weight=pointwise_weight, bias=bias)
    depthwise = check_depthwise_separable_arguments(
        "depthwise_separable", x.shape, depthwise_weight.shape, pointwise_weight.shape,
        None if bias is None else bias.shape, stride=stride, padding=padding, dilation=dilation,
    )
    intermediate = _correlate(x, depthwise_weight, None, depthwise)
    pointwise = _pointwise_arguments(depthwise, intermediate.shape, pointwise_weight.shape)
    grad_h, grad_pointwise, grad_bias = _correlate_vjp(op, grad_out, intermediate, pointwise_weight, bias is not None,
                                                       pointwise)
    grad_x, grad_depthwise, _ = _correlate_vjp(op, grad_h, x, depthwise_weight, False, depthwise)
    return (
        _rounded(grad_x, x),
        _rounded(grad_depthwise, depthwise_weight),
        _rounded(grad_pointwise, pointwise_weight),
        None if bias is None else _rounded(grad_bias, bias),
    )


def _checked(op, forward, x, weight, bias, stride, padding, dilation, groups):
    x, weight = check_array(op, "x", x), check_array(op, "weight", weight)
    if bias is not None:
        bias = check_array(op, "bias", bias)
    check_same_dtype(op, x, weight=weight, bias=bias)
    args = check_conv_arguments(
        forward, x.shape, weight.shape, None if bias is None else bias.shape,
        stride=stride, padding=padding, dilation=dilation, groups=groups,
    )
    return x, weight, bias, args


def _rounded(gradient: np.ndarray, like: np.ndarray) -> np.ndarray:
    return gradient.astype(like.dtype)


def _correlate_vjp(op: str, grad_out, x, weight, with_bias: bool, args: ConvArguments):
    """The forward's loops with the accumulation turned around; float64 (or object) accumulators."""
    x, weight = accumulator(x), accumulator(weight)
    pads = resolve_padding(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    x_padded = zero_pad(x, pads)
    starts = [
        window_starts(length, span(k, d), s)
        for length, k, d, s in zip(x_padded.shape[2:], args.kernel_size, args.dilation, args.stride)
    ]
    grad = accumulator(check_grad_out(op, grad_out, (x.shape[0], args.out_channels, *map(len, starts))))
    grad_x_padded = zeros(x_padded.shape, like=x)
    grad_weight = zeros(weight.shape, like=weight)
    in_per_group = args.in_channels // args.groups
    out_per_group = args.out_channels // args.groups
    for out_position in product(*(range(len(axis_starts)) for axis_starts in starts)):
        window_start = [axis_starts[o] for axis_starts, o in zip(starts, out_position)]
        for tap in product(*(range(k) for k in args.kernel_size)):
            input_position = tuple(start + d * t for start, d, t in zip(window_start, args.dilation, tap))
            for g in range(args.groups):
                in_channels = slice(g * in_per_group, (g + 1) * in_per_group)
                out_channels = slice(g * out_per_group, (g + 1) * out_per_group)
                upstream = grad[(slice(None), out_channels) + out_position]  # (N, C_out/g)
                cell = (slice(None), in_channels) + input_position
                taps = (out_channels, slice(None)) + tap
                # forward: y[:, out, o] += x_pad[:, in, p] @ weight[out, :, t].T
                grad_x_padded[cell] += upstream @ weight[taps]  # (N, C_out/g) @ (C_out/g, C_in/g)
                grad_weight[taps] += upstream.T @ x_padded[cell]  # (C_out/g, N) @ (N, C_in/g)
    interior = (slice(None), slice(None)) + tuple(slice(lo, lo + n) for n, (lo, _) in zip(args.input_size, pads))
    grad_x = grad_x_padded[interior]
    grad_bias = grad.sum(axis=(0, *range(2, grad.ndim))) if with_bias else None
    return grad_x, grad_weight, grad_bias
