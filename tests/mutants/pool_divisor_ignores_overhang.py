"""Mutant: the divisor counts the overhang of a ceil-mode window.

With ``count_include_pad=True`` the port divides every window by
``prod(kernel_size)``, which is right for every window inside the padded input but
not for ceil mode's last window: the part that hangs beyond the padding must not
count (PyTorch divides ``F.avg_pool1d(ones(6), 3, 2, 1, ceil_mode=True)``'s last
window by 2, not 3).
"""

import math

import torch

from convspec import accelerated

PLANTED_BUG = "avg_pool with count_include_pad=True divides ceil mode's overhanging window by the full kernel size."
BUGGY_OPS = ("avg_pool",)


def avg_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, count_include_pad=True, divisor_override=None):
    if count_include_pad and divisor_override is None:
        kernel = kernel_size if isinstance(kernel_size, (tuple, list)) else (kernel_size,) * (x.ndim - 2)
        divisor_override = math.prod(kernel)  # BUG: also for windows that overhang the padded input
    return accelerated.avg_pool(
        torch.from_numpy(x), kernel_size, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode,
        count_include_pad=count_include_pad, divisor_override=divisor_override,
    ).numpy()
