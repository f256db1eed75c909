"""Named regions of the unpooling family: ``max_unpool``, ``avg_unpool``, ``first_unpool``.

The output size left at its default (which subtracts the pooling's padding) or given
(spatial or full shape, longer than the default), overlapping blocks (stride < kernel:
avg_unpool's copies add up, max_unpool's switches repeat a cell and the last write
wins), gaps (stride > kernel), kernels and strides that differ per axis, the pooling's
padding in each form (the switches count cells of the unpadded plane), switches per
``(n, c)`` plane, an empty batch, non-finite data, every rank and dtype. See
:mod:`.regions` for what a region is and how a check uses it.
"""

from __future__ import annotations

import numpy as np

from convspec.spec.unpool import check_unpool_arguments, unpool_default_length, unpool_output_size

from convspec.conformance.case import Case
from convspec.conformance.regions import per_case
from convspec.conformance.regions import (
    Region, data_kind, distinct_integers, distinct_values, general_floats, has_nonfinite, rng_for,
    with_nonfinite,
)


def window_indices(rng: np.random.Generator, shape, kernel, stride, pairs, size) -> np.ndarray:
    """One recorded cell per pooling window, inside the window and the unpadded plane (what max_pool records)."""
    flat = np.zeros(shape, dtype=np.int64)
    for axis, (n, k, s, (lo, _), length) in enumerate(zip(shape[2:], kernel, stride, pairs, size)):
        first = np.maximum(np.arange(n) * s - lo, 0)
        last = np.minimum(np.arange(n) * s - lo + k - 1, length - 1)
        view = (None, None) + tuple(slice(None) if a == axis else None for a in range(len(size)))
        low, high = np.broadcast_to(first[view], shape), np.broadcast_to(last[view], shape)
        flat = flat * length + low + rng.integers(0, high - low + 1)
    return flat


def unpool_case(op: str, tag: str, size, params: dict, *, batch: int = 1, channels: int = 2, dtype: str = "float32",
                fill=distinct_values, nonfinite: bool = False, indices=None, indices_dtype: str = "int64") -> Case:
    """One explicit call: input ``(batch, channels, *size)``; for max_unpool, ``indices`` (an array, a function of
    ``(rng, shape, plane)``, or by default one recorded cell per pooling window)."""
    rng = rng_for(op, tag)
    x = fill((batch, channels, *size), dtype, rng)
    if nonfinite:
        x = with_nonfinite(x, rng)
    inputs = {"x": x}
    if op == "max_unpool":
        args = check_unpool_arguments(op, x.shape, **params)
        out = unpool_output_size(args)
        if indices is None:
            indices = window_indices(rng, x.shape, args.kernel_size, args.stride, args.padding, out)
        elif callable(indices):
            indices = indices(rng, x.shape, int(np.prod(out)))
        inputs["indices"] = np.asarray(indices).reshape(x.shape).astype(indices_dtype)
    return Case(op, inputs, dict(params), data_kind(x))


# --------------------------------------------------------------------------- predicates


@per_case  # computed once per case, however many regions ask
def geometry(case: Case) -> list[dict]:
    """Per axis: pooled length, kernel, stride, the pooling's (lo, hi) padding, output and default lengths."""
    x = case.inputs["x"]
    args = check_unpool_arguments(case.op, x.shape, **case.params)
    return [
        {"n": n, "k": k, "s": s, "lo": lo, "hi": hi, "out": out, "default": unpool_default_length(n, k, s, lo, hi)}
        for n, k, s, (lo, hi), out in zip(args.input_size, args.kernel_size, args.stride, args.padding,
                                          unpool_output_size(args))
    ]


def _x(case: Case) -> np.ndarray:
    return case.inputs["x"]


def _rank(case: Case) -> int:
    return _x(case).ndim - 2


def _padding(case: Case):
    return case.params.get("padding", 0)


def _output_size(case: Case):
    return case.params.get("output_size")


def _only_required(case: Case) -> bool:
    return set(case.params) <= {"kernel_size"}


def _longer_than_default(case: Case) -> bool:
    return _output_size(case) is not None and any(a["out"] > a["default"] for a in geometry(case))


