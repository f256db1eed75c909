"""Mutant: conv_transpose "same" with a kernel span shorter than the stride appends its zero cell low.

The port follows ONNX's ``auto_pad`` equations: ``total = (n - 1) s + d (k - 1) + 1 - n s``
cells to crop, ``begin = total // 2`` and ``end = total - begin`` for ``SAME_UPPER``
(``end // 2`` style for ``SAME_LOWER``), a negative amount meaning cells to add. With
a kernel span shorter than the stride the total is negative and Python's floor
division rounds ``-1 // 2`` to ``-1``: the zero cell that belongs at the high end
(where the adjoint convolution's unread inputs are) is added at the start. A kernel
span at least as long as the stride, and every other padding form, are right.
"""

import torch
import torch.nn.functional as F

from convspec import accelerated
from convspec.spec.conv_transpose import check_conv_transpose_arguments, full_length

PLANTED_BUG = "conv_transpose 'same' with d*(k-1)+1 < stride floors a negative surplus: the zero cell goes low."
BUGGY_OPS = ("conv_transpose",)


def _t(a):
    return None if a is None else torch.from_numpy(a)


def conv_transpose(x, weight, bias=None, *, stride=1, padding=0, output_padding=0, dilation=1, groups=1):
    args = check_conv_transpose_arguments(
        "conv_transpose", x.shape, weight.shape, None if bias is None else bias.shape,
        stride=stride, padding=padding, output_padding=output_padding, dilation=dilation, groups=groups,
    )
    if args.padding not in ("same", "same_lower"):
        return accelerated.conv_transpose(
            _t(x), _t(weight), _t(bias), stride=stride, padding=padding, output_padding=output_padding,
            dilation=dilation, groups=groups,
        ).numpy()
    pairs = []
    for n, k, s, d in zip(args.input_size, args.kernel_size, args.stride, args.dilation):
        total = full_length(n, k, s, d) - n * s  # cells to crop; negative: cells to add
        small = total // 2  # BUG: floors a negative total (-1 // 2 == -1), the added cell lands low
        pairs.append((small, total - small) if args.padding == "same" else (total - small, small))
    out = accelerated.conv_transpose(
        _t(x), _t(weight), stride=args.stride, padding=tuple((max(lo, 0), max(hi, 0)) for lo, hi in pairs),
        dilation=args.dilation, groups=groups,
    )
    sides = []  # F.pad: last axis first, (before, after)
    for lo, hi in reversed(pairs):
        sides += [max(-lo, 0), max(-hi, 0)]
    out = F.pad(out, sides)
    if bias is not None:
        out = out + _t(bias).reshape((1, -1) + (1,) * args.spatial_dims)
    return out.contiguous().numpy()
