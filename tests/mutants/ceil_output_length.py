"""Mutant: output length rounded up (ceil mode).

The number of windows along an axis is ``floor((n + lo + hi - span) / stride) + 1``.
The port uses ``ceil`` (as pooling layers with ``ceil_mode=True`` do) and pads
the high side so the extra, partially padded window fits. Only strides that do
not divide the remaining length show it.
"""

import torch

from convspec import accelerated
from convspec.spec.conv import resolve_padding
from convspec.spec.conventions import int_per_axis, normalize_padding

PLANTED_BUG = "the window count uses ceil instead of floor, adding a last window that hangs over the high padding."
BUGGY_OPS = ("correlate", "convolve", "depthwise_separable")


def _t(a):
    return None if a is None else torch.from_numpy(a)


def _ceil_mode_pairs(op, x, kernel, stride, padding, dilation):
    n = x.ndim - 2
    strides = int_per_axis(op, "stride", stride, n, minimum=1)
    dilations = int_per_axis(op, "dilation", dilation, n, minimum=1)
    pairs = resolve_padding(normalize_padding(op, padding, n), x.shape[2:], kernel, strides, dilations)
    result = []
    for length, k, s, d, (lo, hi) in zip(x.shape[2:], kernel, strides, dilations, pairs):
        span = d * (k - 1) + 1
        windows = -(-(length + lo + hi - span) // s) + 1  # BUG: ceil; the spec says floor
        result.append((lo, max(hi, (windows - 1) * s + span - length - lo)))
    return tuple(result)


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    padding = _ceil_mode_pairs("correlate", x, weight.shape[2:], stride, padding, dilation)
    return accelerated.correlate(
        _t(x), _t(weight), _t(bias), stride=stride, padding=padding, dilation=dilation, groups=groups
    ).numpy()


def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    padding = _ceil_mode_pairs("convolve", x, weight.shape[2:], stride, padding, dilation)
    return accelerated.convolve(
        _t(x), _t(weight), _t(bias), stride=stride, padding=padding, dilation=dilation, groups=groups
    ).numpy()


def depthwise_separable(x, depthwise_weight, pointwise_weight, bias=None, *, stride=1, padding=0, dilation=1):
    padding = _ceil_mode_pairs("depthwise_separable", x, depthwise_weight.shape[2:], stride, padding, dilation)
    return accelerated.depthwise_separable(
        _t(x), _t(depthwise_weight), _t(pointwise_weight), _t(bias), stride=stride, padding=padding, dilation=dilation
    ).numpy()
