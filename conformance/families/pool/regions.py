"""Named regions of the pooling family: ``max_pool``, ``avg_pool``, ``global_max_pool``, ``global_avg_pool``.

Ceil mode's overhanging window (and the candidate it drops when that would start in
the right padding) with each divisor rule, ``divisor_override``, the stride and the
other keywords left at their defaults, each padding form with its odd/even and
per-axis/per-side variants, dilation per axis, ties and NaN in the indices, ``-inf``
and negative data against the padding, an empty batch, every rank and dtype. See
:mod:`.regions` for what a region is and how a check uses it.
"""

from __future__ import annotations

import math

import numpy as np

from convspec.spec.pool import check_pool_arguments, pool_output_size, pool_padding

from convspec.conformance.case import Case
from convspec.conformance.regions import per_case
from convspec.conformance.regions import (
    is_per_axis_unequal, is_per_side_unequal,
    Region, data_kind, distinct_integers, distinct_values, general_floats, has_nonfinite, rng_for, with_nonfinite,
)


def pool_case(op: str, tag: str, size, params: dict, *, batch: int = 1, channels: int = 2, dtype: str = "float32",
              fill=None, nonfinite: bool = False) -> Case:
    """One explicit call: input ``(batch, channels, *size)``, data from ``fill``.

    The default fill is pairwise distinct values for the maxima (no tie hides which cell won)
    and nonzero integers of both signs for the averages (no window sums to zero)."""
    rng = rng_for(op, tag)
    if fill is None:
        fill = distinct_values if "max" in op else distinct_integers
    x = fill((batch, channels, *size), dtype, rng)
    if nonfinite:
        x = with_nonfinite(x, rng)
    return Case(op, {"x": x}, dict(params), data_kind(x))


# --------------------------------------------------------------------------- predicates


@per_case  # computed once per case, however many regions ask
def geometry(case: Case) -> list[dict]:
    """Per axis: input length, kernel, stride, dilation, resolved (lo, hi) padding and window count."""
    args = check_pool_arguments(case.op, case.inputs["x"].shape, **case.params)
    return [
        {"n": n, "k": k, "s": s, "d": d, "lo": lo, "hi": hi, "out": out}
        for n, k, s, d, (lo, hi), out in zip(args.input_size, args.kernel_size, args.stride, args.dilation,
                                             pool_padding(args), pool_output_size(args))
    ]


def _padding(case: Case):
    return case.params.get("padding", 0)


def _x(case: Case) -> np.ndarray:
    return case.inputs["x"]


def _rank(case: Case) -> int:
    return _x(case).ndim - 2


def _only_required(case: Case) -> bool:
    return set(case.params) <= {"kernel_size"}


def _odd_extra(case: Case, mode: str, side: str) -> bool:
    if _padding(case) != mode:
        return False
    return any((a["hi"] - a["lo"] == 1) if side == "high" else (a["lo"] - a["hi"] == 1) for a in geometry(case))


def _overhangs(case: Case) -> bool:
    """Ceil mode's last window reaches past the padded input's end on some axis."""
    if not case.params.get("ceil_mode", False):
        return False
    return any((a["out"] - 1) * a["s"] - a["lo"] + a["d"] * (a["k"] - 1) >= a["n"] + a["hi"] for a in geometry(case))


def _ceil_drops_candidate(case: Case) -> bool:
    """Ceil mode's textbook count ``ceil(leftover / s) + 1`` has one window more than the spec keeps."""
    if not case.params.get("ceil_mode", False):
        return False
    return any(math.ceil((a["n"] + a["lo"] + a["hi"] - a["d"] * (a["k"] - 1) - 1) / a["s"]) + 1 > a["out"]
               for a in geometry(case))


def _ceil_adds_nothing(case: Case) -> bool:
    """Ceil mode with exactly floor mode's windows on every axis."""
    if not case.params.get("ceil_mode", False):
        return False
    return all(a["out"] == (a["n"] + a["lo"] + a["hi"] - a["d"] * (a["k"] - 1) - 1) // a["s"] + 1
               for a in geometry(case))


