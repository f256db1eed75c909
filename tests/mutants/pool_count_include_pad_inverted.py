"""Mutant: count_include_pad is read the wrong way round.

Keras and ONNX name the flag by what it excludes in some APIs and by what it includes
in others; the port negates it: padded cells count in the divisor exactly when the
caller said they must not, and not when the caller said they must.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "avg_pool passes `not count_include_pad` to the native call."
BUGGY_OPS = ("avg_pool",)


def avg_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, count_include_pad=True, divisor_override=None):
    return accelerated.avg_pool(
        torch.from_numpy(x), kernel_size, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode,
        count_include_pad=not count_include_pad,  # BUG: inverted
        divisor_override=divisor_override,
    ).numpy()
