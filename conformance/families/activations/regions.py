"""Named regions of the activations family: ``relu``, ``sigmoid``, ``softmax``, ``flatten``, ``dense``.

relu at zero, negative zero, NaN and the infinities; sigmoid where a naive ``exp``
overflows (``x < -88.7`` in float32, ``< -11.1`` in float16, ``< -709.8`` in float64) or
the result saturates; softmax with logits that overflow ``exp`` without the maximum
subtracted, the axis left at its default on an input whose axes differ in length, each
axis (negative too), the NaN/±inf rules, a length-1 and an empty axis; flatten of every
rank with distinct values (the order shows); dense without a bias on a non-square and a
square weight, an empty batch; every dtype. See :mod:`.regions` for what a region is.
"""

from __future__ import annotations

import numpy as np

from convspec.spec.activations import check_softmax_axis

from convspec.conformance.case import Case
from convspec.conformance.regions import Region, data_kind, distinct_integers, distinct_values, general_floats, has_nonfinite, rng_for

OPS = ("relu", "sigmoid", "softmax", "flatten", "dense")

NAN, INF = np.nan, np.inf


def act_case(op: str, tag: str, shape=(2, 3), params: dict | None = None, *, dtype: str = "float32",
             fill=distinct_integers, values=None) -> Case:
    """One call of an element-wise op, softmax or flatten: ``x`` of ``shape`` from ``fill``, or the literal ``values``."""
    if values is not None:
        x = np.asarray(values, dtype=np.float64).astype(dtype)
    else:
        x = fill(shape, dtype, rng_for(op, tag))
    return Case(op, {"x": x}, dict(params or {}), data_kind(x))


def dense_case(tag: str, batch: int, n_in: int, n_out: int, *, bias: bool = True, dtype: str = "float32",
               fill=distinct_integers, nonfinite=None) -> Case:
    """``dense(x (batch, n_in), weight (n_out, n_in), bias (n_out,) or None)``."""
    rng = rng_for("dense", tag)
    x = fill((batch, n_in), dtype, rng)
    if nonfinite is not None:
        x = x.copy()
        for (row, column), value in nonfinite:
            x[row, column] = value
    inputs = {"x": x, "weight": fill((n_out, n_in), dtype, rng), "bias": fill((n_out,), dtype, rng) if bias else None}
    return Case("dense", inputs, {}, data_kind(*inputs.values()))


def _x(case: Case) -> np.ndarray:
    return case.inputs["x"]


def _finite_x(case: Case) -> np.ndarray:
    x = _x(case).astype(np.float64)
    return x[np.isfinite(x)]


def _any(case: Case, predicate) -> bool:
    x = _x(case)
    return x.size > 0 and bool(np.any(predicate(x.astype(np.float64))))


def _dtype_regions(op: str, shape, params: dict | None = None) -> list[Region]:
    """float16 / float32 general / float64: the same three regions for every op."""
    c = lambda tag, dtype, fill: act_case(op, tag, shape, params, dtype=dtype, fill=fill)  # noqa: E731
    return [
        Region("float16", "float16 in, float16 out", lambda case: case.dtype == "float16",
               (c("float16", "float16", general_floats),)),
        Region("float32, general data", "float32 accuracy: no float16 or bfloat16 computation inside",
               lambda case: case.dtype == "float32" and case.data_kind == "floats" and not has_nonfinite(case),
               (c("float32-floats", "float32", general_floats),)),
        Region("float64", "float64 in, float64 out, float64 accuracy", lambda case: case.dtype == "float64",
               (c("float64", "float64", general_floats),)),
    ]


def _rank_regions(op: str, params_for=lambda rank: {}) -> list[Region]:
    c = lambda tag, shape: act_case(op, tag, shape, params_for(len(shape)), fill=distinct_values)  # noqa: E731
    return [
        Region("1-D", "a single axis", lambda case: _x(case).ndim == 1, (c("1d", (7,)),)),
        Region("4-D", "four axes, element by element (no axis mixed up)", lambda case: _x(case).ndim == 4,
               (c("4d", (2, 3, 1, 2)),)),
    ]


