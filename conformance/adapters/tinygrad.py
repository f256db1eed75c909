"""Target ``tinygrad``: ``tinygrad.Tensor``'s convolution, pooling and resizing methods on its CPU device.

tinygrad takes ``(N, C, *spatial)`` data and ``(C_out, C_in/groups, *k)`` kernels, as convspec does,
and its window operations work for any number of spatial axes (the ``2d`` in the names is
historical). Explicit padding is a flat tuple ``(lo_last, hi_last, ..., lo_first, hi_first)``: the
last axis first, as ``torch.nn.functional.pad``. The mapping (https://docs.tinygrad.org/tensor/ops/):

==================  =====================================================================
convspec            tinygrad
==================  =====================================================================
correlate           ``x.conv2d(w, b, groups, stride, dilation, padding)``; every padding form as its
                    ``(lo, hi)`` pairs (``"same"``, ``"same_lower"``, ``"full"`` resolved by the spec)
convolve            the same on ``w.flip(spatial axes)`` (tinygrad's conv2d is a correlation)
depthwise_separable ``conv2d(groups=C_in)`` then a 1x1 ``conv2d``
conv_transpose      ``x.conv_transpose2d(w, b, groups, stride, dilation, padding, output_padding)``: a
                    symmetric crop per axis (an int each), ``"valid"`` as 0, ``"full"`` as ``d(k-1)``;
                    ``"same"``/``"same_lower"`` and unequal crops are unsupported
max_pool            ``x.max_pool2d(k, stride, dilation, padding, ceil_mode, return_indices)``
avg_pool            ``x.avg_pool2d(k, stride, dilation=1, padding, ceil_mode, count_include_pad)``;
                    no ``divisor_override``
global_*_pool       ``x.max(axis)`` / ``x.mean(axis)`` over the spatial axes
max_unpool          ``x.max_unpool2d(indices, k, stride, 1, padding, output_size)``
upsample            ``x.interpolate(size, mode, align_corners)``: ``"linear"`` for the linear modes of any
                    rank (integer arithmetic: ``((2t + 1) n - out) / (2 out)`` half-pixel, or
                    ``t (n - 1) / (out - 1)`` with ``align_corners``), ``"nearest"``, ``"nearest-exact"``.
                    tinygrad takes sizes: a ``scale_factor`` is supported where ``n * scale_factor`` is
                    a whole number (then ``n / out = 1 / scale_factor``).
relu, sigmoid,      ``x.relu()``, ``x.sigmoid()``, ``x.softmax(axis)``
softmax
==================  =====================================================================

tinygrad compiles its CPU kernels with ``clang`` (the ``CPU`` device refuses to open without it:
``make`` installs Debian's clang as root; otherwise this target is unavailable, saying why).
No backward passes; ``--device cuda`` is refused (the CPU device is used even where tinygrad
would pick a GPU).
"""

from __future__ import annotations

import math
import shutil

import numpy as np

from convspec.conformance.adapters.common import (
    conv_args, conv_pads, conv_transpose_args, depthwise_args, first_reason, float32_index_rounds, pool_args,
    pool_pads, safely, symmetric, unpool_args, unpool_default_differs, upsample_args,
)
from convspec.conformance.case import Case
from convspec.conformance.divergences import Divergence
from convspec.conformance.targets import Target, _base_versions, _cpu_only, adapter_setup

TINYGRAD_INTERPOLATE = "https://docs.tinygrad.org/tensor/ops/ (Tensor.interpolate)"

KNOWN_DIVERGENCES = (
    Divergence(
        "upsample", "tinygrad's nearest modes compute the source index (t or t + 1/2) times n/out in float32 "
        "and truncate it: where the exact value is an integer the float32 product can land just below it and "
        f"read the previous cell; convspec's coordinates are exact ({TINYGRAD_INTERPOLATE})",
        predicate=float32_index_rounds,
    ),
)


def flat_pads(pairs) -> tuple[int, ...]:
    """``((lo_1, hi_1), ..., (lo_r, hi_r))`` -> tinygrad's ``(lo_r, hi_r, ..., lo_1, hi_1)``."""
    return tuple(v for lo, hi in reversed(tuple(pairs)) for v in (lo, hi))


