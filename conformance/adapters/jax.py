"""Target ``jax``: ``jax.lax`` convolutions and windows, ``jax.image`` resizing (CPU, or CUDA if jax has it).

==================  =====================================================================
convspec            jax
==================  =====================================================================
correlate           ``lax.conv_general_dilated(x, w, window_strides=stride, padding=..., rhs_dilation=dilation,
                    feature_group_count=groups, precision=HIGHEST)``; ``padding``: ``"VALID"``, ``"SAME"``
                    (odd cell high, any stride: convspec's definition), ``"SAME_LOWER"``, or the
                    ``(lo, hi)`` pairs (``"full"`` as ``d(k-1)`` per side). Any number of spatial axes.
convolve            the same on ``jnp.flip(w)``
depthwise_separable ``conv_general_dilated(feature_group_count=C_in)`` then a 1x1 one
conv_transpose      ``conv_general_dilated`` with ``lhs_dilation=stride`` (zeros between the inputs), the
                    kernel flipped and regrouped to ``(C_out, C_in/groups, *k)``, padding
                    ``(d(k-1) - lo, d(k-1) - hi + output_padding)`` per axis (a negative pad crops)
max_pool            ``lax.reduce_window(x, -inf, lax.max, (1, 1, *k), (1, 1, *s), padding, window_dilation)``;
                    ``ceil_mode`` as extra high padding that yields the spec's window count; no indices
avg_pool            ``lax.reduce_window(..., 0, lax.add, ...)`` over the divisor the same windows count
                    (the cells of the input, plus the declared padding if ``count_include_pad``)
global_*_pool       ``jnp.max`` / ``jnp.mean`` over the spatial axes
upsample            ``jax.image.resize(x, shape, method, antialias=False)`` for a ``size`` and
                    ``jax.image.scale_and_translate(scale=factor)`` for a linear ``scale_factor``: both
                    half-pixel, so ``nearest_exact`` and the linear modes without ``align_corners``;
                    jax has no ``asymmetric`` nearest (torch's ``"nearest"``) and no ``align_corners``;
                    ``bicubic`` with ``cubic_coefficient=-0.5`` as ``method="cubic"`` (Keys' a = -0.5)
==================  =====================================================================

float64 needs ``jax_enable_x64``, which loading this target turns on.

Speed: each call runs one ``jax.jit`` program per operation and set of static parameters (XLA compiles
it once per input shape: one compilation per call instead of one per primitive of an eager call); the
inputs go in by ``jax.device_put`` (``jnp.asarray`` would compile a conversion per shape and dtype);
on the CPU the programs are compiled with :data:`FAST_COMPILE` (XLA's cheap optimisation level: a check
is compile-bound, each program runs once or twice), so outputs can differ by rounding from a default
compilation (``CONVSPEC_JAX_COMPILE=default`` checks that one; the report's versions name the options);
and compiled programs are kept in jax's persistent compilation cache (``~/.cache/convspec/jax``, or
``$XDG_CACHE_HOME/convspec/jax``; ``CONVSPEC_JAX_CACHE=off`` turns it off), so a rerun of the same
cases (a derandomized check) compiles nothing.

Backward passes (``convspec check jax --grad``): every operation above, by ``jax.vjp``
through the same calls (the floating inputs as primals, ``grad_out`` as the cotangent).
``jnp.max`` (global_max_pool) shares a tie's gradient among the tied cells, where convspec
(like torch) gives it to the first maximum: integer-valued data with ties show it.
Docs: https://docs.jax.dev/en/latest/_autosummary/jax.lax.conv_general_dilated.html
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction
import os
from pathlib import Path

import numpy as np

from convspec.conformance.adapters.common import (
    conv_args, conv_pads, conv_transpose_args, depthwise_args, first_reason, float32_index_rounds, pool_args,
    cubic_tap_outside, pool_pads, safely, upsample_args,
)
from convspec.conformance.case import Case
from convspec.conformance.divergences import Divergence
from convspec.conformance.gradients import jax_gradients
from convspec.conformance.targets import Target, _base_versions, adapter_setup


KNOWN_DIVERGENCES = (
    Divergence(
        "upsample", "jax.image.resize computes the nearest source index (t + 1/2) * n/out in float32 and floors "
        "it: where the exact value is an integer the float32 product can land just below it and read the "
        "previous cell; convspec's coordinates are exact", predicate=float32_index_rounds,
    ),
    Divergence(
        "upsample", "convspec reads the edge sample for a cubic tap past the border (torch's bicubic, ONNX Resize "
        "with exclude_outside=0); jax.image.resize drops such taps and divides the remaining weights by their sum "
        "(scale_and_translate's edge handling), so outputs near an edge differ: [0, 0, 0, 256] resized to 8 "
        "(a = -0.5) gives 52, 204, 274 at t = 5..7 in convspec and 56.67, 207.42, 278.59 in jax.image.resize",
        predicate=cubic_tap_outside,
    ),
)


def _jax_padding(args):
    if args.padding == "valid":
        return "VALID"
    if args.padding == "same":
        return "SAME"
    if args.padding == "same_lower":
        return "SAME_LOWER"
    return tuple(tuple(p) for p in conv_pads(args))


def _supports_upsample(case: Case) -> bool | str:
    args = upsample_args(case)
    if args.mode == "nearest":
        return "mode 'nearest' (jax's nearest is half-pixel, convspec's 'nearest_exact'; it has no asymmetric one)"
    if args.align_corners:
        return "align_corners (jax.image has no align_corners)"
    if args.mode == "bicubic" and args.cubic_coefficient != Fraction(-1, 2):
        return f"bicubic with cubic_coefficient={float(args.cubic_coefficient)} (jax's cubic is Keys' a = -0.5)"
    if args.scale_factor is not None and args.mode == "nearest_exact":
        if any(math.floor(n * f) != n * f for n, f in zip(args.input_size, args.scale_factor)):
            return "nearest_exact with a scale factor that does not divide the length (jax.image.resize uses n/out)"
    return True


def _persistent_cache(jax) -> None:
    """Keep compiled programs across runs in jax's persistent compilation cache (unless
    ``CONVSPEC_JAX_CACHE=off`` or the user configured a cache directory already)."""
    if os.environ.get("CONVSPEC_JAX_CACHE", "").lower() in ("off", "0", "no"):
        return
    if jax.config.jax_compilation_cache_dir:
        return
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    jax.config.update("jax_compilation_cache_dir", str(base / "convspec" / "jax"))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)


#: XLA options for the adapter's programs on the CPU: a check compiles one program per case (each
#: new shape), ~50-130 ms at XLA's default optimisation, where each runs in microseconds. These cut
#: compilation ~4-7x (LLVM's optimisation level 0, its expensive passes off, XLA's loop emitters in
#: place of its newer MLIR fusion emitters); the operations and their semantics are unchanged, but the
#: code that computes them differs: results may differ from a default compilation by rounding (an
#: FMA contracted or not, a sum in another order). ``CONVSPEC_JAX_COMPILE=default`` checks the default
#: compilation; an option the user names in ``XLA_FLAGS`` is left to XLA_FLAGS.
FAST_COMPILE = (
    ("xla_backend_optimization_level", 0),
    ("xla_llvm_disable_expensive_passes", True),
    ("xla_cpu_use_fusion_emitters", False),
)


def _compile_options(jax, platform: str) -> dict:
    """The XLA compile options of the adapter's programs: :data:`FAST_COMPILE` on the CPU, less those the
    user sets in ``XLA_FLAGS``; none on a GPU, with ``CONVSPEC_JAX_COMPILE=default``, or where this jaxlib
    refuses one of them (a newer XLA may drop an option: its defaults then, not an error)."""
    if platform != "cpu" or os.environ.get("CONVSPEC_JAX_COMPILE", "").lower() == "default":
        return {}
    user = os.environ.get("XLA_FLAGS", "")
    options = {name: value for name, value in FAST_COMPILE if f"--{name}" not in user}
    if options:
        try:
            jax.jit(lambda a: a + 1, compiler_options=options).lower(np.float32(0)).compile()
        except Exception:  # noqa: BLE001 - "No such compile option" (JaxRuntimeError) or an older jax.jit
            return {}
    return options


def target(device: str | None = None) -> Target:
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    from jax import lax

    wanted = device or "cpu"
    platform = "gpu" if wanted == "cuda" else "cpu"
    try:
        placed = jax.devices(platform)[0]
    except RuntimeError:
        raise ValueError(f"--device {wanted}: jax finds no {platform} device here (jax.devices() = {jax.devices()})") from None
    highest = lax.Precision.HIGHEST
    _persistent_cache(jax)
    options = _compile_options(jax, platform)
    tracing: dict[int, object] = {}  # id(numpy input) -> its jax.vjp primal, while a VJP runs

    def program(name, static, body):
        """One jitted program per operation and static parameters (``body(static, *arrays)``); inside a
        VJP (``jax.vjp`` traces it) a nested program, which takes no compile options of its own."""
        return _program(name, static, body, bool(tracing))

    @functools.lru_cache(maxsize=None)
    def _program(name, static, body, nested):
        return jax.jit(functools.partial(body, static), compiler_options=None if nested else options or None)

    def put(a):
        if a is None:
            return None
        primal = tracing.get(id(a))
        # device_put copies the numpy array as it is (its dtype kept, x64 on); jnp.asarray would compile
        # a conversion program per shape and dtype (jit(stage): one more XLA compilation per input)
        return primal if primal is not None else jax.device_put(a, placed)

    def out(a, like):
        if tracing:  # inside jax.vjp: stay a jax value
            return a.astype(like.dtype)
        return np.asarray(a).astype(like.dtype, copy=False)

    def backward(fn):
        """``fn``'s VJP by ``jax.vjp``: ``put`` hands out the primals of the floating inputs while ``fn`` runs."""
        def vjp(grad_out, *arrays, **params):
            floating = [a for a in arrays if a is not None and a.dtype.kind == "f"]

            def forward(*primals):
                tracing.clear()
                tracing.update({id(a): p for a, p in zip(floating, primals)})
                return fn(*arrays, **params)

            try:
                with jax.default_device(placed):
                    return jax_gradients(forward, arrays, grad_out)
            finally:
                tracing.clear()

        vjp.__name__ = f"{fn.__name__}_vjp"
        return vjp

    def _conv_body(static, x, w, b):
        flip, stride, padding, dilation, groups = static
        if flip:
            w = jnp.flip(w, axis=tuple(range(2, w.ndim)))
        y = lax.conv_general_dilated(x, w, window_strides=stride, padding=padding, rhs_dilation=dilation,
                                     feature_group_count=groups, precision=highest)
        if b is not None:
            y = y + b.reshape((1, -1) + (1,) * (x.ndim - 2))
        return y

    def _conv(op, x, weight, bias, stride, padding, dilation, groups):
        args = conv_args(Case(op, {"x": x, "weight": weight, "bias": bias},
                              dict(stride=stride, padding=padding, dilation=dilation, groups=groups), "floats"))
        static = (op == "convolve", tuple(args.stride), _jax_padding(args), tuple(args.dilation), args.groups)
        return out(program(op, static, _conv_body)(put(x), put(weight), put(bias)), x)

    def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
        return _conv("correlate", x, weight, bias, stride, padding, dilation, groups)

    def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
        return _conv("convolve", x, weight, bias, stride, padding, dilation, groups)

    def depthwise_separable(x, depthwise_weight, pointwise_weight, bias=None, *, stride=1, padding=0, dilation=1):
        args = depthwise_args(Case("depthwise_separable", {"x": x, "depthwise_weight": depthwise_weight,
                                                           "pointwise_weight": pointwise_weight, "bias": bias},
                                   dict(stride=stride, padding=padding, dilation=dilation), "floats"))
        static = (tuple(args.stride), _jax_padding(args), tuple(args.dilation))
        y = program("depthwise_separable", static, _depthwise_separable_body)(
            put(x), put(depthwise_weight), put(pointwise_weight), put(bias))
        return out(y, x)

    def _depthwise_separable_body(static, x, depthwise_weight, pointwise_weight, b):
        stride, padding, dilation = static
        depthwise = lax.conv_general_dilated(x, depthwise_weight, stride, padding, rhs_dilation=dilation,
                                             feature_group_count=x.shape[1], precision=highest)
        y = lax.conv_general_dilated(depthwise, pointwise_weight, (1,) * (x.ndim - 2), "VALID", precision=highest)
        if b is not None:
            y = y + b.reshape((1, -1) + (1,) * (x.ndim - 2))
        return y

    def conv_transpose(x, weight, bias=None, *, stride=1, padding=0, output_padding=0, dilation=1, groups=1):
        from convspec.spec.conv_transpose import resolve_crop

        args = conv_transpose_args(Case("conv_transpose", {"x": x, "weight": weight, "bias": bias},
                                        dict(stride=stride, padding=padding, output_padding=output_padding,
                                             dilation=dilation, groups=groups), "floats"))
        crops = resolve_crop(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
        pads = tuple((d * (k - 1) - lo, d * (k - 1) - hi + a + extra)
                     for k, d, (lo, hi, extra), a in zip(args.kernel_size, args.dilation, crops, args.output_padding))
        static = (args.groups, pads, tuple(args.stride), tuple(args.dilation))
        return out(program("conv_transpose", static, _conv_transpose_body)(put(x), put(weight), put(bias)), x)

    def _conv_transpose_body(static, x, weight, b):
        g, pads, stride, dilation = static
        c_in, c_out_g = weight.shape[:2]
        kernel = weight.shape[2:]
        w = weight.reshape((g, c_in // g, c_out_g) + kernel)
        w = jnp.swapaxes(w, 1, 2).reshape((g * c_out_g, c_in // g) + kernel)
        w = jnp.flip(w, axis=tuple(range(2, w.ndim)))
        y = lax.conv_general_dilated(x, w, (1,) * (x.ndim - 2), pads, lhs_dilation=stride, rhs_dilation=dilation,
                                     feature_group_count=g, precision=highest)
        if b is not None:
            y = y + b.reshape((1, -1) + (1,) * (x.ndim - 2))
        return y

    def _windows(args):
        from convspec.spec.pool import pool_output_size

        pads = pool_pads(args)
        sizes = pool_output_size(args)
        full = []
        for n, k, s, d, (lo, hi), o in zip(args.input_size, args.kernel_size, args.stride, args.dilation, pads, sizes):
            needed = (o - 1) * s + d * (k - 1) + 1 - n - lo  # the high padding that gives exactly o windows
            full.append((lo, hi, needed))
        return full

    def max_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
        args = pool_args(Case("max_pool", {"x": x}, dict(kernel_size=kernel_size, stride=stride, padding=padding,
                                                         dilation=dilation, ceil_mode=ceil_mode,
                                                         return_indices=return_indices), "floats"))
        pads = ((0, 0), (0, 0)) + tuple((lo, needed) for lo, _, needed in _windows(args))
        static = ((1, 1) + tuple(args.kernel_size), (1, 1) + tuple(args.stride), pads, (1, 1) + tuple(args.dilation))
        return out(program("max_pool", static, _max_pool_body)(put(x)), x)

    def _max_pool_body(static, x):
        dims, strides, pads, dilation = static
        return lax.reduce_window(x, -jnp.inf, lax.max, dims, strides, pads, window_dilation=dilation)

    def avg_pool(x, kernel_size, *, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        args = pool_args(Case("avg_pool", {"x": x}, dict(kernel_size=kernel_size, stride=stride, padding=padding,
                                                         ceil_mode=ceil_mode, count_include_pad=count_include_pad,
                                                         divisor_override=divisor_override), "floats"))
        windows = tuple(_windows(args))
        static = (windows, (1, 1) + tuple(args.kernel_size), (1, 1) + tuple(args.stride), tuple(args.input_size),
                  divisor_override, bool(count_include_pad))
        return out(program("avg_pool", static, _avg_pool_body)(put(x)), x)

    def _avg_pool_body(static, data):
        windows, dims, strides, input_size, divisor_override, count_include_pad = static
        pads = ((0, 0), (0, 0)) + tuple((lo, needed) for lo, _, needed in windows)
        # float16 windows are summed in float32 (as torch does): a float16 sum past 65504 would be inf
        # although the mean is representable; the result is rounded back to float16 by out()
        wide = jnp.float32 if data.dtype == jnp.float16 else data.dtype
        total = lax.reduce_window(data.astype(wide), jnp.zeros((), wide), lax.add, dims, strides, pads)
        if divisor_override is not None:
            return total / divisor_override
        if count_include_pad:  # the input and its declared padding count, the ceil overhang does not
            ones = jnp.ones((1, 1) + tuple(n + lo + hi for n, (lo, hi, _) in zip(input_size, windows)), wide)
            ones_pads = ((0, 0), (0, 0)) + tuple((0, needed - hi) for _, hi, needed in windows)
        else:
            ones = jnp.ones((1, 1) + input_size, wide)
            ones_pads = pads
        count = lax.reduce_window(ones, jnp.zeros((), wide), lax.add, dims, strides, ones_pads)
        return total / count

    def _global_body(static, x):
        reduce = jnp.max if static == "max" else jnp.mean
        return reduce(x, axis=tuple(range(2, x.ndim)), keepdims=True)

    def global_max_pool(x):
        return out(program("global_max_pool", "max", _global_body)(put(x)), x)

    def global_avg_pool(x):
        return out(program("global_avg_pool", "mean", _global_body)(put(x)), x)

    def upsample(x, *, scale_factor=None, size=None, mode="nearest", align_corners=False, cubic_coefficient=-0.75):
        case = Case("upsample", {"x": x}, dict(scale_factor=scale_factor, size=size, mode=mode,
                                               align_corners=align_corners, cubic_coefficient=cubic_coefficient),
                    "floats")
        verdict = _supports_upsample(case)
        if verdict is not True:
            raise ValueError(f"jax adapter: unsupported: {verdict}")
        args = upsample_args(case)
        shape = x.shape[:2] + tuple(args.output_size)
        method = {"nearest_exact": "nearest", "bicubic": "cubic"}.get(args.mode, "linear")
        scale = None
        if args.scale_factor is not None and method != "nearest":
            scale = tuple(float(f) for f in args.scale_factor)
        return out(program("upsample", (shape, method, scale), _upsample_body)(put(x)), x)

    def _upsample_body(static, x):
        shape, method, scale = static
        if scale is not None:
            axes = tuple(range(2, x.ndim))
            return jax.image.scale_and_translate(x, shape, axes, jnp.array(scale), jnp.zeros(len(axes)), method,
                                                 antialias=False, precision=highest)
        return jax.image.resize(x, shape, method, antialias=False, precision=highest)

    def _pool_supports(case):
        args = pool_args(case)
        return first_reason((case.op == "max_pool" and args.return_indices,
                             "return_indices (lax.reduce_window returns values only)"),
                            (case.op == "avg_pool" and any(d > 1 for d in args.dilation),
                             "avg_pool with dilation > 1 (the adapter's avg_pool passes no window_dilation)"))

    provided = (correlate, convolve, depthwise_separable, conv_transpose, max_pool, avg_pool, global_max_pool,
                global_avg_pool, upsample)
    functions = {fn.__name__: fn for fn in provided}
    vjps = {fn.__name__: backward(fn) for fn in provided}
    supports = {"max_pool": _pool_supports, "avg_pool": _pool_supports, "upsample": _supports_upsample}
    return Target(
        f"jax ({wanted})", functions, adapter_setup("jax", device, "jax.lax / jax.image"),
        supports={op: safely(fn) for op, fn in supports.items()},
        versions={**_base_versions(), "jax": jax.__version__, "jaxlib": jax.lib.__version__
                  if hasattr(jax.lib, "__version__") else "unknown",
                  "jax compile options": ", ".join(f"{k}={v}" for k, v in options.items()) or "XLA's defaults"},
        device=wanted, known_divergences=KNOWN_DIVERGENCES, vjps=vjps,
        # importing jax starts no thread (its CPU backend does, on first use): the fork server may
        preload=("jax", "jax.numpy", "jax.image", __name__),
    )
