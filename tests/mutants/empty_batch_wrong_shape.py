"""Mutant: an empty batch short-circuits to an array of the input's spatial size.

The port returns early for ``N = 0`` (the native kernel refuses empty tensors on
some backends) with ``np.zeros((0, C_out, *x.shape[2:]))``: the spatial sizes are
the input's, not the output's, so any call whose output size differs from its
input size has the wrong shape. Every non-empty batch is right.
"""

import numpy as np
import torch

from convspec import accelerated

PLANTED_BUG = "an empty batch returns zeros of shape (0, C_out, *input_spatial) instead of the output's spatial shape."
BUGGY_OPS = ("correlate", "convolve")


def _t(a):
    return None if a is None else torch.from_numpy(a)


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    if x.shape[0] == 0:
        return np.zeros((0, weight.shape[0], *x.shape[2:]), dtype=x.dtype)  # BUG: the output size is not computed
    return accelerated.correlate(
        _t(x), _t(weight), _t(bias), stride=stride, padding=padding, dilation=dilation, groups=groups
    ).numpy()


def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    if x.shape[0] == 0:
        return np.zeros((0, weight.shape[0], *x.shape[2:]), dtype=x.dtype)  # BUG: likewise
    return accelerated.convolve(
        _t(x), _t(weight), _t(bias), stride=stride, padding=padding, dilation=dilation, groups=groups
    ).numpy()
