"""Mutant: max pooling pads with zeros.

The port pads the input with ``F.pad`` (whose fill value is 0) before taking the
window maxima. Padding must never win a maximum: a window that overlaps the padding
and whose input cells are all negative returns 0 instead of its largest cell. Windows
without padding, and windows holding a non-negative cell, are right (the indices are
taken from the unpadded input, as before).
"""

import numpy as np
import torch

from convspec import accelerated
from convspec.reference.windows import pool_window_starts, resolve_padding
from convspec.spec.pool import check_pool_arguments

PLANTED_BUG = "max_pool pads with 0 (F.pad's default) instead of -inf, so padding wins windows of negative values."
BUGGY_OPS = ("max_pool",)


def _touches_padding(args):
    pads = resolve_padding(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    touches = np.zeros((1,) * len(pads), dtype=bool)
    for axis, (n, (lo, hi), k, d, s) in enumerate(
        zip(args.input_size, pads, args.kernel_size, args.dilation, args.stride)
    ):
        starts = pool_window_starts(n, (lo, hi), d * (k - 1) + 1, s, args.ceil_mode)
        hits = [any(-lo <= c < 0 or n <= c < n + hi for c in range(a, a + d * k, d)) for a in starts]
        shape = [1] * len(pads)
        shape[axis] = len(hits)
        touches = touches | np.array(hits).reshape(shape)
    return touches


def max_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    args = check_pool_arguments("max_pool", x.shape, kernel_size, stride=stride, padding=padding, dilation=dilation,
                                ceil_mode=ceil_mode, return_indices=return_indices)
    result = accelerated.max_pool(torch.from_numpy(x), kernel_size, stride=stride, padding=padding,
                                  dilation=dilation, ceil_mode=ceil_mode, return_indices=return_indices)
    values, indices = (result[0].numpy(), result[1].numpy()) if return_indices else (result.numpy(), None)
    zero = np.zeros((), dtype=values.dtype)
    values = np.where(_touches_padding(args), np.maximum(values, zero), values)  # BUG: the zero padding competes
    return (values, indices) if return_indices else values
