"""In which order ``convspec check`` starts its workers: the operations that take longest first.

``jobs`` workers run at once and a run ends when its last operation does. Started in the catalog's order,
an operation that takes long but comes late (``sobel``, the FFT pair) runs on alone while the other cores
have nothing left to do. Started longest first (the longest-processing-time rule of list scheduling), the
short operations come last and fill the cores up to the end. Measured here (2 cores, the default
``convspec check accelerated``): the workers' part of the run went from 1.74 s to about 1.67 s, with the
same cases.

The order changes nothing else: every operation checks the same cases, and the reports list the results in
the catalog's order. Only the progress display shows the operations as they start.

:data:`SECONDS` holds what one operation's check of the accelerated target took, in seconds, in the default
check on 2 cores (``python benchmarks/bench_checker.py --costs`` measures them again and prints this table).
They are estimates for the order only: an operation missing from the table (a new one: adding an operation
does not touch this file) counts as the median of the others, and a backward check (``--grad``) as its
forward one.
"""

from __future__ import annotations

import statistics
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")

#: seconds of each operation's check (accelerated target, default check, 2 cores; benchmarks/bench_checker.py --costs)
SECONDS = {
    "correlate": 0.20,
    "convolve": 0.21,
    "depthwise_separable": 0.26,
    "conv_transpose": 0.21,
    "max_pool": 0.15,
    "avg_pool": 0.15,
    "global_max_pool": 0.03,
    "global_avg_pool": 0.02,
    "max_unpool": 0.08,
    "avg_unpool": 0.13,
    "first_unpool": 0.04,
    "upsample": 0.37,
    "relu": 0.02,
    "sigmoid": 0.04,
    "softmax": 0.05,
    "flatten": 0.02,
    "dense": 0.03,
    "box_iou": 0.12,
    "gram_matrix": 0.04,
    "style_loss": 0.07,
    "content_loss": 0.08,
    "sobel": 0.30,
    "fft_convolve": 0.18,
    "fft_correlate": 0.19,
}

_UNKNOWN = statistics.median(SECONDS.values())


def expected_seconds(op: str) -> float:
    """The estimate of ``op``'s check (the median of the table for an operation it lacks)."""
    return SECONDS.get(op, _UNKNOWN)


def longest_first(items: Sequence[T], op_of: Callable[[T], str]) -> list[T]:
    """``items`` ordered by their operation's :func:`expected_seconds`, longest first; ties keep their order.

    >>> longest_first(["relu", "upsample", "sobel"], lambda op: op)
    ['upsample', 'sobel', 'relu']
    """
    return sorted(items, key=lambda item: -expected_seconds(op_of(item)))
