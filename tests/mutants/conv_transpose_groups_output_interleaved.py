"""Mutant: a grouped transposed convolution's outputs stacked round-robin over the groups.

The port runs one transposed convolution per group and joins them with
``torch.stack(outs, dim=2).flatten(1, 2)``, so group ``g``'s ``j``-th output channel
lands at ``j*groups + g`` instead of ``g*C_out/groups + j``. ``groups=1`` and one
output channel per group hide it.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "conv_transpose with groups > 1 interleaves the groups' output channels instead of concatenating them."
BUGGY_OPS = ("conv_transpose",)


def _t(a):
    return None if a is None else torch.from_numpy(a)


def conv_transpose(x, weight, bias=None, *, stride=1, padding=0, output_padding=0, dilation=1, groups=1):
    cin, cout = x.shape[1] // groups, weight.shape[1]
    outs = [
        accelerated.conv_transpose(
            _t(x[:, g * cin:(g + 1) * cin]), _t(weight[g * cin:(g + 1) * cin]),
            None if bias is None else _t(bias[g * cout:(g + 1) * cout]),
            stride=stride, padding=padding, output_padding=output_padding, dilation=dilation,
        )
        for g in range(groups)
    ]
    return torch.stack(outs, dim=2).flatten(1, 2).numpy()  # BUG: torch.cat(outs, dim=1)
