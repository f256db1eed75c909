"""What the library adapters share: a case's normalised arguments, padding questions, narrow strategies.

An adapter (``adapters/<library>.py``) exposes ``target(device) -> Target``: numpy-in,
numpy-out functions with the reference's names and signatures that call the library's
own operation, a ``supports`` predicate per operation (``True``, or the reason the
library cannot express the case), and the library's version. The mapping from
convspec's parameters to the library's is written out in each adapter's docstring.
Nothing here imports a third-party library.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np
from hypothesis import strategies as st

from convspec.spec import conv as spec_conv
from convspec.spec import conv_transpose as spec_conv_transpose
from convspec.spec import pool as spec_pool
from convspec.spec import unpool as spec_unpool
from convspec.spec import upsample as spec_upsample
from convspec.spec.conventions import check_conv_arguments, check_depthwise_separable_arguments

from convspec.conformance.case import Case
from convspec.conformance.strategies import data_settings, random_array, sampled_from


def params(case: Case) -> dict:
    """The case's keyword parameters, with the ones it leaves out at the signature's defaults."""
    from convspec.conformance.catalog import get

    return get(case.op).complete(case).params


def conv_args(case: Case):
    """The checked geometry of a correlate/convolve case (its ``method``, direct or FFT, is no shape argument)."""
    x, weight, bias = case.arrays()
    geometry = {key: value for key, value in params(case).items() if key != "method"}
    return check_conv_arguments(case.op, x.shape, weight.shape, None if bias is None else bias.shape, **geometry)


def depthwise_args(case: Case):
    x, depthwise, pointwise, bias = case.arrays()
    return check_depthwise_separable_arguments(
        case.op, x.shape, depthwise.shape, pointwise.shape, None if bias is None else bias.shape, **params(case)
    )


def conv_pads(args) -> tuple[tuple[int, int], ...]:
    """The ``(lo, hi)`` per axis a convolution's padding resolves to."""
    return spec_conv.resolve_padding(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)


def conv_transpose_args(case: Case):
    x, weight, bias = case.arrays()
    return spec_conv_transpose.check_conv_transpose_arguments(
        case.op, x.shape, weight.shape, None if bias is None else bias.shape, **params(case)
    )


def pool_args(case: Case):
    return spec_pool.check_pool_arguments(case.op, case.inputs["x"].shape, **params(case))


def pool_pads(args) -> tuple[tuple[int, int], ...]:
    return spec_pool.pool_padding(args)


def unpool_args(case: Case):
    x = case.inputs["x"]
    indices = case.inputs.get("indices")
    return spec_unpool.check_unpool_arguments(
        case.op, x.shape, **params(case), **({} if indices is None else {"indices_shape": indices.shape})
    )


def upsample_args(case: Case):
    p = case.params
    return spec_upsample.check_upsample_arguments(
        case.op, case.inputs["x"].shape, scale_factor=p.get("scale_factor"), size=p.get("size"),
        mode=p.get("mode", "nearest"), align_corners=p.get("align_corners", False),
        cubic_coefficient=p.get("cubic_coefficient", spec_upsample.CUBIC_COEFFICIENT),
    )


def symmetric(pads) -> bool:
    return all(lo == hi for lo, hi in pads)


def first_reason(*checks: tuple[bool, str]) -> bool | str:
    """``True`` when no check fails, else the reason of the first condition that holds."""
    for failed, reason in checks:
        if failed:
            return reason
    return True


def safely(predicate: Callable[[Case], bool | str]) -> Callable[[Case], bool | str]:
    """A supports predicate that calls an invalid case (one the spec refuses) unsupported rather than crash."""
    def check(case: Case) -> bool | str:
        try:
            return predicate(case)
        except (ValueError, TypeError) as error:
            return f"the spec refuses the case ({error})"

    check.__name__ = getattr(predicate, "__name__", "supports")
    return check


def as_dtype(result, like: np.ndarray) -> np.ndarray:
    """The library's result as a contiguous numpy array of the input's dtype."""
    return np.ascontiguousarray(np.asarray(result)).astype(like.dtype, copy=False)


def library_version(module) -> str:
    return str(getattr(module, "__version__", "unknown"))


# ----------------------------------------------------------------------------------------------
# Narrow strategies for libraries that handle one channel and no batch (numpy, scipy.signal):
# the catalog's conv strategy rarely draws such a case, so these draw them directly.

@st.composite
def single_channel_conv_cases(draw, op: str, ranks=(1, 2, 3), forms=("valid", "same", "same_lower", "full", "int")):
    """``correlate``/``convolve`` on ``(1, 1, *n)`` with a ``(1, 1, *k)`` kernel, stride and dilation 1, no bias."""
    rank = draw(sampled_from(ranks))
    largest_k, largest_extra = {1: (6, 8), 2: (4, 4), 3: (3, 2)}[rank]
    kernel = tuple(draw(st.integers(1, largest_k)) for _ in range(rank))
    form = draw(sampled_from(forms))
    if form == "int":
        padding = draw(st.integers(0, 2))
    else:
        padding = form
    lo_hi = 2 * padding if form == "int" else 0
    size = tuple(
        max(1, (k if form in ("valid", "int") else 1) - lo_hi) + draw(st.integers(0, largest_extra)) for k in kernel
    )
    dtype, kind, rng = draw(data_settings())
    x = random_array((1, 1, *size), dtype, kind, rng)
    weight = random_array((1, 1, *kernel), dtype, kind, rng)
    params = {"stride": 1, "padding": padding, "dilation": 1, "groups": 1}
    return Case(op, {"x": x, "weight": weight, "bias": None}, params, kind)