def _has_padding(case: Case) -> bool:
    return any(a["lo"] or a["hi"] for a in geometry(case))


def _stride_remainder(case: Case) -> bool:
    if case.params.get("ceil_mode", False):
        return False
    return any(a["s"] > 1 and (a["n"] + a["lo"] + a["hi"] - a["d"] * (a["k"] - 1) - 1) % a["s"] for a in geometry(case))


def _unequal_on_long_kernels(case: Case, key: str) -> bool:
    return len({a[key] for a in geometry(case) if a["k"] > 1}) > 1


def _has_ties(case: Case) -> bool:
    x = _x(case)
    return x.size > 0 and np.unique(x[np.isfinite(x)]).size < np.isfinite(x).sum()


def _has(case: Case, test) -> bool:
    x = _x(case)
    return x.dtype.kind == "f" and bool(test(x).any())


def _float32_general(case: Case) -> bool:
    return case.dtype == "float32" and case.data_kind == "floats" and not has_nonfinite(case)


def _beyond_float16(case: Case) -> bool:
    """float16 data whose window (global pools: plane) sums can pass float16's largest finite value, 65504."""
    x = _x(case)
    if case.dtype != "float16" or x.size == 0:
        return False
    cells = math.prod(a["k"] for a in geometry(case)) if case.op == "avg_pool" else math.prod(x.shape[2:])
    return float(np.abs(x[np.isfinite(x)]).max(initial=0)) * cells > 65504


# --------------------------------------------------------------------------- data


def _ties(shape, dtype, rng):
    """Integers from {-2, 1, 3}: most windows hold equal maxima in several places."""
    return rng.choice(np.array((-2.0, 1.0, 3.0)), size=shape).astype(dtype)


def _negative(shape, dtype, rng):
    """Distinct negative integers: a zero padding would win every window that reaches it."""
    return -np.abs(distinct_values(shape, dtype, rng))


def _neg_inf_border(shape, dtype, rng):
    """Distinct values with the first and last cell of every axis ``-inf``: border windows of ``-inf`` only."""
    x = distinct_values(shape, dtype, rng)
    for axis in range(2, len(shape)):
        index = [slice(None)] * len(shape)
        for end in (0, -1):
            index[axis] = end
            x[tuple(index)] = -np.inf
    return x


