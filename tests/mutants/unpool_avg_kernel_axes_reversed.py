"""Mutant: avg_unpool and first_unpool read a per-axis kernel_size tuple reversed.

The port passes ``(k_h, k_w)`` to a backend that takes ``(k_w, k_h)``: with different
kernel lengths per axis the blocks have the wrong shape (and so does the default
output). One int for every axis is right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "avg_unpool/first_unpool apply a per-axis kernel_size tuple with the axes reversed."
BUGGY_OPS = ("avg_unpool", "first_unpool")


def _reversed(value):
    return tuple(reversed(value)) if isinstance(value, (tuple, list)) else value  # BUG


def avg_unpool(x, kernel_size, *, stride=None, output_size=None):
    return accelerated.avg_unpool(torch.from_numpy(x), _reversed(kernel_size), stride=stride,
                                  output_size=output_size).numpy()


def first_unpool(x, kernel_size, *, stride=None, output_size=None):
    return accelerated.first_unpool(torch.from_numpy(x), _reversed(kernel_size), stride=stride,
                                    output_size=output_size).numpy()
