"""Mutant: convolve flips the caller's kernel in place.

To save a copy the port writes the flipped kernel back into ``weight``; the
result is right, but the caller's array is reversed afterwards (and a second
call with it computes a correlation). correlate is correct.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "convolve writes the flipped kernel back into the caller's weight array (modifies its input)."
BUGGY_OPS = ("convolve",)
EXPECTED_REASON = "modified its input"


def _t(a):
    return None if a is None else torch.from_numpy(a)


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    return accelerated.correlate(
        _t(x), _t(weight), _t(bias), stride=stride, padding=padding, dilation=dilation, groups=groups
    ).numpy()


def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    spatial = weight.ndim - 2
    weight[...] = weight[(slice(None), slice(None)) + (slice(None, None, -1),) * spatial]  # BUG: in place
    return accelerated.correlate(
        _t(x), _t(weight), _t(bias), stride=stride, padding=padding, dilation=dilation, groups=groups
    ).numpy()
