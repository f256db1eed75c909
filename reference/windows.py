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
    taps = [dilation * tap for tap in range(kernel_size)]
    return taps[-1] - taps[0] + 1


def window_starts(padded_length: int, window_span: int, stride: int) -> list[int]:
    """Start of every window that lies completely inside the padded input.

    Walk from 0 in steps of ``stride``; keep a start while its last position
    ``start + span - 1`` is still inside ``[0, padded_length)``.

    >>> window_starts(6, 3, 3)
    [0, 3]
    """
    starts = []
    start = 0
    while start + window_span - 1 <= padded_length - 1:
        starts.append(start)
        start += stride
    return starts


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