# --------------------------------------------------------------------------- relu


def _relu() -> list[Region]:
    c = lambda tag, values, dtype="float32": act_case("relu", tag, values=values, dtype=dtype)  # noqa: E731
    return [
        Region("both signs", "negatives become 0, positives are kept unchanged",
               lambda case: _any(case, lambda x: x > 0) and _any(case, lambda x: x < 0),
               (act_case("relu", "signs", (3, 4)),)),
        Region("zero and negative zero", "relu(0) = 0 and relu(-0.0) is a zero (either sign)",
               lambda case: _any(case, lambda x: x == 0),
               (c("zeros", [[0.0, -0.0, 1.0], [-1.0, -0.0, 0.0]]),)),
        Region("NaN", "NaN propagates: relu(nan) = nan (not fmax's 0)", lambda case: _any(case, np.isnan),
               (c("nan", [[NAN, -2.0, 3.0], [1.0, NAN, -NAN]]),
                c("nan-float16", [NAN, -1.0, 2.0, NAN], "float16"))),
        Region("±inf", "relu(inf) = inf, relu(-inf) = 0 (not -inf * 0 = NaN)", lambda case: _any(case, np.isinf),
               (c("inf", [[INF, -INF, 2.0], [-3.0, -INF, INF]]),
                c("inf-float64", [-INF, 1.0, INF, -2.0], "float64"))),
        Region("subnormal magnitudes", "tiny positives are kept, tiny negatives become 0 (no flush to zero)",
               lambda case: case.dtype == "float32" and _any(case, lambda x: (x != 0) & (np.abs(x) < 1.1754944e-38)),
               (c("subnormal", [1e-40, -1e-40, 1.4e-45, -1.4e-45, 3.0, -3.0]),)),
        Region("large magnitudes", "values beyond float16's range stay exact in float32",
               lambda case: case.dtype == "float32" and _any(case, lambda x: np.isfinite(x) & (np.abs(x) > 65504)),
               (c("large", [3.0e38, -3.0e38, 1.0e6, -1.0e6]),)),
        Region("empty input", "an empty array gives an empty array of the same shape",
               lambda case: _x(case).size == 0, (act_case("relu", "empty", (2, 0)),)),
    ] + _rank_regions("relu") + _dtype_regions("relu", (3, 4))


# --------------------------------------------------------------------------- sigmoid


