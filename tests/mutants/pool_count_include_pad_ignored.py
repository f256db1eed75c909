"""Mutant: count_include_pad=False is ignored.

The port builds the native call from a layer config that had the PyTorch default
``count_include_pad=True`` baked in: padded cells always count in the divisor, so
windows that overlap the padding are divided by too much.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "avg_pool counts padded cells in the divisor even when count_include_pad=False."
BUGGY_OPS = ("avg_pool",)


def avg_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, count_include_pad=True, divisor_override=None):
    return accelerated.avg_pool(
        torch.from_numpy(x), kernel_size, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode,
        count_include_pad=True,  # BUG: the caller's flag is dropped
        divisor_override=divisor_override,
    ).numpy()
