"""Mutant: avg_pool ignores divisor_override.

The port maps avg_pool to an API without the argument (ONNX AveragePool, Keras
AveragePooling) and silently drops it: each window is divided by its cell count instead
of the caller's divisor.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "avg_pool accepts divisor_override and never uses it."
BUGGY_OPS = ("avg_pool",)


def avg_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, count_include_pad=True, divisor_override=None):
    return accelerated.avg_pool(
        torch.from_numpy(x), kernel_size, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode,
        count_include_pad=count_include_pad, divisor_override=None,  # BUG: dropped
    ).numpy()