def _sigmoid() -> list[Region]:
    c = lambda tag, values, dtype="float32": act_case("sigmoid", tag, values=values, dtype=dtype)  # noqa: E731
    limit = {"float16": 11.09, "float32": 88.72, "float64": 709.78}  # log of the dtype's largest value
    saturated = {"float16": 8.4, "float32": 17.0, "float64": 37.0}  # above it sigmoid(x) rounds to 1

    def overflowing(case: Case) -> bool:
        bound = limit.get(case.dtype)
        return bound is not None and _any(case, lambda x: np.isfinite(x) & (x < -bound))

    def saturating(case: Case) -> bool:
        bound = saturated.get(case.dtype)
        return bound is not None and _any(case, lambda x: np.isfinite(x) & (x > bound))

    return [
        Region("zero and both signs", "sigmoid(0) = 1/2; sigmoid(-x) = 1 - sigmoid(x)",
               lambda case: _any(case, lambda x: x == 0) and _any(case, lambda x: x < 0) and _any(case, lambda x: x > 0),
               (c("zero", [[0.0, 1.0, -1.0], [2.5, -2.5, -0.0]]),)),
        Region("x < -88.7 in float32 (exp(-x) overflows)",
               "sigmoid(x) = exp(x) / (1 + exp(x)) there, a tiny positive number, not 1 / (1 + inf) = 0",
               lambda case: case.dtype == "float32" and overflowing(case),
               (c("overflow-float32", [-89.0, -95.0, -100.0, -103.0, -1000.0, 3.0]),)),
        Region("x < -11.1 in float16 (exp(-x) overflows float16)",
               "computed wider or in the stable form: sigmoid(-12) = 6.1e-6 in float16, not 0",
               lambda case: case.dtype == "float16" and overflowing(case),
               (c("overflow-float16", [-12.0, -14.0, -16.0, -11.5, 1.0, -1.0], "float16"),)),
        Region("x < -709.8 in float64 (exp(-x) overflows float64)",
               "sigmoid(-720) = 2.0e-313 (a subnormal), not 0",
               lambda case: case.dtype == "float64" and overflowing(case),
               (c("overflow-float64", [-710.0, -720.0, -740.0, -800.0, 2.0], "float64"),)),
        Region("saturating x (sigmoid rounds to 1)", "x above 17 (float32), 37 (float64) gives 1, never NaN or > 1",
               saturating,
               (c("saturate-float32", [17.0, 20.0, 40.0, 88.0, 100.0, 1000.0]),
                c("saturate-float64", [37.0, 40.0, 710.0, 1000.0, -37.0], "float64"))),
        Region("moderately negative x (cancellation)", "sigmoid(-20) = 2.1e-9 to full relative accuracy "
               "(1 + tanh(x/2) cancels to 0 there)",
               lambda case: _any(case, lambda x: (x < -8) & (x > -80)),
               (c("negative", [-9.0, -15.0, -20.0, -30.0, -50.0, -79.0]),)),
        Region("±inf", "sigmoid(inf) = 1, sigmoid(-inf) = 0", lambda case: _any(case, np.isinf),
               (c("inf", [[INF, -INF], [1.0, -1.0]]),)),
        Region("NaN", "NaN propagates", lambda case: _any(case, np.isnan),
               (c("nan", [NAN, 1.0, -1.0, NAN]),)),
        Region("empty input", "an empty array gives an empty array of the same shape",
               lambda case: _x(case).size == 0, (act_case("sigmoid", "empty", (0, 3)),)),
    ] + _rank_regions("sigmoid") + _dtype_regions("sigmoid", (3, 4))


# --------------------------------------------------------------------------- softmax


def _axis(case: Case) -> int | None:
    x = _x(case)
    try:
        return check_softmax_axis("softmax", x.shape, case.params.get("axis", -1))
    except (TypeError, ValueError):
        return None


