"""Mutant: a per-axis dilation tuple applied to the axes in reverse order.

The port hands ``dilation`` to an API that lists spatial axes last first (width
before height) without reversing it, so on 2-D and 3-D inputs with different
dilations per axis each axis uses another axis's dilation. One int for every axis,
and 1-D inputs, are right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "a per-axis dilation tuple is reversed, so each spatial axis uses another axis's dilation."
BUGGY_OPS = ("correlate", "convolve", "depthwise_separable")


def _t(a):
    return None if a is None else torch.from_numpy(a)


def _reversed(dilation):
    return tuple(reversed(dilation)) if isinstance(dilation, (tuple, list)) else dilation  # BUG


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    return accelerated.correlate(
        _t(x), _t(weight), _t(bias), stride=stride, padding=padding, dilation=_reversed(dilation), groups=groups
    ).numpy()


def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    return accelerated.convolve(
        _t(x), _t(weight), _t(bias), stride=stride, padding=padding, dilation=_reversed(dilation), groups=groups
    ).numpy()


def depthwise_separable(x, depthwise_weight, pointwise_weight, bias=None, *, stride=1, padding=0, dilation=1):
    return accelerated.depthwise_separable(
        _t(x), _t(depthwise_weight), _t(pointwise_weight), _t(bias), stride=stride, padding=padding,
        dilation=_reversed(dilation),
    ).numpy()