def _several_nans(shape, dtype, rng):
    """Distinct values with NaN in a third of the cells (several per window: the last-NaN rule) and ``±inf``."""
    x = distinct_values(shape, dtype, rng)
    flat = x.reshape(-1)
    cells = rng.permutation(flat.size)
    flat[cells[: flat.size // 3]] = np.nan
    flat[cells[flat.size // 3]] = np.inf
    flat[cells[flat.size // 3 + 1]] = -np.inf
    return x


def _near_float16_max(shape, dtype, rng):
    """Integers of one sign near float16's 65504: their sums overflow float16, their averages do not."""
    return (60000 - 8 * np.abs(distinct_values(shape, "float64", rng))).astype(dtype)


# --------------------------------------------------------------------------- max_pool / avg_pool


def _windowed_regions(op: str) -> list[Region]:
    """The regions max_pool and avg_pool share: the window geometry, defaults, ranks, dtypes."""
    c = lambda tag, *args, **kw: pool_case(op, tag, *args, **kw)  # noqa: E731
    dilated = op == "max_pool"
    indices = {"return_indices": True} if dilated else {}  # the composed (non-native) paths map indices back too
    regions = [
        Region("keywords left at their defaults",
               "stride = kernel_size, padding 0, ceil_mode False (a leftover cell is dropped), "
               + ("dilation 1, no indices" if dilated else "count_include_pad True, no divisor_override"),
               _only_required, (c("defaults", (5, 7), {"kernel_size": 2}),
                                c("defaults-tuple", (7, 5), {"kernel_size": (3, 2)}))),
        Region("stride left at its default, other keywords given", "stride=None means stride = kernel_size",
               lambda case: case.params.get("stride") is None and not _only_required(case),
               (c("stride-default", (6, 7), {"kernel_size": (3, 2), "padding": 1}),)),
        Region("stride > kernel", "windows skip the cells between them",
               lambda case: any(a["s"] > a["k"] for a in geometry(case)),
               (c("stride-gt-kernel", (7, 8), {"kernel_size": 2, "stride": (3, 4)}),)),
        Region("stride < kernel (overlapping windows)", "a cell lies in several windows",
               lambda case: any(a["s"] < a["k"] for a in geometry(case)),
               (c("overlap", (5, 6), {"kernel_size": (3, 2), "stride": 1}),)),
        Region("int padding > 0", "p padded cells on both sides of every spatial axis",
               lambda case: isinstance(_padding(case), int) and _padding(case) > 0,
               (c("int-padding", (4, 5), {"kernel_size": 3, "stride": 2, "padding": 1}),)),
        Region("per-axis padding, unequal values", "padding (p0, p1) pads axis 0 by p0 and axis 1 by p1, in that order",
               lambda case: is_per_axis_unequal(_padding(case)),
               (c("per-axis-padding", (5, 4), {"kernel_size": (2, 3), "stride": 1, "padding": (0, 2)}),
                c("per-axis-padding-3d", (3, 4, 3), {"kernel_size": 2, "padding": (1, 0, 1)}))),
        Region("per-side padding, lo != hi", "each (lo, hi) pair pads the low side by lo and the high side by hi",
               lambda case: is_per_side_unequal(_padding(case)),
               (c("per-side", (5, 4), {"kernel_size": (3, 2), "stride": (2, 1), "padding": ((2, 0), (0, 1))}),
                c("per-side-1d", (6,), {"kernel_size": 3, "stride": 2, "padding": ((0, 2),)}))),
        Region("'valid'", "no padding", lambda case: _padding(case) == "valid",
               (c("valid", (5, 6), {"kernel_size": (2, 3), "stride": (1, 2), "padding": "valid"}),)),
        Region("'same' with an odd total", "the extra padded cell goes on the high side",
               lambda case: _odd_extra(case, "same", "high"),
               (c("same-odd", (4, 5), {"kernel_size": (2, 4), "stride": 1, "padding": "same"}),
                c("same-odd-strided", (7,), {"kernel_size": 2, "stride": 3, "padding": "same"}))),
        Region("'same_lower' with an odd total", "the extra padded cell goes on the low side",
               lambda case: _odd_extra(case, "same_lower", "low"),
               (c("same-lower-odd", (4, 5), {"kernel_size": (2, 4), "stride": 1, "padding": "same_lower"}),
                c("same-lower-odd-strided", (7,), {"kernel_size": 2, "stride": 3, "padding": "same_lower"}))),
        Region("'same'/'same_lower' with an even total", "equal padding on both sides",
               lambda case: _padding(case) in ("same", "same_lower")
               and all(a["lo"] == a["hi"] > 0 for a in geometry(case)),
               (c("same-even", (5, 4), {"kernel_size": 3, "stride": 1, "padding": "same"}),)),
        Region("'full'", "k-1 (max_pool: d(k-1)) padded cells per side: every window that overlaps the input",
               lambda case: _padding(case) == "full",
               (c("full", (4, 3), {"kernel_size": (3, 2), "stride": (2, 1), "padding": "full"}),)),
        Region("stride > 1 with a remainder, floor mode",
               "the window count rounds down: the leftover cells are dropped",
               _stride_remainder,
               (c("stride-remainder", (8, 7), {"kernel_size": (3, 2), "stride": (3, 2), "padding": 1}),)),
        Region("per-axis strides, unequal", "stride (s0, s1) steps axis 0 by s0 and axis 1 by s1",
               lambda case: len({a["s"] for a in geometry(case)}) > 1,
               (c("strides-unequal", (7, 8), {"kernel_size": 2, "stride": (1, 3)}),)),
        Region("per-axis kernel sizes, unequal", "kernel (k0, k1) spans k0 cells of axis 0 and k1 of axis 1",
               lambda case: len({a["k"] for a in geometry(case)}) > 1,
               (c("kernels-unequal", (6, 6), {"kernel_size": (3, 1), "stride": (1, 2)}),)),
        Region("ceil mode, the last window overhangs the padded input",
               "ceil mode adds a window over the leftover cells; " + (
                   "its cells beyond the padded input do not take part" if dilated else
                   "cells beyond the padded input count in no divisor"),
               _overhangs,
               (c("ceil-overhang", (6, 5), {"kernel_size": (3, 2), "stride": 2, "padding": (1, 0), "ceil_mode": True}),
                c("ceil-overhang-1d", (11,), {"kernel_size": 2, "ceil_mode": True}))),
        Region("ceil mode, a candidate window would start in the right padding",
               "that window is dropped (it would hold padding only): ceil mode keeps one window fewer than "
               "ceil(leftover / s) + 1",
               _ceil_drops_candidate,
               (c("ceil-dropped", (5, 4), {"kernel_size": 2, "stride": 2, "padding": 1, "ceil_mode": True}),)),
        Region("ceil mode without leftover", "ceil mode adds nothing when the windows tile the padded input",
               _ceil_adds_nothing,
               (c("ceil-exact", (6, 4), {"kernel_size": 2, "stride": 2, "ceil_mode": True}),)),
        Region("empty batch", "a batch of 0 gives an empty output of the right shape",
               lambda case: _x(case).shape[0] == 0,
               (c("empty-batch", (5, 4), {"kernel_size": 2, "padding": "same", "stride": 2}, batch=0),)),
        Region("1-D", "one spatial axis", lambda case: _rank(case) == 1,
               (c("1d", (9,), {"kernel_size": 3, "stride": 2, "padding": 1}),)),
        Region("3-D", "three spatial axes", lambda case: _rank(case) == 3,
               (c("3d", (4, 3, 5), {"kernel_size": (2, 2, 3), "stride": (2, 1, 2), "padding": ((1, 0), 0, (0, 1)),
                                      **indices}),)),
        Region("4-D", "four spatial axes (no native kernel)", lambda case: _rank(case) == 4,
               (c("4d", (3, 2, 3, 4), {"kernel_size": (2, 1, 2, 3), "stride": (1, 1, 2, 1), "padding": (1, 0, 0, 1),
                                     **indices},
                  channels=1),)),
        Region("float32, general data", "float32 accuracy: no float16 or bfloat16 computation inside",
               _float32_general,
               (c("float32-floats", (6, 5), {"kernel_size": 3, "stride": 2, "padding": 1}, fill=general_floats),)),
        Region("float64", "float64 in, float64 out, float64 accuracy", lambda case: case.dtype == "float64",
               (c("float64", (5, 5), {"kernel_size": (2, 3), "stride": 1, "padding": "same"}, dtype="float64",
                  fill=general_floats),)),
        Region("float16", "float16 in, float16 out", lambda case: case.dtype == "float16",
               (c("float16", (5, 4), {"kernel_size": 2, "stride": 1, "padding": 1}, dtype="float16"),)),
    ]
    return regions


def _max_pool_regions() -> list[Region]:
    op = "max_pool"
    c = lambda tag, *args, **kw: pool_case(op, tag, *args, **kw)  # noqa: E731
    return _windowed_regions(op) + [
        Region("dilation > 1", "the window's taps are d apart: dilation * (k - 1) + 1 cells spanned",
               lambda case: any(a["d"] > 1 and a["k"] > 1 for a in geometry(case)),
               (c("dilated", (7, 6), {"kernel_size": 2, "stride": 1, "dilation": 2, "padding": 1}),
                c("dilated-1d-ceil", (10,), {"kernel_size": 3, "stride": 2, "dilation": 2, "ceil_mode": True,
                                            "return_indices": True}))),
        Region("per-axis dilations, unequal", "dilation (d0, d1) spreads axis 0's taps by d0 and axis 1's by d1",
               lambda case: _unequal_on_long_kernels(case, "d"),
               (c("dilations-unequal", (7, 8), {"kernel_size": (2, 3), "stride": 1, "dilation": (3, 1),
                                                "padding": (1, 2)}),)),
        Region("'full', dilation > 1", "full padding is d(k-1) cells per side: the dilated span",
               lambda case: _padding(case) == "full" and any(a["d"] > 1 and a["k"] > 1 for a in geometry(case)),
               (c("full-dilated", (4, 5), {"kernel_size": (2, 3), "stride": 2, "dilation": (3, 2),
                                           "padding": "full"}),)),
        Region("indices returned, no padding", "indices are flat positions in each (n, c) plane of the input",
               lambda case: case.params.get("return_indices", False) and not _has_padding(case),
               (c("indices", (4, 6), {"kernel_size": 2, "stride": (2, 3), "return_indices": True}, batch=2),)),
        Region("indices returned, with padding",
               "indices count cells of the unpadded input (never the padded plane, never a padded cell)",
               lambda case: case.params.get("return_indices", False) and _has_padding(case),
               (c("indices-padded", (5, 4), {"kernel_size": 3, "stride": 2, "padding": ((2, 1), (1, 0)),
                                             "return_indices": True}),
                c("indices-padded-same-lower", (6, 5), {"kernel_size": (2, 3), "stride": 1, "padding": "same_lower",
                                                        "return_indices": True}))),
        Region("ties, indices returned", "the index names the FIRST maximal cell in row-major scan order of the taps",
               lambda case: case.params.get("return_indices", False) and _has_ties(case),
               (c("ties", (5, 6), {"kernel_size": (2, 3), "stride": 1, "return_indices": True}, fill=_ties),
                c("ties-dilated-padded", (6, 5), {"kernel_size": 2, "stride": 2, "dilation": 2, "padding": 1,
                                                  "ceil_mode": True, "return_indices": True}, fill=_ties),
                c("ties-3d", (3, 3, 4), {"kernel_size": 2, "stride": 1, "return_indices": True}, channels=1,
                  fill=_ties))),
        Region("negative data against padding", "padding never wins: a window of negative cells gives its largest cell",
               lambda case: _has_padding(case) and _has(case, lambda x: x < 0) and not _has(case, lambda x: x >= 0),
               (c("negative-padded", (5, 4), {"kernel_size": 3, "stride": 2, "padding": 1, "return_indices": True},
                  fill=_negative),
                c("negative-same", (4, 5), {"kernel_size": (2, 3), "stride": 1, "padding": "same"}, fill=_negative))),
        Region("-inf data against padding",
               "a window of -inf input cells and padding gives -inf and the index of an input cell",
               lambda case: _has_padding(case) and _has(case, np.isneginf),
               (c("neg-inf-padded", (4, 5), {"kernel_size": 2, "stride": 1, "padding": 1, "return_indices": True},
                  fill=_neg_inf_border),
                c("neg-inf-full-1d", (5,), {"kernel_size": 3, "stride": 2, "padding": "full", "return_indices": True},
                  fill=_neg_inf_border, dtype="float64"))),
        Region("NaN in the windows, indices returned",
               "NaN propagates: a window holding NaN gives NaN and the index of its LAST NaN in scan order",
               lambda case: case.params.get("return_indices", False) and _has(case, np.isnan),
               (c("nan", (6, 6), {"kernel_size": (3, 2), "stride": 1, "padding": 1, "return_indices": True},
                  fill=_several_nans),
                c("nan-1d-dilated", (9,), {"kernel_size": 3, "stride": 1, "dilation": 2, "return_indices": True},
                  fill=_several_nans, dtype="float64"))),
        Region("NaN and ±inf, values only", "NaN propagates; +inf wins any window without NaN",
               lambda case: not case.params.get("return_indices", False) and has_nonfinite(case),
               (c("nonfinite", (5, 6), {"kernel_size": 2, "stride": 1, "padding": 1}, nonfinite=True),)),
    ]


def _avg_dilated(case: Case) -> bool:
    return any(a["d"] > 1 and a["k"] > 1 for a in geometry(case))


def _avg_pool_regions() -> list[Region]:
    op = "avg_pool"
    c = lambda tag, *args, **kw: pool_case(op, tag, *args, **kw)  # noqa: E731

    def include_pad(value):
        return lambda case: (case.params.get("count_include_pad", True) is value
                             and "divisor_override" not in case.params)

    return _windowed_regions(op) + [
        Region("count_include_pad left at its default, with padding",
               "count_include_pad=True when not passed: padded cells count in the divisor",
               lambda case: "count_include_pad" not in case.params and case.params.get("divisor_override") is None
               and _has_padding(case),
               (c("include-pad-default", (4, 5), {"kernel_size": 3, "stride": 2, "padding": (1, 2)}),
                c("include-pad-default-per-side", (5,), {"kernel_size": 3, "stride": 1, "padding": ((2, 0),)}))),
        Region("count_include_pad=True, with padding", "padded cells count in the divisor, input cells too",
               lambda case: include_pad(True)(case) and _has_padding(case),
               (c("include-pad", (5, 4), {"kernel_size": 3, "stride": 2, "padding": ((2, 1), 1),
                                          "count_include_pad": True}),)),
        Region("count_include_pad=False, with padding", "only the window's input cells count in the divisor",
               lambda case: include_pad(False)(case) and _has_padding(case),
               (c("exclude-pad", (5, 4), {"kernel_size": 3, "stride": 2, "padding": ((2, 1), 1),
                                          "count_include_pad": False}),
                c("exclude-pad-same", (4,), {"kernel_size": 3, "stride": 1, "padding": "same",
                                             "count_include_pad": False}))),
        Region("ceil overhang, count_include_pad=True",
               "the overhanging window divides by its cells inside the padded input, not by prod(kernel)",
               lambda case: _overhangs(case) and include_pad(True)(case),
               (c("ceil-include", (6, 5), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
                                           "count_include_pad": True}),
                c("ceil-include-no-padding", (8,), {"kernel_size": 3, "stride": 2, "ceil_mode": True,
                                                    "count_include_pad": True}))),
        Region("ceil overhang, count_include_pad=False",
               "the overhanging window divides by its input cells only (neither padding nor overhang)",
               lambda case: _overhangs(case) and include_pad(False)(case),
               (c("ceil-exclude", (6, 5), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
                                           "count_include_pad": False}),
                c("ceil-exclude-per-side", (7,), {"kernel_size": 3, "stride": 2, "padding": ((0, 1),),
                                                  "ceil_mode": True, "count_include_pad": False}))),
        Region("divisor_override", "every window is divided by divisor_override, whatever it holds",
               lambda case: case.params.get("divisor_override") is not None,
               (c("divisor-override", (6, 5), {"kernel_size": (3, 2), "stride": 2, "padding": 1, "ceil_mode": True,
                                               "divisor_override": 5}),
                c("divisor-override-exclude", (5,), {"kernel_size": 2, "stride": 1, "padding": 1,
                                                     "count_include_pad": False, "divisor_override": 3}))),
        Region("NaN and ±inf in the input", "a non-finite input reaches exactly the outputs whose window covers it",
               has_nonfinite,
               (c("nonfinite", (5, 6), {"kernel_size": 2, "stride": 1, "padding": 1}, nonfinite=True),
                c("nonfinite-1d", (9,), {"kernel_size": 3, "stride": 2}, nonfinite=True, dtype="float64"))),
        Region("dilation > 1 (ONNX AveragePool dilations)",
               "the window's k taps are d apart, as max_pool's; the divisor counts taps, not the cells between",
               _avg_dilated,
               (c("avg-dilated", (7, 6), {"kernel_size": 2, "stride": 1, "dilation": 2, "padding": 1}),
                c("avg-dilated-1d", (9,), {"kernel_size": 3, "stride": 2, "dilation": (3,)}))),
        Region("dilation > 1, count_include_pad=False, with padding",
               "only the taps on the input count: a tap in the padding adds nothing and is not counted",
               lambda case: _avg_dilated(case) and include_pad(False)(case) and _has_padding(case),
               (c("avg-dilated-exclude", (6, 5), {"kernel_size": (2, 3), "stride": 2, "dilation": (2, 2),
                                                  "padding": ((2, 1), 2), "count_include_pad": False}),)),
        Region("dilation > 1, ceil overhang",
               "the overhanging dilated window counts its taps inside the padded input only",
               lambda case: _avg_dilated(case) and _overhangs(case),
               (c("avg-dilated-ceil", (9,), {"kernel_size": 2, "stride": 2, "dilation": 3, "padding": 1,
                                             "ceil_mode": True}),
                c("avg-dilated-ceil-exclude", (9, 4), {"kernel_size": (2, 1), "stride": (2, 1), "dilation": (3, 1),
                                                       "padding": (1, 0), "ceil_mode": True,
                                                       "count_include_pad": False}))),
        Region("float16 sums beyond float16's range",
               "the sum is not held in float16: averages of large values stay finite",
               _beyond_float16,
               (c("float16-large", (4, 4), {"kernel_size": 2, "stride": 1}, dtype="float16", fill=_near_float16_max),)),
    ]


# --------------------------------------------------------------------------- global pools


def _global_regions(op: str) -> list[Region]:
    c = lambda tag, size, **kw: pool_case(op, tag, size, {}, **kw)  # noqa: E731
    regions = [
        Region("1-D", "one spatial axis is reduced (not the channels)", lambda case: _rank(case) == 1,
               (c("1d", (7,), channels=3),)),
        Region("2-D", "both spatial axes are reduced", lambda case: _rank(case) == 2,
               (c("2d", (3, 4), batch=2),)),
        Region("3-D", "all three spatial axes are reduced (not only the last two)", lambda case: _rank(case) == 3,
               (c("3d", (3, 2, 4)),)),
        Region("4-D", "all four spatial axes are reduced", lambda case: _rank(case) == 4,
               (c("4d", (2, 3, 2, 2), channels=1),)),
        Region("a single cell", "one spatial cell per plane: the value itself",
               lambda case: math.prod(_x(case).shape[2:]) == 1, (c("single", (1, 1), channels=3),)),
        Region("empty batch", "a batch of 0 gives an empty (0, C, 1, ..., 1) output",
               lambda case: _x(case).shape[0] == 0, (c("empty-batch", (3, 4), batch=0),)),
        Region("float32, general data", "float32 accuracy", _float32_general,
               (c("float32-floats", (5, 4), fill=general_floats),)),
        Region("float64", "float64 in, float64 out", lambda case: case.dtype == "float64",
               (c("float64", (4, 5), dtype="float64", fill=general_floats),)),
        Region("float16", "float16 in, float16 out", lambda case: case.dtype == "float16",
               (c("float16", (3, 5), dtype="float16"),)),
    ]
    if op == "global_max_pool":
        regions += [
            Region("NaN in a plane", "NaN propagates: a plane holding NaN gives NaN", lambda case: _has(case, np.isnan),
                   (c("nan", (3, 4), channels=3, fill=_several_nans),
                    c("nonfinite", (4, 3), nonfinite=True, dtype="float64"))),
            Region("±inf without NaN", "+inf wins; a plane of -inf gives -inf",
                   lambda case: _has(case, np.isinf) and not _has(case, np.isnan),
                   (c("inf", (3, 4), fill=_neg_inf_border),
                    c("all-neg-inf", (2, 2), fill=lambda shape, dtype, rng: np.full(shape, -np.inf, dtype)))),
            Region("ties", "equal maxima give that value", _has_ties, (c("ties", (4, 4), fill=_ties),)),
            Region("negative data", "the maximum of negative values is negative (no zero start value)",
                   lambda case: _has(case, lambda x: x < 0) and not _has(case, lambda x: x >= 0),
                   (c("negative", (3, 3), fill=_negative),)),
        ]
    else:
        regions += [
            Region("NaN and ±inf in a plane", "a non-finite value makes its plane's mean non-finite",
                   has_nonfinite, (c("nonfinite", (4, 3), nonfinite=True),)),
            Region("float16 sums beyond float16's range",
                   "the sum is not held in float16: the mean of large values stays finite",
                   _beyond_float16, (c("float16-large", (3, 3), dtype="float16", fill=_near_float16_max),)),
        ]
    return regions


def REGIONS() -> dict[str, list[Region]]:
    return {
        "max_pool": _max_pool_regions(),
        "avg_pool": _avg_pool_regions(),
        "global_max_pool": _global_regions("global_max_pool"),
        "global_avg_pool": _global_regions("global_avg_pool"),
    }
