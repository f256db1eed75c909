"""Mutant: per-side padding (lo, hi) applied as (hi, lo).

The port resolves every padding form to one ``(lo, hi)`` pair per axis, then
unpacks the pairs in the wrong order. Symmetric padding hides it; per-side
pairs and odd ``"same"``/``"same_lower"`` totals expose it.
"""

import torch

from convspec import accelerated
from convspec.spec.conv import resolve_padding
from convspec.spec.conventions import int_per_axis, normalize_padding

PLANTED_BUG = "every resolved (lo, hi) padding pair is applied swapped, as (hi, lo)."
BUGGY_OPS = ("correlate", "convolve", "depthwise_separable")


def _t(a):
    return None if a is None else torch.from_numpy(a)


def _swapped_pairs(op, x, kernel, stride, padding, dilation):
    n = x.ndim - 2
    pairs = resolve_padding(
        normalize_padding(op, padding, n), x.shape[2:], kernel,
        int_per_axis(op, "stride", stride, n, minimum=1), int_per_axis(op, "dilation", dilation, n, minimum=1),
    )
    return tuple((hi, lo) for lo, hi in pairs)  # BUG: should be (lo, hi)


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    padding = _swapped_pairs("correlate", x, weight.shape[2:], stride, padding, dilation)
    return accelerated.correlate(
        _t(x), _t(weight), _t(bias), stride=stride, padding=padding, dilation=dilation, groups=groups
    ).numpy()


def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    padding = _swapped_pairs("convolve", x, weight.shape[2:], stride, padding, dilation)
    return accelerated.convolve(
        _t(x), _t(weight), _t(bias), stride=stride, padding=padding, dilation=dilation, groups=groups
    ).numpy()


def depthwise_separable(x, depthwise_weight, pointwise_weight, bias=None, *, stride=1, padding=0, dilation=1):
    padding = _swapped_pairs("depthwise_separable", x, depthwise_weight.shape[2:], stride, padding, dilation)
    return accelerated.depthwise_separable(
        _t(x), _t(depthwise_weight), _t(pointwise_weight), _t(bias), stride=stride, padding=padding, dilation=dilation
    ).numpy()
