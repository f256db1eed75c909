"""Mutant: the whole padding cropped from the start.

The port resolves every padding form to ``(lo, hi)`` cells to crop per axis and
removes ``lo + hi`` cells from the start -- the output has the right length, but
is shifted. Only ``hi > 0`` shows it (``"valid"`` crops nothing).
"""

import torch

from convspec import accelerated
from convspec.spec.conv_transpose import check_conv_transpose_arguments, resolve_crop

PLANTED_BUG = "padding is cropped only from the low side: lo + hi cells from the start, none from the end."
BUGGY_OPS = ("conv_transpose",)


def _t(a):
    return None if a is None else torch.from_numpy(a)


def conv_transpose(x, weight, bias=None, *, stride=1, padding=0, output_padding=0, dilation=1, groups=1):
    args = check_conv_transpose_arguments(
        "conv_transpose", x.shape, weight.shape, None if bias is None else bias.shape,
        stride=stride, padding=padding, output_padding=output_padding, dilation=dilation, groups=groups,
    )
    crops = resolve_crop(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    one_side = tuple((lo + hi, 0) for lo, hi, _ in crops)  # BUG: should be (lo, hi)
    appended = tuple(a + extra for a, (_, _, extra) in zip(args.output_padding, crops))
    return accelerated.conv_transpose(
        _t(x), _t(weight), _t(bias), stride=args.stride, padding=one_side, output_padding=appended,
        dilation=args.dilation, groups=groups,
    ).numpy()
