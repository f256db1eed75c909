"""Mutant: the zero-insertion construction with the kernel left unflipped.

The port computes the transposed convolution as Dumoulin & Visin draw it: insert
``stride - 1`` zeros between inputs, pad ``span - 1 - lo`` before and
``span - 1 - hi + output_padding`` after, correlate at unit stride with the
channel axes swapped -- but forgets that the kernel must also be turned by 180
degrees (a gather reads the taps in the opposite order to the scatter). Symmetric
kernels hide it.
"""

import torch
import torch.nn.functional as F

from convspec import accelerated
from convspec.spec.conv_transpose import check_conv_transpose_arguments, resolve_crop

PLANTED_BUG = "conv_transpose is computed as a correlation of the zero-inserted input with the kernel unflipped."
BUGGY_OPS = ("conv_transpose",)


def conv_transpose(x, weight, bias=None, *, stride=1, padding=0, output_padding=0, dilation=1, groups=1):
    args = check_conv_transpose_arguments(
        "conv_transpose", x.shape, weight.shape, None if bias is None else bias.shape,
        stride=stride, padding=padding, output_padding=output_padding, dilation=dilation, groups=groups,
    )
    crops = resolve_crop(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    x_t = torch.from_numpy(x)
    inserted = x_t.new_zeros(x.shape[:2] + tuple((n - 1) * s + 1 for n, s in zip(args.input_size, args.stride)))
    inserted[(slice(None), slice(None)) + tuple(slice(None, None, s) for s in args.stride)] = x_t
    sides = []  # F.pad: last axis first; negative amounts crop
    for k, d, a, (lo, hi, extra) in reversed(list(zip(args.kernel_size, args.dilation, args.output_padding, crops))):
        sides += [d * (k - 1) - lo, d * (k - 1) - hi + a + extra]
    expanded = F.pad(inserted, sides)
    c_in, out_per_group = weight.shape[:2]
    swapped = (
        torch.from_numpy(weight)
        .reshape(groups, c_in // groups, out_per_group, *args.kernel_size)
        .transpose(1, 2)
        .reshape(groups * out_per_group, c_in // groups, *args.kernel_size)
    )  # BUG: should also be flipped along every spatial axis
    out = accelerated.correlate(
        expanded, swapped, None if bias is None else torch.from_numpy(bias), dilation=args.dilation, groups=groups
    )
    return out.numpy()
