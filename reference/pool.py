"""Reference pooling: max_pool, avg_pool, global_max_pool, global_avg_pool (numpy, loops).

Conventions (layout, padding forms, dtypes, errors): :mod:`convspec.spec.conventions`;
the pooling rules (ties, NaN, divisors, ceil mode, which padding is allowed):
:mod:`convspec.spec.pool`, whose closed-form sizes are not used here: the windows
are enumerated (:func:`convspec.reference.windows.pool_window_starts`).
"""

from __future__ import annotations

from itertools import product

import numpy as np

from convspec.spec.limits import check_output_size, padded_shape
from convspec.spec.pool import check_global_pool_arguments, check_pool_arguments

from .arrays import accumulator, check_array, incomparable_error, zeros
from .windows import count, pool_window_starts, resolve_padding, span


def max_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    r"""Max pooling: the largest input value under each window, and where it is.

    Definition (per window, for every batch entry and channel separately): the
    window at output position ``o`` has taps ``o*stride - pad_lo + dilation*tap``
    (per axis, ``tap`` in ``0 .. kernel_size - 1``); the taps that fall in the
    padding are skipped (padding acts as -inf and never wins). Of the input cells
    under the remaining taps, taken in row-major scan order of the taps::

        value = max(cells)                                 NaN if any cell is NaN
        index = flat position of the FIRST cell equal to the max,
                or of the LAST NaN when the window holds NaNs

    ``index`` is flat over the unpadded ``(n, c)`` plane, int64 (PyTorch's layout).
    The windows are those of a correlation with the same kernel, stride, padding and
    dilation; ``ceil_mode=True`` may add one overhanging window at the end (see
    :func:`convspec.reference.windows.pool_window_starts`).

    Args:
        x: ``(N, C, *spatial)`` floating array (or ``dtype=object`` of comparable numbers: ints,
            ``Fraction``\ s, sympy numbers; free symbols cannot be ordered: TypeError).
        kernel_size, dilation: positive int, or one per spatial axis.
        stride: positive int, one per axis, or ``None`` (the default): ``kernel_size``.
        padding: any padding form of :mod:`convspec.spec.conventions`; every window
            must still hold an input cell (at most ``dilation*(kernel_size-1)`` per side).
        ceil_mode: keep a last, overhanging window that starts inside the input or the left padding.
        return_indices: also return the int64 indices.

    Returns:
        ``values`` of ``x``'s dtype, ``(N, C, *out)``; with ``return_indices=True``
        the pair ``(values, indices)``.

    Example (seed 000, 2x2 windows, stride 2)::

        3 1 3 5
        6 0 7 9   ->   6 9     indices  4  7
        3 2 1 4        3 4              8 11
        0 2 4 3
    """
    op = "max_pool"
    x = check_array(op, "x", x)
    args = check_pool_arguments(
        op, x.shape, kernel_size, stride=stride, padding=padding, dilation=dilation,
        ceil_mode=ceil_mode, return_indices=return_indices,
    )
    pads = resolve_padding(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    starts = [
        pool_window_starts(n, pad, span(k, d), s, args.ceil_mode)
        for n, pad, k, d, s in zip(args.input_size, pads, args.kernel_size, args.dilation, args.stride)
    ]
    check_output_size(op, (args.batch, args.channels, *map(count, starts)), x.dtype)  # counted, not yet walked
    _check_padded_size(op, x, pads)
    values = np.empty((args.batch, args.channels, *map(len, starts)), dtype=x.dtype)
    indices = np.empty(values.shape, dtype=np.int64)
    for out_position in product(*(range(len(axis_starts)) for axis_starts in starts)):
        window_start = [axis_starts[o] for axis_starts, o in zip(starts, out_position)]
        cells = _input_cells(window_start, args.kernel_size, args.dilation, args.input_size)
        window = np.stack([x[(slice(None), slice(None)) + cell] for cell in cells], axis=-1)  # (N, C, cells)
        value, winner = _maximum_and_winner(window, op)
        at = (slice(None), slice(None)) + out_position
        values[at] = value
        indices[at] = np.array([np.ravel_multi_index(cell, args.input_size) for cell in cells])[winner]
    return (values, indices) if args.return_indices else values


def avg_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, count_include_pad=True,
             divisor_override=None):
    """Average pooling: the sum of the input cells under each window over a divisor.

    Definition (per window; padding cells are zeros in the sum)::

        y[b, c, o] = sum(x[b, c, cell] for the window's cells inside the input) / divisor(o)

    The window's cells are its taps ``o*stride - pad_lo + dilation*tap`` (the windows
    and cells of :func:`max_pool`, ONNX ``AveragePool``'s ``dilations``; ``dilation=1``,
    the default, is PyTorch's ``avg_pool``). ``divisor(o)`` is ``divisor_override`` when
    given; otherwise the number of the window's taps inside the padded input
    (``count_include_pad=True``, the default) or inside the input
    (``count_include_pad=False``): the taps, not the cells the dilated window spans.
    Taps of a ceil-mode window beyond the padded input's end count in neither (PyTorch's
    rule). Sums are taken in float64 (or
    exactly for ``dtype=object``) and rounded once.

    Example (seed 000, 2x2 windows, stride 2)::

        3 1 3 5
        6 0 7 9   ->   2.5  6       (3+1+6+0)/4 = 2.5
        3 2 1 4        1.75 3
        0 2 4 3

    With padding 1 and ``kernel_size=3`` on ``[3, 9, 6]``: the first window is
    ``[pad, 3, 9]``, ``12/3 = 4`` with the padding counted, ``12/2 = 6`` without.
    With ``kernel_size=2, dilation=2`` on ``[1, 2, 4, 8, 16]``: taps ``(0, 2), (2, 4)``
    (stride 2): ``[(1 + 4)/2, (4 + 16)/2] = [2.5, 10]``.
    """
    op = "avg_pool"
    x = check_array(op, "x", x)
    args = check_pool_arguments(
        op, x.shape, kernel_size, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode,
        count_include_pad=count_include_pad, divisor_override=divisor_override,
    )
    pads = resolve_padding(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    starts = [
        pool_window_starts(n, pad, span(k, d), s, args.ceil_mode)
        for n, pad, k, d, s in zip(args.input_size, pads, args.kernel_size, args.dilation, args.stride)
    ]
    check_output_size(op, (args.batch, args.channels, *map(count, starts)), x.dtype)  # counted, not yet walked
    _check_padded_size(op, x, pads)
    values = accumulator(x)
    out = zeros((args.batch, args.channels, *map(len, starts)), like=x)
    for out_position in product(*(range(len(axis_starts)) for axis_starts in starts)):
        window_start = [axis_starts[o] for axis_starts, o in zip(starts, out_position)]
        cells = _input_cells(window_start, args.kernel_size, args.dilation, args.input_size)
        total = sum(values[(slice(None), slice(None)) + cell] for cell in cells)
        if args.divisor_override is not None:
            divisor = args.divisor_override
        elif args.count_include_pad:
            padded_region = [(-lo, n + hi) for n, (lo, hi) in zip(args.input_size, pads)]
            divisor = len(_window_cells(window_start, args.kernel_size, args.dilation, padded_region))
        else:
            divisor = len(cells)
        out[(slice(None), slice(None)) + out_position] = total / divisor
    return out.astype(x.dtype)


def global_max_pool(x):
    """The maximum over all spatial positions, per batch entry and channel; NaN propagates.

    Definition: ``y[b, c, 0, ..., 0] = max over every spatial position p of x[b, c, p]``,
    NaN if any of them is NaN. The spatial axes are kept with length 1: the output is
    ``(N, C, 1, ..., 1)``. It equals ``max_pool(x, kernel_size=x.shape[2:])``.

    Example: seed 000's 4x4 map ``3 1 3 5 / 6 0 7 9 / 3 2 1 4 / 0 2 4 3`` -> ``[[9]]``.
    """
    op = "global_max_pool"
    x = check_array(op, "x", x)
    check_global_pool_arguments(op, x.shape)
    cells = list(product(*map(range, x.shape[2:])))
    window = np.stack([x[(slice(None), slice(None)) + cell] for cell in cells], axis=-1)
    value, _ = _maximum_and_winner(window, op)
    return value.reshape(x.shape[:2] + (1,) * (x.ndim - 2)).astype(x.dtype)


def global_avg_pool(x):
    """The mean over all spatial positions, per batch entry and channel.

    Definition: ``y[b, c, 0, ..., 0] = sum over every spatial position p of x[b, c, p] / prod(spatial)``,
    summed in float64 and rounded once. Output ``(N, C, 1, ..., 1)``; it equals
    ``avg_pool(x, kernel_size=x.shape[2:])``.

    Example: seed 000's 4x4 map sums to 53: ``53 / 16 = 3.3125``.
    """
    op = "global_avg_pool"
    x = check_array(op, "x", x)
    check_global_pool_arguments(op, x.shape)
    values = accumulator(x)
    cells = list(product(*map(range, x.shape[2:])))
    total = sum(values[(slice(None), slice(None)) + cell] for cell in cells)
    return (total / len(cells)).reshape(x.shape[:2] + (1,) * (x.ndim - 2)).astype(x.dtype)


def _check_padded_size(op: str, x: np.ndarray, pads) -> None:
    """The padded input is guarded as an intermediate (:mod:`convspec.spec.limits`): the windows walk it,
    and the accelerated implementation pads a copy; a huge window under "same" or "full" padding is refused."""
    padded = padded_shape(x.shape, pads)
    if padded is not None:
        check_output_size(op, padded, x.dtype, what="padded input")


def _window_cells(window_start, kernel_size, dilation, region) -> list[tuple[int, ...]]:
    """The window's tap positions inside ``region`` (one ``[begin, end)`` per axis), in row-major tap order."""
    taps = product(*(range(k) for k in kernel_size))
    positions = (tuple(start + d * t for start, d, t in zip(window_start, dilation, tap)) for tap in taps)
    return [p for p in positions if all(begin <= i < end for i, (begin, end) in zip(p, region))]


def _input_cells(window_start, kernel_size, dilation, input_size) -> list[tuple[int, ...]]:
    """The window's taps that land on the input (not the padding), in row-major tap order."""
    cells = _window_cells(window_start, kernel_size, dilation, [(0, n) for n in input_size])
    if not cells:  # check_pool_arguments refuses such calls; reaching here means the two disagree
        raise AssertionError(f"INTERNAL: the window at {window_start} holds no input cell")
    return cells


def _is_nan(window: np.ndarray) -> np.ndarray:
    if window.dtype == object:
        return np.vectorize(lambda v: v != v, otypes=[bool])(window)
    return np.isnan(window)


def _maximum_and_winner(window: np.ndarray, op: str = "max_pool") -> tuple[np.ndarray, np.ndarray]:
    """Over the last axis (the window's cells in scan order): the value and the position of the winner.

    The winner is the first cell equal to the maximum; if the window holds NaN, the
    value is NaN and the winner is the last NaN. ``dtype=object`` values must be
    comparable numbers; free sympy symbols are a TypeError.
    """
    nan = _is_nan(window)
    has_nan = nan.any(axis=-1)
    try:
        maximum = np.max(window, axis=-1)  # NaN where the window holds one; the winner rule below decides those
    except TypeError as error:  # dtype=object: sympy cannot order two free symbols
        raise incomparable_error(op, "x", error) from None
    first_maximum = np.argmax(window == maximum[..., None], axis=-1)
    last_nan = window.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
    winner = np.where(has_nan, last_nan, first_maximum)
    value = np.take_along_axis(window, winner[..., None], axis=-1)[..., 0]
    return value, winner
