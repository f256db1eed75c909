"""Named regions of the FFT family: ``fft_convolve`` and ``fft_correlate``.

Each mode with the geometry that tells its crop apart (even and odd kernels for
``"same"``, whose crop starts at ``k // 2``), the mode left at its default, transform
lengths where ``n + k - 1`` is just above a power of two (a transform one sample short
wraps the last sample onto the first), kernels longer than the input, kernels
asymmetric on every axis (the flip shows), channels summed in the frequency domain,
an empty batch, the non-finite rule (a NaN or an infinity in ``x[b]`` or ``weight[c]``
makes the whole row ``y[b, c]`` NaN, :mod:`convspec.reference.fft`), every rank and
dtype. See :mod:`.regions` for what a region is and how a check uses it.
"""

from __future__ import annotations

import numpy as np

from convspec.conformance.case import Case
from convspec.conformance.regions import Region, data_kind, distinct_integers, general_floats, has_nonfinite, rng_for

OPS = ("fft_convolve", "fft_correlate")


def fft_case(op: str, tag: str, size, kernel, params: dict, *, batch: int = 1, c_in: int = 1, c_out: int = 1,
             dtype: str = "float32", fill=distinct_integers, nonfinite: dict | None = None) -> Case:
    """One explicit call: ``x`` ``(batch, c_in, *size)``, ``weight`` ``(c_out, c_in, *kernel)``, data from ``fill``.

    ``nonfinite`` maps ``"x"``/``"weight"`` to ``{index: value}``: elements set after the fill."""
    rng = rng_for(op, tag)
    inputs = {"x": fill((batch, c_in, *size), dtype, rng), "weight": fill((c_out, c_in, *kernel), dtype, rng)}
    for name, values in (nonfinite or {}).items():
        for index, value in values.items():
            inputs[name][index] = value
    return Case(op, inputs, dict(params), data_kind(*inputs.values()))


def _mode(case: Case) -> str:
    return case.params.get("mode", "full")


def _sizes(case: Case):
    """Per spatial axis: ``(n, k)``."""
    return list(zip(case.inputs["x"].shape[2:], case.inputs["weight"].shape[2:]))


def _just_above_power_of_two(case: Case) -> bool:
    """Some axis has ``n + k - 1 = 2^m + 1``: the least power of two >= n + k - 2 is one sample short."""
    return any((n + k - 2) >= 1 and (n + k - 2) & (n + k - 3) == 0 for n, k in _sizes(case))


def _exactly_power_of_two(case: Case) -> bool:
    return any((n + k - 1) & (n + k - 2) == 0 and n + k - 1 > 1 for n, k in _sizes(case))


def _asymmetric_on_every_axis(case: Case) -> bool:
    """Every axis has k > 1 and the kernel changes under a flip of each axis alone: a missing or one-axis flip shows."""
    weight = case.inputs["weight"]
    if any(k < 2 for k in weight.shape[2:]) or weight.size == 0:
        return False
    with np.errstate(invalid="ignore"):
        return all(not np.array_equal(weight, np.flip(weight, axis=a), equal_nan=True) for a in range(2, weight.ndim))


