"""Mutant: ceil mode keeps a last window that starts in the right padding.

The port takes ceil mode's length from the textbook formula
``ceil((n + lo + hi - span) / s) + 1`` and forgets PyTorch's correction (drop that
window when it would start at or after the input's end). The spurious window holds
padding only: -inf for max pooling (its index, -1, names no cell), an average of
zeros for avg pooling (0, or 0/0 = NaN when the padding does not count).
"""

import math

import numpy as np
import torch

from convspec import accelerated
from convspec.spec.pool import check_pool_arguments, pool_output_size, pool_padding

PLANTED_BUG = "ceil_mode keeps a last window starting in the right padding (no start-inside-the-input correction)."
BUGGY_OPS = ("max_pool", "avg_pool")


def _extra_windows(op, x, kernel_size, params):
    args = check_pool_arguments(op, x.shape, kernel_size, **params)
    if not args.ceil_mode:
        return []
    extra = []
    for n, k, s, d, (lo, hi), length in zip(
        args.input_size, args.kernel_size, args.stride, args.dilation, pool_padding(args), pool_output_size(args)
    ):
        textbook = math.ceil((n + lo + hi - d * (k - 1) - 1) / s) + 1  # BUG: no correction
        extra.append((0, textbook - length))
    return extra


def _append(result: np.ndarray, extra, fill) -> np.ndarray:
    return np.pad(result, [(0, 0), (0, 0), *extra], constant_values=fill) if extra else result


def max_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    params = dict(stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode, return_indices=return_indices)
    result = accelerated.max_pool(torch.from_numpy(x), kernel_size, **params)
    extra = _extra_windows("max_pool", x, kernel_size, params)
    if return_indices:
        return _append(result[0].numpy(), extra, -np.inf), _append(result[1].numpy(), extra, -1)
    return _append(result.numpy(), extra, -np.inf)


def avg_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, count_include_pad=True, divisor_override=None):
    params = dict(
        stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode, count_include_pad=count_include_pad,
        divisor_override=divisor_override,
    )
    result = accelerated.avg_pool(torch.from_numpy(x), kernel_size, **params).numpy()
    empty_average = 0.0 if count_include_pad or divisor_override else np.nan
    return _append(result, _extra_windows("avg_pool", x, kernel_size, params), empty_average)
