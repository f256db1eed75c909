"""Mutant: stride=None means stride 1.

Convolution's stride defaults to 1; the port reuses that default for pooling,
where ``stride=None`` must mean ``stride = kernel_size`` (non-overlapping windows,
as torch, Keras and ONNX). Explicit strides are right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "stride=None is taken as stride 1 instead of stride = kernel_size."
BUGGY_OPS = ("max_pool", "avg_pool")


def max_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    result = accelerated.max_pool(
        torch.from_numpy(x), kernel_size, stride=1 if stride is None else stride,  # BUG
        padding=padding, dilation=dilation, ceil_mode=ceil_mode, return_indices=return_indices,
    )
    return tuple(part.numpy() for part in result) if return_indices else result.numpy()


def avg_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, count_include_pad=True, divisor_override=None):
    return accelerated.avg_pool(
        torch.from_numpy(x), kernel_size, stride=1 if stride is None else stride,  # BUG
        padding=padding, dilation=dilation, ceil_mode=ceil_mode, count_include_pad=count_include_pad, divisor_override=divisor_override,
    ).numpy()
