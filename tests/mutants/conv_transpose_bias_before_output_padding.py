"""Mutant: the bias added before the output-padding cells are appended.

The port runs the transposed convolution with its bias over the whole scatter
buffer, then appends the ``output_padding`` zero cells at the high end with
``F.pad`` and crops the padding. The appended cells are outputs like any other: the
bias belongs on them too (torch, ONNX and Keras add it to every output cell), but
here they stay 0. No bias, or no output padding, hides it.
"""

import torch
import torch.nn.functional as F

from convspec import accelerated
from convspec.spec.conv_transpose import check_conv_transpose_arguments, resolve_crop

PLANTED_BUG = "conv_transpose adds the bias before appending the output_padding cells, which stay 0 instead of bias."
BUGGY_OPS = ("conv_transpose",)


def _t(a):
    return None if a is None else torch.from_numpy(a)


def conv_transpose(x, weight, bias=None, *, stride=1, padding=0, output_padding=0, dilation=1, groups=1):
    args = check_conv_transpose_arguments(
        "conv_transpose", x.shape, weight.shape, None if bias is None else bias.shape,
        stride=stride, padding=padding, output_padding=output_padding, dilation=dilation, groups=groups,
    )
    crops = resolve_crop(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    full = accelerated.conv_transpose(
        _t(x), _t(weight), _t(bias), stride=args.stride, dilation=args.dilation, groups=groups
    )  # BUG: the bias goes on after the zero cells are appended, not before
    sides = []
    for a, (_, _, extra) in zip(reversed(args.output_padding), reversed(crops)):
        sides += [0, a + extra]
    grown = F.pad(full, sides)
    out = grown[(slice(None), slice(None)) + tuple(
        slice(lo, size - hi) for (lo, hi, _), size in zip(crops, grown.shape[2:])
    )]
    return out.contiguous().numpy()
