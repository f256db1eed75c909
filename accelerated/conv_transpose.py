"""Fast transposed convolution (torch).

Same name, signature and semantics as :func:`convspec.reference.conv_transpose.conv_transpose`;
takes and returns ``torch.Tensor`` on whatever device the input lives, for float16,
bfloat16, float32 and float64, with autograd flowing through.
Conventions: :mod:`convspec.spec.conventions`; rules: :mod:`convspec.spec.conv_transpose`.

CPU bfloat16 with a stride > 1 and a NaN or inf in an input runs in float32, rounded once (torch
2.13's bfloat16 kernel writes them to the wrong positions and channels there).
1-, 2- and 3-D inputs run on ``torch.nn.functional.conv_transpose{1,2,3}d``. Equal
cropping on both sides plus ``output_padding`` goes to the native call as is (no
extra work). Unequal sides (``(lo, hi)`` pairs, ``"same"`` with an odd surplus) crop
the smaller side natively and slice the rest off (the result is then a view of the
native output); the high-end zero cells (``output_padding`` and ``"same"``'s fill for
a kernel shorter than the stride) are the native ``output_padding``. Inputs with more
than three spatial axes run ``conv_transpose3d`` on the last three axes once per tap of
the leading ones, adding each result into a strided view of the output (any rank).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import product

import torch
import torch.nn.functional as F

from convspec.spec.conv_transpose import (
    ConvTransposeArguments,
    check_conv_transpose_arguments,
    conv_transpose_output_shape,
    full_length,
    resolve_crop,
)

from . import _plans
from ._tensors import key_of
from .conv import _are_tensors, _check_tensors

_NATIVE = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def conv_transpose(x, weight, bias=None, *, stride=1, padding=0, output_padding=0, dilation=1, groups=1):
    """Transposed convolution; see :func:`convspec.reference.conv_transpose.conv_transpose` for the definition."""
    op = "conv_transpose"
    try:
        key = (
            op, key_of(x), key_of(weight), key_of(bias), _plans.params_key((stride, padding, output_padding, dilation, groups)),
        ) if _are_tensors(x, weight, bias) else None
    except _plans.Uncacheable:
        key = None
    plan = None if key is None else _plans.get(key)
    if plan is None:
        _check_tensors(op, x=x, weight=weight, bias=bias)
        args = check_conv_transpose_arguments(
            op, x.shape, weight.shape, None if bias is None else bias.shape,
            stride=stride, padding=padding, output_padding=output_padding, dilation=dilation, groups=groups,
        )
        plan = _ConvTransposePlan.of(op, args, tuple(x.shape), tuple(weight.shape))
        if key is not None:
            _plans.store(key, plan)
    plan.outputs.check(x.dtype)
    if x.dtype == torch.bfloat16 and x.device.type == "cpu" and max(plan.args.stride) > 1 and not _all_finite(x, weight, bias):
        # torch 2.13's CPU bfloat16 kernel (stride > 1) writes a NaN or inf to the wrong positions and
        # channels (spec.conv_transpose.NON_FINITE): then float32 sums, rounded once to bfloat16
        wide = [None if t is None else t.float() for t in (x, weight, bias)]
        return _run(plan, *wide).to(torch.bfloat16)
    return _run(plan, x, weight, bias)


def _all_finite(*tensors) -> bool:
    return all(t is None or bool(torch.isfinite(t).all()) for t in tensors)


def _run(plan, x, weight, bias):
    args = plan.args
    if plan.native is None:
        return _conv_transpose_any_rank(x, weight, bias, args, plan.crops)
    out = plan.native(x, weight, bias, args.stride, plan.native_padding, plan.native_extra, args.groups, args.dilation)
    if plan.slices is not None:
        out = out[(slice(None), slice(None)) + tuple(
            slice(start, size - end) for (start, end), size in zip(plan.slices, out.shape[2:])
        )]
    return out


@dataclass(frozen=True)
class _ConvTransposePlan:
    """What one checked configuration needs (cached per configuration, see :mod:`._plans`)."""

    args: ConvTransposeArguments
    native: object  # F.conv_transpose{1,2,3}d, or None for more than three spatial axes
    crops: tuple  # resolve_crop's (lo, hi, extra) per axis
    native_padding: tuple[int, ...]  # the crop done natively on both sides
    native_extra: tuple[int, ...]  # the native output_padding
    slices: tuple | None  # (start, end) cells sliced off each axis of the native output afterwards, or None
    outputs: _plans.Outputs

    @classmethod
    def of(cls, op: str, args: ConvTransposeArguments, x_shape, weight_shape) -> _ConvTransposePlan:
        out_shape = conv_transpose_output_shape(
            x_shape, weight_shape, stride=args.stride, padding=args.padding,
            output_padding=args.output_padding, dilation=args.dilation, groups=args.groups,
        )
        native = _NATIVE.get(args.spatial_dims)
        crops = resolve_crop(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
        if native is not None and not isinstance(args.padding, str) and all(lo == hi for lo, hi in args.padding):
            # the fast path: exactly torch's own call
            both, native_extra, slices = tuple(lo for lo, _ in args.padding), args.output_padding, None
        else:
            # crop min(lo, hi) natively; the appended zero cells (output padding) first absorb the extra
            # high-side crop, whatever remains of the unequal crop is sliced off afterwards
            both = tuple(min(lo, hi) for lo, hi, _ in crops)
            native_extra, cut = [], []
            for (lo, hi, extra), a, m in zip(crops, args.output_padding, both):
                appended = a + extra
                native_extra.append(max(appended - (hi - m), 0))
                cut.append((lo - m, max(hi - m - appended, 0)))
            native_extra = tuple(native_extra)
            slices = tuple(cut) if any(start or end for start, end in cut) else None
        return cls(
            args=_in_torch_range(args),
            native=native,
            crops=crops,
            native_padding=both,
            native_extra=native_extra,
            slices=slices,
            outputs=_plans.Outputs(op, [(out_shape, "output"), ((*out_shape[:2], *(
                full_length(n, k, s, d) + a + extra  # the scatter buffer before the crop, as the reference guards it
                for n, k, s, d, a, (_, _, extra) in zip(
                    args.input_size, args.kernel_size, args.stride, args.dilation, args.output_padding, crops
                )
            )), "uncropped output")]),
        )


_INT32_MAX = 2**31 - 1


def _in_torch_range(args: ConvTransposeArguments) -> ConvTransposeArguments:
    """The same scatter with the strides and dilations torch's kernels take (int32; 10**12 overflows them).

    Once the crops are resolved (the plan keeps them), a one-element axis never uses its stride and a
    one-tap axis never uses its dilation (the scatter buffer is ``(n - 1) s + d (k - 1) + 1``); a value
    over int32 there becomes 2**31 - 1, still larger than any output padding torch compares it with.
    Elsewhere such a value makes the buffer longer than the output limit, which refused it already."""
    stride = tuple(min(s, _INT32_MAX) if n == 1 else s for s, n in zip(args.stride, args.input_size))
    dilation = tuple(min(d, _INT32_MAX) if k == 1 else d for d, k in zip(args.dilation, args.kernel_size))
    if (stride, dilation) == (args.stride, args.dilation):
        return args
    return replace(args, stride=stride, dilation=dilation)


def _conv_transpose_any_rank(x, weight, bias, args: ConvTransposeArguments, crops):
    """More than three spatial axes: the last three run natively, the leading ones are scattered tap by tap.

    For each tap ``t`` of the leading axes, one ``conv_transpose3d`` (the leading input
    positions folded into the batch) gives every input's copy of ``weight[..., t, :, :, :]``;
    it is added into the strided view ``i * stride + dilation * t`` of the leading axes.
    """
    lead = args.spatial_dims - 3
    n, c_out = x.shape[0], args.out_channels
    lead_in = args.input_size[:lead]
    grown = [
        full_length(length, k, s, d) + a + extra
        for length, k, s, d, a, (_, _, extra) in zip(
            args.input_size, args.kernel_size, args.stride, args.dilation, args.output_padding, crops
        )
    ]
    # (N, C_in, *lead, *trail) -> (N * prod(lead), C_in, *trail)
    folded = x.movedim(1, lead + 1).reshape(-1, args.in_channels, *args.input_size[lead:])
    out = x.new_zeros((n, *grown[:lead], c_out, *grown[lead:]))
    trail_full = [full_length(length, k, s, d) for length, k, s, d in zip(
        args.input_size[lead:], args.kernel_size[lead:], args.stride[lead:], args.dilation[lead:]
    )]
    for tap in product(*(range(k) for k in args.kernel_size[:lead])):
        copies = F.conv_transpose3d(
            folded, weight[(slice(None), slice(None)) + tap], None, args.stride[lead:], 0, 0, args.groups,
            args.dilation[lead:],
        ).reshape(n, *lead_in, c_out, *trail_full)
        landing = tuple(
            slice(d * t, d * t + s * (length - 1) + 1, s)
            for t, s, d, length in zip(tap, args.stride, args.dilation, lead_in)
        )
        out[(slice(None),) + landing + (slice(None),) + tuple(slice(0, size) for size in trail_full)] += copies
    out = out.movedim(lead + 1, 1)
    out = out[(slice(None), slice(None)) + tuple(slice(lo, size - hi) for (lo, hi, _), size in zip(crops, grown))]
    if bias is not None:
        out = out + bias.reshape((1, -1) + (1,) * args.spatial_dims)
    return out
