"""Mutant: "same" puts the odd leftover zero on the low side.

With an odd total, ``"same"`` must put the extra zero on the *high* side
(TensorFlow/JAX SAME, ONNX SAME_UPPER); this port splits it as
``lo = total - total // 2, hi = total // 2``, which is ``"same_lower"``.
``"same_lower"`` and every other padding form are right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "padding='same' with an odd total puts the extra zero before the input (low side) instead of after."
BUGGY_OPS = ("correlate", "convolve", "depthwise_separable")


def _t(a):
    return None if a is None else torch.from_numpy(a)


def _mode(padding):
    return "same_lower" if padding == "same" else padding  # BUG: same's leftover goes low


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
        _t(x), _t(depthwise_weight), _t(pointwise_weight), _t(bias), stride=stride, padding=_mode(padding), dilation=dilation
    ).numpy()
