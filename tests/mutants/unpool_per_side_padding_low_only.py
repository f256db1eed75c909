"""Mutant: max_unpool reads per-side padding ``(lo, hi)`` as symmetric ``lo``.

``torch.nn.functional.max_unpool{1,2,3}d`` takes one padding per axis, applied to both
sides; the port passes each pair's first entry. The default output length becomes
``(n - 1) s - 2 lo + k`` instead of ``(n - 1) s - lo - hi + k``, so with ``lo != hi``
the output has the wrong size (and a 2-D plane's flat switches land in the wrong
rows). An int, one int per axis, or an explicit ``output_size`` are right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "max_unpool applies a per-side (lo, hi) padding pair as lo on both sides."
BUGGY_OPS = ("max_unpool",)


def _symmetric(padding):
    if isinstance(padding, (tuple, list)) and any(isinstance(p, (tuple, list)) for p in padding):
        return tuple(p[0] if isinstance(p, (tuple, list)) else p for p in padding)  # BUG: hi dropped
    return padding


def max_unpool(x, indices, kernel_size, *, stride=None, padding=0, output_size=None):
    return accelerated.max_unpool(
        torch.from_numpy(x), torch.from_numpy(indices), kernel_size, stride=stride, padding=_symmetric(padding),
        output_size=output_size,
    ).numpy()