def _transpose_padding(args) -> tuple[object, str | None]:
    if args.padding == "valid":
        return 0, None
    if args.padding == "full":
        return tuple(d * (k - 1) for k, d in zip(args.kernel_size, args.dilation)), None
    if isinstance(args.padding, str):
        return None, f"padding={args.padding!r} (conv_transpose2d takes ints only)"
    if not symmetric(args.padding):
        return None, "unequal (lo, hi) crop (conv_transpose2d crops both sides alike)"
    return tuple(lo for lo, _ in args.padding), None


def _supports_conv_transpose(case: Case) -> bool | str:
    _, reason = _transpose_padding(conv_transpose_args(case))
    return first_reason((reason is not None, reason))


def _supports_avg_pool(case: Case) -> bool | str:
    args = pool_args(case)
    return first_reason((args.divisor_override is not None, "divisor_override (tinygrad has none)"),
                        (any(d > 1 for d in args.dilation), "dilation > 1 (the adapter passes avg_pool2d none)"))


def _supports_max_unpool(case: Case) -> bool | str:
    args = unpool_args(case)
    default = unpool_default_differs(case)
    return first_reason((not symmetric(args.padding), "unequal (lo, hi) padding (max_unpool2d takes ints)"),
                        (bool(default), default))


def _supports_upsample(case: Case) -> bool | str:
    args = upsample_args(case)
    return first_reason(
        (args.mode == "bicubic", "mode 'bicubic' (Tensor.interpolate has no cubic mode)"),
        (args.scale_factor is not None and any(n * f != math.floor(n * f) for n, f in
                                               zip(args.input_size, args.scale_factor)),
         "a scale factor that does not make a whole number of cells (tinygrad takes sizes: its step n/out)"),
    )


