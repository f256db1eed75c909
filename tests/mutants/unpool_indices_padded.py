"""Mutant: max_unpool reads the switches as positions in the *padded* plane.

A port that pools by padding first and searching the padded map records padded
positions; PyTorch's (and convspec's) indices count cells of the unpadded input.
Read as padded positions and cropped afterwards, every value lands ``lo`` cells
off along each padded axis (or in the crop). avg_unpool and first_unpool take no padding.
"""

import torch

from convspec.accelerated import unpool as accelerated_unpool
from convspec.spec.unpool import check_unpool_arguments, unpool_output_size

PLANTED_BUG = "max_unpool interprets indices as flat positions in the padded plane, then crops the padding."
BUGGY_OPS = ("max_unpool",)


def max_unpool(x, indices, kernel_size, *, stride=None, padding=0, output_size=None):
    args = check_unpool_arguments(
        "max_unpool", x.shape, kernel_size=kernel_size, stride=stride, padding=padding,
        output_size=output_size, indices_shape=indices.shape,
    )
    size = unpool_output_size(args)
    padded = tuple(n + lo + hi for n, (lo, hi) in zip(size, args.padding))
    # BUG: the plane the indices point into should be `size`, not the padded one
    y = accelerated_unpool._max_unpool(torch.from_numpy(x), torch.from_numpy(indices).long(), padded)
    crop = (slice(None), slice(None)) + tuple(slice(lo, lo + n) for n, (lo, _) in zip(size, args.padding))
    return y[crop].contiguous().numpy()
