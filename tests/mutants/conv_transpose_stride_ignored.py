"""Mutant: the stride forgotten in the scatter.

The port sizes the output correctly, ``(n - 1) * stride + dilation * (k - 1) + 1``
per axis, but places the kernel copy of input ``i`` at ``i`` instead of
``i * stride``: the copies pile up at the start and the end stays zero.
"""

import torch
import torch.nn.functional as F

from convspec import accelerated
from convspec.spec.conv_transpose import check_conv_transpose_arguments, resolve_crop

PLANTED_BUG = "each input's kernel copy lands at i instead of i * stride (the output size is still right)."
BUGGY_OPS = ("conv_transpose",)


def conv_transpose(x, weight, bias=None, *, stride=1, padding=0, output_padding=0, dilation=1, groups=1):
    args = check_conv_transpose_arguments(
        "conv_transpose", x.shape, weight.shape, None if bias is None else bias.shape,
        stride=stride, padding=padding, output_padding=output_padding, dilation=dilation, groups=groups,
    )
    crops = resolve_crop(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    # BUG: the scatter runs at stride 1
    piled = accelerated.conv_transpose(torch.from_numpy(x), torch.from_numpy(weight), dilation=args.dilation, groups=groups)
    sides = []
    for n, s, a, (_, _, extra) in reversed(list(zip(args.input_size, args.stride, args.output_padding, crops))):
        sides += [0, (n - 1) * (s - 1) + a + extra]  # the size the strided buffer would have
    grown = F.pad(piled, sides)
    out = grown[(slice(None), slice(None)) + tuple(
        slice(lo, size - hi) for (lo, hi, _), size in zip(crops, grown.shape[2:])
    )]
    if bias is not None:
        out = out + torch.from_numpy(bias).reshape((1, -1) + (1,) * args.spatial_dims)
    return out.contiguous().numpy()
