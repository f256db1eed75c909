"""Named regions of ``upsample``: nearest, nearest_exact, the linear modes and bicubic.

Each mode with and without ``align_corners`` (and with it left out), a scale factor
whose step is not ``n / o``, per-axis scale factors and sizes, one output sample, the
half-pixel coordinate's border clamps, exact nearest boundaries where float32 index
arithmetic rounds across an integer, decimal scale factors whose float lies below the
decimal, a scale just above 1 (torch's linear kernels copy there), downsampling, an
empty batch, non-finite data, every rank and dtype; bicubic with and without
``align_corners``, with its coefficient left out, torch's and another one, and a cubic tap
clamped at the border. See :mod:`.regions` for what a
region is and how a check uses it.

Non-finite data is a region of the nearest modes only. For the linear modes (and bicubic) the spec
does not say what a NaN or an infinity does: the reference (and torch, and
``convspec.accelerated``) weigh the two neighbours, so an infinite neighbour of weight 0
gives ``0 * inf = NaN``; jax and onnxruntime resize with a weight matrix over the whole
axis, so one NaN or infinity anywhere on the line makes every output of it NaN.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from convspec.spec.upsample import (
    CUBIC_COEFFICIENT, LINEAR_MODES, NEAREST_MODES, check_upsample_arguments, cubic_half_pixel_source,
)

from convspec.conformance.case import Case
from convspec.conformance.regions import Region, data_kind, distinct_values, general_floats, has_nonfinite, rng_for, with_nonfinite

OP = "upsample"


def upsample_case(tag: str, size, params: dict, *, batch: int = 1, channels: int = 2, dtype: str = "float32",
                  fill=distinct_values, nonfinite: bool = False) -> Case:
    """One explicit call: input ``(batch, channels, *size)`` of pairwise distinct values (no tie hides an index)."""
    rng = rng_for(OP, tag)
    x = fill((batch, channels, *size), dtype, rng)
    if nonfinite:
        x = with_nonfinite(x, rng)
    return Case(OP, {"x": x}, dict(params), data_kind(x))


def arguments(case: Case):
    """The checked arguments: input and output size, steps, mode and align_corners per the signature's defaults."""
    return check_upsample_arguments(
        case.op, case.inputs["x"].shape, scale_factor=case.params.get("scale_factor"),
        size=case.params.get("size"), mode=case.params.get("mode", "nearest"),
        align_corners=case.params.get("align_corners", False),
        cubic_coefficient=case.params.get("cubic_coefficient", CUBIC_COEFFICIENT),
    )


def _mode(case: Case) -> str:
    return case.params.get("mode", "nearest")


def _linear(case: Case) -> bool:
    return _mode(case) in LINEAR_MODES


def _mode_with(mode: str, align_corners: bool):
    def contains(case: Case) -> bool:
        return _mode(case) == mode and bool(case.params.get("align_corners", False)) == align_corners
    return contains


def _nearest(case: Case) -> bool:
    return _mode(case) in NEAREST_MODES


def _cubic_clamped(case: Case) -> bool:
    """Bicubic with some output whose four taps reach past an edge (an index clamped to 0 or n - 1)."""
    if _mode(case) != "bicubic":
        return False
    args = arguments(case)
    for n, o, r in zip(args.input_size, args.output_size, args.steps):
        for t in range(o):
            if args.align_corners:
                s = Fraction(0) if o == 1 else Fraction(t * (n - 1), o - 1)
            else:
                s = cubic_half_pixel_source(t, r)
            if math.floor(s) - 1 < 0 or math.floor(s) + 2 > n - 1:
                return True
    return False


def _cubic_with(coefficient_given: bool, default: bool):
    def contains(case: Case) -> bool:
        if _mode(case) != "bicubic" or ("cubic_coefficient" in case.params) != coefficient_given:
            return False
        return not coefficient_given or (case.params["cubic_coefficient"] == CUBIC_COEFFICIENT) == default
    return contains


def _fractional_step(case: Case, mode: str) -> bool:
    """``mode`` with a step that is not an integer on some axis (floor, round and the centre differ)."""
    return _mode(case) == mode and any(Fraction(r).denominator > 1 for r in arguments(case).steps)


