"""Target ``tensorflow``: ``tf.nn`` convolutions and pooling, ``tf.image`` resizing, on the CPU (channels-last).

TensorFlow's CPU kernels take channels-last data (``NWC``, ``NHWC``, ``NDHWC``) and kernels laid out
``(*k, C_in/groups, C_out)`` ("HWIO"): the adapter moves the channel axis of ``x`` last and the
kernel's two channel axes behind its spatial ones, calls TensorFlow, and moves the result's channels
back to axis 1. The mapping (https://www.tensorflow.org/api_docs/python/tf/nn):

==================  =====================================================================
convspec            TensorFlow
==================  =====================================================================
correlate           ``tf.nn.convolution(x, w, strides, padding, dilations)`` for ``"VALID"`` and
                    ``"SAME"`` (TensorFlow's SAME: total ``max((ceil(n/s) - 1) s + d(k-1) + 1 - n, 0)``,
                    the odd cell high: convspec's ``"same"``, any stride); in 2-D, any ``(lo, hi)`` pairs
                    (``"full"``, ``"same_lower"``, ints) as ``tf.nn.conv2d``'s explicit
                    ``[[0, 0], [lo, hi], [lo, hi], [0, 0]]``. Unsupported: explicit padding in 1-D/3-D
                    (``conv1d``/``conv3d`` take strings only), stride and dilation both above 1
                    (TensorFlow refuses), more than 3 spatial axes. Bias by ``tf.nn.bias_add``.
convolve            the same on the kernel flipped along its spatial axes (TensorFlow has no true convolution)
depthwise_separable ``tf.nn.separable_conv2d(x, depthwise (kh, kw, C_in, m), pointwise (1, 1, C_in m, C_out),
                    strides=[1, s, s, 1], padding, dilations)``: 2-D, one stride for both axes,
                    ``"VALID"``/``"SAME"`` only
conv_transpose      ``tf.nn.conv_transpose(x, w (*k, C_out, C_in), output_shape, strides, padding, dilations)``:
                    the gradient of a convolution with that padding, so ``output_shape`` picks the length
                    (``output_padding`` adds cells at the end); ``"VALID"`` for no crop, ``"SAME"`` for
                    convspec's ``"same"``, explicit ``(lo, hi)`` crops in 2-D. No ``groups``.
max_pool            ``tf.nn.max_pool(x, k, strides, padding)`` (``"VALID"``/``"SAME"``, 1-3-D; explicit pads
                    in 2-D); with a dilation ``tf.nn.pool(..., "MAX", dilations)``, which needs stride 1;
                    ``return_indices``: ``tf.nn.max_pool_with_argmax`` (2-D, no dilation), whose flat
                    ``(y * W + x) * C + c`` index is divided by ``C`` to convspec's per-plane ``y * W + x``.
                    ``ceil_mode`` only where it adds no window.
avg_pool            ``tf.nn.avg_pool(x, k, strides, padding)``: TensorFlow's SAME average divides by the input cells
                    a window holds, which is convspec's ``count_include_pad=False``; no explicit padding,
                    no ``divisor_override``.
global_*_pool       ``tf.reduce_max`` / ``tf.reduce_mean`` over the spatial axes
upsample            2-D ``tf.image.resize(x, size, method, antialias=False)``: ``"nearest"`` (half-pixel:
                    convspec's ``nearest_exact``) and ``"bilinear"``; convspec's asymmetric ``nearest``
                    and ``align_corners=True`` by ``tf.raw_ops.ResizeNearestNeighbor`` /
                    ``ResizeBilinear`` with ``half_pixel_centers=False``. TensorFlow takes output sizes
                    only: a ``scale_factor`` is supported where ``n * scale_factor`` is a whole number
                    (then the step ``n / out`` is ``1 / scale_factor``). Linear resizing returns float32
                    (documented), so float64 linear cases are unsupported. ``bicubic`` with
                    ``cubic_coefficient=-0.5``, half-pixel, as ``method="bicubic"`` (Keys' a = -0.5).
relu, sigmoid,      ``tf.nn.relu``, ``tf.math.sigmoid``, ``tf.nn.softmax(t(x), axis)``
softmax
==================  =====================================================================

No backward passes (``--grad``): "no backward". The CPU build is pinned in
``requirements-dev.txt`` (``tensorflow-cpu``); ``--device cuda`` is refused.
"""