def _overlapping(case: Case) -> bool:
    return any(a["s"] < a["k"] for a in geometry(case))


def _has_padding(case: Case) -> bool:
    return any(a["lo"] or a["hi"] for a in geometry(case))


def _duplicates(case: Case) -> bool:
    indices = case.inputs.get("indices")
    if indices is None or indices.size == 0:
        return False
    planes = indices.reshape(indices.shape[0] * indices.shape[1], -1)
    return any(np.unique(plane).size < plane.size for plane in planes)


def _float32_general(case: Case) -> bool:
    return case.dtype == "float32" and case.data_kind == "floats" and not has_nonfinite(case)


def _several_planes(case: Case) -> bool:
    return _x(case).shape[0] > 1 and _x(case).shape[1] > 1


# --------------------------------------------------------------------------- regions


def _shared_regions(op: str) -> list[Region]:
    """The regions all three share: output size, block geometry, ranks, dtypes."""
    c = lambda tag, *args, **kw: unpool_case(op, tag, *args, **kw)  # noqa: E731
    return [
        Region("keywords left at their defaults", "stride = kernel_size, the default output size (n - 1) s + k"
               + (", padding 0" if op == "max_unpool" else ""),
               _only_required, (c("defaults", (3, 2), {"kernel_size": 2}),
                                c("defaults-tuple", (2, 3), {"kernel_size": (3, 2)}))),
        Region("stride left at its default, output_size given", "stride=None means stride = kernel_size",
               lambda case: case.params.get("stride") is None and not _only_required(case),
               (c("stride-default", (2, 3), {"kernel_size": (2, 3), "output_size": (5, 10)}),)),
        Region("output_size (spatial) longer than the default",
               "output_size picks a longer valid length: the extra high cells stay 0 and blocks keep their place",
               lambda case: _longer_than_default(case) and len(_output_size(case)) == _rank(case),
               (c("output-size", (2, 3), {"kernel_size": 2, "stride": (2, 3), "output_size": (5, 8)}),
                c("output-size-1d", (3,), {"kernel_size": 3, "stride": 3, "output_size": (11,)}))),
        Region("output_size as the full shape (N, C, *spatial)", "a full shape's N and C are x's; its tail is the size",
               lambda case: _output_size(case) is not None and len(_output_size(case)) == _rank(case) + 2,
               (c("output-size-full", (2, 2), {"kernel_size": 2, "stride": 2, "output_size": (2, 3, 5, 4)},
                  batch=2, channels=3),)),
        Region("output_size equal to the default", "giving the default size explicitly changes nothing",
               lambda case: _output_size(case) is not None and not _longer_than_default(case),
               (c("output-size-default", (3, 2), {"kernel_size": (2, 3), "stride": (2, 1), "output_size": (6, 4)}),)),
        Region("per-axis kernel sizes, unequal", "kernel (k0, k1) makes blocks k0 long on axis 0 and k1 on axis 1",
               lambda case: len({a["k"] for a in geometry(case)}) > 1,
               (c("kernels-unequal", (2, 3), {"kernel_size": (3, 2)}),
                c("kernels-unequal-strided", (3, 2), {"kernel_size": (1, 3), "stride": 2}))),
        Region("per-axis strides, unequal", "stride (s0, s1) places blocks s0 apart on axis 0 and s1 on axis 1",
               lambda case: len({a["s"] for a in geometry(case)}) > 1,
               (c("strides-unequal", (3, 3), {"kernel_size": 2, "stride": (1, 3)}),)),
        Region("stride > kernel (gaps)", "cells between the blocks belong to no block and stay 0",
               lambda case: any(a["s"] > a["k"] for a in geometry(case)),
               (c("gaps", (3, 2), {"kernel_size": (2, 1), "stride": (3, 2)}),)),
        Region("stride < kernel (overlapping blocks)",
               "blocks overlap: " + {"avg_unpool": "the copies add up", "first_unpool": "first cells stay s apart",
                                     "max_unpool": "a cell may be recorded by two windows"}[op],
               _overlapping,
               (c("overlap", (3, 3), {"kernel_size": (3, 2), "stride": 1}),
                c("overlap-1d", (4,), {"kernel_size": 3, "stride": 2, "output_size": (10,)}))),
        Region("batch and channels > 1", "each (n, c) plane is unpooled on its own",
               _several_planes, (c("planes", (2, 2), {"kernel_size": 2, "stride": 1}, batch=2, channels=3),)),
        Region("empty batch", "a batch of 0 gives an empty output of the right shape",
               lambda case: _x(case).shape[0] == 0,
               (c("empty-batch", (2, 3), {"kernel_size": 2, "output_size": (5, 6)}, batch=0),)),
        Region("1-D", "one spatial axis", lambda case: _rank(case) == 1,
               (c("1d", (4,), {"kernel_size": 3, "stride": 2}),)),
        Region("3-D", "three spatial axes", lambda case: _rank(case) == 3,
               (c("3d", (2, 2, 3), {"kernel_size": (2, 3, 2), "stride": (2, 2, 1)}),)),
        Region("4-D", "four spatial axes (no native kernel)", lambda case: _rank(case) == 4,
               (c("4d", (2, 1, 2, 2), {"kernel_size": (2, 2, 1, 3), "stride": (1, 2, 2, 2)}, channels=1),)),
        Region("NaN and ±inf in x", "non-finite values are moved like any other",
               has_nonfinite,
               (c("nonfinite", (3, 3), {"kernel_size": 2}, nonfinite=True),)),
        Region("float32, general data", "float32 in, float32 out, no rounding of the copies", _float32_general,
               (c("float32-floats", (3, 2), {"kernel_size": 2, "stride": 1}, fill=general_floats),)),
        Region("float64", "float64 in, float64 out", lambda case: case.dtype == "float64",
               (c("float64", (2, 3), {"kernel_size": (2, 3), "stride": (1, 2)}, dtype="float64",
                  fill=general_floats),)),
        Region("float16", "float16 in, float16 out", lambda case: case.dtype == "float16",
               (c("float16", (3, 2), {"kernel_size": 2, "stride": (1, 2)}, dtype="float16"),)),
    ]


