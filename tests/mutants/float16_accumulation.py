"""Mutant: float32 inputs computed in float16.

For speed the port casts float32 inputs to float16 (as ``torch.autocast`` would)
and casts the result back. Small integer-valued data are still exact (every product
and partial sum is a small integer); general float data show the lost precision
(about 1e-3 relative, far beyond float32's rounding-error bound), and magnitudes
beyond float16's 65504 overflow to inf or NaN (the "magnitudes beyond float16" region).
"""

import numpy as np
import torch

from convspec import accelerated

PLANTED_BUG = "float32 inputs are rounded to float16 and computed in half precision, then cast back to float32."
BUGGY_OPS = ("correlate", "convolve", "depthwise_separable")


def _half(a):
    if a is None:
        return None
    t = torch.from_numpy(a)
    return t.half() if t.dtype == torch.float32 else t  # BUG: float32 work done in float16


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    out = accelerated.correlate(
        _half(x), _half(weight), _half(bias), stride=stride, padding=padding, dilation=dilation, groups=groups
    )
    return out.numpy().astype(x.dtype)


def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    out = accelerated.convolve(
        _half(x), _half(weight), _half(bias), stride=stride, padding=padding, dilation=dilation, groups=groups
    )
    return out.numpy().astype(x.dtype)


def depthwise_separable(x, depthwise_weight, pointwise_weight, bias=None, *, stride=1, padding=0, dilation=1):
    out = accelerated.depthwise_separable(
        _half(x), _half(depthwise_weight), _half(pointwise_weight), _half(bias),
        stride=stride, padding=padding, dilation=dilation,
    )
    return np.asarray(out.numpy(), dtype=x.dtype)
