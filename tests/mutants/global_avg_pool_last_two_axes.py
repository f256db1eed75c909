"""Mutant: global average pooling hard-codes the two last axes.

The port was written for images: ``x.mean(dim=(-2, -1), keepdim=True)``. Right for
2-D inputs; on 1-D inputs it averages over the channels too, on 3-D and 4-D ones it
leaves the leading spatial axes unpooled.
"""

import torch

PLANTED_BUG = "global_avg_pool averages over the last two axes, whatever the number of spatial axes."
BUGGY_OPS = ("global_avg_pool",)


def global_avg_pool(x):
    return torch.from_numpy(x).mean(dim=(-2, -1), keepdim=True).numpy()  # BUG: should be every axis from 2 on
