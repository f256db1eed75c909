"""Mutant: pooling's per-side ``(lo, hi)`` padding pairs read as ``(hi, lo)``.

The port converts each axis's pair to ``F.pad``'s order and gets the two sides the
wrong way round: the low side is padded by ``hi`` and the high side by ``lo``. With
unequal sides every window along that axis is shifted (and the divisors of the
border windows change). A single int, one int per axis and the named modes are right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "max_pool/avg_pool apply per-side (lo, hi) padding pairs with the sides swapped."
BUGGY_OPS = ("max_pool", "avg_pool")


def _sides(padding):
    if isinstance(padding, (tuple, list)) and any(isinstance(p, (tuple, list)) for p in padding):
        return tuple((p[1], p[0]) if isinstance(p, (tuple, list)) else p for p in padding)  # BUG
    return padding


def max_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    result = accelerated.max_pool(
        torch.from_numpy(x), kernel_size, stride=stride, padding=_sides(padding), dilation=dilation,
        ceil_mode=ceil_mode, return_indices=return_indices,
    )
    return tuple(part.numpy() for part in result) if return_indices else result.numpy()


def avg_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, count_include_pad=True, divisor_override=None):
    return accelerated.avg_pool(
        torch.from_numpy(x), kernel_size, stride=stride, padding=_sides(padding), dilation=dilation, ceil_mode=ceil_mode,
        count_include_pad=count_include_pad, divisor_override=divisor_override,
    ).numpy()
