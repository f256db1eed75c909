"""Target ``torch``: plain ``torch.nn.functional``, to show torch's own semantics and refusals.

``convspec check torch`` calls torch's operations directly (no padding of our own, no
composed fallbacks: that is what ``accelerated`` does) and declares unsupported what
torch cannot express. The mapping, per operation:

==================  =====================================================================
convspec            torch
==================  =====================================================================
correlate           ``F.conv{1,2,3}d(x, w, b, stride, padding, dilation, groups)``; ``padding``:
                    an int or one int per axis (symmetric pairs), ``"valid"``, ``"same"`` (stride 1
                    only: torch refuses strided ``"same"``), ``"full"`` as the int ``d(k-1)`` per axis.
                    Unsupported: unequal ``(lo, hi)``, ``"same_lower"`` with an odd total, strided
                    ``"same"``, more than 3 spatial axes.
convolve            the same on ``torch.flip(w)``: torch has no true convolution.
depthwise_separable ``F.conv*d(..., groups=C_in)`` then a 1x1 ``F.conv*d``.
conv_transpose      ``F.conv_transpose{1,2,3}d(x, w, b, stride, padding, output_padding, groups, dilation)``;
                    ``padding`` crops symmetrically (an int per axis), ``"valid"`` is 0, ``"full"`` is
                    ``d(k-1)``; ``"same"``/``"same_lower"`` and unequal crops are unsupported.
max_pool            ``F.max_pool{1,2,3}d(x, k, stride, padding, dilation, ceil_mode, return_indices)``;
                    symmetric padding of at most ``k // 2`` (torch's limit), ``"valid"``.
avg_pool            ``F.avg_pool{1,2,3}d(x, k, stride, padding, ceil_mode, count_include_pad,
                    divisor_override)``; padding as max_pool; ``avg_pool1d`` has no divisor_override.
global_*_pool       ``F.adaptive_{max,avg}_pool{1,2,3}d(x, 1)``.
max_unpool          ``F.max_unpool{1,2,3}d(x, indices, k, stride, padding, output_size)``; symmetric padding.
upsample            ``F.interpolate(x, size | scale_factor, mode, align_corners)``; ``nearest_exact`` is
                    torch's ``"nearest-exact"``; a Fraction scale factor is passed as a float;
                    ``"bicubic"`` with torch's Keys coefficient -0.75 only (torch has no other).
avg_unpool,         not provided: torch has no such operation.
first_unpool
==================  =====================================================================

Backward passes (``convspec check torch --grad``): every operation above, by
``torch.autograd.grad`` through the same ``F.*`` calls (the floating inputs as leaves,
``grad_outputs=grad_out``), with the same supported cases.
"""

from __future__ import annotations

import warnings
from fractions import Fraction
from typing import Callable

import numpy as np

from convspec.conformance.adapters.common import (
    conv_args, conv_pads, conv_transpose_args, depthwise_args, first_reason, float_scaled_length_differs, float32_index_rounds, linear_axis_kept_unchanged, pool_args,
    pool_pads, safely, symmetric, unpool_args, unpool_default_differs, upsample_args,
)
from convspec.conformance.case import Case
from convspec.conformance.divergences import Divergence
from convspec.conformance.gradients import torch_gradients, torch_leaves
from convspec.conformance.targets import Target, _base_versions, adapter_setup, torch_device

_RANKS = (1, 2, 3)
TORCH_UNPOOL_DOCS = "https://pytorch.org/docs/stable/generated/torch.nn.MaxUnpool2d.html"
TORCH_INTERPOLATE_DOCS = "https://pytorch.org/docs/stable/generated/torch.nn.functional.interpolate.html"


def _duplicate_indices(case: Case) -> bool:
    indices = case.inputs["indices"]
    planes = indices.reshape(indices.shape[0] * indices.shape[1], -1)
    return any(len(np.unique(plane)) < plane.size for plane in planes)


KNOWN_DIVERGENCES = (
    Divergence(
        "max_unpool", "torch documents max_unpool as nondeterministic when indices repeat (pytorch issue 80827): "
        "which of the values sent to one cell survives is not defined; convspec keeps the last pooled position "
        f"({TORCH_UNPOOL_DOCS})", predicate=_duplicate_indices,
    ),
    Divergence(
        "upsample", "torch computes the nearest source index in float32 (t * r, or (t + 1/2) * r for nearest-exact) "
        "and floors it: where the exact value is an integer the float32 product can land just below it and "
        "read the previous cell; convspec's coordinates are exact (README: upsample)",
        predicate=float32_index_rounds,
    ),
    Divergence(
        "upsample", "with a scale factor that leaves an axis's length unchanged (2 samples scaled by 1.25), torch's "
        "linear modes copy that axis; convspec interpolates it with the step 1/scale_factor, as on every other "
        "axis (spec/upsample.py)", predicate=linear_axis_kept_unchanged,
    ),
    Divergence(
        "upsample", "torch computes a scale factor's output length floor(n * scale_factor) in binary floating "
        "point: 100 * 0.29 is 28.999999999999996, so 28 samples; convspec reads the scale factor as the decimal "
        "it prints as (29/100) and gives 29 (spec/upsample.py)",
        predicate=float_scaled_length_differs, failure_contains="output shape",
    ),
)


