"""Reference unpooling (numpy, loops): max_unpool, avg_unpool, first_unpool.

Seed 004, "Up-sampling": each value of a pooled map goes back into the block
(pooling window) it came from. Conventions (layout, dtypes, errors):
:mod:`convspec.spec.conventions`; argument rules and the closed forms for the
output size: :mod:`convspec.spec.unpool` (the sizes are not taken from there: the
reference enumerates window positions itself).

Output size, for all three: along each axis, every length ``L`` whose pooling
(same kernel, stride, padding; floor mode) gives back x's length is a valid
output length; ``output_size`` picks one, the default is the smallest.
"""

from __future__ import annotations

from itertools import product

import numpy as np

from convspec.spec.limits import check_output_size
from convspec.spec.unpool import UnpoolArguments, check_unpool_arguments, index_range_error, indices_dtype_error

from .arrays import accumulator, check_array, zeros
from .windows import lengths_with_window_count, window_starts


def max_unpool(x, indices, kernel_size, *, stride=None, padding=0, output_size=None):
    """Max unpooling with switches: each value goes back to the cell max-pooling took it from.

    Definition (seed 004: "During down-sampling, a record is kept of which element in
    each block had the maximum value. In the corresponding up-sampling layer, the
    non-zero element is chosen to have the same location")::

        y = zeros((N, C, *output_size))
        for every pooled position o, in row-major order:
            y[b, c].flat[indices[b, c, o]] = x[b, c, o]

    ``indices`` are max-pooling's (``return_indices=True``, PyTorch's convention):
    flat positions in one ``(n, c)`` plane of the *unpadded* pooling input, i.e. of
    the output here. ``kernel_size``, ``stride`` (default: ``kernel_size``) and
    ``padding`` are the pooling's; they decide only the output size.

    Rules:

    * Every index **must** lie in ``[0, prod(output_size))``, else ``ValueError``. An
      index need not lie inside its own pooling window: implementations **must** place
      the value where the index says and **must not** reject it.
    * Duplicates (overlapping windows, stride < kernel, can record the same cell
      twice): the value at the pooled position that comes **last in row-major order**
      wins, as every later write overwrites the earlier ones. Implementations **must**
      follow this rule deterministically (PyTorch's CPU kernel does; its CUDA kernel
      may pick any of them). Indices recorded by a max-pool point at one cell holding
      one value, so for them every rule gives the same numbers.
    * Cells no index points at are ``0``.

    Example (the seeds' 2x2 picture): ``x = [[1, 2], [3, 4]]`` with switches at
    (1, 1), (0, 2), (3, 0), (2, 3) of a 4x4 map, i.e. ``indices = [[5, 2], [12, 11]]``::

        [[0, 0, 2, 0],
         [0, 1, 0, 0],
         [0, 0, 0, 4],
         [3, 0, 0, 0]]
    """
    op = "max_unpool"
    x = check_array(op, "x", x)
    indices = _check_indices(op, indices)
    args = check_unpool_arguments(
        op, x.shape, kernel_size=kernel_size, stride=stride, padding=padding,
        output_size=output_size, indices_shape=indices.shape,
    )
    size = _output_size(op, args, x)
    plane = int(np.prod(size))
    outside = (indices < 0) | (indices >= plane)
    if outside.any():
        first = tuple(int(i) for i in np.argwhere(outside)[0])
        raise index_range_error(op, int(indices[first]), first, size)
    y = np.zeros((x.shape[0], x.shape[1], plane), dtype=x.dtype)
    for b, c in product(range(x.shape[0]), range(x.shape[1])):
        for o in product(*(range(m) for m in x.shape[2:])):  # row-major: a later write wins
            y[b, c, indices[(b, c) + o]] = x[(b, c) + o]
    return y.reshape(x.shape[:2] + size)


