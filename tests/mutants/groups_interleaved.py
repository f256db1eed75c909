"""Mutant: channels dealt to groups round-robin instead of in contiguous blocks.

The conventions put input channels ``[g*C_in/groups, (g+1)*C_in/groups)`` in
group ``g``. The port splits channels with a reshape to ``(C_in/groups, groups)``
(a channel-shuffle layout), so channel ``c`` lands in group ``c % groups``.
``groups=1`` and one channel per group hide it.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "input channel c is assigned to group c % groups (interleaved) instead of c // (C_in/groups) (contiguous)."
BUGGY_OPS = ("correlate", "convolve")


def _t(a):
    return None if a is None else torch.from_numpy(a)


def _grouped_input(x, groups):
    n, channels = x.shape[:2]
    # BUG: should be reshape(n, groups, channels // groups, ...): block g holds channels g*C/g .. (g+1)*C/g - 1
    per_group = x.reshape(n, channels // groups, groups, *x.shape[2:]).swapaxes(1, 2)
    return torch.from_numpy(per_group.reshape(x.shape))  # group g now reads channels g, g+groups, g+2*groups, ...


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    return accelerated.correlate(
        _grouped_input(x, groups), _t(weight), _t(bias), stride=stride, padding=padding, dilation=dilation, groups=groups
    ).numpy()


def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    return accelerated.convolve(
        _grouped_input(x, groups), _t(weight), _t(bias), stride=stride, padding=padding, dilation=dilation, groups=groups
    ).numpy()
