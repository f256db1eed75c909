"""Mutant: dilation is ignored.

The port's kernel has no dilation support and nobody noticed: the argument is
accepted and never forwarded, so every kernel is applied undilated.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "dilation is accepted but never forwarded: every kernel runs with dilation 1."
BUGGY_OPS = ("correlate", "convolve", "depthwise_separable")


def _t(a):
    return None if a is None else torch.from_numpy(a)


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    # BUG: dilation not passed on
    return accelerated.correlate(_t(x), _t(weight), _t(bias), stride=stride, padding=padding, groups=groups).numpy()


def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    return accelerated.convolve(_t(x), _t(weight), _t(bias), stride=stride, padding=padding, groups=groups).numpy()


def depthwise_separable(x, depthwise_weight, pointwise_weight, bias=None, *, stride=1, padding=0, dilation=1):
    return accelerated.depthwise_separable(
        _t(x), _t(depthwise_weight), _t(pointwise_weight), _t(bias), stride=stride, padding=padding
    ).numpy()
