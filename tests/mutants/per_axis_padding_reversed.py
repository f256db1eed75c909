"""Mutant: one-int-per-axis padding applied to the axes in reverse order.

The port forwards a per-axis padding tuple to a native API that lists the axes
last first (as ``F.pad`` and Caffe's ``pad_w, pad_h`` do) without reversing it:
on 2-D and 3-D inputs with different values per axis, the height's padding is
applied to the width and vice versa. A single int, ``(lo, hi)`` pairs and the
named modes are right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "padding given as one int per axis is applied reversed (the first axis's value pads the last axis)."
BUGGY_OPS = ("correlate", "convolve", "depthwise_separable")


def _t(a):
    return None if a is None else torch.from_numpy(a)


def _axes(padding):
    if isinstance(padding, (tuple, list)) and all(isinstance(p, int) for p in padding):
        return tuple(reversed(padding))  # BUG: (pad_h, pad_w) read as (pad_w, pad_h)
    return padding


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    return accelerated.correlate(
        _t(x), _t(weight), _t(bias), stride=stride, padding=_axes(padding), dilation=dilation, groups=groups
    ).numpy()


def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    return accelerated.convolve(
        _t(x), _t(weight), _t(bias), stride=stride, padding=_axes(padding), dilation=dilation, groups=groups
    ).numpy()


def depthwise_separable(x, depthwise_weight, pointwise_weight, bias=None, *, stride=1, padding=0, dilation=1):
    return accelerated.depthwise_separable(
        _t(x), _t(depthwise_weight), _t(pointwise_weight), _t(bias), stride=stride, padding=_axes(padding),
        dilation=dilation,
    ).numpy()
