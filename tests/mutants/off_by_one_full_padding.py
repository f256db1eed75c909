"""Mutant: "full" padding is one zero too wide on each side.

``"full"`` keeps every window that overlaps the input in at least one position,
which takes ``span - 1`` zeros per side (``span = dilation * (k - 1) + 1``); this
port pads ``span`` zeros, adding an all-padding window at each end of every axis.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "padding='full' adds dilation*(k-1)+1 zeros per side instead of dilation*(k-1): off by one."
BUGGY_OPS = ("correlate", "convolve", "depthwise_separable")


def _t(a):
    return None if a is None else torch.from_numpy(a)


def _explicit(padding, x, kernel, dilation):
    if padding != "full":
        return padding
    dilation = dilation if isinstance(dilation, (tuple, list)) else (dilation,) * (x.ndim - 2)
    return tuple((d * (k - 1) + 1,) * 2 for k, d in zip(kernel, dilation))  # BUG: should be d * (k - 1)


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    padding = _explicit(padding, x, weight.shape[2:], dilation)
    return accelerated.correlate(
        _t(x), _t(weight), _t(bias), stride=stride, padding=padding, dilation=dilation, groups=groups
    ).numpy()


def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    padding = _explicit(padding, x, weight.shape[2:], dilation)
    return accelerated.convolve(
        _t(x), _t(weight), _t(bias), stride=stride, padding=padding, dilation=dilation, groups=groups
    ).numpy()


def depthwise_separable(x, depthwise_weight, pointwise_weight, bias=None, *, stride=1, padding=0, dilation=1):
    padding = _explicit(padding, x, depthwise_weight.shape[2:], dilation)
    return accelerated.depthwise_separable(
        _t(x), _t(depthwise_weight), _t(pointwise_weight), _t(bias), stride=stride, padding=padding, dilation=dilation
    ).numpy()