def _repeat_cells(rng, shape, plane):
    """Switches among the first three cells of each plane: many pooled positions name the same cell."""
    return rng.integers(0, min(plane, 3), size=shape, dtype=np.int64)


def _anywhere(rng, shape, plane):
    """Switches anywhere in the plane, mostly outside their own window (valid switches are placed where they say)."""
    return rng.integers(0, plane, size=shape, dtype=np.int64)


def _max_unpool_regions() -> list[Region]:
    op = "max_unpool"
    c = lambda tag, *args, **kw: unpool_case(op, tag, *args, **kw)  # noqa: E731
    # two overlapping windows (k=3, s=1) record the same peak cell: pooled positions 0-2 name cell 2, 3 names cell 4
    overlapping_peak = np.array([[[2, 2, 2, 4], [0, 3, 3, 3]]], dtype=np.int64)
    return _shared_regions(op) + [
        Region("int padding > 0, default output size",
               "the default output is (n - 1) s - 2p + k; the switches count cells of the unpadded plane",
               lambda case: isinstance(_padding(case), int) and _padding(case) > 0 and _output_size(case) is None,
               (c("int-padding", (3, 3), {"kernel_size": 3, "stride": 2, "padding": 1}),
                c("int-padding-1d", (4,), {"kernel_size": 3, "stride": 2, "padding": 2}))),
        Region("per-axis padding, unequal values", "padding (p0, p1) shortens axis 0 by 2 p0 and axis 1 by 2 p1",
               lambda case: isinstance(_padding(case), tuple) and all(isinstance(p, int) for p in _padding(case))
               and len(set(_padding(case))) > 1,
               (c("per-axis-padding", (3, 3), {"kernel_size": 3, "stride": 2, "padding": (0, 2)}),)),
        Region("per-side padding, lo != hi", "each (lo, hi) pair shortens the output by lo + hi; switches unpadded",
               lambda case: isinstance(_padding(case), tuple)
               and any(isinstance(p, tuple) and p[0] != p[1] for p in _padding(case)),
               (c("per-side", (3, 3), {"kernel_size": (3, 2), "stride": 2, "padding": ((2, 0), (0, 1))}),
                c("per-side-output-size", (3,), {"kernel_size": 3, "stride": 2, "padding": ((1, 2),),
                                                 "output_size": (5,)}))),
        Region("'valid'", "no padding", lambda case: _padding(case) == "valid",
               (c("valid", (2, 3), {"kernel_size": 2, "stride": (2, 1), "padding": "valid"}),)),
        Region("padding with output_size longer than the default",
               "the requested length is the unpadded input's; padding only bounds which lengths are valid",
               lambda case: _has_padding(case) and _longer_than_default(case),
               (c("padding-output-size", (3, 2), {"kernel_size": 3, "stride": 3, "padding": 1, "output_size": (8, 5)},
                  indices=lambda rng, shape, plane: rng.integers(plane - 8, plane, size=shape)),)),
        Region("duplicate switches", "where several pooled positions name one cell, the LAST in row-major order wins",
               _duplicates,
               (c("duplicates", (3, 3), {"kernel_size": 2, "stride": 1}, indices=_repeat_cells),
                c("duplicates-overlapping-peak", (4,), {"kernel_size": 3, "stride": 1}, indices=overlapping_peak),
                c("duplicates-planes", (2, 3), {"kernel_size": 2}, batch=2, channels=2, indices=_repeat_cells))),
        Region("indices of another integer dtype", "any integer dtype names the same cells as int64",
               lambda case: case.inputs["indices"].dtype != np.int64,
               (c("int32-indices", (3, 2), {"kernel_size": 2, "stride": (1, 2)}, indices_dtype="int32"),
                c("uint8-indices", (2, 2), {"kernel_size": 3, "padding": 1}, indices_dtype="uint8"))),
        Region("switches outside their own window", "each value goes where its index says, wherever that is",
               _outside_window,
               (c("anywhere", (2, 3), {"kernel_size": 2, "stride": 2}, batch=2, indices=_anywhere),)),
    ]