from __future__ import annotations

import math
from fractions import Fraction
import os

import numpy as np

from convspec.conformance.adapters.common import (
    conv_args, conv_pads, conv_transpose_args, depthwise_args, first_reason, float32_index_rounds, pool_args,
    cubic_tap_outside, pool_pads, safely, upsample_args,
)
from convspec.conformance.case import Case
from convspec.conformance.divergences import Divergence
from convspec.conformance.targets import Target, _base_versions, _cpu_only, adapter_setup

_RANKS = (1, 2, 3)
TF_RESIZE_DOCS = "https://www.tensorflow.org/api_docs/python/tf/image/resize"

TF_DENORMAL_SOURCE = ("https://github.com/tensorflow/tensorflow/blob/v2.21.0/tensorflow/core/platform/denormal.h "
                      "(ScopedFlushDenormal, set by the executor's CPU threads)")


def _subnormal(a) -> bool:
    a = np.asarray(a)
    if a.dtype.kind != "f" or a.size == 0:
        return False
    magnitude = np.abs(a[np.isfinite(a)])
    return bool(((magnitude > 0) & (magnitude < np.finfo(a.dtype).tiny)).any())


def touches_subnormals(case: Case) -> bool:
    """A floating input cell, or a cell of the reference's result, is subnormal (below the dtype's ``tiny``)."""
    from convspec import reference

    if any(_subnormal(a) for a in case.inputs.values() if a is not None):
        return True
    try:
        result = getattr(reference, case.op)(*case.copies(), **case.params)
    except (ValueError, TypeError, OverflowError):
        return False
    return any(_subnormal(part) for part in (result if isinstance(result, tuple) else (result,)))


XLA_DENORMAL_SOURCE = ("https://github.com/openxla/xla/blob/main/xla/service/llvm_ir/llvm_util.cc (XLA:CPU "
                       "compiles every function with denormal-fp-math=preserve-sign; openxla/xla PR 35740)")


def flushes_subnormals(op: str, who: str = "TensorFlow's CPU kernels run",
                       source: str = TF_DENORMAL_SOURCE) -> Divergence:
    return Divergence(
        op, f"{who} with flush-to-zero and denormals-are-zero set: a subnormal input reads as 0 and a subnormal "
        f"result is written as 0 (relu of 1e-40 in float32 is 0); convspec keeps IEEE gradual underflow ({source})",
        predicate=touches_subnormals,
    )


#: not a convention: a bug of TensorFlow 2.21 (CPU), declared so that the check goes on past it and reports it
#: apart; spec.non_finite.OVERFLOW requires float16 sums to be accumulated at least in float32
FLOAT16_SUM_BUG = (
    "TensorFlow BUG (2.21 CPU; not a documented convention): float16 average pooling accumulates the window "
    "sum in float16, so a window of values near 60000 sums past 65504 to inf and the mean is inf where convspec "
    "(spec.non_finite.OVERFLOW: float16 sums accumulate at least in float32) gives the finite mean"
)

KNOWN_DIVERGENCES = tuple(flushes_subnormals(op) for op in (
    "correlate", "convolve", "depthwise_separable", "conv_transpose", "max_pool", "avg_pool", "global_max_pool",
    "global_avg_pool", "upsample", "relu", "sigmoid", "softmax")) + (
    Divergence(
        "upsample", "TensorFlow's nearest resize computes the source index (t + 1/2) * n/out (or t * n/out) in "
        "float32 and floors it: where the exact value is an integer the float32 product can land just below it "
        f"and read the previous cell; convspec's coordinates are exact ({TF_RESIZE_DOCS})",
        predicate=float32_index_rounds,
    ),
    Divergence(
        "upsample", f"convspec reads the edge sample for a cubic tap past the border (torch's bicubic, ONNX Resize "
        "with exclude_outside=0); tf.image.resize drops such taps and divides the remaining weights by their sum "
        "(scale_and_translate's edge handling), so outputs near an edge differ: [0, 0, 0, 256] resized to 8 "
        "(a = -0.5) gives 52, 204, 274 at t = 5..7 in convspec and 56.67, 207.42, 278.59 in tf.image.resize"
        f" ({TF_RESIZE_DOCS})", predicate=cubic_tap_outside,
    ),
) + tuple(
    Divergence(op, FLOAT16_SUM_BUG, dtype=("float16",), failure_contains="got inf")
    for op in ("avg_pool", "global_avg_pool")
)


