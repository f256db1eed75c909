"""Named regions of the transposed convolution, ``conv_transpose``.

Each padding form read as a crop of the scatter buffer (``"same"`` with an odd surplus
cropped high, ``"same"`` with a kernel shorter than the stride padded high, ``"full"``
with a dilated kernel), output padding added high, strides and dilations that differ per
axis, the keywords left at their defaults, grouped channel maps in torch's transposed
weight layout, an empty batch, non-finite and large data, every rank and dtype. See
:mod:`.regions` for what a region is and how a check uses it.
"""

from __future__ import annotations

import numpy as np

from convspec.spec.conv_transpose import resolve_crop
from convspec.spec.conventions import normalize_padding

from convspec.conformance.case import Case
from convspec.conformance.regions import per_case
from convspec.conformance.regions import (
    is_per_axis_unequal, is_per_side_unequal,
    Region, data_kind, distinct_integers, general_floats, has_nonfinite, per_axis, rng_for, with_nonfinite,
)

OP = "conv_transpose"


def conv_transpose_case(tag: str, size, kernel, params: dict, *, batch: int = 1, c_in: int = 2,
                        out_per_group: int = 2, groups: int = 1, bias: bool = True, dtype: str = "float32",
                        fill=distinct_integers, nonfinite: bool = False) -> Case:
    """One explicit call: input ``(batch, c_in, *size)``, weight ``(c_in, out_per_group, *kernel)``."""
    rng = rng_for(OP, tag)
    x = fill((batch, c_in, *size), dtype, rng)
    if nonfinite:
        x = with_nonfinite(x, rng)
    weight = fill((c_in, out_per_group, *kernel), dtype, rng)
    b = fill((groups * out_per_group,), dtype, rng) if bias else None
    if groups != 1:
        params = {**params, "groups": groups}
    inputs = {"x": x, "weight": weight, "bias": b}
    return Case(OP, inputs, dict(params), data_kind(*inputs.values()))


@per_case  # computed once per case, however many regions ask
def geometry(case: Case) -> dict:
    """Per axis: input size, kernel, stride, dilation, output padding and the resolved (lo, hi, extra) crop."""
    x, weight = case.inputs["x"], case.inputs["weight"]
    rank = x.ndim - 2
    size, kernel = tuple(x.shape[2:]), tuple(weight.shape[2:])
    stride = per_axis(case.params.get("stride", 1), rank)
    dilation = per_axis(case.params.get("dilation", 1), rank)
    output_padding = per_axis(case.params.get("output_padding", 0), rank)
    padding = case.params.get("padding", 0)
    crops = resolve_crop(normalize_padding(case.op, padding, rank), size, kernel, stride, dilation)
    return {"rank": rank, "size": size, "kernel": kernel, "stride": stride, "dilation": dilation,
            "output_padding": output_padding, "padding": padding, "crops": crops}


def _padding(case: Case):
    return case.params.get("padding", 0)


def _odd_surplus(case: Case, mode: str, side: str) -> bool:
    """``mode`` crops one cell more on ``side`` than on the other along some axis."""
    if _padding(case) != mode:
        return False
    return any((hi - lo == 1) if side == "high" else (lo - hi == 1) for lo, hi, _ in geometry(case)["crops"])


def _same_appends(case: Case) -> bool:
    """``"same"``/``"same_lower"`` with a kernel span shorter than the stride: zero cells appended high."""
    return _padding(case) in ("same", "same_lower") and any(extra > 0 for _, _, extra in geometry(case)["crops"])


def _full_dilated(case: Case) -> bool:
    if _padding(case) != "full":
        return False
    g = geometry(case)
    return any(d > 1 and k > 1 for d, k in zip(g["dilation"], g["kernel"]))


def _unequal_on_long_kernels(case: Case, name: str) -> bool:
    g = geometry(case)
    values = {v for v, k in zip(g[name], g["kernel"]) if k > 1}
    return len(values) > 1


def _output_padded(case: Case) -> bool:
    return any(a > 0 for a in geometry(case)["output_padding"])


def _output_padded_by_dilation(case: Case) -> bool:
    """``output_padding > 0`` on an axis of stride 1: allowed only because ``a < dilation``."""
    g = geometry(case)
    return any(a > 0 and s == 1 for a, s in zip(g["output_padding"], g["stride"]))


