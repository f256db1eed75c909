"""Mutant: explicit padding applied to the axes in reverse order.

``torch.nn.functional.pad`` takes ``(lo, hi)`` pairs starting from the *last*
axis. The port pads with ``F.pad`` itself and lists the pairs first axis first,
so on 2-D and 3-D inputs the first axis's padding lands on the last axis and
vice versa. 1-D inputs and equal padding on every axis are unaffected.
"""

import torch
import torch.nn.functional as F

from convspec import accelerated
from convspec.spec.conv import resolve_padding
from convspec.spec.conventions import int_per_axis, normalize_padding

PLANTED_BUG = "F.pad is given the (lo, hi) pairs first axis first, but it expects them last axis first."
BUGGY_OPS = ("correlate", "convolve", "depthwise_separable")


def _padded(op, x, kernel, stride, padding, dilation):
    n = x.ndim - 2
    pairs = resolve_padding(
        normalize_padding(op, padding, n), x.shape[2:], kernel,
        int_per_axis(op, "stride", stride, n, minimum=1), int_per_axis(op, "dilation", dilation, n, minimum=1),
    )
    return F.pad(torch.from_numpy(x), [side for lo, hi in pairs for side in (lo, hi)])  # BUG: needs reversed(pairs)


def _t(a):
    return None if a is None else torch.from_numpy(a)


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    xp = _padded("correlate", x, weight.shape[2:], stride, padding, dilation)
    return accelerated.correlate(xp, _t(weight), _t(bias), stride=stride, dilation=dilation, groups=groups).numpy()


def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    xp = _padded("convolve", x, weight.shape[2:], stride, padding, dilation)
    return accelerated.convolve(xp, _t(weight), _t(bias), stride=stride, dilation=dilation, groups=groups).numpy()


def depthwise_separable(x, depthwise_weight, pointwise_weight, bias=None, *, stride=1, padding=0, dilation=1):
    xp = _padded("depthwise_separable", x, depthwise_weight.shape[2:], stride, padding, dilation)
    return accelerated.depthwise_separable(
        xp, _t(depthwise_weight), _t(pointwise_weight), _t(bias), stride=stride, dilation=dilation
    ).numpy()