def to_last(a: np.ndarray) -> np.ndarray:
    """``(N, C, *spatial)`` -> ``(N, *spatial, C)``."""
    return np.ascontiguousarray(np.moveaxis(a, 1, -1))


def to_first(a: np.ndarray) -> np.ndarray:
    """``(N, *spatial, C)`` -> ``(N, C, *spatial)``."""
    return np.ascontiguousarray(np.moveaxis(a, -1, 1))


def kernel_last(w: np.ndarray) -> np.ndarray:
    """``(C_out, C_in/groups, *k)`` -> ``(*k, C_in/groups, C_out)`` (TensorFlow's and Keras's layout)."""
    return np.ascontiguousarray(np.transpose(w, tuple(range(2, w.ndim)) + (1, 0)))


def depthwise_kernel_last(w: np.ndarray, channels: int) -> np.ndarray:
    """convspec's ``(C_in * m, 1, *k)`` depthwise kernel -> ``(*k, C_in, m)``."""
    m = w.shape[0] // channels
    w = w.reshape((channels, m) + w.shape[2:])
    return np.ascontiguousarray(np.transpose(w, tuple(range(2, w.ndim)) + (0, 1)))


def _conv_padding(args) -> tuple[object, str | None]:
    """TensorFlow's padding for a convolution (a string or 2-D explicit pairs), or the reason it has none."""
    if args.padding == "valid":
        return "VALID", None
    if args.padding == "same":
        return "SAME", None
    pads = conv_pads(args)
    if all(lo == 0 and hi == 0 for lo, hi in pads):
        return "VALID", None
    if args.spatial_dims != 2:
        return None, f"explicit padding in {args.spatial_dims}-D (tf.nn.conv1d/conv3d take 'SAME'/'VALID' only)"
    return [[0, 0], *[list(p) for p in pads], [0, 0]], None


def _strided_and_dilated(args) -> bool:
    return any(s != 1 for s in args.stride) and any(d != 1 for d in args.dilation)


def _supports_conv(case: Case) -> bool | str:
    args = conv_args(case)
    _, reason = _conv_padding(args)
    return first_reason(
        (args.spatial_dims not in _RANKS, f"{args.spatial_dims}-D input (TensorFlow: 1-3)"),
        (reason is not None, reason),
        (_strided_and_dilated(args), "stride and dilation both > 1 (TensorFlow refuses them together)"),
    )


def _supports_depthwise(case: Case) -> bool | str:
    args = depthwise_args(case)
    padding, reason = _conv_padding(args)
    return first_reason(
        (args.spatial_dims != 2, f"{args.spatial_dims}-D input (tf.nn.separable_conv2d: 2-D)"),
        (not isinstance(padding, str), "explicit padding (separable_conv2d takes 'SAME'/'VALID' only)"),
        (len(set(args.stride)) != 1, "different strides per axis (separable_conv2d: one stride)"),
        (_strided_and_dilated(args), "stride and dilation both > 1 (TensorFlow refuses them together)"),
    )


