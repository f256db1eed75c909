"""Mutant: conv_transpose "full" crops k - 1 cells per side, ignoring the dilation.

``"full"`` is the adjoint of a "full" convolution: it crops the dilated span minus
one, ``d (k - 1)``, from each end of the scatter buffer. The port crops ``k - 1``,
so with ``dilation > 1`` the output keeps ``(d - 1)(k - 1)`` extra cells at each end.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "conv_transpose padding='full' crops k-1 cells per side instead of dilation*(k-1)."
BUGGY_OPS = ("conv_transpose",)


def _t(a):
    return None if a is None else torch.from_numpy(a)


def conv_transpose(x, weight, bias=None, *, stride=1, padding=0, output_padding=0, dilation=1, groups=1):
    if padding == "full":
        padding = tuple((k - 1, k - 1) for k in weight.shape[2:])  # BUG: should be dilation * (k - 1)
    return accelerated.conv_transpose(
        _t(x), _t(weight), _t(bias), stride=stride, padding=padding, output_padding=output_padding,
        dilation=dilation, groups=groups,
    ).numpy()