def _downsampling(case: Case) -> bool:
    args = arguments(case)
    return any(o < n for n, o in zip(args.input_size, args.output_size))


def _single_output(case: Case, align_corners: bool) -> bool:
    return (_linear(case) and bool(case.params.get("align_corners", False)) == align_corners
            and 1 in arguments(case).output_size)


def _border_clamped(case: Case) -> bool:
    """Half-pixel linear upsampling: the first coordinates fall below 0, the last past n - 1."""
    if not _linear(case) or case.params.get("align_corners", False):
        return False
    return any(r < 1 for r in arguments(case).steps)


def _step_not_recomputed(case: Case) -> bool:
    """A scale factor with ``n * sigma`` not an integer: the step ``1 / sigma`` differs from ``n / o``."""
    args = arguments(case)
    if args.scale_factor is None or case.params.get("align_corners", False):
        return False
    return any(n * sigma != o for n, o, sigma in zip(args.input_size, args.output_size, args.scale_factor))


def _size_ratio_fractional(case: Case) -> bool:
    args = arguments(case)
    return args.size is not None and any(o % n and n % o for n, o in zip(args.input_size, args.output_size))


def _unequal(case: Case, name: str) -> bool:
    value = case.params.get(name)
    return isinstance(value, (tuple, list)) and len(set(value)) > 1


def _float_below_decimal(case: Case) -> bool:
    """A scale factor whose float64 product with n lies below the exact decimal product (torch's o is one short)."""
    args = arguments(case)
    if args.scale_factor is None:
        return False
    return any(math.floor(n * float(sigma)) != math.floor(n * sigma)
               for n, sigma in zip(args.input_size, args.scale_factor))


def _copied_by_torch(case: Case) -> bool:
    """Half-pixel linear axis with ``o == n`` but a step that is not 1 (``1 < sigma < 1 + 1/n``)."""
    if not _linear(case) or case.params.get("align_corners", False):
        return False
    args = arguments(case)
    return any(n == o and r != 1 for n, o, r in zip(args.input_size, args.output_size, args.steps))


def _float32_index_boundary(case: Case) -> bool:
    """Nearest modes: ``floor(fl32(t + c) * fl32(r))`` (torch's float32 index) differs from the exact index."""
    if not _nearest(case):
        return False
    args = arguments(case)
    centre = Fraction(1, 2) if _mode(case) == "nearest_exact" else Fraction(0)
    for n, o, r in zip(args.input_size, args.output_size, args.steps):
        t = np.arange(o)
        rounded = np.minimum(np.floor((t.astype(np.float32) + np.float32(centre)) * np.float32(float(r))), n - 1)
        exact = [min(math.floor((k + centre) * r), n - 1) for k in range(o)]
        if not np.array_equal(rounded, exact):
            return True
    return False


def _identity_axis(case: Case) -> bool:
    args = arguments(case)
    return any(n == o and r == 1 for n, o, r in zip(args.input_size, args.output_size, args.steps))


def _spatial(case: Case) -> int:
    return case.inputs["x"].ndim - 2


def _large(case: Case) -> bool:
    return case.dtype == "float32" and float(np.abs(case.inputs["x"]).max(initial=0)) > 65504


def _times(factor: float):
    def fill(shape, dtype, rng):
        return distinct_values(shape, dtype, rng) * np.asarray(factor, dtype=dtype)
    return fill