def _transpose_padding(args) -> tuple[object, str | None]:
    from convspec.spec.conv_transpose import resolve_crop

    if args.padding == "same":
        return "SAME", None
    crops = resolve_crop(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    if any(extra for _, _, extra in crops):
        return None, f"padding={args.padding!r} (TensorFlow's SAME crops the odd cell high)"
    if all(lo == 0 and hi == 0 for lo, hi, _ in crops):
        return "VALID", None
    if args.spatial_dims != 2:
        return None, f"explicit crop in {args.spatial_dims}-D (conv1d/conv3d_transpose take 'SAME'/'VALID' only)"
    return [[0, 0], *[[lo, hi] for lo, hi, _ in crops], [0, 0]], None


def _supports_conv_transpose(case: Case) -> bool | str:
    args = conv_transpose_args(case)
    _, reason = _transpose_padding(args)
    return first_reason(
        (args.spatial_dims not in _RANKS, f"{args.spatial_dims}-D input (TensorFlow: 1-3)"),
        (args.groups != 1, "groups > 1 (tf.nn.conv_transpose has no groups)"),
        (reason is not None, reason),
        (any(d != 1 for d in args.dilation), "dilation > 1 (TensorFlow's CPU Conv2DBackpropInput: 'Current CPU "
                                             "implementations do not yet support dilation rates larger than 1')"),
    )


def _floor_size(args) -> tuple[int, ...]:
    from convspec.spec.pool import pool_output_length

    return tuple(pool_output_length(n, k, s, lo, hi, d, False) for n, k, s, d, (lo, hi) in
                 zip(args.input_size, args.kernel_size, args.stride, args.dilation, pool_pads(args)))


def _pool_padding(args) -> tuple[object, str | None]:
    if args.padding in ("valid", "same"):
        return args.padding.upper(), None
    pads = pool_pads(args)
    if all(lo == 0 and hi == 0 for lo, hi in pads):
        return "VALID", None
    return [[0, 0], *[list(p) for p in pads], [0, 0]], None


def _supports_pool(case: Case) -> bool | str:
    from convspec.spec.pool import pool_output_size

    args = pool_args(case)
    if case.op == "avg_pool" and any(d > 1 for d in args.dilation):
        return "avg_pool with dilation > 1 (tf.nn.avg_pool has no dilations)"
    padding, _ = _pool_padding(args)
    explicit = not isinstance(padding, str)
    dilated = any(d != 1 for d in args.dilation)
    avg = case.op == "avg_pool"
    return first_reason(
        (args.spatial_dims not in _RANKS, f"{args.spatial_dims}-D input (TensorFlow: 1-3)"),
        (args.ceil_mode and pool_output_size(args) != _floor_size(args), "ceil_mode adding a window (TensorFlow "
                                                                          "has no ceil_mode)"),
        (explicit and (avg or args.spatial_dims != 2 or dilated),
         "explicit padding (TensorFlow: tf.nn.max_pool2d only, without dilation)"),
        (dilated and any(s != 1 for s in args.stride), "dilation with stride > 1 (tf.nn.pool refuses it)"),
        (not avg and args.return_indices and (args.spatial_dims != 2 or dilated or explicit),
         "return_indices outside 2-D 'SAME'/'VALID' without dilation (tf.nn.max_pool_with_argmax)"),
        (avg and args.divisor_override is not None, "divisor_override (TensorFlow has none)"),
        (avg and args.spatial_dims == 3 and case.dtype != "float32",
         f"{case.dtype} 3-D avg_pool (TensorFlow's CPU AvgPool3D kernel is float32/bfloat16 only)"),
        (avg and args.padding == "same" and args.count_include_pad and any(lo or hi for lo, hi in pool_pads(args)),
         "count_include_pad with 'same' padding (TensorFlow's SAME average counts the input cells only)"),
    )


def _supports_global(case: Case) -> bool | str:
    return True


def _supports_upsample(case: Case) -> bool | str:
    args = upsample_args(case)
    return first_reason(
        (args.spatial_dims != 2, f"{args.spatial_dims}-D input (tf.image.resize: 2-D images)"),
        (args.mode not in ("nearest", "nearest_exact", "bilinear", "bicubic"), f"mode {args.mode!r}"),
        (args.mode == "bicubic" and args.cubic_coefficient != Fraction(-1, 2),
         f"bicubic with cubic_coefficient={float(args.cubic_coefficient)} (tf.image.resize's bicubic is Keys' a = -0.5)"),
        (args.mode == "bicubic" and args.align_corners, "bicubic with align_corners (tf.image.resize is half-pixel)"),
        (args.mode in ("bilinear", "bicubic") and case.dtype == "float64",
         f"float64 {args.mode} (tf.image.resize returns float32 for it: {TF_RESIZE_DOCS})"),
        (args.scale_factor is not None and any(n * f != math.floor(n * f) for n, f in
                                               zip(args.input_size, args.scale_factor)),
         "a scale factor that does not make a whole number of cells (TensorFlow takes sizes: its step n/out)"),
    )


def _supports_softmax(case: Case) -> bool | str:
    return True


def _quiet_tensorflow():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    return tf


def target(device: str | None = None) -> Target:
    _cpu_only("tensorflow", device)
    tf = _quiet_tensorflow()
    functions, supports = build(tf, "tensorflow adapter")
    return Target(
        "tensorflow (cpu)", functions, adapter_setup("tensorflow", device, "tf.nn / tf.image"),
        supports={op: safely(fn) for op, fn in supports.items() if op in functions},
        versions={**_base_versions(), "tensorflow": tf.__version__}, known_divergences=KNOWN_DIVERGENCES,
    )


def build(tf, who: str):
    """The numpy-in, numpy-out functions over ``tf``, and their support predicates."""
    def refuse(reason):
        raise ValueError(f"{who}: unsupported: {reason}")

    def t(a):
        """A tensor of ``a``'s own dtype (numpy float64 given straight to tf.nn.max_pool comes back float32
        from the second call on: tests/test_adapters_tf.py)."""
        return None if a is None else tf.constant(np.ascontiguousarray(a))

    def out(y, like):
        return np.ascontiguousarray(np.asarray(y)).astype(like.dtype, copy=False)

    def bias_add(y, bias):
        return y if bias is None else tf.nn.bias_add(y, t(bias))

    def _conv(x, weight, bias, params, op, flip):
        args = conv_args(Case(op, {"x": x, "weight": weight, "bias": bias}, params, "floats"))
        verdict = _supports_conv(Case(op, {"x": x, "weight": weight, "bias": bias}, params, "floats"))
        if verdict is not True:
            refuse(verdict)
        padding, _ = _conv_padding(args)
        w = kernel_last(weight)
        if flip:
            w = np.ascontiguousarray(np.flip(w, axis=tuple(range(args.spatial_dims))))
        if isinstance(padding, str):
            y = tf.nn.convolution(t(to_last(x)), t(w), strides=args.stride, padding=padding, dilations=args.dilation)
        else:
            y = tf.nn.conv2d(t(to_last(x)), t(w), strides=args.stride, padding=padding, dilations=args.dilation)
        return to_first(out(bias_add(y, bias), x))

    def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
        return _conv(x, weight, bias, dict(stride=stride, padding=padding, dilation=dilation, groups=groups),
                     "correlate", False)

    def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
        return _conv(x, weight, bias, dict(stride=stride, padding=padding, dilation=dilation, groups=groups),
                     "convolve", True)

    def depthwise_separable(x, depthwise_weight, pointwise_weight, bias=None, *, stride=1, padding=0, dilation=1):
        case = Case("depthwise_separable", {"x": x, "depthwise_weight": depthwise_weight,
                                            "pointwise_weight": pointwise_weight, "bias": bias},
                    dict(stride=stride, padding=padding, dilation=dilation), "floats")
        verdict = _supports_depthwise(case)
        if verdict is not True:
            refuse(verdict)
        args = depthwise_args(case)
        padding, _ = _conv_padding(args)
        s = args.stride[0]
        y = tf.nn.separable_conv2d(t(to_last(x)), t(depthwise_kernel_last(depthwise_weight, x.shape[1])),
                                   t(kernel_last(pointwise_weight)), strides=[1, s, s, 1], padding=padding,
                                   dilations=args.dilation)
        return to_first(out(bias_add(y, bias), x))

    def conv_transpose(x, weight, bias=None, *, stride=1, padding=0, output_padding=0, dilation=1, groups=1):
        from convspec.spec.conv_transpose import conv_transpose_output_shape

        case = Case("conv_transpose", {"x": x, "weight": weight, "bias": bias},
                    dict(stride=stride, padding=padding, output_padding=output_padding, dilation=dilation,
                         groups=groups), "floats")
        verdict = _supports_conv_transpose(case)
        if verdict is not True:
            refuse(verdict)
        args = conv_transpose_args(case)
        tf_padding, _ = _transpose_padding(args)
        shape = conv_transpose_output_shape(x.shape, weight.shape, stride=args.stride, padding=args.padding,
                                            output_padding=args.output_padding, dilation=args.dilation,
                                            groups=args.groups)
        # (C_in, C_out, *k) -> (*k, C_out, C_in)
        w = np.ascontiguousarray(np.transpose(weight, tuple(range(2, weight.ndim)) + (1, 0)))
        out_shape = (shape[0], *shape[2:], shape[1])
        y = tf.nn.conv_transpose(t(to_last(x)), t(w), out_shape, strides=args.stride, padding=tf_padding,
                                 dilations=args.dilation)
        return to_first(out(bias_add(y, bias), x))

    def _pool(x, kind, params):
        case = Case(kind, {"x": x}, params, "floats")
        verdict = _supports_pool(case)
        if verdict is not True:
            refuse(verdict)
        return pool_args(case)

    def max_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
        args = _pool(x, "max_pool", dict(kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation,
                                         ceil_mode=ceil_mode, return_indices=return_indices))
        tf_padding, _ = _pool_padding(args)
        if return_indices:
            values, flat = tf.nn.max_pool_with_argmax(t(to_last(x)), args.kernel_size, args.stride, tf_padding,
                                                      include_batch_in_index=False)
            return to_first(out(values, x)), to_first(np.asarray(flat).astype(np.int64) // x.shape[1])
        if any(d != 1 for d in args.dilation):  # tf.nn.pool refuses a stride longer than the window
            y = tf.nn.pool(t(to_last(x)), args.kernel_size, "MAX", strides=args.stride, padding=tf_padding,
                           dilations=args.dilation)
        else:
            y = tf.nn.max_pool(t(to_last(x)), args.kernel_size, args.stride, tf_padding)
        return to_first(out(y, x))

    def avg_pool(x, kernel_size, *, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        args = _pool(x, "avg_pool", dict(kernel_size=kernel_size, stride=stride, padding=padding, ceil_mode=ceil_mode,
                                         count_include_pad=count_include_pad, divisor_override=divisor_override))
        tf_padding, _ = _pool_padding(args)
        y = tf.nn.avg_pool(t(to_last(x)), args.kernel_size, args.stride, tf_padding)
        return to_first(out(y, x))

    def global_max_pool(x):
        return out(tf.reduce_max(t(x), axis=tuple(range(2, x.ndim)), keepdims=True), x)

    def global_avg_pool(x):
        return out(tf.reduce_mean(t(x), axis=tuple(range(2, x.ndim)), keepdims=True), x)

    def upsample(x, *, scale_factor=None, size=None, mode="nearest", align_corners=False, cubic_coefficient=-0.75):
        case = Case("upsample", {"x": x}, dict(scale_factor=scale_factor, size=size, mode=mode,
                                               align_corners=align_corners, cubic_coefficient=cubic_coefficient),
                    "floats")
        verdict = _supports_upsample(case)
        if verdict is not True:
            refuse(verdict)
        args = upsample_args(case)
        images, sizes = t(to_last(x)), list(args.output_size)
        if args.mode == "nearest":
            y = tf.raw_ops.ResizeNearestNeighbor(images=images, size=sizes, align_corners=False,
                                                 half_pixel_centers=False)
        elif args.mode == "nearest_exact":
            y = tf.image.resize(images, sizes, method="nearest", antialias=False)
        elif args.mode == "bicubic":
            y = tf.image.resize(images, sizes, method="bicubic", antialias=False)
        elif args.align_corners:
            y = tf.raw_ops.ResizeBilinear(images=images, size=sizes, align_corners=True, half_pixel_centers=False)
        else:
            y = tf.image.resize(images, sizes, method="bilinear", antialias=False)
        return to_first(out(y, x))

    def relu(x):
        return out(tf.nn.relu(t(x)), x)

    def sigmoid(x):
        return out(tf.math.sigmoid(t(x)), x)

    def softmax(x, *, axis=-1):
        return out(tf.nn.softmax(t(x), axis=axis), x)

    provided = (correlate, convolve, depthwise_separable, conv_transpose, max_pool, avg_pool, global_max_pool,
                global_avg_pool, upsample, relu, sigmoid, softmax)
    supports = {
        "correlate": _supports_conv, "convolve": _supports_conv, "depthwise_separable": _supports_depthwise,
        "conv_transpose": _supports_conv_transpose, "max_pool": _supports_pool, "avg_pool": _supports_pool,
        "upsample": _supports_upsample,
    }
    return {fn.__name__: fn for fn in provided}, supports
