"""Mutant: the weight read in the convolution layout (C_out, C_in/groups, *k).

The port assumes the convolution's layout and "converts" the weight to torch's
transposed layout ``(C_in, C_out/groups, *k)`` by swapping the two channel axes
within each group -- but the weight already was in the transposed layout. With one
input and one output channel per group nothing shows; with square channel blocks
the values are wrong; otherwise the shapes no longer fit and the call fails.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "the (C_in, C_out/groups) weight is read as (C_out, C_in/groups) and its channel axes swapped."
BUGGY_OPS = ("conv_transpose",)


def conv_transpose(x, weight, bias=None, *, stride=1, padding=0, output_padding=0, dilation=1, groups=1):
    believed_out, believed_in_per_group, *kernel = weight.shape  # BUG: it is (C_in, C_out/groups, *k)
    converted = (
        torch.from_numpy(weight)
        .reshape(groups, believed_out // groups, believed_in_per_group, *kernel)
        .transpose(1, 2)
        .reshape(groups * believed_in_per_group, believed_out // groups, *kernel)
        .contiguous()
    )
    return accelerated.conv_transpose(
        torch.from_numpy(x), converted, None if bias is None else torch.from_numpy(bias),
        stride=stride, padding=padding, output_padding=output_padding, dilation=dilation, groups=groups,
    ).numpy()