def _grouped(case: Case) -> bool:
    groups = case.params.get("groups", 1)
    x, weight = case.inputs["x"], case.inputs["weight"]
    return groups > 1 and x.shape[1] // groups > 1 and weight.shape[1] > 1


def _channels_differ(case: Case) -> bool:
    """C_out != C_in: the weight's two channel axes have different lengths (its layout shows)."""
    groups = case.params.get("groups", 1)
    weight = case.inputs["weight"]
    return weight.shape[0] // groups != weight.shape[1]


def _large(case: Case) -> bool:
    return case.dtype == "float32" and max(float(np.abs(a).max(initial=0)) for a in case.arrays()
                                           if a is not None) > 65504


def REGIONS() -> dict[str, list[Region]]:
    c = conv_transpose_case
    return {OP: [
        Region("keywords left at their defaults",
               "stride 1, padding 0, output_padding 0, dilation 1, groups 1 when not passed",
               lambda case: not case.params, (c("defaults", (4, 3), (2, 3), {}),)),
        Region("bias absent", "no bias term is added", lambda case: case.inputs["bias"] is None,
               (c("no-bias", (3, 4), (2, 2), {"stride": 2, "padding": 1}, bias=False),)),
        Region("bias present", "the bias is added once to every output cell, output-padding cells included",
               lambda case: case.inputs["bias"] is not None,
               (c("bias", (4,), (3,), {"stride": 2, "output_padding": 1}),)),
        Region("C_out != C_in", "the weight is (C_in, C_out / groups, *kernel), not the convolution's layout",
               _channels_differ, (c("channels-differ", (3, 3), (2, 2), {"stride": 2}, c_in=2, out_per_group=3),)),
        Region("int padding > 0", "p cells cropped from both ends of every spatial axis",
               lambda case: isinstance(_padding(case), int) and _padding(case) > 0,
               (c("int-padding", (3, 4), (3, 2), {"padding": 1, "stride": 2}),)),
        Region("per-axis padding, unequal values", "padding (p0, p1) crops axis 0 by p0 and axis 1 by p1",
               lambda case: is_per_axis_unequal(_padding(case)),
               (c("per-axis-padding", (4, 3), (3, 3), {"padding": (0, 2)}),)),
        Region("per-side padding, lo != hi", "each (lo, hi) pair crops lo cells from the start and hi from the end",
               lambda case: is_per_side_unequal(_padding(case)),
               (c("per-side", (3, 4), (3, 2), {"padding": ((0, 2), (1, 0)), "stride": 2}),
                c("per-side-1d", (4,), (3,), {"padding": ((2, 0),), "stride": 2, "output_padding": 1}))),
        Region("'valid'", "nothing cropped: the whole scatter buffer",
               lambda case: _padding(case) == "valid",
               (c("valid", (3, 3), (3, 2), {"padding": "valid", "stride": (1, 2)}),)),
        Region("'same' with an odd surplus", "output n * stride; the odd surplus cell is cropped from the high end",
               lambda case: _odd_surplus(case, "same", "high"),
               (c("same-odd", (3, 4), (3, 4), {"padding": "same", "stride": (2, 1)}),
                c("same-odd-dilated", (4,), (3,), {"padding": "same", "stride": 2, "dilation": 2}))),
        Region("'same', kernel span shorter than the stride", "nothing cropped; zero cells appended at the high end",
               _same_appends,
               (c("same-short", (3, 2), (1, 2), {"padding": "same", "stride": (2, 3)}),)),
        Region("'same_lower' with an odd surplus", "output n * stride; the odd surplus cell is cropped from the start",
               lambda case: _odd_surplus(case, "same_lower", "low"),
               (c("same-lower-odd", (4, 3), (4, 3), {"padding": "same_lower", "stride": (1, 2)}),)),
        Region("'full', dilation > 1", "full crops dilation * (k - 1) cells per side: the dilated span, not k",
               _full_dilated,
               (c("full-dilated", (4, 4), (3, 2), {"padding": "full", "dilation": (2, 3), "stride": (2, 2)}),
                c("full-dilated-1d", (4,), (2,), {"padding": "full", "dilation": 3, "stride": 2}))),
        Region("'full', stride > 1", "full crop of the strided scatter buffer",
               lambda case: _padding(case) == "full" and any(s > 1 for s in geometry(case)["stride"]),
               (c("full-strided", (3, 4), (3, 2), {"padding": "full", "stride": (2, 3)}),)),
        Region("per-axis strides, unequal", "input i of axis a lands at i * stride[a]",
               lambda case: len(set(geometry(case)["stride"])) > 1,
               (c("strides-unequal", (3, 3), (2, 2), {"stride": (1, 3)}),)),
        Region("per-axis dilations, unequal", "tap t of axis a lands dilation[a] * t after its input's cell",
               lambda case: _unequal_on_long_kernels(case, "dilation"),
               (c("dilations-unequal", (3, 4), (2, 3), {"dilation": (3, 1), "padding": (1, 0)}),)),
        Region("output_padding > 0", "the output-padding cells are appended at the high end, after the last cell",
               _output_padded,
               (c("output-padding", (3, 3), (2, 3), {"stride": (3, 2), "output_padding": (2, 1), "padding": 1}),)),
        Region("output_padding > 0 with stride 1", "output_padding < max(stride, dilation): a dilation allows it too",
               _output_padded_by_dilation,
               (c("output-padding-dilated", (4,), (2,), {"dilation": 3, "output_padding": 2}),)),
        Region("groups > 1, several channels per group",
               "input channels split into contiguous blocks; group g's outputs are channels g*C_out/g .. in order",
               _grouped,
               (c("groups", (3, 3), (2, 2), {"stride": 2, "padding": 1}, c_in=4, out_per_group=2, groups=2),
                c("groups-3", (4,), (2,), {}, c_in=6, out_per_group=3, groups=3))),
        Region("empty batch", "a batch of 0 gives an empty output of the right shape",
               lambda case: case.inputs["x"].shape[0] == 0,
               (c("empty-batch", (3, 4), (2, 3), {"padding": "same", "stride": 2}, batch=0),)),
        Region("NaN and ±inf in the input", "a non-finite input reaches exactly the outputs its kernel copy covers",
               has_nonfinite,
               (c("nonfinite", (4, 3), (2, 2), {"stride": 2, "padding": 1}, nonfinite=True),
                c("nonfinite-1d", (6,), (3,), {"padding": "full"}, nonfinite=True, dtype="float64"))),
        Region("magnitudes beyond float16", "float32 sums far above float16's 65504 stay exact", _large,
               (c("large", (3, 3), (2, 2), {"stride": 2},
                  fill=lambda shape, dtype, rng: distinct_integers(shape, dtype, rng) * np.float32(2.0**20)),)),
        Region("1-D", "one spatial axis", lambda case: case.inputs["x"].ndim == 3,
               (c("1d", (5,), (4,), {"padding": "same", "stride": 3}),)),
        Region("3-D", "three spatial axes", lambda case: case.inputs["x"].ndim == 5,
               (c("3d", (2, 3, 2), (2, 2, 2), {"padding": ((1, 0), 0, (0, 1)), "stride": (2, 1, 2),
                                               "output_padding": (1, 0, 0)}),)),
        Region("4-D", "more than three spatial axes: the same scatter and crop on every axis",
               lambda case: case.inputs["x"].ndim == 6,
               (c("4d", (2, 2, 2, 2), (2, 1, 2, 2), {"stride": (2, 1, 1, 2), "padding": ((0, 1), 0, 0, (1, 0)),
                                                     "dilation": (1, 1, 2, 1)}, c_in=1),)),
        Region("float32, general data", "float32 accuracy: no float16 or bfloat16 computation inside",
               lambda case: case.dtype == "float32" and case.data_kind == "floats" and not has_nonfinite(case),
               (c("float32-floats", (4, 4), (3, 3), {"stride": 2, "padding": 1}, c_in=4, fill=general_floats),)),
        Region("float64", "float64 in, float64 out, float64 accuracy", lambda case: case.dtype == "float64",
               (c("float64", (4, 3), (2, 3), {"padding": "same", "stride": 2}, dtype="float64", fill=general_floats),)),
        Region("float16", "float16 in, float16 out", lambda case: case.dtype == "float16",
               (c("float16", (3, 3), (2, 2), {"stride": 2, "padding": 1}, dtype="float16"),)),
    ]}
