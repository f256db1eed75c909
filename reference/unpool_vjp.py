"""Reference backward passes of unpooling (numpy, loops): vector-Jacobian products.

Convention of :mod:`convspec.reference.conv_vjp`: the gradients of
``sum(grad_out * <op>(...))`` with respect to each array argument; ``max_unpool``'s
integer ``indices`` get ``None``.
"""

from __future__ import annotations

from itertools import product

import numpy as np

from convspec.spec.unpool import check_unpool_arguments

from .arrays import accumulator, check_array, zeros
from .conv_vjp import check_grad_out
from .unpool import _block_starts, _check_indices, _output_size


def max_unpool_vjp(grad_out, x, indices, kernel_size, *, stride=None, padding=0, output_size=None):
    """Gradients of ``sum(grad_out * max_unpool(x, indices, ...))``: ``(grad_x, None)``.

    Definition. The forward writes ``y[b, c].flat[indices[b, c, o]] = x[b, c, o]`` for the
    pooled positions ``o`` in row-major order, a later write overwriting an earlier one.
    So ``y``'s cell holds the value of its *winning* (last) writer and nothing of the
    others::

        grad_x[b, c, o] = grad_out[b, c].flat[indices[b, c, o]]   if o is the last position
                                                                   writing that cell
                        = 0                                        otherwise (overwritten)

    a gather at the indices, restricted to the winners. Without duplicates every
    position wins and this is the plain gather. ``indices`` are integers: no gradient.

    Returns:
        ``(grad_x, None)``.
    """
    op = "max_unpool_vjp"
    x = check_array(op, "x", x)
    indices = _check_indices(op, indices)
    args = check_unpool_arguments(
        "max_unpool", x.shape, kernel_size=kernel_size, stride=stride, padding=padding,
        output_size=output_size, indices_shape=indices.shape,
    )
    size = _output_size(op, args, x)
    plane = int(np.prod(size))
    if ((indices < 0) | (indices >= plane)).any():
        raise ValueError(f"{op}: every index must lie in [0, {plane}) (see max_unpool)")
    grad = accumulator(check_grad_out(op, grad_out, x.shape[:2] + size)).reshape(x.shape[:2] + (plane,))
    grad_x = zeros(x.shape, like=x)
    for b, c in product(range(x.shape[0]), range(x.shape[1])):
        last_writer = {}
        for o in product(*(range(m) for m in x.shape[2:])):  # row-major, as the forward writes
            last_writer[int(indices[(b, c) + o])] = o
        for cell, o in last_writer.items():
            grad_x[(b, c) + o] = grad[b, c, cell]
    return grad_x.astype(x.dtype), None


def avg_unpool_vjp(grad_out, x, kernel_size, *, stride=None, output_size=None):
    """Gradient of ``sum(grad_out * avg_unpool(x, ...))``: ``(grad_x,)``.

    The forward copies ``x[o]`` into every cell of its block (overlapping copies add),
    so ``grad_x[o] = sum of grad_out over the cells of block o``: sum pooling (no
    division) with the same kernel and stride. Cells outside every block give nothing.
    """
    op = "avg_unpool_vjp"
    x = check_array(op, "x", x)
    args = check_unpool_arguments("avg_unpool", x.shape, kernel_size=kernel_size, stride=stride,
                                  output_size=output_size)
    size = _output_size(op, args, x)
    starts = _block_starts(args, size)
    grad = accumulator(check_grad_out(op, grad_out, x.shape[:2] + size))
    grad_x = zeros(x.shape, like=x)
    everything = (slice(None), slice(None))
    for o in product(*(range(m) for m in x.shape[2:])):
        start = [axis_starts[i] for axis_starts, i in zip(starts, o)]
        for tap in product(*(range(k) for k in args.kernel_size)):
            cell = tuple(first + t for first, t in zip(start, tap))
            grad_x[everything + o] += grad[everything + cell]
    return (grad_x.astype(x.dtype),)


def first_unpool_vjp(grad_out, x, kernel_size, *, stride=None, output_size=None):
    """Gradient of ``sum(grad_out * first_unpool(x, ...))``: ``(grad_x,)``, ``grad_x[o] = grad_out[o * stride]``.

    The forward puts ``x[o]`` at the first cell of block ``o`` and zeros elsewhere; the
    gradient reads that cell back (a strided subsampling of ``grad_out``).
    """
    op = "first_unpool_vjp"
    x = check_array(op, "x", x)
    args = check_unpool_arguments("first_unpool", x.shape, kernel_size=kernel_size, stride=stride,
                                  output_size=output_size)
    size = _output_size(op, args, x)
    starts = _block_starts(args, size)
    grad = accumulator(check_grad_out(op, grad_out, x.shape[:2] + size))
    grad_x = zeros(x.shape, like=x)
    everything = (slice(None), slice(None))
    for o in product(*(range(m) for m in x.shape[2:])):
        first_cell = tuple(axis_starts[i] for axis_starts, i in zip(starts, o))
        grad_x[everything + o] = grad[everything + first_cell]
    return (grad_x.astype(x.dtype),)
