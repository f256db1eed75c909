"""Sliding windows, derived from their definition rather than from a closed form.

These helpers answer "which windows exist?" by walking along the padded input,
and "how much padding does a mode add?" from what the mode promises. The spec's
closed forms (:mod:`convspec.spec.conv`) are never imported here; the tests check
that both derivations agree.
"""

from __future__ import annotations

import numpy as np

from convspec.spec.conventions import Pairs


def span(kernel_size: int, dilation: int) -> int:
    """How many input positions a kernel covers: first tap to last tap inclusive."""
    taps = range(0, dilation * kernel_size, dilation)  # dilation * tap for every tap (a range: no walk)
    return taps[-1] - taps[0] + 1


def window_starts(padded_length: int, window_span: int, stride: int) -> range:
    """Start of every window that lies completely inside the padded input.

    The starts are ``0, stride, 2*stride, ...``; a start is kept while its last
    position ``start + span - 1`` is still inside ``[0, padded_length)``, i.e. while
    ``start <= padded_length - span``. A ``range``: its length (the number of
    windows) is known before a single start is visited, so an operation can check
    its output size before it loops.

    >>> list(window_starts(6, 3, 3))
    [0, 3]
    """
    return range(0, padded_length - window_span + 1, stride)


def count(starts: range) -> int:
    """``len(starts)`` for a range of any size (``len`` raises OverflowError past ``sys.maxsize``,
    which a huge padding or stride reaches): the number of windows, to check before walking them.

    >>> count(range(0, 10, 3)), count(range(0, 10**30, 1))
    (4, 1000000000000000000000000000000)
    """
    return max(-(-(starts.stop - starts.start) // starts.step), 0)


def padding_for_mode(mode: str, length: int, window_span: int, stride: int) -> tuple[int, int]:
    """``(lo, hi)`` that a padding mode adds to an axis of ``length``, from its promise.

    * ``valid``: nothing.
    * ``full``: every window that overlaps the input: the first window's last
      position is input position 0, so ``span - 1`` zeros go before; symmetric after.
    * ``same`` / ``same_lower``: one window per stride step taken across the input
      (starts 0, s, 2s, ... below ``length``); pad just enough that the last of those
      windows fits, and split an odd amount with the extra zero high (``same``) or
      low (``same_lower``).
    """
    if mode == "valid":
        return 0, 0
    if mode == "full":
        return window_span - 1, window_span - 1
    wanted_windows = len(range(0, length, stride))
    last_window_end = (wanted_windows - 1) * stride + window_span  # one past its last position
    total = max(last_window_end - length, 0)
    smaller, larger = total // 2, total - total // 2
    if mode == "same":
        return smaller, larger
    if mode == "same_lower":
        return larger, smaller
    raise AssertionError(f"unknown padding mode {mode!r}")  # conventions already refused it


def resolve_padding(padding: str | Pairs, input_size, kernel_size, stride, dilation) -> Pairs:
    """One ``(lo, hi)`` per spatial axis, for a padding already checked by the conventions."""
    if not isinstance(padding, str):
        return padding
    return tuple(
        padding_for_mode(padding, n, span(k, d), s)
        for n, k, s, d in zip(input_size, kernel_size, stride, dilation)
    )


def zero_pad(x: np.ndarray, pads: Pairs, fill=0) -> np.ndarray:
    """A new array: ``x`` placed inside a block of ``fill`` with ``pads[i]`` cells around spatial axis i."""
    padded_shape = x.shape[:2] + tuple(lo + size + hi for size, (lo, hi) in zip(x.shape[2:], pads))
    padded = np.full(padded_shape, fill, dtype=x.dtype)
    inside = (slice(None), slice(None)) + tuple(slice(lo, lo + size) for size, (lo, _) in zip(x.shape[2:], pads))
    padded[inside] = x
    return padded


def lengths_with_window_count(count: int, window_span: int, stride: int, lo: int, hi: int) -> range:
    """Every input length ``L >= 1`` that, padded by ``lo`` and ``hi``, holds exactly ``count`` windows.

    Windows start at ``0, stride, 2*stride, ...`` of the padded input (:func:`window_starts`).
    ``count`` windows fit when the last of them, starting at ``(count - 1) * stride``,
    ends inside the padded input: ``(count - 1) * stride + span <= L + lo + hi``; and no
    more fit while the next one, starting at ``count * stride``, does not:
    ``count * stride + span > L + lo + hi``. These are the lengths a pooling could have
    turned into ``count`` values.

    >>> list(lengths_with_window_count(3, 2, 2, 0, 0))
    [6, 7]
    """
    shortest = max((count - 1) * stride + window_span - lo - hi, 1)
    first_too_long = count * stride + window_span - lo - hi  # the (count + 1)-th window fits from here on
    return range(shortest, max(first_too_long, shortest))


def pool_window_starts(length: int, pads: tuple[int, int], window_span: int, stride: int, ceil_mode: bool) -> range:
    """Input position of the first tap of every pooling window along one axis (padding is negative).

    The windows that lie completely inside the padded input, as :func:`window_starts`
    walks them; then, in ceil mode, one more window when the padded input has cells
    left over after the last one *and* that window starts inside the input or the
    left padding (PyTorch's rule). That extra window overhangs the padded input's end.
    A ``range``, as :func:`window_starts`.

    >>> list(pool_window_starts(5, (0, 0), 2, 2, False)), list(pool_window_starts(5, (0, 0), 2, 2, True))
    ([0, 2], [0, 2, 4])
    >>> list(pool_window_starts(6, (1, 1), 3, 2, True))
    [-1, 1, 3, 5]
    """
    lo, hi = pads
    inside = window_starts(lo + length + hi, window_span, stride)
    starts = range(inside.start - lo, inside.stop - lo, stride)
    following = starts[-1] + stride
    cells_left_over = starts[-1] + window_span < length + hi
    if ceil_mode and cells_left_over and following < length:
        starts = range(starts.start, following + 1, stride)
    return starts