def _conv_padding(args) -> tuple[object, str | None]:
    """torch's ``padding`` for a convolution, or (None, the reason torch cannot express it)."""
    padding = args.padding
    if padding == "valid":
        return "valid", None
    if padding == "same":
        if any(s != 1 for s in args.stride):
            return None, "strided 'same' (torch refuses padding='same' with stride > 1)"
        return "same", None
    pads = conv_pads(args)
    if padding == "same_lower" and not symmetric(pads):
        return None, "'same_lower' with an odd total (torch has no low-side 'same')"
    if not symmetric(pads):
        return None, "unequal (lo, hi) padding (torch pads both sides alike)"
    return tuple(lo for lo, _ in pads), None


def _supports_conv(case: Case) -> bool | str:
    args = conv_args(case)
    _, reason = _conv_padding(args)
    return first_reason((args.spatial_dims not in _RANKS, f"{args.spatial_dims}-D input (torch: 1-3)"),
                        (reason is not None, reason))


def _supports_depthwise(case: Case) -> bool | str:
    args = depthwise_args(case)  # the depthwise stage's arguments
    _, reason = _conv_padding(args)
    return first_reason((args.spatial_dims not in _RANKS, f"{args.spatial_dims}-D input (torch: 1-3)"),
                        (reason is not None, reason))


def _transpose_padding(args) -> tuple[object, str | None]:
    padding = args.padding
    if padding == "valid":
        return 0, None
    if padding == "full":
        return tuple(d * (k - 1) for k, d in zip(args.kernel_size, args.dilation)), None
    if isinstance(padding, str):
        return None, f"padding={padding!r} (torch's conv_transpose takes ints only)"
    if not symmetric(padding):
        return None, "unequal (lo, hi) crop (torch crops both sides alike)"
    return tuple(lo for lo, _ in padding), None


def _supports_conv_transpose(case: Case) -> bool | str:
    args = conv_transpose_args(case)
    _, reason = _transpose_padding(args)
    return first_reason((args.spatial_dims not in _RANKS, f"{args.spatial_dims}-D input (torch: 1-3)"),
                        (reason is not None, reason))


