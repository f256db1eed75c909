"""Mutant: where avg_unpool's blocks overlap, a later copy overwrites an earlier one.

With stride < kernel a cell lies in several blocks; the spec adds the copies (the
adjoint of sum pooling, a transposed convolution with a ones kernel). This port
assigns each block in turn, so the last block's value wins. Non-overlapping
blocks (the default stride) are unaffected.
"""

from itertools import product

import torch

from convspec.spec.unpool import check_unpool_arguments, unpool_output_size

PLANTED_BUG = "avg_unpool assigns overlapping blocks in turn (last block wins) instead of summing them."
BUGGY_OPS = ("avg_unpool",)


def avg_unpool(x, kernel_size, *, stride=None, output_size=None):
    args = check_unpool_arguments("avg_unpool", x.shape, kernel_size=kernel_size, stride=stride, output_size=output_size)
    values = torch.from_numpy(x)
    y = torch.zeros(x.shape[:2] + unpool_output_size(args), dtype=values.dtype)
    for o in product(*(range(n) for n in args.input_size)):
        block = (slice(None), slice(None)) + tuple(slice(i * s, i * s + k) for i, s, k in zip(o, args.stride, args.kernel_size))
        y[block] = values[(slice(None), slice(None)) + o].reshape(x.shape[:2] + (1,) * len(o))  # BUG: = instead of +=
    return y.numpy()