def single_channel_supports(case: Case, ranks=(1, 2, 3)) -> list[tuple[bool, str]]:
    """The conditions every single-channel library shares, as (fails, reason) pairs."""
    x, weight, bias = case.arrays()
    args = conv_args(case)
    return [
        (args.spatial_dims not in ranks, f"{args.spatial_dims}-D input (handles {', '.join(map(str, ranks))}-D)"),
        (args.batch != 1, "batch > 1 (one signal at a time)"),
        (args.in_channels != 1 or args.out_channels != 1, "more than one channel"),
        (bias is not None, "no bias argument"),
        (any(s != 1 for s in args.stride), "stride > 1"),
        (any(d != 1 for d in args.dilation), "dilation > 1"),
    ]


def float32_index_rounds(case: Case) -> bool:
    """A nearest-mode upsample where a source index computed in float32 (``t * r`` or ``(t + 1/2) * r``,
    ``r = n/o`` or ``1/scale``) floors to another cell than the exact value does (torch's and jax's arithmetic)."""
    from fractions import Fraction

    if case.op != "upsample" or case.params.get("mode", "nearest") not in ("nearest", "nearest_exact"):
        return False
    args = upsample_args(case)
    half = Fraction(1, 2) if args.mode == "nearest_exact" else Fraction(0)
    for axis, (n, o) in enumerate(zip(args.input_size, args.output_size)):
        exact_step = Fraction(n, o) if args.size is not None else 1 / Fraction(args.scale_factor[axis])
        step32 = np.float32(n / o) if args.size is not None else np.float32(1.0 / float(args.scale_factor[axis]))
        for t in range(o):
            exact = (t + half) * exact_step
            approx = (np.float32(t) + np.float32(half)) * step32
            if math.floor(exact) != math.floor(float(approx)) and math.floor(exact) < n:
                return True
    return False


def cubic_tap_outside(case: Case) -> bool:
    """A bicubic upsample with an output whose Keys taps ``floor(s) - 1 .. floor(s) + 2`` reach past an edge
    with a non-zero weight: convspec (as torch, ONNX ``exclude_outside=0``) reads the edge sample there, while
    ``scale_and_translate`` (jax.image.resize, tf.image.resize) drops such taps and renormalises the rest."""
    from fractions import Fraction
    from math import floor

    if case.op != "upsample" or case.params.get("mode") != "bicubic":
        return False
    args = upsample_args(case)
    for n, o, r in zip(args.input_size, args.output_size, args.steps):
        for t in range(o):
            s = ((Fraction(0) if o == 1 else Fraction(t * (n - 1), o - 1)) if args.align_corners
                 else (t + Fraction(1, 2)) * r - Fraction(1, 2))
            if any(not 0 <= j <= n - 1 and spec_upsample.cubic_kernel(s - j, args.cubic_coefficient) != 0
                   for j in range(floor(s) - 1, floor(s) + 3)):
                return True
    return False


def linear_axis_kept_unchanged(case: Case) -> bool:
    """A linear-mode upsample by a scale factor other than 1 on an axis whose length it leaves unchanged
    (``1 < scale_factor < 1 + 1/n``, or just below 1): torch copies such an axis, convspec interpolates
    it with the step ``1 / scale_factor`` (spec/upsample.py; tests/test_upsample.py shows both)."""
    from fractions import Fraction

    if case.op != "upsample" or case.params.get("mode", "nearest") not in ("linear", "bilinear", "trilinear"):
        return False
    args = upsample_args(case)
    if args.scale_factor is None or args.align_corners:
        return False
    return any(n == o and Fraction(sigma) != 1 for n, o, sigma in zip(args.input_size, args.output_size, args.scale_factor))


def float_scaled_length_differs(case: Case) -> bool:
    """An upsample by a float ``scale_factor`` where ``floor(n * s)`` in binary floating point differs from the
    spec's length ``floor(n * s)`` with ``s`` read as its shortest decimal (100 * 0.29: 28 against 29)."""
    if case.op != "upsample" or case.params.get("scale_factor") is None:
        return False
    args = upsample_args(case)
    return any(math.floor(n * float(sigma)) != o for n, o, sigma in zip(args.input_size, args.output_size,
                                                                        args.scale_factor))


def unpool_default_differs(case: Case) -> bool | str:
    """For ``output_size=None``: the reason a library's default length ``(n-1)s + k - lo - hi`` (torch's and
    ONNX's) is not convspec's default, or False when they agree."""
    if case.params.get("output_size") is not None:
        return False
    args = unpool_args(case)
    for n, k, s, (lo, hi), length in zip(args.input_size, args.kernel_size, args.stride, args.padding,
                                         spec_unpool.unpool_output_size(args)):
        if (n - 1) * s + k - lo - hi != length:
            return (f"output_size=None where the library's default (n-1)s + k - pads = {(n - 1) * s + k - lo - hi} "
                    f"is not convspec's default length {length}")
    return False