def _shared_regions(op: str) -> list[Region]:
    c = lambda tag, *args, **kw: fft_case(op, tag, *args, **kw)  # noqa: E731
    return [
        Region("mode left at its default", "'full' when not passed: n + k - 1 samples per axis",
               lambda case: "mode" not in case.params,
               (c("default", (5,), (3,), {}), c("default-2d", (3, 4), (2, 3), {}, c_out=2))),
        Region("'full'", "all n + k - 1 samples of the linear convolution, crop from 0",
               lambda case: _mode(case) == "full" and "mode" in case.params,
               (c("full", (6,), (4,), {"mode": "full"}), c("full-2d", (4, 3), (3, 2), {"mode": "full"}))),
        Region("'same', odd kernel", "n samples from (k - 1) / 2: centred",
               lambda case: _mode(case) == "same" and any(k % 2 == 1 and k > 1 for _, k in _sizes(case)),
               (c("same-odd", (7,), (3,), {"mode": "same"}), c("same-odd-5", (6,), (5,), {"mode": "same"}))),
        Region("'same', even kernel", "n samples from k // 2 (the odd zero goes high), not scipy's (k - 1) // 2",
               lambda case: _mode(case) == "same" and any(k % 2 == 0 for _, k in _sizes(case)),
               (c("same-even", (6,), (2,), {"mode": "same"}), c("same-even-4", (7,), (4,), {"mode": "same"}),
                c("same-mixed-2d", (4, 5), (4, 3), {"mode": "same"}))),
        Region("'valid'", "n - k + 1 samples from k - 1: only where the kernel fits",
               lambda case: _mode(case) == "valid" and any(k > 1 for _, k in _sizes(case)),
               (c("valid", (7,), (3,), {"mode": "valid"}), c("valid-2d", (5, 4), (2, 3), {"mode": "valid"}))),
        Region("'valid', kernel as long as the input", "one sample on that axis: the full overlap",
               lambda case: _mode(case) == "valid" and any(n == k > 1 for n, k in _sizes(case)),
               (c("valid-equal", (4,), (4,), {"mode": "valid"}), c("valid-equal-2d", (3, 5), (3, 2), {"mode": "valid"}))),
        Region("n + k - 1 just above a power of two", "the transform holds n + k - 1 samples: one short wraps the last",
               _just_above_power_of_two,
               (c("pow2-plus-1", (6,), (4,), {}), c("pow2-plus-1-full", (7,), (3,), {"mode": "full"}),
                c("pow2-plus-1-2d", (3, 14), (3, 4), {"mode": "full"}),
                c("pow2-plus-1-same", (15,), (3,), {"mode": "same"}))),
        Region("n + k - 1 a power of two", "the least power of two >= n + k - 1 is n + k - 1 itself: no wrap",
               _exactly_power_of_two, (c("pow2", (5,), (4,), {}), c("pow2-2d", (6, 3), (3, 2), {"mode": "same"}))),
        Region("kernel longer than the input", "'full' and 'same' accept k > n: the roles of the signals swap",
               lambda case: any(k > n for n, k in _sizes(case)),
               (c("long-kernel-full", (2,), (5,), {"mode": "full"}), c("long-kernel-same", (3,), (6,), {"mode": "same"}),
                c("long-kernel-2d", (2, 4), (3, 2), {"mode": "same"}))),
        Region("kernel of length 1", "a 1-tap axis: crop start 0 in every mode, the output scales that axis",
               lambda case: any(k == 1 for _, k in _sizes(case)),
               (c("k1", (5,), (1,), {"mode": "same"}, c_in=2), c("k1-2d", (3, 4), (1, 3), {"mode": "valid"}))),
        Region("kernel asymmetric on every axis", "convolve flips the kernel on every axis, correlate on none",
               _asymmetric_on_every_axis,
               (c("asymmetric", (5,), (3,), {"mode": "valid"}), c("asymmetric-2d", (4, 4), (2, 3), {"mode": "full"}))),
        Region("input channels summed", "y[b, c] = sum_q x[b, q] (*) w[c, q], summed in the frequency domain",
               lambda case: case.inputs["x"].shape[1] > 1,
               (c("channels", (5,), (3,), {"mode": "same"}, c_in=3, c_out=2),
                c("channels-square", (4, 3), (2, 2), {"mode": "full"}, c_in=2, c_out=2))),
        Region("batch > 1", "each batch entry transformed on its own, in order",
               lambda case: case.inputs["x"].shape[0] > 1,
               (c("batch", (6,), (2,), {"mode": "same"}, batch=3, c_out=2),)),
        Region("empty batch", "a batch of 0 gives an empty (0, C_out, *L) output",
               lambda case: case.inputs["x"].shape[0] == 0,
               (c("empty", (5,), (2,), {"mode": "same"}, batch=0, c_out=2),
                c("empty-2d", (3, 4), (2, 2), {}, batch=0, c_in=2))),
        Region("NaN and ±inf", "a NaN or ±inf in x[b] or weight[c] makes every output of y[b, c] NaN, no other row",
               has_nonfinite,
               (c("nonfinite", (5,), (3,), {"mode": "same"}, batch=2, c_out=3,
                  nonfinite={"x": {(0, 0, 2): np.nan}, "weight": {(1, 0, 0): np.inf}}),
                c("nonfinite-2d", (4, 3), (2, 2), {"mode": "valid"}, batch=3, c_in=2, c_out=2, dtype="float64",
                  nonfinite={"x": {(1, 1, 3, 0): -np.inf, (2, 0, 0, 2): np.inf}}))),
        Region("1-D", "one spatial axis", lambda case: case.inputs["x"].ndim == 3,
               (c("1d", (9,), (4,), {"mode": "valid"}, c_out=2),)),
        Region("2-D, unequal axes", "axis 0 and axis 1 transformed, padded and cropped each by its own n and k",
               lambda case: case.inputs["x"].ndim == 4 and len(set(case.inputs["x"].shape[2:])) > 1
               and len(set(case.inputs["weight"].shape[2:])) > 1,
               (c("2d", (3, 6), (2, 3), {"mode": "same"}), c("2d-tall", (7, 2), (4, 1), {"mode": "full"}))),
        Region("3-D", "three spatial axes", lambda case: case.inputs["x"].ndim == 5,
               (c("3d", (3, 4, 2), (2, 3, 2), {"mode": "same"}), c("3d-valid", (3, 3, 4), (2, 1, 3), {"mode": "valid"}))),
        Region("float32, general data", "float32 transforms: no float16 or bfloat16 computation inside",
               lambda case: case.dtype == "float32" and case.data_kind == "floats" and not has_nonfinite(case),
               (c("float32-floats", (8,), (3,), {"mode": "full"}, c_in=2, fill=general_floats),)),
        Region("float64", "float64 in, float64 out, float64 transforms", lambda case: case.dtype == "float64",
               (c("float64", (5, 4), (3, 2), {"mode": "same"}, dtype="float64", fill=general_floats),
                c("float64-integers", (9,), (4,), {}, dtype="float64"))),
        Region("float16", "float16 in, float16 out (transformed in float32)", lambda case: case.dtype == "float16",
               (c("float16", (6,), (3,), {"mode": "same"}, dtype="float16"),
                c("float16-floats", (4, 3), (2, 2), {}, dtype="float16", fill=general_floats))),
    ]


def REGIONS() -> dict[str, list[Region]]:
    return {op: _shared_regions(op) for op in OPS}