def _softmax() -> list[Region]:
    def c(tag, shape=(2, 3, 4), params=None, **kw):
        return act_case("softmax", tag, shape, params, **kw)

    def literal(tag, values, params=None, dtype="float32"):
        return act_case("softmax", tag, values=values, params=params, dtype=dtype)

    def logits_above(bound, dtype):
        return lambda case: case.dtype == dtype and _any(case, lambda x: np.isfinite(x) & (x > bound))

    def length_one(case: Case) -> bool:
        axis = _axis(case)
        return axis is not None and _x(case).shape[axis] == 1

    def empty_axis(case: Case) -> bool:
        axis = _axis(case)
        return axis is not None and _x(case).shape[axis] == 0

    def ragged_default(case: Case) -> bool:
        shape = _x(case).shape
        return "axis" not in case.params and len(shape) >= 2 and len(set(shape)) == len(shape)

    def on_axis(index: int):
        return lambda case: "axis" in case.params and _x(case).ndim == 3 and _axis(case) == index

    def negative_axis(case: Case) -> bool:
        axis = case.params.get("axis", -1)
        return "axis" in case.params and isinstance(axis, int) and axis < 0

    def slice_holds(predicate):
        return lambda case: _any(case, predicate)

    def minus_inf_among_finite(case: Case) -> bool:
        axis = _axis(case)
        if axis is None or _x(case).size == 0:
            return False
        x = _x(case).astype(np.float64)
        return bool(np.any(np.any(x == -INF, axis=axis) & np.any(np.isfinite(x), axis=axis)))

    def all_minus_inf(case: Case) -> bool:
        axis = _axis(case)
        if axis is None or _x(case).size == 0 or _x(case).shape[axis] == 0:
            return False
        return bool(np.any(np.all(_x(case) == -INF, axis=axis)))

    def underflowing(case: Case) -> bool:  # every logit of a slice below log(smallest float32)
        axis = _axis(case)
        if case.dtype != "float32" or axis is None or _x(case).size == 0 or _x(case).shape[axis] == 0:
            return False
        x = _x(case).astype(np.float64)
        return bool(np.any(np.all(np.isfinite(x) & (x < -104), axis=axis)))

    return [
        Region("axis left at its default, axes of different lengths", "the default axis is the last (-1), "
               "not the channels (1) nor the first", ragged_default,
               (c("default-3d", (2, 3, 4), fill=distinct_values), c("default-2d", (3, 5), fill=distinct_values),
                c("default-4d", (2, 3, 1, 4), fill=distinct_values))),
        Region("axis left at its default, 1-D", "a 1-D input normalises over its only axis",
               lambda case: "axis" not in case.params and _x(case).ndim == 1,
               (c("default-1d", (6,), fill=distinct_values),)),
        Region("axis 0", "normalises along axis 0, every other index separately", on_axis(0),
               (c("axis-0", (3, 2, 4), {"axis": 0}, fill=distinct_values),)),
        Region("axis 1", "normalises along axis 1", on_axis(1),
               (c("axis-1", (2, 4, 3), {"axis": 1}, fill=distinct_values),)),
        Region("axis 2 (the last, passed)", "axis=2 of a 3-D input is the last axis", on_axis(2),
               (c("axis-2", (3, 2, 4), {"axis": 2}, fill=distinct_values),)),
        Region("negative axis", "axis -k counts from the end: -2 of a 3-D input is axis 1", negative_axis,
               (c("axis-minus-2", (2, 4, 3), {"axis": -2}, fill=distinct_values),
                c("axis-minus-3", (3, 2, 4), {"axis": -3}, fill=distinct_values),
                c("axis-minus-1", (2, 5), {"axis": -1}, fill=distinct_values))),
        Region("float32 logits above 88.7", "exp(x - max): no overflow where exp(x) alone is inf",
               logits_above(88.72, "float32"),
               (literal("large-float32", [[100.0, 99.0, 97.0, 90.0], [89.0, 95.0, 1.0, 94.5]]),
                literal("large-float32-axis0", [[1000.0, 1.0], [999.0, 2.0], [998.5, 3.0]], {"axis": 0}))),
        Region("float16 logits above 11.1", "exp(x - max): no overflow where exp(x) alone exceeds 65504",
               logits_above(11.09, "float16"),
               (literal("large-float16", [[12.0, 11.5, 10.0], [30.0, 29.0, 28.0]], dtype="float16"),)),
        Region("float64 logits above 709.8", "exp(x - max): no overflow in float64 either",
               logits_above(709.79, "float64"),
               (literal("large-float64", [[800.0, 799.0, 797.5], [710.0, 1.0, 709.0]], dtype="float64"),)),
        Region("float32 slice entirely below -104", "exp(x - max) keeps the largest term 1: not 0/0 where "
               "every exp(x) underflows", underflowing,
               (literal("tiny-float32", [[-120.0, -121.0, -119.0], [-200.0, -201.5, -199.0]]),)),
        Region("-inf among finite logits", "exp(-inf) = 0: that entry is 0, the others a distribution",
               minus_inf_among_finite,
               (literal("minus-inf", [[-INF, 1.0, 2.0], [3.0, -INF, -INF]]),)),
        Region("slice of -inf only", "all -inf gives NaN for the whole slice (as torch.softmax)", all_minus_inf,
               (literal("all-minus-inf", [[-INF, -INF, -INF], [1.0, 2.0, 3.0]]),)),
        Region("+inf in a slice", "a slice holding +inf is NaN throughout", slice_holds(lambda x: x == INF),
               (literal("plus-inf", [[INF, 1.0, 2.0], [1.0, 2.0, 3.0]]),)),
        Region("NaN in a slice", "a NaN makes its whole slice NaN, other slices untouched", slice_holds(np.isnan),
               (literal("nan", [[1.0, NAN, 2.0], [1.0, 2.0, 3.0]]),
                literal("nan-axis0", [[1.0, NAN], [2.0, 3.0], [4.0, 5.0]], {"axis": 0}))),
        Region("length-1 axis", "a one-element slice is 1 (NaN if the element is NaN or ±inf)", length_one,
               (c("length-one", (3, 1), {"axis": 1}),
                literal("length-one-specials", [[2.0, NAN, -INF, INF, -7.0]], {"axis": 0}))),
        Region("empty input, another axis of length 0", "an empty batch gives an empty result",
               lambda case: _x(case).size == 0 and not empty_axis(case), (c("empty-batch", (0, 3), {"axis": 1}),)),
        Region("ties", "equal logits share equally: a uniform slice",
               lambda case: _x(case).size > 1 and len(np.unique(_finite_x(case))) < _finite_x(case).size,
               (literal("ties", [[2.0, 2.0, 2.0, 2.0], [5.0, -1.0, 5.0, -1.0]]),)),
        Region("wide spread (some outputs underflow)", "exp(x - max) underflows to 0 far below the maximum; "
               "the maximum's share is 1",
               lambda case: _finite_x(case).size > 1 and float(np.ptp(_finite_x(case))) > 120,
               (literal("spread", [[0.0, -150.0, -50.0, -110.0], [60.0, -60.0, 0.0, 59.0]]),)),
    ] + _rank_regions("softmax", lambda rank: {"axis": -1}) + _dtype_regions("softmax", (2, 5), {"axis": 0})


