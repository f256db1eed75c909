"""Mutant: the bias is dropped.

The port builds the native call from a layer config that had ``use_bias=False``
baked in: ``bias`` is accepted and silently ignored, in every operation.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "bias is accepted but never added to the output."
BUGGY_OPS = ("correlate", "convolve", "depthwise_separable")


def _t(a):
    return None if a is None else torch.from_numpy(a)


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    # BUG: bias not passed on
    return accelerated.correlate(_t(x), _t(weight), None, stride=stride, padding=padding, dilation=dilation, groups=groups).numpy()


def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    return accelerated.convolve(_t(x), _t(weight), None, stride=stride, padding=padding, dilation=dilation, groups=groups).numpy()


def depthwise_separable(x, depthwise_weight, pointwise_weight, bias=None, *, stride=1, padding=0, dilation=1):
    return accelerated.depthwise_separable(
        _t(x), _t(depthwise_weight), _t(pointwise_weight), None, stride=stride, padding=padding, dilation=dilation
    ).numpy()
