"""Mutant: first_unpool puts each value into the LAST cell of its block.

Seed 004: "copy the input value into the first unit of the corresponding output
block". This port writes to the bottom-right cell, offset kernel_size - 1 along
every axis (the same only for 1-wide blocks).
"""

import torch

from convspec.spec.unpool import check_unpool_arguments, unpool_output_size

PLANTED_BUG = "first_unpool places each value at the last cell of its block (o*s + k - 1) instead of the first (o*s)."
BUGGY_OPS = ("first_unpool",)


def first_unpool(x, kernel_size, *, stride=None, output_size=None):
    args = check_unpool_arguments("first_unpool", x.shape, kernel_size=kernel_size, stride=stride, output_size=output_size)
    y = torch.zeros(x.shape[:2] + unpool_output_size(args), dtype=torch.from_numpy(x).dtype)
    cells = (slice(None), slice(None)) + tuple(
        slice(k - 1, k - 1 + s * (n - 1) + 1, s)  # BUG: should start at 0
        for k, s, n in zip(args.kernel_size, args.stride, args.input_size)
    )
    y[cells] = torch.from_numpy(x)
    return y.numpy()