# --------------------------------------------------------------------------- flatten


def _flatten() -> list[Region]:
    c = lambda tag, shape, **kw: act_case("flatten", tag, shape, fill=distinct_values, **kw)  # noqa: E731
    rank = lambda r: (lambda case: _x(case).ndim == r)  # noqa: E731
    return [
        Region("rank 2 (already flat)", "(N, d) is returned as it is (a copy)", rank(2), (c("rank-2", (3, 4)),)),
        Region("rank 3", "(N, C, L) -> (N, C L), row-major: channel by channel", rank(3), (c("rank-3", (2, 3, 4)),)),
        Region("rank 4", "(N, C, H, W) -> (N, C H W) in (c, h, w) order, not channels-last (h, w, c)", rank(4),
               (c("rank-4", (2, 3, 2, 4)),)),
        Region("rank 5", "(N, C, D, H, W) -> (N, C D H W), row-major", rank(5), (c("rank-5", (2, 2, 3, 2, 2)),)),
        Region("size-1 axes", "axes of length 1 change nothing in the order",
               lambda case: _x(case).ndim > 2 and 1 in _x(case).shape[1:], (c("ones", (2, 1, 3, 1, 2)),)),
        Region("batch 1", "a single image", lambda case: _x(case).shape[0] == 1, (c("batch-1", (1, 2, 3, 2)),)),
        Region("empty batch", "(0, d_1, ...) -> (0, d_1 ...)", lambda case: _x(case).shape[0] == 0,
               (c("empty-batch", (0, 3, 2, 2)),)),
        Region("NaN and ±inf values", "non-finite values are copied like any other",
               has_nonfinite,
               (act_case("flatten", "nonfinite", values=[[[NAN, 1.0], [INF, -2.0]], [[-INF, 3.0], [4.0, NAN]]]),)),
    ] + [
        Region("float16", "float16 in, float16 out", lambda case: case.dtype == "float16",
               (c("float16", (2, 3, 2), dtype="float16"),)),
        Region("float64", "float64 in, float64 out", lambda case: case.dtype == "float64",
               (act_case("flatten", "float64", (2, 2, 3), dtype="float64", fill=general_floats),)),
    ]


