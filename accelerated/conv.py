"""Fast correlation, convolution and depthwise-separable convolution (torch).

Same names, signatures and semantics as :mod:`convspec.reference.conv`; takes and
returns ``torch.Tensor`` on whatever device the input lives (CUDA or CPU), for
float16, bfloat16, float32 and float64, with autograd flowing through.
Conventions: :mod:`convspec.spec.conventions`.

1-, 2- and 3-D inputs run on ``torch.nn.functional.conv{1,2,3}d``. Padding that is
equal on both sides is passed to the native call; only the unequal remainder
(``"same"`` with an even total is symmetric, an odd total is not) goes through
``F.pad``. Inputs with more than three spatial axes use a tap-by-tap sum of
strided views (slower, but any rank).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import product

import torch
import torch.nn.functional as F

from convspec.spec.conv import conv_output_length, resolve_padding
from convspec.spec.conventions import (
    ConvArguments,
    check_conv_arguments,
    check_depthwise_separable_arguments,
    dtype_mismatch_error,
)

from convspec.spec.fft import check_method, choose_method
from convspec.spec.limits import padded_shape

from . import _plans
from ._conv_fft import correlate_fft
from ._tensors import check_same_device, check_tensor, key_of
from ._tensors import dtype_name as _dtype_name

_NATIVE = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1, method="direct"):
    """Cross-correlation; see :func:`convspec.reference.conv.correlate` for the definition.

    ``method``: ``"direct"`` (the native convolution), ``"fft"`` (:mod:`._conv_fft`) or ``"auto"``
    (:func:`convspec.spec.fft.choose_method`, decided once per configuration and cached with its checks).
    """
    plan = _conv_plan("correlate", x, weight, bias, stride, padding, dilation, groups, method)
    plan.outputs.check(x.dtype)
    if plan.fft:
        return correlate_fft(x, weight, bias, plan.args, plan.pads, plan.out_size)
    return _correlate(x, weight, bias, plan)


def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1, method="direct"):
    """True convolution (kernel flipped on every spatial axis); see :func:`convspec.reference.conv.convolve`."""
    plan = _conv_plan("convolve", x, weight, bias, stride, padding, dilation, groups, method)
    plan.outputs.check(x.dtype)
    if plan.fft:
        return correlate_fft(x, torch.flip(weight, dims=plan.flip_dims), bias, plan.args, plan.pads, plan.out_size)
    return _correlate(x, torch.flip(weight, dims=plan.flip_dims), bias, plan)


def depthwise_separable(x, depthwise_weight, pointwise_weight, bias=None, *, stride=1, padding=0, dilation=1):
    """Depthwise then pointwise correlation; see :func:`convspec.reference.conv.depthwise_separable`."""
    op = "depthwise_separable"
    try:
        key = (
            op, key_of(x), key_of(depthwise_weight), key_of(pointwise_weight), key_of(bias),
            _plans.params_key((stride, padding, dilation)),
        ) if _are_tensors(x, depthwise_weight, pointwise_weight, bias) else None
    except _plans.Uncacheable:
        key = None
    plan = None if key is None else _plans.get(key)
    if plan is None:
        _check_tensors(op, x=x, depthwise_weight=depthwise_weight, pointwise_weight=pointwise_weight, bias=bias)
        depthwise = check_depthwise_separable_arguments(
            op, x.shape, depthwise_weight.shape, pointwise_weight.shape, None if bias is None else bias.shape,
            stride=stride, padding=padding, dilation=dilation,
        )
        plan = _ConvPlan.of(op, depthwise, [
            (depthwise.out_channels, "depthwise stage's output"), (pointwise_weight.shape[0], "output"),
        ])
        if key is not None:
            _plans.store(key, plan)
    plan.outputs.check(x.dtype)
    intermediate = _correlate(x, depthwise_weight, None, plan)
    if plan.native is not None:
        if _bfloat16_on_cpu_with_non_finite(intermediate, pointwise_weight, bias):  # as in _correlate
            wide = [None if t is None else t.float() for t in (intermediate, pointwise_weight, bias)]
            return plan.native(*wide).to(torch.bfloat16)
        return plan.native(intermediate, pointwise_weight, bias)
    # a 1x1 kernel is a matrix product over channels at every position
    out = torch.einsum("oc,nc...->no...", pointwise_weight.reshape(pointwise_weight.shape[:2]), intermediate)
    return out if bias is None else out + bias.reshape((1, -1) + (1,) * plan.args.spatial_dims)


@dataclass(frozen=True)
class _ConvPlan:
    """What one checked configuration needs: the arguments, the native call's, the output shapes."""

    args: ConvArguments
    native: object  # F.conv{1,2,3}d, or None for more than three spatial axes
    pads: tuple[tuple[int, int], ...]  # resolved (lo, hi) per axis
    symmetric: tuple[int, ...]  # min(lo, hi) per axis: the native call's padding
    remainder: tuple[int, ...] | None  # F.pad's list (last axis first) for the unequal rest, or None
    dilation: tuple[int, ...]  # the native call's dilation (1 on one-tap axes)
    flip_dims: tuple[int, ...]  # convolve's kernel flip
    outputs: _plans.Outputs
    out_size: tuple[int, ...] = ()  # the output's spatial size
    fft: bool = False  # method "fft", or "auto" that chose it

    @classmethod
    def of(cls, op: str, args: ConvArguments, channels_and_names, fft: bool = False) -> _ConvPlan:
        pads = resolve_padding(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
        out_size = tuple(
            conv_output_length(n, k, s, lo, hi, d)
            for n, k, s, (lo, hi), d in zip(args.input_size, args.kernel_size, args.stride, pads, args.dilation)
        )
        symmetric = tuple(min(lo, hi) for lo, hi in pads)
        remainder = [(lo - m, hi - m) for (lo, hi), m in zip(pads, symmetric)]
        # dilation means nothing on an axis whose kernel has one tap; pass 1 there, since torch 2.13's
        # CPU float16 path segfaults on a one-tap axis with dilation > 1 and stride > 1 (see tests/test_conv.py)
        dilation = tuple(d if k > 1 else 1 for k, d in zip(args.kernel_size, args.dilation))
        return cls(
            # a stride longer than the padded input leaves one window, as the padded length does: torch's
            # kernels take int64 strides (2**63 overflows them)
            args=replace(args, stride=tuple(
                min(s, lo + n + hi) for s, n, (lo, hi) in zip(args.stride, args.input_size, pads)
            )),
            native=_NATIVE.get(args.spatial_dims),
            pads=pads,
            symmetric=symmetric,
            remainder=(
                tuple(side for pair in reversed(remainder) for side in pair)  # F.pad: last axis first
                if any(lo or hi for lo, hi in remainder) else None
            ),
            dilation=dilation,
            flip_dims=tuple(range(2, 2 + args.spatial_dims)),
            outputs=_plans.Outputs(op, _with_padded_input(
                [((args.batch, c, *out_size), what) for c, what in channels_and_names],
                padded_shape((args.batch, args.in_channels, *args.input_size), pads),
            ) + ([(_unstrided_shape(args, pads), "unstrided output")] if fft else [])),
            out_size=out_size,
            fft=fft,
        )


def _unstrided_shape(args: ConvArguments, pads) -> tuple[int, ...]:
    """What the FFT computes before the stride: every window start of the padded input."""
    return (args.batch, args.out_channels, *(
        lo + n + hi - d * (k - 1) for n, (lo, hi), k, d in zip(args.input_size, pads, args.kernel_size, args.dilation)
    ))


def _with_padded_input(shapes: list, padded) -> list:
    """The guarded shapes in the reference's order: the first stage's output, then its padded input, then the rest."""
    return shapes if padded is None else [shapes[0], (padded, "padded input"), *shapes[1:]]


def _conv_plan(op, x, weight, bias, stride, padding, dilation, groups, method="direct") -> _ConvPlan:
    """The checks of correlate/convolve, cached per configuration (see :mod:`._plans`), and what the call needs."""
    try:
        key = (
            op, key_of(x), key_of(weight), key_of(bias), _plans.params_key((stride, padding, dilation, groups, method)),
        ) if _are_tensors(x, weight, bias) else None
    except _plans.Uncacheable:
        key = None
    plan = None if key is None else _plans.get(key)
    if plan is None:
        _check_tensors(op, x=x, weight=weight, bias=bias)
        args = check_conv_arguments(
            op, x.shape, weight.shape, None if bias is None else bias.shape,
            stride=stride, padding=padding, dilation=dilation, groups=groups,
        )
        method = check_method(op, method)
        if method == "auto":
            method = choose_method(x.shape, weight.shape, stride, padding, dilation, groups, _dtype_name(x.dtype))
        plan = _ConvPlan.of(op, args, [(weight.shape[0], "output")], fft=method == "fft")
        if key is not None:
            _plans.store(key, plan)
    return plan


def _are_tensors(*values) -> bool:
    """Every value a ``torch.Tensor``; the last (the bias) may also be ``None``, an absent optional tensor.

    A required tensor given as ``None`` is not cacheable: the full checks refuse it with their TypeError."""
    *required, optional = values
    for value in required:
        if not isinstance(value, torch.Tensor):
            return False
    return optional is None or isinstance(optional, torch.Tensor)


def _check_tensors(op: str, **tensors) -> None:
    x = tensors["x"]
    for name, value in tensors.items():
        if value is None and name == "bias":
            continue
        check_tensor(op, name, value)
    for name, value in tensors.items():
        if value is not None and name != "x" and value.dtype != x.dtype:
            raise dtype_mismatch_error(op, name, _dtype_name(value.dtype), _dtype_name(x.dtype))
    for name, value in tensors.items():
        if value is not None and name != "x":
            check_same_device(op, name, value, "x", x)


def _correlate(x, weight, bias, plan: _ConvPlan):
    if _bfloat16_on_cpu_with_non_finite(x, weight, bias):
        # torch 2.13's CPU bfloat16 convolution writes a NaN or inf to outputs whose window does not
        # hold it (spec.conv.NON_FINITE): then float32 sums, rounded once to bfloat16
        return _correlate(*(None if t is None else t.float() for t in (x, weight, bias)), plan).to(torch.bfloat16)
    if plan.remainder is not None:
        x = F.pad(x, plan.remainder)
    if plan.native is not None:
        return plan.native(x, weight, bias, plan.args.stride, plan.symmetric, plan.dilation, plan.args.groups)
    return _correlate_any_rank(x, weight, bias, plan.args, plan.symmetric)


def _bfloat16_on_cpu_with_non_finite(x, *others) -> bool:
    if x.dtype != torch.bfloat16 or x.device.type != "cpu":
        return False
    return not all(t is None or bool(torch.isfinite(t).all()) for t in (x, *others))


def _correlate_any_rank(x, weight, bias, args: ConvArguments, symmetric):
    """Correlation for any number of spatial axes: one strided view of ``x`` per kernel tap."""
    if any(symmetric):
        x = F.pad(x, [side for m in reversed(symmetric) for side in (m, m)])
    padded = x.shape[2:]
    out_size = [
        conv_output_length(length, k, s, 0, 0, d)
        for length, k, s, d in zip(padded, args.kernel_size, args.stride, args.dilation)
    ]
    n, groups = x.shape[0], args.groups
    x_grouped = x.reshape(n, groups, args.in_channels // groups, *padded)
    w_grouped = weight.reshape(groups, args.out_channels // groups, args.in_channels // groups, *args.kernel_size)
    out = x.new_zeros((n, groups, args.out_channels // groups, *out_size))
    for tap in product(*(range(k) for k in args.kernel_size)):
        view = x_grouped[(slice(None),) * 3 + tuple(
            slice(d * t, d * t + s * (o - 1) + 1, s) for t, s, d, o in zip(tap, args.stride, args.dilation, out_size)
        )]
        out = out + torch.einsum("ngi...,goi->ngo...", view, w_grouped[(slice(None),) * 3 + tap])
    out = out.reshape(n, args.out_channels, *out_size)
    if bias is not None:
        out = out + bias.reshape((1, -1) + (1,) * len(out_size))
    return out

