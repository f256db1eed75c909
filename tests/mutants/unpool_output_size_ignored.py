"""Mutant: the unpoolings ignore ``output_size`` and always return the default size.

Under a stride several input lengths pool to the same length; ``output_size``
chooses among them. Dropping it is right only when the caller asked for the
default (and max_unpool's switches may then point past the smaller plane).
"""

import torch

from convspec import accelerated

PLANTED_BUG = "max_unpool, avg_unpool and first_unpool drop output_size and return (n-1)*s - lo - hi + k per axis."
BUGGY_OPS = ("max_unpool", "avg_unpool", "first_unpool")


def max_unpool(x, indices, kernel_size, *, stride=None, padding=0, output_size=None):
    return accelerated.max_unpool(  # BUG: output_size not passed on
        torch.from_numpy(x), torch.from_numpy(indices), kernel_size, stride=stride, padding=padding
    ).numpy()


def avg_unpool(x, kernel_size, *, stride=None, output_size=None):
    return accelerated.avg_unpool(torch.from_numpy(x), kernel_size, stride=stride).numpy()  # BUG


def first_unpool(x, kernel_size, *, stride=None, output_size=None):
    return accelerated.first_unpool(torch.from_numpy(x), kernel_size, stride=stride).numpy()  # BUG
