"""Mutant: float32 (and float16) inputs come back as float64.

The port computes in float64 "for accuracy" and forgets to cast the result back
to the input dtype. The values are fine; the dtype contract is broken (a
float32 network would silently turn float64 downstream). float64 inputs are right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "the computation is done in float64 and the result is never cast back to the input dtype."
BUGGY_OPS = ("correlate", "convolve", "depthwise_separable")
EXPECTED_REASON = "dtype"


def _double(a):
    return None if a is None else torch.from_numpy(a).double()


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    out = accelerated.correlate(
        _double(x), _double(weight), _double(bias), stride=stride, padding=padding, dilation=dilation, groups=groups
    )
    return out.numpy()  # BUG: should be .astype(x.dtype)


def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    out = accelerated.convolve(
        _double(x), _double(weight), _double(bias), stride=stride, padding=padding, dilation=dilation, groups=groups
    )
    return out.numpy()


def depthwise_separable(x, depthwise_weight, pointwise_weight, bias=None, *, stride=1, padding=0, dilation=1):
    out = accelerated.depthwise_separable(
        _double(x), _double(depthwise_weight), _double(pointwise_weight), _double(bias),
        stride=stride, padding=padding, dilation=dilation,
    )
    return out.numpy()
