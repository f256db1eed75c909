"""Mutant: convolve flips the kernel along the last axis only.

Ported from 1-D code, where ``weight[..., ::-1]`` is the whole flip; for 2-D and
3-D kernels every spatial axis must be reversed. 1-D convolve and correlate are correct.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "convolve reverses the kernel along the last spatial axis only, not along every spatial axis."
BUGGY_OPS = ("convolve",)


def _t(a):
    return None if a is None else torch.from_numpy(a)


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    return accelerated.correlate(
        _t(x), _t(weight), _t(bias), stride=stride, padding=padding, dilation=dilation, groups=groups
    ).numpy()


def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    flipped = weight[..., ::-1].copy()  # BUG: should be weight[:, :, ::-1, ::-1, ...] (every spatial axis)
    return accelerated.correlate(
        _t(x), _t(flipped), _t(bias), stride=stride, padding=padding, dilation=dilation, groups=groups
    ).numpy()
