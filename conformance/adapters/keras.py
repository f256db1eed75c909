"""Targets ``keras-tensorflow``, ``keras-jax``, ``keras-torch``: Keras 3's ``keras.ops`` on each backend (CPU).

Keras picks its backend once, from ``KERAS_BACKEND``, when ``keras`` is first imported. So that
one process can check all three, each target imports a private copy of Keras: it sets
``KERAS_BACKEND``, imports ``keras`` with no ``keras.*`` module in ``sys.modules``, keeps the
modules that import created, and puts the previous ones (a ``keras`` the user imported, or
another target's copy) back. Every call of the target runs with its copy installed in
``sys.modules`` (a lock keeps calls of different copies apart), so an import Keras makes while
it runs finds its own copy. ``keras-jax`` turns on ``jax_enable_x64`` (float64 would
otherwise run in float32), as the ``jax`` target does.

Keras's ops take channels-last data and ``(*k, C_in, C_out)`` kernels (``data_format=
"channels_last"``, the default); the adapter moves the axes as the ``tensorflow`` target does.
The mapping (https://keras.io/api/ops/nn/, https://keras.io/api/ops/image/):

==================  =====================================================================
convspec            keras.ops
==================  =====================================================================
correlate           ``conv(x, w, strides, padding, dilation_rate=d)``: ``"valid"`` (or zero pads) and
                    ``"same"`` only; ``groups`` from the kernel's input channels; bias added
                    by ``keras.ops.add`` (``ops.conv`` has none)
convolve            the same on the flipped kernel
depthwise_separable ``separable_conv(x, depthwise (*k, C_in, m), pointwise (1.., C_in m, C_out), ...)``,
                    1-D and 2-D
conv_transpose      ``conv_transpose(x, w (*k, C_out, C_in), strides, padding, output_padding,
                    dilation_rate)``: ``"valid"`` (no crop) with ``output_padding`` cells at the end,
                    and ``"same"`` (``n * stride`` cells, ``output_padding=None``); no groups
max_pool            ``max_pool(x, pool_size, strides, padding)``: ``"valid"``/``"same"``, no dilation,
                    no indices; ``ceil_mode`` only where it adds no window
avg_pool            ``average_pool(...)``: ``"same"`` divides by the input cells a window holds
                    (``count_include_pad=False``); no ``divisor_override``
global_*_pool       ``keras.ops.max`` / ``keras.ops.mean`` over the spatial axes
upsample            2-D ``image.resize(x, size, interpolation, antialias=False)``: ``"nearest"``
                    (half-pixel: convspec's ``nearest_exact``) and ``"bilinear"`` without
                    ``align_corners``; sizes only, as for ``tensorflow``
relu, sigmoid,      ``keras.ops.relu``, ``sigmoid``, ``softmax(x, axis)``
softmax
==================  =====================================================================

No backward passes. ``--device cuda`` is refused (the CPU builds are pinned).
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import threading
import warnings

import numpy as np

from convspec.conformance.adapters.common import (
    conv_args, conv_pads, conv_transpose_args, depthwise_args, first_reason, float32_index_rounds, pool_args,
    pool_pads, safely, upsample_args,
)
from convspec.conformance.adapters.tensorflow import (
    XLA_DENORMAL_SOURCE, depthwise_kernel_last, flushes_subnormals, kernel_last, to_first, to_last,
)
from convspec.conformance.case import Case
from convspec.conformance.divergences import Divergence
from convspec.conformance.targets import Target, _base_versions, _cpu_only, adapter_setup

BACKENDS = ("tensorflow", "jax", "torch")
KERAS_RESIZE_DOCS = "https://keras.io/api/ops/image/#resize-function"
_LOCK = threading.RLock()
_COPIES: dict[str, tuple[object, dict]] = {}  # backend -> (keras, its modules)


def _keras_modules() -> dict:
    return {name: module for name, module in sys.modules.items() if name == "keras" or name.startswith("keras.")}


def load_keras(backend: str):
    """``(keras, modules)``: a copy of Keras imported under ``KERAS_BACKEND=backend``, outside ``sys.modules``."""
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
    with _LOCK:
        if backend in _COPIES:
            return _COPIES[backend]
        if backend == "jax":
            import jax

            jax.config.update("jax_enable_x64", True)
        if backend == "tensorflow":
            os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        saved, previous = _keras_modules(), os.environ.get("KERAS_BACKEND")
        for name in saved:
            del sys.modules[name]
        os.environ["KERAS_BACKEND"] = backend
        try:
            import keras

            copy = _keras_modules()
        finally:
            for name in _keras_modules():
                del sys.modules[name]
            sys.modules.update(saved)
            if previous is None:
                os.environ.pop("KERAS_BACKEND", None)
            else:
                os.environ["KERAS_BACKEND"] = previous
        if keras.backend.backend() != backend:
            raise ValueError(f"keras imported with KERAS_BACKEND={backend} runs {keras.backend.backend()!r}")
        _COPIES[backend] = (keras, copy)
        return _COPIES[backend]


@contextlib.contextmanager
def installed(modules: dict):
    """``modules`` as the ``keras`` of ``sys.modules`` while the block runs."""
    with _LOCK:
        saved = _keras_modules()
        for name in saved:
            del sys.modules[name]
        sys.modules.update(modules)
        try:
            yield
        finally:
            for name in _keras_modules():
                del sys.modules[name]
            sys.modules.update(saved)


def _conv_padding(args) -> tuple[str | None, str | None]:
    if args.padding in ("valid", "same"):
        return args.padding, None
    if all(lo == 0 and hi == 0 for lo, hi in conv_pads(args)):
        return "valid", None
    return None, f"padding={args.padding!r} (keras.ops takes 'valid' and 'same' only)"


def _supports_conv(case: Case) -> bool | str:
    args = conv_args(case)
    _, reason = _conv_padding(args)
    return first_reason((args.spatial_dims not in (1, 2, 3), f"{args.spatial_dims}-D input (keras.ops.conv: 1-3)"),
                        (reason is not None, reason))


def _supports_depthwise(case: Case) -> bool | str:
    args = depthwise_args(case)
    _, reason = _conv_padding(args)
    return first_reason((args.spatial_dims not in (1, 2), f"{args.spatial_dims}-D input (separable_conv: 1-2)"),
                        (reason is not None, reason))


def _transpose_padding(args) -> tuple[str | None, str | None]:
    from convspec.spec.conv_transpose import resolve_crop

    if args.padding == "same":
        return "same", None
    crops = resolve_crop(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    if all(crop == (0, 0, 0) for crop in crops):
        return "valid", None
    return None, f"padding={args.padding!r} (keras.ops.conv_transpose takes 'valid' and 'same' only)"


def _supports_conv_transpose(case: Case) -> bool | str:
    args = conv_transpose_args(case)
    padding, reason = _transpose_padding(args)
    return first_reason(
        (args.spatial_dims not in (1, 2, 3), f"{args.spatial_dims}-D input (keras.ops.conv_transpose: 1-3)"),
        (args.groups != 1, "groups > 1 (keras.ops.conv_transpose has none)"),
        (reason is not None, reason),
        (padding == "same" and any(args.output_padding), "output_padding with 'same' (keras's 'same' length "
                                                         "with output_padding is (n-1)s + k - 2(k//2) + a)"),
    )


def _supports_pool(case: Case) -> bool | str:
    from convspec.spec.pool import pool_output_length, pool_output_size

    args = pool_args(case)
    if case.op == "avg_pool" and any(d > 1 for d in args.dilation):
        return "avg_pool with dilation > 1 (keras.ops.average_pool has no dilation)"
    pads = pool_pads(args)
    padded = any(lo or hi for lo, hi in pads)
    floor = tuple(pool_output_length(n, k, s, lo, hi, d, False) for n, k, s, d, (lo, hi) in
                  zip(args.input_size, args.kernel_size, args.stride, args.dilation, pads))
    avg = case.op == "avg_pool"
    return first_reason(
        (args.spatial_dims not in (1, 2, 3), f"{args.spatial_dims}-D input (keras.ops pooling: 1-3)"),
        (args.padding not in ("valid", "same") and padded, "explicit padding (keras.ops takes 'valid'/'same')"),
        (any(d != 1 for d in args.dilation), "dilation (keras.ops pooling has none)"),
        (args.ceil_mode and pool_output_size(args) != floor, "ceil_mode adding a window (keras has no ceil_mode)"),
        (not avg and args.return_indices, "return_indices (keras.ops.max_pool returns values only)"),
        (avg and args.divisor_override is not None, "divisor_override (keras has none)"),
        (avg and args.padding == "same" and args.count_include_pad and padded,
         "count_include_pad with 'same' padding (keras's 'same' average counts the input cells only)"),
    )


def _supports_upsample(case: Case) -> bool | str:
    args = upsample_args(case)
    return first_reason(
        (args.spatial_dims != 2, f"{args.spatial_dims}-D input (keras.ops.image.resize: 2-D images)"),
        (args.mode not in ("nearest_exact", "bilinear"),
         f"mode {args.mode!r} (keras's nearest is half-pixel: convspec's nearest_exact)"),
        (args.align_corners, "align_corners (keras.ops.image.resize has none)"),
        (args.scale_factor is not None and any(n * f != math.floor(n * f) for n, f in
                                               zip(args.input_size, args.scale_factor)),
         "a scale factor that does not make a whole number of cells (keras takes sizes: its step n/out)"),
    )


def _backend_refuses(backend: str, case: Case) -> bool | str:
    """What one backend refuses (or computes in float32) although keras.ops accepts it."""
    op, dtype, x = case.op, case.dtype, next(iter(case.inputs.values()))
    spatial = x.ndim - 2
    if op in ("global_max_pool",) and x.size == 0:
        return "an empty input (keras.ops.max refuses an empty tensor)"
    if backend == "tensorflow":
        if op in ("correlate", "convolve", "depthwise_separable"):
            args = depthwise_args(case) if op == "depthwise_separable" else conv_args(case)
            if any(s != 1 for s in args.stride) and any(d != 1 for d in args.dilation):
                return "stride and dilation both > 1 (the TensorFlow backend refuses them together)"
        if op == "conv_transpose" and any(d != 1 for d in conv_transpose_args(case).dilation):
            return "dilation > 1 (TensorFlow's CPU Conv2DBackpropInput does not support it)"
        if op == "avg_pool" and spatial == 3 and dtype != "float32":
            return f"{dtype} 3-D average_pool (TensorFlow's CPU AvgPool3D kernel is float32/bfloat16 only)"
        if op == "upsample" and dtype == "float64" and upsample_args(case).mode == "bilinear":
            return "float64 bilinear (tf.image.resize returns float32 for it)"
    if backend == "torch" and op == "avg_pool" and spatial == 3 and dtype == "float16":
        return "float16 3-D average_pool on the CPU (torch: 'avg_pool3d_out_frame' not implemented for 'Half')"
    return True


def _with_backend(predicate, backend: str):
    def supports(case: Case) -> bool | str:
        verdict = predicate(case) if predicate is not None else True
        return _backend_refuses(backend, case) if verdict is True else verdict

    return supports


def _known_divergences(backend: str) -> tuple:
    nearest = Divergence(
        "upsample", f"keras.ops.image.resize ({backend} backend) computes the nearest source index (t + 1/2) * "
        "n/out in float32 and floors it: where the exact value is an integer the float32 product can land just "
        f"below it and read the previous cell; convspec's coordinates are exact ({KERAS_RESIZE_DOCS})",
        predicate=float32_index_rounds,
    )
    ops = ("correlate", "convolve", "depthwise_separable", "conv_transpose", "max_pool", "avg_pool",
           "global_max_pool", "global_avg_pool", "upsample", "relu", "sigmoid", "softmax")
    if backend == "tensorflow":
        from convspec.conformance.adapters.tensorflow import FLOAT16_SUM_BUG

        float16_sums = tuple(Divergence(op, FLOAT16_SUM_BUG, dtype=("float16",), failure_contains="got inf")
                             for op in ("avg_pool", "global_avg_pool"))
        return (nearest,) + tuple(flushes_subnormals(op) for op in ops) + float16_sums
    if backend == "jax":
        return (nearest,) + tuple(flushes_subnormals(op, "XLA's CPU code (the jax backend) runs", XLA_DENORMAL_SOURCE)
                                  for op in ops)
    return (nearest,)


def target(device: str | None = None, backend: str = "tensorflow") -> Target:
    name = f"keras-{backend}"
    _cpu_only(name, device)
    keras, modules = load_keras(backend)
    ops = keras.ops

    def refuse(reason):
        raise ValueError(f"{name} adapter: unsupported: {reason}")

    def check(predicate, case):
        verdict = _with_backend(predicate, backend)(case)
        if verdict is not True:
            refuse(verdict)

    def out(y, like):
        return np.ascontiguousarray(ops.convert_to_numpy(y)).astype(like.dtype, copy=False)

    def t(a):
        return ops.convert_to_tensor(np.ascontiguousarray(a))

    def plus_bias(y, bias, spatial):
        return y if bias is None else ops.add(y, t(bias.reshape((1,) * (spatial + 1) + (-1,))))

    def running(fn):
        def on_numpy(*arrays, **params):
            with installed(modules), warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # e.g. a softmax over an axis of length 1
                return fn(*arrays, **params)

        on_numpy.__name__ = fn.__name__
        return on_numpy

    def _conv(x, weight, bias, params, op, flip):
        case = Case(op, {"x": x, "weight": weight, "bias": bias}, params, "floats")
        check(_supports_conv, case)
        args = conv_args(case)
        padding, _ = _conv_padding(args)
        w = kernel_last(weight)
        if flip:
            w = np.ascontiguousarray(np.flip(w, axis=tuple(range(args.spatial_dims))))
        y = ops.conv(t(to_last(x)), t(w), strides=args.stride, padding=padding, data_format="channels_last",
                     dilation_rate=args.dilation)
        return to_first(out(plus_bias(y, bias, args.spatial_dims), x))

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
        check(_supports_depthwise, case)
        args = depthwise_args(case)
        padding, _ = _conv_padding(args)
        y = ops.separable_conv(t(to_last(x)), t(depthwise_kernel_last(depthwise_weight, x.shape[1])),
                               t(kernel_last(pointwise_weight)), strides=args.stride, padding=padding,
                               data_format="channels_last", dilation_rate=args.dilation)
        return to_first(out(plus_bias(y, bias, args.spatial_dims), x))

    def conv_transpose(x, weight, bias=None, *, stride=1, padding=0, output_padding=0, dilation=1, groups=1):
        case = Case("conv_transpose", {"x": x, "weight": weight, "bias": bias},
                    dict(stride=stride, padding=padding, output_padding=output_padding, dilation=dilation,
                         groups=groups), "floats")
        check(_supports_conv_transpose, case)
        args = conv_transpose_args(case)
        keras_padding, _ = _transpose_padding(args)
        w = np.ascontiguousarray(np.transpose(weight, tuple(range(2, weight.ndim)) + (1, 0)))  # (*k, C_out, C_in)
        y = ops.conv_transpose(t(to_last(x)), t(w), strides=args.stride, padding=keras_padding,
                               output_padding=None if keras_padding == "same" else args.output_padding,
                               data_format="channels_last", dilation_rate=args.dilation)
        return to_first(out(plus_bias(y, bias, args.spatial_dims), x))

    def max_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
        case = Case("max_pool", {"x": x}, dict(kernel_size=kernel_size, stride=stride, padding=padding,
                                               dilation=dilation, ceil_mode=ceil_mode,
                                               return_indices=return_indices), "floats")
        check(_supports_pool, case)
        args = pool_args(case)
        keras_padding = "same" if args.padding == "same" else "valid"
        y = ops.max_pool(t(to_last(x)), args.kernel_size, args.stride, keras_padding, data_format="channels_last")
        return to_first(out(y, x))

    def avg_pool(x, kernel_size, *, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        case = Case("avg_pool", {"x": x}, dict(kernel_size=kernel_size, stride=stride, padding=padding,
                                               ceil_mode=ceil_mode, count_include_pad=count_include_pad,
                                               divisor_override=divisor_override), "floats")
        check(_supports_pool, case)
        args = pool_args(case)
        keras_padding = "same" if args.padding == "same" else "valid"
        y = ops.average_pool(t(to_last(x)), args.kernel_size, args.stride, keras_padding,
                             data_format="channels_last")
        return to_first(out(y, x))

    def global_max_pool(x):
        check(None, Case("global_max_pool", {"x": x}, {}, "floats"))
        return out(ops.max(t(x), axis=tuple(range(2, x.ndim)), keepdims=True), x)

    def global_avg_pool(x):
        return out(ops.mean(t(x), axis=tuple(range(2, x.ndim)), keepdims=True), x)

    def upsample(x, *, scale_factor=None, size=None, mode="nearest", align_corners=False):
        case = Case("upsample", {"x": x}, dict(scale_factor=scale_factor, size=size, mode=mode,
                                               align_corners=align_corners), "floats")
        check(_supports_upsample, case)
        args = upsample_args(case)
        interpolation = "nearest" if args.mode == "nearest_exact" else "bilinear"
        y = ops.image.resize(t(to_last(x)), tuple(args.output_size), interpolation=interpolation, antialias=False,
                             data_format="channels_last")
        return to_first(out(y, x))

    def relu(x):
        return out(ops.relu(t(x)), x)

    def sigmoid(x):
        return out(ops.sigmoid(t(x)), x)

    def softmax(x, *, axis=-1):
        return out(ops.softmax(t(x), axis=axis), x)

    provided = (correlate, convolve, depthwise_separable, conv_transpose, max_pool, avg_pool, global_max_pool,
                global_avg_pool, upsample, relu, sigmoid, softmax)
    supports = {
        "correlate": _supports_conv, "convolve": _supports_conv, "depthwise_separable": _supports_depthwise,
        "conv_transpose": _supports_conv_transpose, "max_pool": _supports_pool, "avg_pool": _supports_pool,
        "upsample": _supports_upsample,
    }
    library = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}[backend]
    backend_module = sys.modules.get(library) or __import__(library)
    return Target(
        f"{name} (cpu)", {fn.__name__: running(fn) for fn in provided},
        adapter_setup(name, device, f"keras.ops on the {backend} backend"),
        supports={fn.__name__: safely(_with_backend(supports.get(fn.__name__), backend)) for fn in provided},
        versions={**_base_versions(), "keras": keras.__version__, backend: str(backend_module.__version__)},
        known_divergences=_known_divergences(backend),
    )


def tensorflow_target(device: str | None = None) -> Target:
    return target(device, "tensorflow")


def jax_target(device: str | None = None) -> Target:
    return target(device, "jax")


def torch_target(device: str | None = None) -> Target:
    return target(device, "torch")
