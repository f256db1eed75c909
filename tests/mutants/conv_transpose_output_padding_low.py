"""Mutant: output_padding cells added at the low end.

The port builds the uncropped scatter buffer, then grows it by ``output_padding``
with ``F.pad`` -- whose pairs are ``(before, after)`` -- writing the amount in the
"before" slot, and crops afterwards. The extra cells belong after the last cell:
torch, ONNX and Keras all add them at the high end. Without output padding, or
with ``"same"`` (which forbids it), nothing shows.
"""

import torch
import torch.nn.functional as F

from convspec import accelerated
from convspec.spec.conv_transpose import check_conv_transpose_arguments, resolve_crop

PLANTED_BUG = "output_padding zero cells are added before the first cell instead of after the last."
BUGGY_OPS = ("conv_transpose",)


def _t(a):
    return None if a is None else torch.from_numpy(a)


def conv_transpose(x, weight, bias=None, *, stride=1, padding=0, output_padding=0, dilation=1, groups=1):
    args = check_conv_transpose_arguments(
        "conv_transpose", x.shape, weight.shape, None if bias is None else bias.shape,
        stride=stride, padding=padding, output_padding=output_padding, dilation=dilation, groups=groups,
    )
    crops = resolve_crop(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    full = accelerated.conv_transpose(_t(x), _t(weight), stride=args.stride, dilation=args.dilation, groups=groups)
    sides = []
    for a, (_, _, extra) in zip(reversed(args.output_padding), reversed(crops)):
        sides += [a, extra]  # BUG: output padding in the "before" slot; it goes after, with `extra`
    grown = F.pad(full, sides)
    out = grown[(slice(None), slice(None)) + tuple(
        slice(lo, size - hi) for (lo, hi, _), size in zip(crops, grown.shape[2:])
    )]
    if bias is not None:
        out = out + _t(bias).reshape((1, -1) + (1,) * args.spatial_dims)
    return out.contiguous().numpy()
