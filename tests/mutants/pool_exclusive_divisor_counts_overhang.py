"""Mutant: count_include_pad=False subtracts the padding cells but not ceil mode's overhang.

The port computes the divisor of ``count_include_pad=False`` per axis as the kernel
length minus the window's cells in the declared padding. A ceil-mode last window
also hangs beyond the padded input's end; those cells are neither input nor padding
and must not count either (PyTorch divides by the input cells only), but here they
stay in the divisor, so that window's average is too small.
"""

import math

import numpy as np
import torch

from convspec import accelerated
from convspec.reference.windows import pool_window_starts
from convspec.spec.pool import check_pool_arguments

PLANTED_BUG = "avg_pool with count_include_pad=False counts the cells of a ceil-mode window beyond the padded input in the divisor."
BUGGY_OPS = ("avg_pool",)


def _axis_divisors(n, lo, hi, k, s, ceil_mode):
    divisors = []
    for start in pool_window_starts(n, (lo, hi), k, s, ceil_mode):
        in_padding = sum(1 for c in range(start, start + k) if -lo <= c < 0 or n <= c < n + hi)
        divisors.append(k - in_padding)  # BUG: cells past n + hi (the overhang) are still counted
    return np.array(divisors, dtype=np.float64)


def avg_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, count_include_pad=True, divisor_override=None):
    if count_include_pad or divisor_override is not None or dilation != 1:  # the bug: undilated windows only
        return accelerated.avg_pool(
            torch.from_numpy(x), kernel_size, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode,
            count_include_pad=count_include_pad, divisor_override=divisor_override,
        ).numpy()
    args = check_pool_arguments("avg_pool", x.shape, kernel_size, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode,
                                count_include_pad=count_include_pad, divisor_override=divisor_override)
    sums = accelerated.avg_pool(
        torch.from_numpy(x.astype(np.float64)), kernel_size, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode,
        count_include_pad=True, divisor_override=1,
    ).numpy()
    from convspec.reference.windows import resolve_padding

    pads = resolve_padding(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    per_axis = [_axis_divisors(n, lo, hi, k, s, args.ceil_mode)
                for n, (lo, hi), k, s in zip(args.input_size, pads, args.kernel_size, args.stride)]
    divisor = math.prod(np.ix_(*per_axis)) if len(per_axis) > 1 else per_axis[0]
    return (sums / divisor).astype(x.dtype)
