"""Mutant: "full" padding computed from the kernel length alone, not the dilated span.

The port resolves ``"full"`` to ``k - 1`` zeros per side, the textbook rule for an
undilated kernel; with ``dilation > 1`` the window spans ``d (k - 1) + 1`` cells and
needs ``d (k - 1)`` zeros per side, so the outermost windows (and output cells) are
missing. Dilation 1, one-tap kernels and every other padding form are right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "padding='full' pads k-1 zeros per side instead of dilation*(k-1): dilation is left out of the span."
BUGGY_OPS = ("correlate", "convolve", "depthwise_separable")


def _t(a):
    return None if a is None else torch.from_numpy(a)


def _explicit(padding, kernel):
    if padding != "full":
        return padding
    return tuple((k - 1, k - 1) for k in kernel)  # BUG: should be d * (k - 1)


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    return accelerated.correlate(
        _t(x), _t(weight), _t(bias), stride=stride, padding=_explicit(padding, weight.shape[2:]), dilation=dilation,
        groups=groups,
    ).numpy()


def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    return accelerated.convolve(
        _t(x), _t(weight), _t(bias), stride=stride, padding=_explicit(padding, weight.shape[2:]), dilation=dilation,
        groups=groups,
    ).numpy()


def depthwise_separable(x, depthwise_weight, pointwise_weight, bias=None, *, stride=1, padding=0, dilation=1):
    return accelerated.depthwise_separable(
        _t(x), _t(depthwise_weight), _t(pointwise_weight), _t(bias), stride=stride,
        padding=_explicit(padding, depthwise_weight.shape[2:]), dilation=dilation,
    ).numpy()
