"""Mutant: pooling's one-int-per-axis padding applied to the axes in reverse order.

The port passes a ``(pad_h, pad_w)`` tuple to a backend that reads ``(pad_w, pad_h)``.
On 2-D to 4-D inputs with different padding per axis the windows are padded on the
wrong axes (and the output has the wrong shape). A single int, ``(lo, hi)`` pairs and
the named modes are right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "max_pool/avg_pool padding given as one int per axis is applied with the axes reversed."
BUGGY_OPS = ("max_pool", "avg_pool")


def _axes(padding):
    if isinstance(padding, (tuple, list)) and all(isinstance(p, int) for p in padding):
        return tuple(reversed(padding))  # BUG
    return padding


def max_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    result = accelerated.max_pool(
        torch.from_numpy(x), kernel_size, stride=stride, padding=_axes(padding), dilation=dilation,
        ceil_mode=ceil_mode, return_indices=return_indices,
    )
    return tuple(part.numpy() for part in result) if return_indices else result.numpy()


def avg_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, count_include_pad=True, divisor_override=None):
    return accelerated.avg_pool(
        torch.from_numpy(x), kernel_size, stride=stride, padding=_axes(padding), dilation=dilation, ceil_mode=ceil_mode,
        count_include_pad=count_include_pad, divisor_override=divisor_override,
    ).numpy()
