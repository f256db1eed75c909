"""Mutant: pooling with "same_lower" splits an odd total padding like "same".

``"same_lower"`` puts the odd leftover padding cell before the input. The port's
pooling layers map it onto SAME (extra cell after), so with an odd total padding
every window along that axis is one cell too far right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "max_pool/avg_pool padding='same_lower' with an odd total puts the extra cell after the input instead of before."
BUGGY_OPS = ("max_pool", "avg_pool")


def _mode(padding):
    return "same" if padding == "same_lower" else padding  # BUG


def max_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    result = accelerated.max_pool(
        torch.from_numpy(x), kernel_size, stride=stride, padding=_mode(padding), dilation=dilation,
        ceil_mode=ceil_mode, return_indices=return_indices,
    )
    return tuple(part.numpy() for part in result) if return_indices else result.numpy()


def avg_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, count_include_pad=True, divisor_override=None):
    return accelerated.avg_pool(
        torch.from_numpy(x), kernel_size, stride=stride, padding=_mode(padding), dilation=dilation, ceil_mode=ceil_mode,
        count_include_pad=count_include_pad, divisor_override=divisor_override,
    ).numpy()
