"""Mutant: NaN is skipped, as numpy.fmax / nanmax do.

The port replaces NaN with -inf before taking maxima, so a window holding a NaN
gives the maximum of its other cells (and -inf if all are NaN) instead of NaN,
and its index names a number rather than the NaN.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "max pooling ignores NaN (fmax semantics) instead of propagating it."
BUGGY_OPS = ("max_pool", "global_max_pool")


def _without_nan(x):
    return torch.from_numpy(x).nan_to_num(nan=float("-inf"), posinf=float("inf"), neginf=float("-inf"))  # BUG


def max_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    result = accelerated.max_pool(
        _without_nan(x), kernel_size, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode,
        return_indices=return_indices,
    )
    return tuple(part.numpy() for part in result) if return_indices else result.numpy()


def global_max_pool(x):
    return accelerated.global_max_pool(_without_nan(x)).numpy()