def avg_unpool(x, kernel_size, *, stride=None, output_size=None):
    """Average unpooling: each value is copied into every cell of its block.

    Definition (seed 004: "To reverse the down-sampling effects of average pooling,
    we can copy over each input value into all the corresponding output units")::

        y[b, c, cell] = sum over pooled positions o whose block contains cell of x[b, c, o]

    where the block of ``o`` is the pooling window starting at ``o * stride`` (per
    axis) of size ``kernel_size``; ``stride`` defaults to ``kernel_size``.

    Rules:

    * ``stride == kernel_size`` (the default): blocks tile the output; every cell of
      block ``o`` holds ``x[o]`` (nearest-neighbour up-sampling by the factor k).
    * ``stride < kernel_size``: blocks overlap and the copies **add up**. This makes
      ``avg_unpool`` the adjoint of *sum* pooling (``<sum_pool(a), b> == <a,
      avg_unpool(b)>``) and equal to a transposed convolution with an all-ones
      kernel per channel; the sums are taken in float64 and rounded once.
    * ``stride > kernel_size``: cells between blocks, and the cells past the last
      block when ``output_size`` is larger than the default, are ``0``.
    * It does not divide by the block size: ``avg_pool(avg_unpool(y)) == y`` for
      non-overlapping blocks (a mean of equal copies), not the other way round.

    Example: ``[[1, 2], [3, 4]]`` with 2x2 blocks::

        [[1, 1, 2, 2],
         [1, 1, 2, 2],
         [3, 3, 4, 4],
         [3, 3, 4, 4]]

    and in 1-D with overlapping blocks (kernel 2, stride 1): ``[1, 2, 3] -> [1, 3, 5, 3]``.
    """
    op = "avg_unpool"
    x = check_array(op, "x", x)
    args = check_unpool_arguments(op, x.shape, kernel_size=kernel_size, stride=stride, output_size=output_size)
    size = _output_size(op, args, x)
    starts = _block_starts(args, size)
    values = accumulator(x)
    y = zeros(x.shape[:2] + size, like=x)
    for o in product(*(range(m) for m in x.shape[2:])):
        start = [axis_starts[i] for axis_starts, i in zip(starts, o)]
        for tap in product(*(range(k) for k in args.kernel_size)):
            cell = tuple(first + t for first, t in zip(start, tap))
            y[(slice(None), slice(None)) + cell] += values[(slice(None), slice(None)) + o]
    return y.astype(x.dtype)


def first_unpool(x, kernel_size, *, stride=None, output_size=None):
    """Max unpooling without switches: each value goes to the first cell of its block.

    Definition (seed 004: "copy the input value into the first unit of the
    corresponding output block, and the remaining values in each block are set to
    zero")::

        y = zeros((N, C, *output_size));  y[b, c, o * stride] = x[b, c, o]

    The first cell is the top-left one (the lowest position on every axis) of the
    pooling window of ``o``; ``stride`` defaults to ``kernel_size``. First cells of
    different blocks never coincide (they are ``stride >= 1`` apart), so there is no
    overlap rule. ``kernel_size`` only sets the output size. It equals
    ``max_unpool`` with indices pointing at every block's first cell, and zero
    insertion (the stride trick of a transposed convolution) padded to the output size.

    Example: ``[[1, 2], [3, 4]]`` with 2x2 blocks::

        [[1, 0, 2, 0],
         [0, 0, 0, 0],
         [3, 0, 4, 0],
         [0, 0, 0, 0]]
    """
    op = "first_unpool"
    x = check_array(op, "x", x)
    args = check_unpool_arguments(op, x.shape, kernel_size=kernel_size, stride=stride, output_size=output_size)
    size = _output_size(op, args, x)
    starts = _block_starts(args, size)
    y = np.zeros(x.shape[:2] + size, dtype=x.dtype)
    for o in product(*(range(m) for m in x.shape[2:])):
        first_cell = tuple(axis_starts[i] for axis_starts, i in zip(starts, o))
        y[(slice(None), slice(None)) + first_cell] = x[(slice(None), slice(None)) + o]
    return y


def _check_indices(op: str, indices: object) -> np.ndarray:
    if not isinstance(indices, np.ndarray):
        raise TypeError(
            f"{op}: indices must be a numpy.ndarray, got {type(indices).__name__}; "
            "wrap it with numpy.asarray(indices, dtype=numpy.int64)"
        )
    if not np.issubdtype(indices.dtype, np.integer):
        raise indices_dtype_error(op, str(indices.dtype))
    return indices


def _output_size(op: str, args: UnpoolArguments, x: np.ndarray) -> tuple[int, ...]:
    """The requested size, or per axis the smallest length that pools back to x's length.

    The valid lengths are found from where the windows sit
    (:func:`~convspec.reference.windows.lengths_with_window_count`), not from the spec's closed form.
    The output's size is checked (:func:`convspec.spec.limits.check_output_size`) before it is allocated.
    """
    size = []
    for axis, (n, k, s, (lo, hi)) in enumerate(zip(args.input_size, args.kernel_size, args.stride, args.padding)):
        lengths = lengths_with_window_count(n, k, s, lo, hi)
        if args.output_size is None:
            size.append(lengths[0])
        else:
            # the shared check accepted it from the closed form; the enumeration must agree
            assert args.output_size[axis] in lengths, (args, lengths)
            size.append(args.output_size[axis])
    check_output_size(op, x.shape[:2] + tuple(size), x.dtype)
    return tuple(size)


def _block_starts(args: UnpoolArguments, size: tuple[int, ...]) -> list[list[int]]:
    """Per axis, the first cell of every block: the starts of the pooling windows over the output."""
    starts = [window_starts(length, k, s) for length, k, s in zip(size, args.kernel_size, args.stride)]
    assert [len(axis_starts) for axis_starts in starts] == list(args.input_size), (starts, args)
    return starts
