"""Mutant: avg_pool's count_include_pad defaults to False.

The port copies the signature from a library whose average pooling excludes the
padding by default (TensorFlow, ONNX), while convspec (and PyTorch) default to
``count_include_pad=True``. A call that leaves the keyword out gets the wrong
divisor on every window that overlaps the padding; passing it explicitly is right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "avg_pool's count_include_pad defaults to False instead of True."
BUGGY_OPS = ("avg_pool",)


def avg_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, count_include_pad=False,  # BUG: default True
             divisor_override=None):
    return accelerated.avg_pool(
        torch.from_numpy(x), kernel_size, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode,
        count_include_pad=count_include_pad, divisor_override=divisor_override,
    ).numpy()