def target(device: str | None = None) -> Target:
    _cpu_only("tinygrad", device)
    import tinygrad
    from tinygrad import Device, Tensor

    try:
        Device["CPU"]
    except Exception as error:  # noqa: BLE001 - tinygrad raises whatever its compiler probe met
        needs = "" if shutil.which("clang") else " (no clang on PATH: apt-get install clang)"
        raise ValueError(f"target 'tinygrad': its CPU device does not open{needs}: {error}") from None

    def refuse(reason):
        raise ValueError(f"tinygrad adapter: unsupported: {reason}")

    def t(a):
        return None if a is None else Tensor(np.ascontiguousarray(a), device="CPU")

    def out(y, like):
        return np.ascontiguousarray(y.numpy()).astype(like.dtype, copy=False)

    def _conv(x, weight, bias, params, op, flip):
        args = conv_args(Case(op, {"x": x, "weight": weight, "bias": bias}, params, "floats"))
        w = t(weight)
        if flip:
            w = w.flip(tuple(range(2, weight.ndim)))
        y = t(x).conv2d(w, t(bias), groups=args.groups, stride=args.stride, dilation=args.dilation,
                        padding=flat_pads(conv_pads(args)))
        return out(y, x)

    def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
        return _conv(x, weight, bias, dict(stride=stride, padding=padding, dilation=dilation, groups=groups),
                     "correlate", False)

    def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
        return _conv(x, weight, bias, dict(stride=stride, padding=padding, dilation=dilation, groups=groups),
                     "convolve", True)

    def depthwise_separable(x, depthwise_weight, pointwise_weight, bias=None, *, stride=1, padding=0, dilation=1):
        args = depthwise_args(Case("depthwise_separable", {"x": x, "depthwise_weight": depthwise_weight,
                                                           "pointwise_weight": pointwise_weight, "bias": bias},
                                   dict(stride=stride, padding=padding, dilation=dilation), "floats"))
        depthwise = t(x).conv2d(t(depthwise_weight), groups=x.shape[1], stride=args.stride, dilation=args.dilation,
                                padding=flat_pads(conv_pads(args)))
        return out(depthwise.conv2d(t(pointwise_weight), t(bias)), x)

    def conv_transpose(x, weight, bias=None, *, stride=1, padding=0, output_padding=0, dilation=1, groups=1):
        args = conv_transpose_args(Case("conv_transpose", {"x": x, "weight": weight, "bias": bias},
                                        dict(stride=stride, padding=padding, output_padding=output_padding,
                                             dilation=dilation, groups=groups), "floats"))
        crop, reason = _transpose_padding(args)
        if reason:
            refuse(reason)
        y = t(x).conv_transpose2d(t(weight), t(bias), groups=args.groups, stride=args.stride,
                                  dilation=args.dilation, padding=crop, output_padding=args.output_padding)
        return out(y, x)

    def max_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
        args = pool_args(Case("max_pool", {"x": x}, dict(kernel_size=kernel_size, stride=stride, padding=padding,
                                                         dilation=dilation, ceil_mode=ceil_mode,
                                                         return_indices=return_indices), "floats"))
        result = t(x).max_pool2d(args.kernel_size, args.stride, args.dilation, flat_pads(pool_pads(args)),
                                 ceil_mode=bool(ceil_mode), return_indices=bool(return_indices))
        if return_indices:
            values, indices = result
            return out(values, x), np.ascontiguousarray(indices.numpy()).astype(np.int64)
        return out(result, x)

    def avg_pool(x, kernel_size, *, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        case = Case("avg_pool", {"x": x}, dict(kernel_size=kernel_size, stride=stride, padding=padding,
                                               ceil_mode=ceil_mode, count_include_pad=count_include_pad,
                                               divisor_override=divisor_override), "floats")
        verdict = _supports_avg_pool(case)
        if verdict is not True:
            refuse(verdict)
        args = pool_args(case)
        y = t(x).avg_pool2d(args.kernel_size, args.stride, 1, flat_pads(pool_pads(args)), ceil_mode=bool(ceil_mode),
                            count_include_pad=bool(count_include_pad))
        return out(y, x)

    def global_max_pool(x):
        return out(t(x).max(axis=tuple(range(2, x.ndim)), keepdim=True), x)

    def global_avg_pool(x):
        return out(t(x).mean(axis=tuple(range(2, x.ndim)), keepdim=True), x)

    def max_unpool(x, indices, kernel_size, *, stride=None, padding=0, output_size=None):
        case = Case("max_unpool", {"x": x, "indices": indices}, dict(kernel_size=kernel_size, stride=stride,
                                                                     padding=padding, output_size=output_size),
                    "floats")
        verdict = _supports_max_unpool(case)
        if verdict is not True:
            refuse(verdict)
        args = unpool_args(case)
        size = None if output_size is None else tuple(x.shape[:2]) + tuple(args.output_size)
        y = t(x).max_unpool2d(t(indices), args.kernel_size, args.stride, 1, tuple(lo for lo, _ in args.padding),
                              output_size=size)
        return out(y, x)

    def upsample(x, *, scale_factor=None, size=None, mode="nearest", align_corners=False):
        case = Case("upsample", {"x": x}, dict(scale_factor=scale_factor, size=size, mode=mode,
                                               align_corners=align_corners), "floats")
        verdict = _supports_upsample(case)
        if verdict is not True:
            refuse(verdict)
        args = upsample_args(case)
        tiny_mode = {"nearest": "nearest", "nearest_exact": "nearest-exact"}.get(args.mode, "linear")
        y = t(x).interpolate(tuple(args.output_size), mode=tiny_mode, align_corners=bool(args.align_corners))
        return out(y, x)

    def relu(x):
        return out(t(x).relu(), x)

    def sigmoid(x):
        return out(t(x).sigmoid(), x)

    def softmax(x, *, axis=-1):
        return out(t(x).softmax(axis), x)

    provided = (correlate, convolve, depthwise_separable, conv_transpose, max_pool, avg_pool, global_max_pool,
                global_avg_pool, max_unpool, upsample, relu, sigmoid, softmax)
    supports = {"conv_transpose": _supports_conv_transpose, "avg_pool": _supports_avg_pool,
                "max_unpool": _supports_max_unpool, "upsample": _supports_upsample}
    return Target(
        "tinygrad (cpu)", {fn.__name__: fn for fn in provided}, adapter_setup("tinygrad", device, "tinygrad.Tensor"),
        supports={op: safely(fn) for op, fn in supports.items()},
        versions={**_base_versions(), "tinygrad": getattr(tinygrad, "__version__", None) or _version("tinygrad")},
        known_divergences=KNOWN_DIVERGENCES,
    )


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"
