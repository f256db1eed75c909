"""Mutant: with duplicate switches max_unpool keeps the FIRST write instead of the last.

Overlapping pooling windows can record one cell twice; the spec keeps the value of
the pooled position that comes last in row-major order (every later write
overwrites, as PyTorch's CPU kernel does single-threaded). This port walks the
pooled positions backwards, so the first one wins.
"""

import numpy as np
import torch

from convspec.accelerated import unpool as accelerated_unpool
from convspec.spec.unpool import check_unpool_arguments, unpool_output_size

PLANTED_BUG = "max_unpool resolves duplicate indices in favour of the first pooled position, not the last."
BUGGY_OPS = ("max_unpool",)


def max_unpool(x, indices, kernel_size, *, stride=None, padding=0, output_size=None):
    args = check_unpool_arguments(
        "max_unpool", x.shape, kernel_size=kernel_size, stride=stride, padding=padding,
        output_size=output_size, indices_shape=indices.shape,
    )
    n, c = x.shape[:2]
    # BUG: reversed order, so "last write wins" keeps the first pooled position
    backwards_x = np.ascontiguousarray(x.reshape(n, c, -1)[..., ::-1])
    backwards_indices = np.ascontiguousarray(indices.reshape(n, c, -1)[..., ::-1]).astype(np.int64)
    y = accelerated_unpool._max_unpool(
        torch.from_numpy(backwards_x), torch.from_numpy(backwards_indices), unpool_output_size(args)
    )
    return y.contiguous().numpy()
