"""Mutant: "same_lower" splits an odd total like "same".

``"same_lower"`` (ONNX SAME_LOWER) puts the odd leftover zero *before* the input.
The port maps it onto TensorFlow's SAME, which puts it after, so with an odd total
padding every output is read one cell too far to the right on that axis. An even
total, and ``"same"`` itself, are right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "padding='same_lower' with an odd total puts the extra zero after the input (as 'same') instead of before."
BUGGY_OPS = ("correlate", "convolve", "depthwise_separable")


def _t(a):
    return None if a is None else torch.from_numpy(a)


def _mode(padding):
    return "same" if padding == "same_lower" else padding  # BUG: same_lower's leftover goes high


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    return accelerated.correlate(
        _t(x), _t(weight), _t(bias), stride=stride, padding=_mode(padding), dilation=dilation, groups=groups
    ).numpy()


def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    return accelerated.convolve(
        _t(x), _t(weight), _t(bias), stride=stride, padding=_mode(padding), dilation=dilation, groups=groups
    ).numpy()


def depthwise_separable(x, depthwise_weight, pointwise_weight, bias=None, *, stride=1, padding=0, dilation=1):
    return accelerated.depthwise_separable(
        _t(x), _t(depthwise_weight), _t(pointwise_weight), _t(bias), stride=stride, padding=_mode(padding),
        dilation=dilation,
    ).numpy()
