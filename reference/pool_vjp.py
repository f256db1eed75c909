"""Reference backward passes of pooling (numpy, loops): vector-Jacobian products.

Convention of :mod:`convspec.reference.conv_vjp`: ``<op>_vjp(grad_out, x, **params)``
returns ``(grad_x,)``, the gradient of ``sum(grad_out * <op>(x, **params))``. The windows
are enumerated exactly as the forward enumerates them (ceil mode, padding, dilation).
"""

from __future__ import annotations

from itertools import product

import numpy as np

from convspec.spec.pool import check_global_pool_arguments, check_pool_arguments

from .arrays import accumulator, check_array, zeros
from .conv_vjp import check_grad_out
from .pool import _input_cells, _maximum_and_winner, _window_cells
from .windows import pool_window_starts, resolve_padding, span


def max_pool_vjp(grad_out, x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False,
                 return_indices=False):
    """Gradient of ``sum(grad_out * max_pool(x, ...))`` (the values; indices carry none): ``(grad_x,)``.

    Definition. A window's value is one of its cells, the winner of
    :func:`convspec.reference.pool.max_pool`: the *first* maximum in scan order, or the
    *last* NaN. Locally ``y[o] = x[winner(o)]``, so::

        grad_x[cell] = sum over the windows o whose winner is cell of grad_out[o]

    Only the winner receives ``grad_out[o]``; the other cells of a tie get nothing (not
    a share). A cell that wins several overlapping windows adds them up. A padding cell
    never wins, so nothing is lost at the borders (a window of ``-inf`` cells routes its
    gradient to its first input cell, which is its recorded index). This is PyTorch's
    rule too: its backward sends ``grad_out[o]`` to the recorded index.

    Returns:
        ``(grad_x,)`` of ``x``'s shape and dtype.
    """
    op = "max_pool_vjp"
    x = check_array(op, "x", x)
    args = check_pool_arguments(
        "max_pool", x.shape, kernel_size, stride=stride, padding=padding, dilation=dilation,
        ceil_mode=ceil_mode, return_indices=return_indices,
    )
    pads = resolve_padding(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    starts = [
        pool_window_starts(n, pad, span(k, d), s, args.ceil_mode)
        for n, pad, k, d, s in zip(args.input_size, pads, args.kernel_size, args.dilation, args.stride)
    ]
    grad = accumulator(check_grad_out(op, grad_out, (args.batch, args.channels, *map(len, starts))))
    grad_x = zeros(x.shape, like=x)
    everything = (slice(None), slice(None))
    for out_position in product(*(range(len(axis_starts)) for axis_starts in starts)):
        window_start = [axis_starts[o] for axis_starts, o in zip(starts, out_position)]
        cells = _input_cells(window_start, args.kernel_size, args.dilation, args.input_size)
        window = np.stack([x[everything + cell] for cell in cells], axis=-1)  # (N, C, cells)
        _, winner = _maximum_and_winner(window)
        upstream = grad[everything + out_position]
        for position, cell in enumerate(cells):
            grad_x[everything + cell] += np.where(winner == position, upstream, 0)
    return (grad_x.astype(x.dtype),)


def avg_pool_vjp(grad_out, x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
    """Gradient of ``sum(grad_out * avg_pool(x, ...))``: ``(grad_x,)``.

    Definition. ``y[o] = sum(x[cell] for the window's input cells) / divisor(o)``, so::

        grad_x[cell] = sum over the windows o holding cell of grad_out[o] / divisor(o)

    with the forward's windows (dilated taps) and divisor for every window: ``divisor_override``;
    else the window's taps inside the padded input (``count_include_pad=True``) or inside the input
    (``False``); a ceil-mode window's cells beyond the padded input count in neither.
    Padding cells receive gradient too but are not inputs: they are dropped.

    Returns:
        ``(grad_x,)`` of ``x``'s shape and dtype.
    """
    op = "avg_pool_vjp"
    x = check_array(op, "x", x)
    args = check_pool_arguments(
        "avg_pool", x.shape, kernel_size, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode,
        count_include_pad=count_include_pad, divisor_override=divisor_override,
    )
    pads = resolve_padding(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    starts = [
        pool_window_starts(n, pad, span(k, d), s, args.ceil_mode)
        for n, pad, k, d, s in zip(args.input_size, pads, args.kernel_size, args.dilation, args.stride)
    ]
    grad = accumulator(check_grad_out(op, grad_out, (args.batch, args.channels, *map(len, starts))))
    grad_x = zeros(x.shape, like=x)
    everything = (slice(None), slice(None))
    for out_position in product(*(range(len(axis_starts)) for axis_starts in starts)):
        window_start = [axis_starts[o] for axis_starts, o in zip(starts, out_position)]
        cells = _input_cells(window_start, args.kernel_size, args.dilation, args.input_size)
        if args.divisor_override is not None:
            divisor = args.divisor_override
        elif args.count_include_pad:
            padded_region = [(-lo, n + hi) for n, (lo, hi) in zip(args.input_size, pads)]
            divisor = len(_window_cells(window_start, args.kernel_size, args.dilation, padded_region))
        else:
            divisor = len(cells)
        share = grad[everything + out_position] / divisor
        for cell in cells:
            grad_x[everything + cell] += share
    return (grad_x.astype(x.dtype),)


def global_max_pool_vjp(grad_out, x):
    """Gradient of ``sum(grad_out * global_max_pool(x))``: ``(grad_x,)``.

    ``global_max_pool(x) == max_pool(x, kernel_size=x.shape[2:])``, so the gradient is
    :func:`max_pool_vjp`'s: all of ``grad_out[b, c]`` goes to the winner of the plane
    (the first maximum in row-major order, or the last NaN), nothing to the other cells
    of a tie. (``torch.amax``'s backward, which shares it among the tied cells, differs.)
    """
    op = "global_max_pool_vjp"
    x = check_array(op, "x", x)
    check_global_pool_arguments("global_max_pool", x.shape)
    grad = accumulator(check_grad_out(op, grad_out, x.shape[:2] + (1,) * (x.ndim - 2)))
    cells = list(product(*map(range, x.shape[2:])))
    everything = (slice(None), slice(None))
    window = np.stack([x[everything + cell] for cell in cells], axis=-1)
    _, winner = _maximum_and_winner(window)
    upstream = grad.reshape(x.shape[:2])
    grad_x = zeros(x.shape, like=x)
    for position, cell in enumerate(cells):
        grad_x[everything + cell] = np.where(winner == position, upstream, 0)
    return (grad_x.astype(x.dtype),)


def global_avg_pool_vjp(grad_out, x):
    """Gradient of ``sum(grad_out * global_avg_pool(x))``: ``(grad_x,)``, every cell ``grad_out / prod(spatial)``."""
    op = "global_avg_pool_vjp"
    x = check_array(op, "x", x)
    check_global_pool_arguments("global_avg_pool", x.shape)
    grad = accumulator(check_grad_out(op, grad_out, x.shape[:2] + (1,) * (x.ndim - 2)))
    cells = list(product(*map(range, x.shape[2:])))
    share = grad.reshape(x.shape[:2]) / len(cells)
    grad_x = zeros(x.shape, like=x)
    for cell in cells:
        grad_x[(slice(None), slice(None)) + cell] = share
    return (grad_x.astype(x.dtype),)
