"""Mutant: output channels of a grouped convolution listed round-robin over the groups.

The conventions put group ``g``'s ``C_out/groups`` outputs in one contiguous block
``[g*C_out/groups, (g+1)*C_out/groups)``. The port computes each group separately
and stacks the results along a new last channel axis before flattening, so output
channel ``j`` of group ``g`` lands at ``j*groups + g``. ``groups=1`` and one output
per group hide it.
"""

import numpy as np
import torch

from convspec import accelerated

PLANTED_BUG = "grouped convolution outputs are interleaved (group g's j-th output at j*groups + g) instead of in blocks."
BUGGY_OPS = ("correlate", "convolve")


def _t(a):
    return None if a is None else torch.from_numpy(a)


def _interleave(out, groups):
    n, channels = out.shape[:2]
    per_group = out.reshape(n, groups, channels // groups, *out.shape[2:])
    return np.ascontiguousarray(np.swapaxes(per_group, 1, 2)).reshape(out.shape)  # BUG: stacked on the wrong axis


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    out = accelerated.correlate(
        _t(x), _t(weight), _t(bias), stride=stride, padding=padding, dilation=dilation, groups=groups
    ).numpy()
    return _interleave(out, groups)


def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    out = accelerated.convolve(
        _t(x), _t(weight), _t(bias), stride=stride, padding=padding, dilation=dilation, groups=groups
    ).numpy()
    return _interleave(out, groups)
