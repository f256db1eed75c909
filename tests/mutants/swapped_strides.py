"""Mutant: per-axis strides applied to the wrong axes.

The port came from an API that lists strides as (width, height): a per-axis
``stride=(s_0, s_1, ...)`` is reversed before the call, so each axis steps by
another axis's stride. Equal strides hide the bug.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "a per-axis stride tuple is reversed, so each spatial axis uses another axis's stride."
BUGGY_OPS = ("correlate", "convolve", "depthwise_separable")


def _t(a):
    return None if a is None else torch.from_numpy(a)


def _axes_reversed(stride):
    return tuple(reversed(stride)) if isinstance(stride, (tuple, list)) else stride  # BUG


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    return accelerated.correlate(
        _t(x), _t(weight), _t(bias), stride=_axes_reversed(stride), padding=padding, dilation=dilation, groups=groups
    ).numpy()


def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    return accelerated.convolve(
        _t(x), _t(weight), _t(bias), stride=_axes_reversed(stride), padding=padding, dilation=dilation, groups=groups
    ).numpy()


def depthwise_separable(x, depthwise_weight, pointwise_weight, bias=None, *, stride=1, padding=0, dilation=1):
    return accelerated.depthwise_separable(
        _t(x), _t(depthwise_weight), _t(pointwise_weight), _t(bias),
        stride=_axes_reversed(stride), padding=padding, dilation=dilation,
    ).numpy()