def _pool_padding(args, dilated: bool) -> tuple[object, str | None]:
    if args.padding == "valid":
        return 0, None
    if isinstance(args.padding, str):
        return None, f"padding={args.padding!r} (torch pooling takes ints only)"
    if not symmetric(args.padding):
        return None, "unequal (lo, hi) padding (torch pads both sides alike)"
    pads = tuple(lo for lo, _ in args.padding)
    if any(p > k // 2 for p, k in zip(pads, args.kernel_size)):
        return None, "padding > kernel_size // 2 (torch refuses it)"
    return pads, None


def _supports_pool(case: Case) -> bool | str:
    args = pool_args(case)
    if case.op == "avg_pool" and any(d > 1 for d in args.dilation):
        return "avg_pool with dilation > 1 (torch's avg_pool has no dilation)"
    _, reason = _pool_padding(args, case.op == "max_pool")
    return first_reason(
        (args.spatial_dims not in _RANKS, f"{args.spatial_dims}-D input (torch: 1-3)"),
        (reason is not None, reason),
        (case.op == "avg_pool" and args.spatial_dims == 1 and args.divisor_override is not None,
         "divisor_override in 1-D (F.avg_pool1d has no such argument)"),
        (case.op == "avg_pool" and args.spatial_dims == 3 and case.dtype == "float16" and _on_cpu(),
         "float16 3-D avg_pool on the CPU (torch: 'avg_pool3d_out_frame' not implemented for 'Half')"),
    )


_DEVICE = {"name": "cpu"}


def _on_cpu() -> bool:
    return _DEVICE["name"] == "cpu"


def _supports_global(case: Case) -> bool | str:
    rank = case.inputs["x"].ndim - 2
    return first_reason((rank not in _RANKS, f"{rank}-D input (torch: 1-3)"))


def _supports_max_unpool(case: Case) -> bool | str:
    args = unpool_args(case)
    default = unpool_default_differs(case)
    return first_reason(
        (args.spatial_dims not in _RANKS, f"{args.spatial_dims}-D input (torch: 1-3)"),
        (not symmetric(args.padding), "unequal (lo, hi) padding (torch's max_unpool takes ints)"),
        (case.inputs["indices"].dtype != np.int64, "indices not int64 (torch's max_unpool takes int64 only)"),
        (bool(default), default),
    )


def _supports_upsample(case: Case) -> bool | str:
    args = upsample_args(case)
    return first_reason((args.spatial_dims not in _RANKS, f"{args.spatial_dims}-D input (torch: 1-3)"),
                        (args.mode == "bicubic" and args.cubic_coefficient != Fraction(-3, 4),
                         f"bicubic with cubic_coefficient={float(args.cubic_coefficient)} (torch's bicubic is a = -0.75)"))


def target(device: str | None = None) -> Target:
    import torch
    import torch.nn.functional as F

    def checking_flags():  # IEEE float32 and deterministic algorithms (cudnn.flags' defaults are TF32, not deterministic)
        return torch.backends.cudnn.flags(enabled=True, benchmark=False, deterministic=True, allow_tf32=False)

    device = torch_device(device, "cpu")
    _DEVICE["name"] = device
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
    conv_t = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
    max_pool_fn = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
    avg_pool_fn = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}
    adaptive_max = {1: F.adaptive_max_pool1d, 2: F.adaptive_max_pool2d, 3: F.adaptive_max_pool3d}
    adaptive_avg = {1: F.adaptive_avg_pool1d, 2: F.adaptive_avg_pool2d, 3: F.adaptive_avg_pool3d}
    unpool_fn = {1: F.max_unpool1d, 2: F.max_unpool2d, 3: F.max_unpool3d}

    leaves: dict[int, object] = {}  # id(numpy input) -> its leaf tensor, while a VJP runs

    def t(a):
        if a is None:
            return None
        leaf = leaves.get(id(a))
        return leaf if leaf is not None else torch.from_numpy(np.ascontiguousarray(a)).to(device)

    def out(result):
        if isinstance(result, tuple):
            return tuple(part.cpu().numpy() for part in result)
        return result.cpu().numpy()

    def refuse(reason):
        raise ValueError(f"torch adapter: unsupported: {reason}")

    def run(fn: Callable) -> Callable:
        def on_numpy(*arrays, **params):
            with torch.no_grad(), checking_flags(), \
                    warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # e.g. 'same' with an even kernel copies the input
                return out(fn(*arrays, **params))

        on_numpy.__name__ = fn.__name__
        return on_numpy

    def backward(fn: Callable) -> Callable:
        """``fn``'s VJP by autograd: ``t`` hands out leaf tensors of the floating inputs while ``fn`` runs."""
        def vjp(grad_out, *arrays, **params):
            tensors = torch_leaves(arrays, device)
            leaves.clear()
            leaves.update({id(a): tensor for a, tensor in zip(arrays, tensors)
                           if tensor is not None and tensor.requires_grad})
            try:
                with torch.enable_grad(), checking_flags(), \
                        warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)
                    return torch_gradients(fn(*arrays, **params), tensors, grad_out)
            finally:
                leaves.clear()

        vjp.__name__ = f"{fn.__name__}_vjp"
        return vjp

    def _conv(x, weight, bias, params, flip: bool):
        case = Case("correlate", {"x": x, "weight": weight, "bias": bias}, params, "floats")
        args = conv_args(case)
        padding, reason = _conv_padding(args)
        if reason:
            refuse(reason)
        w = t(weight)
        if flip:
            w = torch.flip(w, dims=tuple(range(2, w.dim())))
        return conv[args.spatial_dims](t(x), w, t(bias), stride=args.stride, padding=padding,
                                       dilation=args.dilation, groups=args.groups)

    def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
        return _conv(x, weight, bias, dict(stride=stride, padding=padding, dilation=dilation, groups=groups), False)

    def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
        return _conv(x, weight, bias, dict(stride=stride, padding=padding, dilation=dilation, groups=groups), True)

    def depthwise_separable(x, depthwise_weight, pointwise_weight, bias=None, *, stride=1, padding=0, dilation=1):
        case = Case("correlate", {"x": x, "weight": depthwise_weight, "bias": None},
                    dict(stride=stride, padding=padding, dilation=dilation, groups=x.shape[1]), "floats")
        args = conv_args(case)
        torch_padding, reason = _conv_padding(args)
        if reason:
            refuse(reason)
        fn = conv[args.spatial_dims]
        depthwise = fn(t(x), t(depthwise_weight), None, stride=args.stride, padding=torch_padding,
                       dilation=args.dilation, groups=x.shape[1])
        return fn(depthwise, t(pointwise_weight), t(bias))

    def conv_transpose(x, weight, bias=None, *, stride=1, padding=0, output_padding=0, dilation=1, groups=1):
        case = Case("conv_transpose", {"x": x, "weight": weight, "bias": bias},
                    dict(stride=stride, padding=padding, output_padding=output_padding, dilation=dilation,
                         groups=groups), "floats")
        args = conv_transpose_args(case)
        torch_padding, reason = _transpose_padding(args)
        if reason:
            refuse(reason)
        return conv_t[args.spatial_dims](t(x), t(weight), t(bias), stride=args.stride, padding=torch_padding,
                                         output_padding=args.output_padding, groups=args.groups,
                                         dilation=args.dilation)

    def max_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
        args = pool_args(Case("max_pool", {"x": x}, dict(kernel_size=kernel_size, stride=stride, padding=padding,
                                                         dilation=dilation, ceil_mode=ceil_mode,
                                                         return_indices=return_indices), "floats"))
        torch_padding, reason = _pool_padding(args, True)
        if reason:
            refuse(reason)
        return max_pool_fn[args.spatial_dims](t(x), args.kernel_size, args.stride, torch_padding, args.dilation,
                                              ceil_mode=bool(ceil_mode), return_indices=bool(return_indices))

    def avg_pool(x, kernel_size, *, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        args = pool_args(Case("avg_pool", {"x": x}, dict(kernel_size=kernel_size, stride=stride, padding=padding,
                                                         ceil_mode=ceil_mode, count_include_pad=count_include_pad,
                                                         divisor_override=divisor_override), "floats"))
        torch_padding, reason = _pool_padding(args, False)
        if reason:
            refuse(reason)
        fn = avg_pool_fn[args.spatial_dims]
        if args.spatial_dims == 1:
            if divisor_override is not None:
                refuse("divisor_override in 1-D")
            return fn(t(x), args.kernel_size, args.stride, torch_padding, bool(ceil_mode), bool(count_include_pad))
        return fn(t(x), args.kernel_size, args.stride, torch_padding, bool(ceil_mode), bool(count_include_pad),
                  divisor_override)

    def global_max_pool(x):
        return adaptive_max[x.ndim - 2](t(x), 1)

    def global_avg_pool(x):
        return adaptive_avg[x.ndim - 2](t(x), 1)

    def max_unpool(x, indices, kernel_size, *, stride=None, padding=0, output_size=None):
        args = unpool_args(Case("max_unpool", {"x": x, "indices": indices},
                                dict(kernel_size=kernel_size, stride=stride, padding=padding,
                                     output_size=output_size), "floats"))
        if not symmetric(args.padding):
            refuse("unequal (lo, hi) padding")
        size = None if output_size is None else list(args.output_size)
        return unpool_fn[args.spatial_dims](t(x), t(indices), args.kernel_size, args.stride,
                                            tuple(lo for lo, _ in args.padding), output_size=size)

    def upsample(x, *, scale_factor=None, size=None, mode="nearest", align_corners=False, cubic_coefficient=-0.75):
        case = Case("upsample", {"x": x}, dict(scale_factor=scale_factor, size=size, mode=mode,
                                               align_corners=align_corners, cubic_coefficient=cubic_coefficient),
                    "floats")
        args = upsample_args(case)
        if _supports_upsample(case) is not True:
            raise NotImplementedError(f"torch adapter: {_supports_upsample(case)}")
        torch_mode = "nearest-exact" if args.mode == "nearest_exact" else args.mode
        if args.size is not None:
            given = {"size": list(args.size)}
        else:  # the float the user wrote (a Fraction as its nearest float)
            factors = scale_factor if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * args.spatial_dims
            given = {"scale_factor": [float(f) for f in factors]}
        extra = {"align_corners": bool(align_corners)} if torch_mode in ("linear", "bilinear", "trilinear", "bicubic") else {}
        return F.interpolate(t(x), mode=torch_mode, **given, **extra)

    provided = (correlate, convolve, depthwise_separable, conv_transpose, max_pool, avg_pool, global_max_pool,
                global_avg_pool, max_unpool, upsample)
    functions = {fn.__name__: run(fn) for fn in provided}
    vjps = {fn.__name__: backward(fn) for fn in provided}
    supports = {
        "correlate": _supports_conv, "convolve": _supports_conv, "depthwise_separable": _supports_depthwise,
        "conv_transpose": _supports_conv_transpose, "max_pool": _supports_pool, "avg_pool": _supports_pool,
        "global_max_pool": _supports_global, "global_avg_pool": _supports_global,
        "max_unpool": _supports_max_unpool, "upsample": _supports_upsample,
    }
    setup = adapter_setup("torch", device, "plain torch.nn.functional")
    return Target(
        f"torch ({device})", functions, setup, supports={op: safely(fn) for op, fn in supports.items()},
        versions={**_base_versions(), "torch": torch.__version__}, device=device,
        known_divergences=KNOWN_DIVERGENCES, vjps=vjps,
    )
