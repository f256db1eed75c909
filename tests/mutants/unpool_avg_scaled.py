"""Mutant: avg_unpool divides every copy by the block size.

"Undoing an average" by spreading each value over its block (value / k^d per
cell) conserves the sum, but seed 004 copies the value itself into every cell:
avg_pool(avg_unpool(y)) must give y back, not y / k^d.
"""

import math

import torch

from convspec import accelerated

PLANTED_BUG = "avg_unpool scales the copies by 1 / prod(kernel_size)."
BUGGY_OPS = ("avg_unpool",)


def avg_unpool(x, kernel_size, *, stride=None, output_size=None):
    y = accelerated.avg_unpool(torch.from_numpy(x), kernel_size, stride=stride, output_size=output_size)
    blocks = math.prod(kernel_size) if isinstance(kernel_size, (tuple, list)) else kernel_size ** (x.ndim - 2)
    return (y / blocks).numpy()  # BUG
