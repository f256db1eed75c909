"""Mutant: convolve forgets to flip the kernel.

The port maps both ``correlate`` and ``convolve`` onto the framework's "conv"
call, which is a cross-correlation; ``convolve`` must flip the kernel along every
spatial axis first. ``correlate`` is correct.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "convolve calls the correlation without flipping the kernel, so it equals correlate."
BUGGY_OPS = ("convolve",)


def _t(a):
    return None if a is None else torch.from_numpy(a)


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    return accelerated.correlate(
        _t(x), _t(weight), _t(bias), stride=stride, padding=padding, dilation=dilation, groups=groups
    ).numpy()


def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    # BUG: "conv" in a deep-learning framework is a correlation; the kernel is never flipped
    return accelerated.correlate(
        _t(x), _t(weight), _t(bias), stride=stride, padding=padding, dilation=dilation, groups=groups
    ).numpy()