# --------------------------------------------------------------------------- dense


def _dense() -> list[Region]:
    def shapes(case: Case):
        return case.inputs["x"].shape, case.inputs["weight"].shape

    def no_bias(case: Case) -> bool:
        return case.inputs["bias"] is None

    def square(case: Case) -> bool:
        (_, n_in), (n_out, _) = shapes(case)
        return n_in == n_out

    return [
        Region("bias absent, non-square weight", "y = x @ weight.T for an (n_out, n_in) weight (not x @ weight)",
               lambda case: no_bias(case) and not square(case),
               (dense_case("no-bias", 2, 3, 4, bias=False), dense_case("no-bias-wide", 3, 5, 2, bias=False))),
        Region("bias absent, square weight", "weight[o, i] multiplies x[:, i]: the transpose gives another answer",
               lambda case: no_bias(case) and square(case), (dense_case("no-bias-square", 2, 3, 3, bias=False),)),
        Region("bias present", "the bias is added once to every row", lambda case: not no_bias(case),
               (dense_case("bias", 3, 4, 2), dense_case("bias-square", 2, 3, 3))),
        Region("n_out = 1 or n_in = 1", "a single output or input feature", lambda case: 1 in shapes(case)[1],
               (dense_case("one-out", 3, 4, 1), dense_case("one-in", 2, 1, 3, bias=False))),
        Region("batch 1", "a single row", lambda case: shapes(case)[0][0] == 1, (dense_case("batch-1", 1, 5, 3),)),
        Region("empty batch", "(0, n_in) gives (0, n_out)", lambda case: shapes(case)[0][0] == 0,
               (dense_case("empty-batch", 0, 3, 2), dense_case("empty-batch-no-bias", 0, 4, 3, bias=False))),
        Region("long rows", "sums of many products (n_in >= 16)", lambda case: shapes(case)[0][1] >= 16,
               (dense_case("long", 2, 24, 3, fill=general_floats),)),
        Region("magnitudes beyond float16", "float32 sums far above float16's 65504 stay exact",
               lambda case: case.dtype == "float32" and max(float(np.abs(a).max(initial=0)) for a in case.arrays()
                                                            if a is not None) > 65504,
               (dense_case("large", 2, 3, 2,
                           fill=lambda shape, dtype, rng: distinct_integers(shape, dtype, rng) * np.float32(2.0**14)),)),
        Region("NaN and ±inf in x", "a non-finite input reaches every output of its row, and only its row",
               has_nonfinite,
               (dense_case("nonfinite", 3, 3, 2, nonfinite=[((0, 1), NAN), ((2, 0), INF)]),)),
        Region("float16", "float16 in, float16 out", lambda case: case.dtype == "float16",
               (dense_case("float16", 2, 4, 3, dtype="float16"),)),
        Region("float32, general data", "float32 accuracy: no float16 or bfloat16 computation inside",
               lambda case: case.dtype == "float32" and case.data_kind == "floats" and not has_nonfinite(case),
               (dense_case("float32-floats", 2, 6, 3, fill=general_floats),)),
        Region("float64", "float64 in, float64 out, float64 accuracy", lambda case: case.dtype == "float64",
               (dense_case("float64", 2, 5, 3, dtype="float64", fill=general_floats),)),
    ]


def REGIONS() -> dict[str, list[Region]]:
    return {"relu": _relu(), "sigmoid": _sigmoid(), "softmax": _softmax(), "flatten": _flatten(), "dense": _dense()}