def REGIONS() -> dict[str, list[Region]]:
    c = upsample_case
    return {OP: [
        Region("keywords left at their defaults", "mode 'nearest' when only scale_factor or size is passed",
               lambda case: set(case.params) <= {"scale_factor", "size"},
               (c("defaults", (3, 4), {"size": (5, 6)}),)),
        Region("align_corners left out, linear modes", "align_corners defaults to False: the half-pixel mapping",
               lambda case: _linear(case) and "align_corners" not in case.params,
               (c("align-default-linear", (4,), {"scale_factor": 2.5, "mode": "linear"}),
                c("align-default-bilinear", (3, 2), {"size": (5, 4), "mode": "bilinear"}),
                c("align-default-trilinear", (2, 2, 3), {"scale_factor": (2, 1.5, 1), "mode": "trilinear"},
                  channels=1))),
        Region("'nearest', fractional step", "src = floor(t r): the cell holding the output cell's left edge",
               lambda case: _fractional_step(case, "nearest"),
               (c("nearest-fractional", (5,), {"size": 8, "mode": "nearest"}),
                c("nearest-fractional-2d", (3, 4), {"scale_factor": (2.5, 1.5), "mode": "nearest"}))),
        Region("'nearest_exact', fractional step", "src = floor((t + 1/2) r): the cell holding the centre",
               lambda case: _fractional_step(case, "nearest_exact"),
               (c("nearest-exact-fractional", (4,), {"size": 7, "mode": "nearest_exact"}),
                c("nearest-exact-fractional-2d", (3, 5), {"scale_factor": (1.5, 0.6), "mode": "nearest_exact"}))),
        Region("downsampling (scale < 1)", "fewer outputs than inputs, no low-pass filter; the step exceeds 1",
               _downsampling,
               (c("down-nearest", (7,), {"scale_factor": 0.5, "mode": "nearest"}),
                c("down-nearest-exact", (7, 5), {"scale_factor": (0.4, 0.75), "mode": "nearest_exact"}, channels=1),
                c("down-bilinear", (5, 6), {"size": (2, 4), "mode": "bilinear", "align_corners": False}),
                c("down-linear-corners", (7,), {"scale_factor": 0.5, "mode": "linear", "align_corners": True}))),
        Region("'linear', align_corners=False", "s = max((t + 1/2) r - 1/2, 0): centres meet centres",
               _mode_with("linear", False),
               (c("linear-half-pixel", (5,), {"size": 9, "mode": "linear", "align_corners": False}),)),
        Region("'linear', align_corners=True", "s = t (n - 1) / (o - 1): first and last samples meet",
               _mode_with("linear", True),
               (c("linear-corners", (4,), {"scale_factor": 2.5, "mode": "linear", "align_corners": True}),)),
        Region("'bilinear', align_corners=False", "half-pixel coordinates on both axes, weights multiplied",
               _mode_with("bilinear", False),
               (c("bilinear-half-pixel", (3, 4), {"scale_factor": (2, 1.5), "mode": "bilinear",
                                                  "align_corners": False}),)),
        Region("'bilinear', align_corners=True", "corner-aligned coordinates on both axes",
               _mode_with("bilinear", True),
               (c("bilinear-corners", (3, 4), {"size": (5, 7), "mode": "bilinear", "align_corners": True}),)),
        Region("'trilinear', align_corners=False", "half-pixel coordinates on all three axes",
               _mode_with("trilinear", False),
               (c("trilinear-half-pixel", (2, 3, 2), {"size": (3, 4, 4), "mode": "trilinear", "align_corners": False},
                  channels=1),)),
        Region("'bicubic', align_corners=False", "s = (t + 1/2) r - 1/2, not clamped at 0; Keys' 4 taps per axis",
               _mode_with("bicubic", False),
               (c("bicubic-half-pixel", (3, 4), {"scale_factor": (2, 1.5), "mode": "bicubic",
                                                 "align_corners": False}),)),
        Region("'bicubic', align_corners=True", "corner-aligned coordinates, Keys' 4 taps per axis",
               _mode_with("bicubic", True),
               (c("bicubic-corners", (4, 3), {"size": (7, 5), "mode": "bicubic", "align_corners": True}),)),
        Region("cubic tap clamped at the border", "taps floor(s) - 1 .. floor(s) + 2 past an edge read the edge sample",
               _cubic_clamped,
               (c("bicubic-clamped", (2, 5), {"size": (6, 3), "mode": "bicubic", "align_corners": False}),
                c("bicubic-clamped-down", (6, 6), {"scale_factor": 0.5, "mode": "bicubic",
                                                   "align_corners": True}))),
        Region("bicubic, cubic_coefficient left out", "Keys' a defaults to -0.75 (torch's bicubic)",
               _cubic_with(False, True),
               (c("bicubic-default-a", (3, 3), {"size": (5, 4), "mode": "bicubic"}),)),
        Region("bicubic, cubic_coefficient=-0.75 given", "torch's coefficient, passed explicitly",
               _cubic_with(True, True),
               (c("bicubic-a-torch", (3, 2), {"scale_factor": 2.5, "mode": "bicubic", "cubic_coefficient": -0.75}),)),
        Region("bicubic, another cubic_coefficient", "a = -0.5 (jax/TF cubic, Catmull-Rom) or another Keys a",
               _cubic_with(True, False),
               (c("bicubic-a-half", (4, 3), {"size": (7, 6), "mode": "bicubic", "cubic_coefficient": -0.5}),
                c("bicubic-a-one", (3, 3), {"scale_factor": 1.5, "mode": "bicubic", "align_corners": True,
                                           "cubic_coefficient": -1.0}))),
        Region("'trilinear', align_corners=True", "corner-aligned coordinates on all three axes",
               _mode_with("trilinear", True),
               (c("trilinear-corners", (2, 3, 2), {"scale_factor": (2, 1.5, 2), "mode": "trilinear",
                                                   "align_corners": True}, channels=1),)),
        Region("align_corners=True, output length 1", "the 0/0 step is 0: the single output reads sample 0",
               lambda case: _single_output(case, True),
               (c("corners-single", (5,), {"size": 1, "mode": "linear", "align_corners": True}),
                c("corners-single-2d", (3, 4), {"size": (1, 3), "mode": "bilinear", "align_corners": True}))),
        Region("align_corners=False, output length 1", "the single output reads s = n/2 - 1/2 (torch), not 0",
               lambda case: _single_output(case, False),
               (c("half-pixel-single", (4,), {"size": 1, "mode": "linear", "align_corners": False}),
                c("half-pixel-single-2d", (4, 3), {"size": (1, 2), "mode": "bilinear"}))),
        Region("half-pixel border clamp", "s < 0 is clamped to 0 and i1 to n - 1: both borders repeat, nothing wraps",
               _border_clamped,
               (c("border-clamp", (2, 3), {"size": (5, 8), "mode": "bilinear", "align_corners": False}),
                c("border-clamp-1d", (3,), {"scale_factor": 4, "mode": "linear", "align_corners": False}))),
        Region("scale_factor with n * scale not an integer", "the step is 1 / scale_factor, not n / o recomputed",
               _step_not_recomputed,
               (c("step-nearest", (5,), {"scale_factor": 1.5, "mode": "nearest"}),
                c("step-nearest-exact", (5,), {"scale_factor": 1.7, "mode": "nearest_exact"}),
                c("step-linear", (5,), {"scale_factor": 1.5, "mode": "linear", "align_corners": False}))),
        Region("size with a fractional ratio", "the step is n / o",
               _size_ratio_fractional,
               (c("size-ratio", (3, 5), {"size": (7, 3), "mode": "nearest_exact"}),
                c("size-ratio-linear", (4,), {"size": 6, "mode": "linear", "align_corners": False}))),
        Region("per-axis scale factors, unequal", "scale_factor (s0, s1) scales axis 0 by s0 and axis 1 by s1",
               lambda case: _unequal(case, "scale_factor"),
               (c("scales-unequal", (3, 4), {"scale_factor": (2, 0.5), "mode": "nearest"}),
                c("scales-unequal-bilinear", (3, 3), {"scale_factor": (1.5, 3), "mode": "bilinear",
                                                      "align_corners": False}))),
        Region("per-axis sizes, unequal", "size (o0, o1) is the output length of axis 0, then axis 1",
               lambda case: _unequal(case, "size"),
               (c("sizes-unequal", (3, 3), {"size": (2, 5), "mode": "nearest_exact"}),
                c("sizes-unequal-bilinear", (2, 4), {"size": (5, 3), "mode": "bilinear", "align_corners": True}))),
        Region("nearest index at an exact boundary", "exact indices where a float32 t * r rounds below an integer",
               _float32_index_boundary,
               (c("boundary-nearest", (2,), {"size": 82, "mode": "nearest"}, channels=1),
                c("boundary-nearest-scale", (3,), {"scale_factor": 20.5, "mode": "nearest"}, channels=1),
                c("boundary-nearest-exact", (4,), {"size": 41, "mode": "nearest_exact"}, channels=1))),
        Region("decimal scale factor, float below the decimal", "o = floor(n * decimal): 100 * 0.29 gives 29, not 28",
               _float_below_decimal,
               (c("decimal-nearest", (100,), {"scale_factor": 0.29, "mode": "nearest"}, channels=1),
                c("decimal-linear", (25,), {"scale_factor": 1.16, "mode": "linear", "align_corners": False},
                  channels=1))),
        Region("linear, scale just above 1 (o == n)", "the step 1 / scale still applies when the length is unchanged",
               _copied_by_torch,
               (c("scale-just-above-1", (2,), {"scale_factor": 1.1, "mode": "linear"}),
                c("scale-just-above-1-2d", (3, 2), {"scale_factor": (1.2, 2), "mode": "bilinear"}))),
        Region("an axis left unchanged (o == n, step 1)", "that axis is copied; the output is not the input itself",
               _identity_axis,
               (c("identity-axis", (3, 4), {"size": (3, 6), "mode": "nearest_exact"}),)),
        Region("nearest, 3-D", "three spatial axes", lambda case: _nearest(case) and _spatial(case) == 3,
               (c("nearest-3d", (2, 3, 2), {"size": (3, 2, 5), "mode": "nearest"}, channels=1),)),
        Region("nearest, 4-D", "more than three spatial axes: the same per-axis indices",
               lambda case: _nearest(case) and _spatial(case) >= 4,
               (c("nearest-exact-4d", (2, 3, 2, 2), {"scale_factor": (1.5, 0.7, 2, 1), "mode": "nearest_exact"},
                  channels=1),
                c("nearest-4d", (2, 2, 3, 2), {"size": (3, 1, 4, 2), "mode": "nearest"}, channels=1))),
        Region("empty batch", "a batch of 0 gives an empty output of the right shape",
               lambda case: case.inputs["x"].shape[0] == 0,
               (c("empty-batch", (3, 4), {"scale_factor": 1.5, "mode": "nearest_exact"}, batch=0),
                c("empty-batch-bilinear", (3, 4), {"size": (5, 2), "mode": "bilinear"}, batch=0))),
        Region("NaN and ±inf, nearest modes", "non-finite values are copied bit for bit",
               lambda case: _nearest(case) and has_nonfinite(case),
               (c("nonfinite-nearest", (3, 4), {"scale_factor": 1.5, "mode": "nearest"}, nonfinite=True),
                c("nonfinite-nearest-exact", (5,), {"size": 3, "mode": "nearest_exact"}, nonfinite=True,
                  dtype="float64"))),
        Region("magnitudes beyond float16", "float32 interpolation of values far above 65504 stays finite and close",
               _large,
               (c("large", (3, 3), {"scale_factor": 1.5, "mode": "bilinear"}, fill=_times(2.0**20)),)),
        Region("float32, general data", "float32 accuracy: no float16 or bfloat16 computation inside",
               lambda case: case.dtype == "float32" and case.data_kind == "floats" and not has_nonfinite(case),
               (c("float32-floats", (4, 3), {"size": (7, 5), "mode": "bilinear"}, fill=general_floats),)),
        Region("float64", "float64 in, float64 out, float64 accuracy", lambda case: case.dtype == "float64",
               (c("float64", (5,), {"scale_factor": 1.3, "mode": "linear", "align_corners": False}, dtype="float64",
                  fill=general_floats),
                c("float64-nearest", (3, 3), {"size": (4, 7), "mode": "nearest_exact"}, dtype="float64",
                  fill=general_floats))),
        Region("float16", "float16 in, float16 out", lambda case: case.dtype == "float16",
               (c("float16", (3, 4), {"size": (5, 6), "mode": "bilinear", "align_corners": True}, dtype="float16"),
                c("float16-nearest", (4,), {"scale_factor": 2.5, "mode": "nearest"}, dtype="float16"))),
    ]}
