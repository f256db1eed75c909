"""Mutant: the bias is added twice.

The port passes ``bias`` to the native call *and* keeps the original kernel's
epilogue ``out += bias`` (from code whose inner call had no bias).
"""

import torch

from convspec import accelerated

PLANTED_BUG = "bias is passed to the native call and added again afterwards, so it counts twice."
BUGGY_OPS = ("correlate", "convolve", "depthwise_separable")


def _t(a):
    return None if a is None else torch.from_numpy(a)


def _plus_bias(out, bias):
    if bias is not None:  # BUG: the native call already added it
        out = out + _t(bias).reshape((1, -1) + (1,) * (out.dim() - 2))
    return out.numpy()


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    out = accelerated.correlate(_t(x), _t(weight), _t(bias), stride=stride, padding=padding, dilation=dilation, groups=groups)
    return _plus_bias(out, bias)


def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    out = accelerated.convolve(_t(x), _t(weight), _t(bias), stride=stride, padding=padding, dilation=dilation, groups=groups)
    return _plus_bias(out, bias)


def depthwise_separable(x, depthwise_weight, pointwise_weight, bias=None, *, stride=1, padding=0, dilation=1):
    out = accelerated.depthwise_separable(
        _t(x), _t(depthwise_weight), _t(pointwise_weight), _t(bias), stride=stride, padding=padding, dilation=dilation
    )
    return _plus_bias(out, bias)