def _outside_window(case: Case) -> bool:
    """Some switch names a cell outside the pooling window of its own pooled position."""
    indices = case.inputs["indices"]
    if indices.size == 0:
        return False
    g = geometry(case)
    coordinates = np.unravel_index(np.clip(indices, 0, np.prod([a["out"] for a in g]) - 1), [a["out"] for a in g])
    for axis, (coordinate, a) in enumerate(zip(coordinates, g)):
        shape = [1] * indices.ndim
        shape[2 + axis] = a["n"]
        start = (np.arange(a["n"]) * a["s"] - a["lo"]).reshape(shape)
        if ((coordinate < start) | (coordinate >= start + a["k"])).any():
            return True
    return False


def _avg_unpool_regions() -> list[Region]:
    op = "avg_unpool"
    c = lambda tag, *args, **kw: unpool_case(op, tag, *args, **kw)  # noqa: E731
    return _shared_regions(op) + [
        Region("overlapping blocks, both axes", "a cell in two blocks along each axis holds the sum of four copies",
               lambda case: all(a["s"] < a["k"] for a in geometry(case)) and _rank(case) > 1,
               (c("overlap-both", (3, 2), {"kernel_size": 3, "stride": (2, 1)}, fill=distinct_integers),)),
        Region("overlapping blocks with output_size", "the extra high cells are in no block: 0",
               lambda case: _overlapping(case) and _longer_than_default(case),
               (c("overlap-output-size", (3, 2), {"kernel_size": (3, 2), "stride": (2, 1), "output_size": (8, 3)}),)),
        Region("overlapping blocks, ±inf", "inf + finite copies stay inf", lambda case: _overlapping(case)
               and has_nonfinite(case),
               (c("overlap-inf", (4,), {"kernel_size": 2, "stride": 1},
                  fill=lambda shape, dtype, rng: with_nonfinite(distinct_values(shape, dtype, rng), rng,
                                                                (np.inf,))),)),
    ]


def _first_unpool_regions() -> list[Region]:
    return _shared_regions("first_unpool")


def REGIONS() -> dict[str, list[Region]]:
    return {
        "max_unpool": _max_unpool_regions(),
        "avg_unpool": _avg_unpool_regions(),
        "first_unpool": _first_unpool_regions(),
    }
