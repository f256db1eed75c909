"""Mutant: conv_transpose "same" crops the odd surplus cell from the start.

``"same"`` crops ``T = d (k - 1) + 1 - s`` cells of the scatter buffer, the odd one
at the high end (the adjoint of a "same" convolution, whose odd padding zero is
high). The port rounds the low half up (``lo = ceil(T / 2)``), which is
``"same_lower"``: with an odd surplus the whole output is shifted by one cell.
An even surplus and the other padding forms are right.
"""

import torch

from convspec import accelerated
from convspec.spec.conv_transpose import check_conv_transpose_arguments, resolve_crop

PLANTED_BUG = "conv_transpose padding='same' with an odd crop surplus crops the extra cell low instead of high."
BUGGY_OPS = ("conv_transpose",)


def _t(a):
    return None if a is None else torch.from_numpy(a)


def conv_transpose(x, weight, bias=None, *, stride=1, padding=0, output_padding=0, dilation=1, groups=1):
    args = check_conv_transpose_arguments(
        "conv_transpose", x.shape, weight.shape, None if bias is None else bias.shape,
        stride=stride, padding=padding, output_padding=output_padding, dilation=dilation, groups=groups,
    )
    crops = resolve_crop(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    if padding == "same":
        crops = tuple((hi, lo, extra) for lo, hi, extra in crops)  # BUG: lo = ceil(T/2), hi = floor(T/2)
    return accelerated.conv_transpose(
        _t(x), _t(weight), _t(bias), stride=args.stride, padding=tuple((lo, hi) for lo, hi, _ in crops),
        output_padding=tuple(a + extra for a, (_, _, extra) in zip(args.output_padding, crops)),
        dilation=args.dilation, groups=groups,
    ).numpy()
