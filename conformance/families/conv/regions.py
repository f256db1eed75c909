"""Named regions of the convolution family: ``correlate``, ``convolve``, ``depthwise_separable``.

Each padding form with the geometry that tells its sides apart, strides and dilations
that differ per axis, the keywords left at their defaults, grouped and depthwise channel
maps, an empty batch, non-finite and large data, every rank and dtype. See
:mod:`.regions` for what a region is and how a check uses it.
"""

from __future__ import annotations

import numpy as np

from convspec.spec.conv import resolve_padding
from convspec.spec.conventions import normalize_padding

from convspec.conformance.case import Case
from convspec.conformance.regions import per_case
from convspec.conformance.regions import (
    is_per_axis_unequal, is_per_side_unequal,
    Region, data_kind, distinct_integers, general_floats, has_nonfinite, per_axis, rng_for, with_nonfinite,
)

OPS = ("correlate", "convolve", "depthwise_separable")


def conv_case(op: str, tag: str, size, kernel, params: dict, *, batch: int = 1, c_in: int = 2, c_out: int = 2,
              groups: int = 1, multiplier: int = 2, bias: bool = True, dtype: str = "float32",
              fill=distinct_integers, nonfinite: bool = False) -> Case:
    """One explicit call: input ``(batch, c_in, *size)``, a ``kernel``-sized filter bank, data from ``fill``."""
    rng = rng_for(op, tag)
    rank = len(size)
    x = fill((batch, c_in, *size), dtype, rng)
    if nonfinite:
        x = with_nonfinite(x, rng)
    b = fill((c_out,), dtype, rng) if bias else None
    if op == "depthwise_separable":
        inputs = {
            "x": x,
            "depthwise_weight": fill((c_in * multiplier, 1, *kernel), dtype, rng),
            "pointwise_weight": fill((c_out, c_in * multiplier, *(1,) * rank), dtype, rng),
            "bias": b,
        }
    else:
        inputs = {"x": x, "weight": fill((c_out, c_in // groups, *kernel), dtype, rng), "bias": b}
        if groups != 1:
            params = {**params, "groups": groups}
    return Case(op, inputs, dict(params), data_kind(*inputs.values()))


@per_case  # computed once per case, however many regions ask
def geometry(case: Case) -> dict:
    """Per axis: input size, kernel, stride, dilation and the resolved (lo, hi) padding."""
    x = case.inputs["x"]
    weight = case.inputs.get("weight", case.inputs.get("depthwise_weight"))
    rank = x.ndim - 2
    size, kernel = tuple(x.shape[2:]), tuple(weight.shape[2:])
    stride = per_axis(case.params.get("stride", 1), rank)
    dilation = per_axis(case.params.get("dilation", 1), rank)
    padding = case.params.get("padding", 0)
    pairs = resolve_padding(normalize_padding(case.op, padding, rank), size, kernel, stride, dilation)
    return {"rank": rank, "size": size, "kernel": kernel, "stride": stride, "dilation": dilation,
            "padding": padding, "pairs": pairs}


def _padding(case: Case):
    return case.params.get("padding", 0)


def _odd_extra(case: Case, mode: str, side: str) -> bool:
    if _padding(case) != mode:
        return False
    g = geometry(case)
    return any((hi - lo == 1) if side == "high" else (lo - hi == 1) for lo, hi in g["pairs"])


def _full_dilated(case: Case) -> bool:
    if _padding(case) != "full":
        return False
    g = geometry(case)
    return any(d > 1 and k > 1 for d, k in zip(g["dilation"], g["kernel"]))


def _stride_remainder(case: Case) -> bool:
    g = geometry(case)
    for n, k, s, d, (lo, hi) in zip(g["size"], g["kernel"], g["stride"], g["dilation"], g["pairs"]):
        if s > 1 and (n + lo + hi - d * (k - 1) - 1) % s != 0:
            return True
    return False


def _unequal_on_long_kernels(case: Case, name: str) -> bool:
    g = geometry(case)
    values = {v for v, k in zip(g[name], g["kernel"]) if k > 1}
    return len(values) > 1


def _dtype(case: Case) -> str:
    return case.dtype


def _shared_regions(op: str) -> list[Region]:
    c = lambda tag, *args, **kw: conv_case(op, tag, *args, **kw)  # noqa: E731
    return [
        Region("keywords left at their defaults", "stride 1, padding 0, dilation 1, groups 1 when not passed",
               lambda case: not case.params, (c("defaults", (5, 4), (2, 3), {}),)),
        Region("bias absent", "no bias term is added (bias=None is not a zero array of the wrong shape)",
               lambda case: case.inputs["bias"] is None, (c("no-bias", (4, 5), (2, 2), {"padding": 1}, bias=False),)),
        Region("bias present", "the bias is added once to every output of its channel",
               lambda case: case.inputs["bias"] is not None, (c("bias", (6,), (3,), {"padding": 1}),)),
        Region("int padding > 0", "p zeros on both sides of every spatial axis",
               lambda case: isinstance(_padding(case), int) and _padding(case) > 0,
               (c("int-padding", (4, 3), (3, 2), {"padding": 2}),)),
        Region("per-axis padding, unequal values", "padding (p0, p1) pads axis 0 by p0 and axis 1 by p1, in that order",
               lambda case: is_per_axis_unequal(_padding(case)),
               (c("per-axis-padding", (4, 5), (2, 3), {"padding": (0, 2)}),)),
        Region("per-side padding, lo != hi", "each (lo, hi) pair pads the low side by lo and the high side by hi",
               lambda case: is_per_side_unequal(_padding(case)),
               (c("per-side", (5, 4), (3, 2), {"padding": ((0, 2), (1, 0))}),
                c("per-side-1d-strided", (7,), (3,), {"padding": ((2, 0),), "stride": 2}))),
        Region("'valid'", "no padding", lambda case: _padding(case) == "valid",
               (c("valid", (5, 6), (3, 2), {"padding": "valid", "stride": (1, 2)}),)),
        Region("'same' with an odd total", "the extra zero goes on the high side",
               lambda case: _odd_extra(case, "same", "high"),
               (c("same-odd", (4, 5), (2, 4), {"padding": "same"}),
                c("same-odd-strided", (8,), (3,), {"padding": "same", "stride": 2, "dilation": 2}))),
        Region("'same_lower' with an odd total", "the extra zero goes on the low side",
               lambda case: _odd_extra(case, "same_lower", "low"),
               (c("same-lower-odd", (4, 5), (2, 4), {"padding": "same_lower"}),
                c("same-lower-odd-strided", (7,), (2,), {"padding": "same_lower", "stride": 3}))),
        Region("'full', dilation > 1", "full padding is dilation * (k - 1) zeros per side: the dilated span, not k",
               _full_dilated,
               (c("full-dilated", (4, 3), (3, 2), {"padding": "full", "dilation": (2, 3)}),
                c("full-dilated-1d", (3,), (2,), {"padding": "full", "dilation": 3}))),
        Region("'full', stride > 1", "full padding, then every stride-th window",
               lambda case: _padding(case) == "full" and any(s > 1 for s in geometry(case)["stride"]),
               (c("full-strided", (5, 4), (3, 2), {"padding": "full", "stride": (2, 3)}),)),
        Region("stride > 1 with a remainder", "the window count rounds down: no last window over the high padding",
               _stride_remainder,
               (c("stride-remainder", (8, 7), (3, 2), {"stride": (3, 2), "padding": 1}),)),
        Region("per-axis strides, unequal", "stride (s0, s1) steps axis 0 by s0 and axis 1 by s1",
               lambda case: len(set(geometry(case)["stride"])) > 1,
               (c("strides-unequal", (7, 8), (2, 2), {"stride": (1, 3)}),)),
        Region("per-axis dilations, unequal", "dilation (d0, d1) spreads axis 0's taps by d0 and axis 1's by d1",
               lambda case: _unequal_on_long_kernels(case, "dilation"),
               (c("dilations-unequal", (7, 8), (2, 3), {"dilation": (3, 1), "padding": (1, 2)}),)),
        Region("empty batch", "a batch of 0 gives an empty output of the right shape",
               lambda case: case.inputs["x"].shape[0] == 0,
               (c("empty-batch", (5, 4), (2, 2), {"padding": "same", "stride": 2}, batch=0),)),
        Region("NaN and ±inf in the input", "a non-finite input reaches exactly the outputs whose window covers it",
               has_nonfinite,
               (c("nonfinite", (5, 6), (2, 2), {"padding": 1}, nonfinite=True),
                c("nonfinite-1d", (9,), (3,), {"stride": 2}, nonfinite=True, dtype="float64"))),
        Region("magnitudes beyond float16", "float32 sums far above float16's 65504 stay exact",
               lambda case: case.dtype == "float32" and max(float(np.abs(a).max(initial=0)) for a in case.arrays()
                                                            if a is not None) > 65504,
               (c("large", (4, 4), (2, 2), {"padding": 1},
                  fill=lambda shape, dtype, rng: distinct_integers(shape, dtype, rng) * np.float32(2.0**20)),)),
        Region("1-D", "one spatial axis", lambda case: case.inputs["x"].ndim == 3,
               (c("1d", (9,), (4,), {"padding": "same", "stride": 2}),)),
        Region("3-D", "three spatial axes", lambda case: case.inputs["x"].ndim == 5,
               (c("3d", (3, 4, 3), (2, 2, 2), {"padding": ((1, 0), 0, (0, 1)), "stride": (1, 2, 1)}),)),
        Region("float32, general data", "float32 accuracy: no float16 or bfloat16 computation inside",
               lambda case: case.dtype == "float32" and case.data_kind == "floats" and not has_nonfinite(case),
               (c("float32-floats", (6, 5), (3, 3), {"padding": 1}, c_in=4, fill=general_floats),)),
        Region("float64", "float64 in, float64 out, float64 accuracy", lambda case: case.dtype == "float64",
               (c("float64", (5, 5), (2, 3), {"padding": "same"}, dtype="float64", fill=general_floats),)),
        Region("float16", "float16 in, float16 out", lambda case: case.dtype == "float16",
               (c("float16", (5, 4), (2, 2), {"padding": 1}, dtype="float16"),)),
    ]


def _grouped(op: str) -> list[Region]:
    def grouped(case: Case) -> bool:
        groups = case.params.get("groups", 1)
        weight = case.inputs["weight"]
        return groups > 1 and weight.shape[0] // groups > 1 and weight.shape[1] > 1

    return [Region("groups > 1, several channels per group",
                   "input channels split into contiguous blocks, one per group; outputs in group order",
                   grouped, (conv_case(op, "groups", (4, 3), (2, 2), {"padding": 1}, c_in=4, c_out=4, groups=2),
                             conv_case(op, "groups-3", (5,), (2,), {}, c_in=6, c_out=6, groups=3)))]


def _depthwise() -> list[Region]:
    def multiplied(case: Case) -> bool:
        return case.inputs["depthwise_weight"].shape[0] > case.inputs["x"].shape[1] > 1

    return [Region("channel multiplier > 1", "depthwise filter j reads input channel j // multiplier",
                   multiplied, (conv_case("depthwise_separable", "multiplier", (4, 4), (2, 2), {"padding": 1},
                                          c_in=3, multiplier=2),))]


def REGIONS() -> dict[str, list[Region]]:
    return {
        "correlate": _shared_regions("correlate") + _grouped("correlate"),
        "convolve": _shared_regions("convolve") + _grouped("convolve"),
        "depthwise_separable": _shared_regions("depthwise_separable") + _depthwise(),
    }
