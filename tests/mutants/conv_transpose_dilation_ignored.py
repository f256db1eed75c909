"""Mutant: the dilation forgotten in the scatter.

The port sizes the output for the dilated kernel, ``(n - 1) * stride + dilation *
(k - 1) + 1`` per axis, but writes tap ``t`` at ``i * stride + t`` instead of
``i * stride + dilation * t``: the kernel copies are not spread out.
"""

import torch
import torch.nn.functional as F

from convspec import accelerated
from convspec.spec.conv_transpose import check_conv_transpose_arguments, resolve_crop

PLANTED_BUG = "kernel taps land at i*stride + t instead of i*stride + dilation*t (the output size is still right)."
BUGGY_OPS = ("conv_transpose",)


def conv_transpose(x, weight, bias=None, *, stride=1, padding=0, output_padding=0, dilation=1, groups=1):
    args = check_conv_transpose_arguments(
        "conv_transpose", x.shape, weight.shape, None if bias is None else bias.shape,
        stride=stride, padding=padding, output_padding=output_padding, dilation=dilation, groups=groups,
    )
    crops = resolve_crop(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    # BUG: the scatter runs without dilation
    packed = accelerated.conv_transpose(torch.from_numpy(x), torch.from_numpy(weight), stride=args.stride, groups=groups)
    sides = []
    for k, d, a, (_, _, extra) in reversed(list(zip(args.kernel_size, args.dilation, args.output_padding, crops))):
        sides += [0, (d - 1) * (k - 1) + a + extra]  # the size the dilated buffer would have
    grown = F.pad(packed, sides)
    out = grown[(slice(None), slice(None)) + tuple(
        slice(lo, size - hi) for (lo, hi, _), size in zip(crops, grown.shape[2:])
    )]
    if bias is not None:
        out = out + torch.from_numpy(bias).reshape((1, -1) + (1,) * args.spatial_dims)
    return out.contiguous().numpy()
