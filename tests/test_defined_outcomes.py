"""Every input has a defined outcome (issue 13): empty batches, huge outputs, odd flags, exact
arithmetic and non-finite values, each in both implementations.

1. batch 0: every catalog operation, reference and accelerated, agrees (the same shape, or the
   same error and message) on a drawn valid call with its batch cut to 0;
2. huge outputs: one shared guard (:mod:`convspec.spec.limits`) refuses them before any work,
   with the same message in both implementations;
3. numpy bools as flags; the gram matrix's message for zero channels; dtype=object where the
   reference cannot compute exactly is refused, where it can (comparisons of numbers) it does;
4. non-finite values in the FFT family: fft_convolve/fft_correlate make the row NaN,
   circular_convolve puts NaN where its sum does.
"""

from __future__ import annotations

import re
import time
from fractions import Fraction

import numpy as np
import pytest
import sympy
import torch
from hypothesis import HealthCheck, given, settings

from convspec import accelerated, reference
from convspec.conformance import catalog
from convspec.conformance.targets import load_target
from convspec.spec import limits

OPERATIONS = catalog.CATALOG
IDS = [op.name for op in OPERATIONS]
ACCELERATED = load_target("accelerated")


def _outcome(fn, arrays, params):
    """``("ok", shapes, dtypes)`` or ``(error type name, message)``."""
    try:
        result = fn(*arrays, **params)
    except Exception as error:  # the outcome under test
        return type(error).__name__, str(error)
    parts = result if isinstance(result, tuple) else (result,)
    return "ok", tuple(tuple(p.shape) for p in parts), tuple(str(p.dtype) for p in parts)


def _batch_zero(op, case):
    """The case's arrays with the batch axis (axis 0 of the first input, and of every input that
    carries the batch) cut to 0."""
    arrays = case.arrays()
    cut = [None if a is None else a for a in arrays]
    cut[0] = arrays[0][:0]
    if op.name in ("style_loss", "content_loss"):  # the second input's batch is 1 or N
        cut[1] = arrays[1][:0]
    if op.name == "max_unpool":  # the switches have x's shape
        cut[1] = arrays[1][:0]
    return cut


# 1. batch 0 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_batch_zero_has_the_same_outcome_in_both_implementations(op):
    seen = []

    @settings(max_examples=8, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(op.strategy())
    def check(case):
        arrays = _batch_zero(op, case)
        expected = _outcome(op.reference, arrays, case.params)
        actual = _outcome(ACCELERATED.functions[op.name], arrays, case.params)
        assert actual == expected, f"{case.describe()} with batch 0: reference {expected}, accelerated {actual}"
        seen.append(expected[0])

    check()
    if op.name not in ("box_iou",):  # an empty box set is a valid call: the result is (0, K)
        assert "ok" in seen, f"{op.name}: batch 0 was never a valid call ({seen})"


@pytest.mark.parametrize(
    "name, arrays",
    [
        ("max_pool", (np.zeros((0, 1, 2, 2, 2, 2), np.float32),)),
        ("avg_pool", (np.zeros((0, 1, 2, 2, 2, 2), np.float32),)),
        ("gram_matrix", (np.zeros((0, 2, 3), np.float32),)),
        ("style_loss", (np.zeros((0, 2, 3), np.float32), np.zeros((1, 2, 3), np.float32))),
        ("fft_convolve", (np.zeros((0, 1, 4), np.float32), np.ones((2, 1, 2), np.float32))),
        ("fft_correlate", (np.zeros((0, 1, 4), np.float32), np.ones((2, 1, 2), np.float32))),
        ("circular_convolve", (np.zeros((0, 1, 4), np.float32), np.ones((2, 1, 2), np.float32))),
    ],
)
def test_batch_zero_literals_that_crashed_torch(name, arrays):
    """The seven calls that raised from torch or MKL internals (a reshape with -1, an empty FFT)."""
    params = {"kernel_size": 2, "ceil_mode": True} if name.endswith("pool") else {}
    expected = getattr(reference, name)(*arrays, **params)
    actual = getattr(accelerated, name)(*(torch.from_numpy(a) for a in arrays), **params)
    assert tuple(actual.shape) == expected.shape and expected.size == 0, (name, actual.shape, expected.shape)
    assert {"max_pool": (0, 1, 1, 1, 1, 1), "gram_matrix": (0, 2, 2), "style_loss": (0,)}.get(
        name, expected.shape
    ) == expected.shape


def test_softmax_over_an_empty_axis_is_empty_in_both():
    x = np.zeros((3, 0), np.float32)
    assert reference.softmax(x).shape == (3, 0)
    assert tuple(accelerated.softmax(torch.from_numpy(x)).shape) == (3, 0)


@pytest.mark.parametrize("implementation", ["reference", "accelerated"])
def test_zero_channels_are_refused_with_the_conventions_message(implementation):
    """Zero channels and empty spatial axes are refused (conventions: channels and sizes >= 1)."""
    module = reference if implementation == "reference" else accelerated
    wrap = (lambda a: a) if implementation == "reference" else torch.from_numpy
    x = wrap(np.zeros((1, 0, 4), np.float32))
    with pytest.raises(ValueError, match=r"correlate: x has an empty axis 1 .*channels and spatial sizes must be >= 1"):
        module.correlate(x, wrap(np.zeros((1, 0, 2), np.float32)))
    with pytest.raises(ValueError, match=r"max_pool: x has an empty axis 1"):
        module.max_pool(x, 2)


# 2. huge outputs ------------------------------------------------------------------------------


def _both(name, arrays, **params):
    """The error message each implementation raises (or "ok")."""
    messages = []
    for module, wrap in ((reference, lambda a: a), (accelerated, torch.from_numpy)):
        try:
            getattr(module, name)(*(wrap(a) for a in arrays), **params)
            messages.append("ok")
        except ValueError as error:
            messages.append(str(error))
    return messages


ONE = np.ones((1, 1, 2), np.float32)


@pytest.mark.parametrize("scale_factor", [1e300, 10**20])
def test_upsample_by_a_huge_factor_is_refused_at_once(scale_factor):
    start = time.perf_counter()
    ref, acc = _both("upsample", (ONE,), scale_factor=scale_factor)
    assert time.perf_counter() - start < 5
    assert ref == acc
    assert ref.startswith("upsample: the output would have shape (1, 1, 2")
    assert "convspec refuses results over 2,147,483,648 elements" in ref and "CONVSPEC_MAX_OUTPUT_ELEMENTS" in ref
    assert "bytes" in ref


@pytest.mark.parametrize(
    "name, arrays, params, shape",
    [
        ("correlate", (ONE, np.ones((1, 1, 2), np.float32)), {"padding": 10**6, "dilation": 1}, (1, 1, 2_000_001)),
        ("correlate", (ONE, np.ones((1, 1, 2), np.float32)), {"padding": "full", "dilation": 10**11}, (1, 1, 100_000_000_002)),
        ("convolve", (ONE, np.ones((1, 1, 2), np.float32)), {"padding": (10**10,)}, (1, 1, 20_000_000_001)),
        ("conv_transpose", (ONE, np.ones((1, 1, 2), np.float32)), {"stride": 10**11}, (1, 1, 100_000_000_002)),
        ("max_pool", (ONE,), {"kernel_size": 10**10, "padding": "full", "stride": 1}, (1, 1, 10_000_000_001)),
        ("avg_pool", (ONE,), {"kernel_size": 10**10, "padding": "full", "stride": 1}, (1, 1, 10_000_000_001)),
        ("avg_unpool", (ONE,), {"kernel_size": 1, "stride": 10**12}, (1, 1, 1_000_000_000_001)),
        ("first_unpool", (ONE,), {"kernel_size": 1, "stride": 10**12}, (1, 1, 1_000_000_000_001)),
        ("upsample", (ONE,), {"size": 10**10}, (1, 1, 10_000_000_000)),
        ("sobel", (np.ones((1, 1, 3, 3), np.float32),), {"padding": 10**5}, (1, 3, 200_001, 200_001)),
        ("dense", (np.ones((10**5, 1), np.float32), np.ones((10**5, 1), np.float32)), {}, (10**5, 10**5)),
        ("gram_matrix", (np.ones((1, 10**5, 1), np.float32),), {}, (1, 10**5, 10**5)),
        ("fft_convolve", (np.ones((1, 1, 2), np.float32), np.ones((10**6, 1, 2), np.float32)), {}, (1, 10**6, 3)),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_outputs_over_the_limit_are_refused_alike_before_any_work(name, arrays, params, shape):
    with limits.output_limit(10**6):
        start = time.perf_counter()
        ref, acc = _both(name, arrays, **params)
        assert time.perf_counter() - start < 10, name
    assert ref == acc, f"{name}: reference {ref!r}, accelerated {acc!r}"
    assert ref.startswith(f"{name}: the output would have shape "), ref
    if shape is not None:
        assert f"shape {shape!r}: {np.prod(shape, dtype=object):,} elements of float32" in ref, ref
    assert "convspec refuses results over 1,000,000 elements" in ref


def test_box_iou_and_style_loss_sizes_are_guarded():
    boxes = np.tile(np.array([[0, 0, 1, 1]], np.float32), (2000, 1))
    with limits.output_limit(10**6):
        ref, acc = _both("box_iou", (boxes, boxes))
        assert ref == acc and ref.startswith("box_iou: the output would have shape (2000, 2000): 4,000,000 elements")
        features = np.ones((1, 2000, 1), np.float32)
        ref, acc = _both("style_loss", (features, features))
        assert ref == acc and ref.startswith("style_loss: the gram matrices would have shape (1, 2000, 2000)")


def test_batch_zero_does_not_exempt_a_huge_walk():
    """An empty output whose other axes span too many positions is refused too: the loops would walk them."""
    with limits.output_limit(10**6):
        ref, acc = _both("upsample", (np.ones((0, 1, 2), np.float32),), size=10**9)
    assert ref == acc and "0 elements (none: an axis is empty, but the others span 1,000,000,000 positions)" in ref


def test_the_limit_is_configurable(monkeypatch):
    x = np.ones((1, 1, 4), np.float32)
    assert reference.upsample(x, scale_factor=2).shape == (1, 1, 8)
    with limits.output_limit(7):
        with pytest.raises(ValueError, match=r"upsample: the output would have shape \(1, 1, 8\): 8 elements of float32, 32 bytes"):
            reference.upsample(x, scale_factor=2)
        with pytest.raises(ValueError, match="over 7 elements"):
            accelerated.upsample(torch.from_numpy(x), scale_factor=2)
    assert accelerated.upsample(torch.from_numpy(x), scale_factor=2).shape == (1, 1, 8)
    monkeypatch.setenv("CONVSPEC_MAX_OUTPUT_ELEMENTS", "5")
    assert limits.max_output_elements() == 5
    with pytest.raises(ValueError, match="over 5 elements"):
        reference.upsample(x, scale_factor=2)
    previous = limits.set_output_limit(100)  # the function wins over the environment
    try:
        assert reference.upsample(x, scale_factor=2).shape == (1, 1, 8)
    finally:
        limits.set_output_limit(previous)
    monkeypatch.setenv("CONVSPEC_MAX_OUTPUT_ELEMENTS", "lots")
    with pytest.raises(ValueError, match="CONVSPEC_MAX_OUTPUT_ELEMENTS must be a positive int"):
        limits.max_output_elements()
    monkeypatch.delenv("CONVSPEC_MAX_OUTPUT_ELEMENTS")
    assert limits.max_output_elements() == limits.DEFAULT_MAX_OUTPUT_ELEMENTS == 2**31
    with pytest.raises(ValueError, match="must be a positive int"):
        limits.set_output_limit(0)


# 3. flags, messages, exact arithmetic ---------------------------------------------------------


def test_numpy_bool_flags_are_accepted():
    x = np.arange(5, dtype=np.float32).reshape(1, 1, 5)
    for flag in (np.True_, np.False_):
        want = reference.max_pool(x, 2, ceil_mode=bool(flag))
        np.testing.assert_array_equal(reference.max_pool(x, 2, ceil_mode=flag), want)
        np.testing.assert_array_equal(accelerated.max_pool(torch.from_numpy(x), 2, ceil_mode=flag).numpy(), want)
        np.testing.assert_array_equal(
            reference.avg_pool(x, 2, ceil_mode=flag, count_include_pad=np.True_), reference.avg_pool(x, 2, ceil_mode=bool(flag))
        )


@pytest.mark.parametrize("implementation", ["reference", "accelerated"])
def test_gram_matrix_of_zero_channels_names_the_empty_axis(implementation):
    features = np.zeros((1, 0, 3), np.float32)
    call = reference.gram_matrix if implementation == "reference" else (lambda a: accelerated.gram_matrix(torch.from_numpy(a)))
    with pytest.raises(ValueError) as raised:
        call(features)
    assert "empty axis" in str(raised.value) and "at least one spatial axis" not in str(raised.value), str(raised.value)


def test_exact_max_and_relu_on_fractions_and_sympy_numbers():
    x = np.array([[[Fraction(1, 3), Fraction(-1, 2), sympy.Rational(2, 3), Fraction(1, 4)]]], dtype=object)
    assert reference.max_pool(x, 2).tolist() == [[[Fraction(1, 3), sympy.Rational(2, 3)]]]
    assert reference.relu(x).tolist() == [[[Fraction(1, 3), 0, sympy.Rational(2, 3), Fraction(1, 4)]]]


def test_free_symbols_cannot_be_ordered_and_say_so():
    a, b = sympy.symbols("a b")
    x = np.array([[[a, b]]], dtype=object)
    with pytest.raises(TypeError, match=r"max_pool: x holds values whose order cannot be decided .*not free symbols"):
        reference.max_pool(x, 2)
    with pytest.raises(TypeError, match=r"relu: x holds values whose order cannot be decided"):
        reference.relu(x)
    positive = sympy.Symbol("p", positive=True)  # a decidable sign is fine
    assert reference.relu(np.array([positive], dtype=object))[0] == positive


@pytest.mark.parametrize(
    "name, arrays",
    [
        ("sigmoid", (np.array([Fraction(1, 2)], dtype=object),)),
        ("softmax", (np.array([Fraction(1, 2), Fraction(1, 3)], dtype=object),)),
        ("box_iou", (np.array([[Fraction(0), 0, 2, 2]], dtype=object), np.array([[Fraction(1), 1, 3, 3]], dtype=object))),
    ],
)
def test_object_arrays_without_exact_arithmetic_are_refused(name, arrays):
    """sigmoid and softmax need exp (irrational on rationals); box_iou works in float64: refused, not rounded."""
    with pytest.raises(TypeError, match=rf"{name}: \w+ has dtype object, but {name} has no exact arithmetic"):
        getattr(reference, name)(*arrays)


# 4. non-finite values in the FFT family -------------------------------------------------------


@pytest.mark.parametrize("implementation", ["reference", "accelerated"])
def test_circular_convolve_keeps_nan_where_the_sum_puts_it(implementation):
    x = np.array([[[1, np.nan, 3, 4, 5, 6]]], np.float32)
    w = np.array([[[2]]], np.float32)
    if implementation == "reference":
        out = reference.circular_convolve(x, w)
    else:
        out = accelerated.circular_convolve(torch.from_numpy(x), torch.from_numpy(w)).numpy()
    np.testing.assert_array_equal(out, [[[2, np.nan, 6, 8, 10, 12]]])
    w2 = np.array([[[0, 1]]], np.float32)  # y[j] = 0 * x[j] + x[j - 1]: NaN at 1 (0 * nan) and 2; x[5] wraps to 0
    x2 = np.array([[[1, np.inf, 3, 4]]], np.float32)
    if implementation == "reference":
        out = reference.circular_convolve(x2, w2)
    else:
        out = accelerated.circular_convolve(torch.from_numpy(x2), torch.from_numpy(w2)).numpy()
    np.testing.assert_array_equal(out, [[[4, np.nan, np.inf, 3]]])


@pytest.mark.parametrize("name", ["fft_convolve", "fft_correlate"])
@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_fft_non_finite_makes_the_whole_row_nan_in_both(name, bad):
    x = np.array([[[1, 2, bad, 4]], [[1, 2, 3, 4]]], np.float64)
    w = np.array([[[1, 1]], [[1, -1]]], np.float64)
    want_clean = getattr(reference, "convolve" if name == "fft_convolve" else "correlate")(x[1:], w, padding="full")
    for out in (
        getattr(reference, name)(x, w),
        getattr(accelerated, name)(torch.from_numpy(x), torch.from_numpy(w)).numpy(),
    ):
        assert out.shape == (2, 2, 5)
        assert np.isnan(out[0]).all(), out[0]  # batch entry 0 holds the non-finite sample: both rows
        np.testing.assert_allclose(out[1], want_clean[0], atol=1e-12)
    w_bad = w.copy()
    w_bad[1, 0, 0] = bad
    for out in (
        getattr(reference, name)(x[1:], w_bad),
        getattr(accelerated, name)(torch.from_numpy(x[1:]), torch.from_numpy(w_bad)).numpy(),
    ):
        assert np.isnan(out[0, 1]).all() and np.isfinite(out[0, 0]).all(), out


# 5. extreme finite values ---------------------------------------------------------------------


def _extreme_boxes(dtype):
    big, tiny = float(np.finfo(dtype).max), float(np.finfo(dtype).smallest_subnormal)
    return [
        [0, 0, 2e19, 2e19],  # the area 4e38 is past float32's range
        [0, 0, 1e-30, 1e-30],  # the area 1e-60 is below float32's smallest subnormal
        [-big, -big, big, big],  # the width 2 * max overflows
        [0, 0, tiny, big],
        [big / 2, 0, big, 1],
    ]


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_box_iou_is_exact_for_extreme_finite_boxes(dtype):
    """IoU is in [0, 1]: representable whatever the coordinates, so an overflowing area is no excuse."""
    for box in _extreme_boxes(dtype):
        with np.errstate(over="ignore"):
            b = np.array([box], np.float64).astype(dtype)
        if not np.isfinite(b).all() or b[0, 2] == b[0, 0]:
            continue  # 2e19 is past float16's range, 1e-30 rounds to 0 there (a zero-area box: IoU 0)
        for out in (reference.box_iou(b, b), accelerated.box_iou(torch.from_numpy(b), torch.from_numpy(b)).numpy()):
            assert out.dtype == dtype and out.tolist() == [[1.0]], (dtype, box, out)
    b = np.array([[0, 0, 2.0**65, 2.0**65], [0, 0, 2.0**64, 2.0**65]], np.float32)  # half the first box: IoU 1/2
    for out in (reference.box_iou(b, b), accelerated.box_iou(torch.from_numpy(b), torch.from_numpy(b)).numpy()):
        np.testing.assert_array_equal(out, [[1, 0.5], [0.5, 1]])


@pytest.mark.parametrize("fmt", ["cxcywh", "xywh"])
def test_box_iou_converts_extreme_float32_boxes_without_overflow(fmt):
    big = float(np.finfo(np.float32).max)
    b = np.array([[big / 2, big / 2, big / 2, big / 2]], np.float32)  # xywh: x2 = max; cxcywh: inside
    for out in (reference.box_iou(b, b, fmt=fmt), accelerated.box_iou(torch.from_numpy(b), torch.from_numpy(b), fmt=fmt).numpy()):
        assert out.tolist() == [[1.0]], (fmt, out)


@pytest.mark.parametrize("fmt, box", [("cxcywh", [1.7e308, 0, 1.7e308, 1]), ("xywh", [1e308, 0, 1.7e308, 1])])
@pytest.mark.parametrize("name", ["box_iou", "nms"])
def test_a_box_whose_corners_overflow_float64_is_refused_alike(name, fmt, box):
    """Its corner ``cx + w/2`` (``x + w``) is past float64's range: the reference gave NaN and the
    accelerated path 0 before; both now refuse it as an invalid box, naming the row, before any work
    (a later box with a negative width is not the one named)."""
    boxes = np.array([[0, 0, 1, 1], box, [0, 0, -1, 1]], np.float64)
    messages = []
    for implementation in ("reference", "accelerated"):
        args = (boxes, boxes) if name == "box_iou" else (boxes, np.ones(3), 0.5)
        if implementation == "accelerated":
            args = tuple(torch.from_numpy(a) if isinstance(a, np.ndarray) else a for a in args)
        with pytest.raises(ValueError) as error:
            getattr(reference if implementation == "reference" else accelerated, name)(*args, fmt=fmt)
        messages.append(str(error.value))
    assert messages[0] == messages[1]
    assert re.search(rf"boxe?s1?\[1\] = .* is not a valid '{fmt}' box; .*corners .* finite in float64", messages[0])


def test_nms_suppresses_duplicates_of_a_box_whose_area_overflows():
    boxes = np.array([[0, 0, 2e19, 2e19], [0, 0, 2e19, 2e19], [1, 1, 2, 2]], np.float32)
    scores = np.array([3, 2, 1], np.float32)
    assert reference.nms(boxes, scores, 0.5).tolist() == [0, 2]
    assert accelerated.nms(torch.from_numpy(boxes), torch.from_numpy(scores), 0.5).tolist() == [0, 2]


def test_global_avg_pool_of_3e38_follows_the_overflow_rule():
    """spec.pool.NON_FINITE: Σ|x| = 4.8e39 is past float32's range, so the sum may overflow. The reference
    sums float32 in float64 (3e38); the accelerated path sums in float32 at native speed (inf). Below half
    the range both must be finite: a 4 x 4 plane of 2^123 (Σ|x| = 2^127, exact in float32)."""
    x = np.full((1, 1, 4, 4), 3e38, np.float32)
    assert reference.global_avg_pool(x).item() == np.float32(3e38)
    assert accelerated.global_avg_pool(torch.from_numpy(x)).item() in (np.float32(3e38), np.inf)
    x = np.full((1, 1, 4, 4), 2.0**123, np.float32)
    for out in (reference.global_avg_pool(x), accelerated.global_avg_pool(torch.from_numpy(x)).numpy()):
        assert out.item() == 2.0**123
    for out in (reference.avg_pool(x, 2), accelerated.avg_pool(torch.from_numpy(x), 2).numpy()):
        np.testing.assert_array_equal(out, np.full((1, 1, 2, 2), 2.0**123, np.float32))


@pytest.mark.parametrize("order", [[1, 1, -1], [1, -1, 1], [-1, 1, 1]])
def test_correlate_near_3e38_follows_the_overflow_rule(order):
    """[1e38, 1e38, -1e38] with kernel ones is 1e38 exactly, but Σ|x·w| = 3e38 is past half of float32's
    range: the partial sum 1e38 + 1e38 fits, 3e38 summed first would not. Which order a sum takes is the
    implementation's: the overflow rule lets it be ±inf or NaN; the reference (float64) is exact. With the
    values at 2^122 (Σ|x·w| = 3 * 2^122, under half the range) both must give 2^122 in every order."""
    from convspec.conformance.tolerance import SumOfProducts, compare

    for scale in (1e38, 2.0**122):
        x = (np.array([order], np.float64) * scale).astype(np.float32)[None]
        w = np.ones((1, 1, 3), np.float32)
        expected = reference.correlate(x, w)
        assert expected.item() == np.float32(scale)
        actual = accelerated.correlate(torch.from_numpy(x), torch.from_numpy(w)).numpy()
        model = SumOfProducts(3, np.abs(x.astype(np.float64)).sum(axis=-1, keepdims=True), "float32", False)
        assert compare(expected, actual, model).passed, (scale, actual)
        if scale == 2.0**122:
            assert actual.item() == scale
    big = np.array([[[3e38, 3e38, -3e38]]], np.float32)  # Σ|x·w| = 9e38: the rule allows inf
    model = SumOfProducts(3, np.array([[[9e38]]]), "float32", False)
    assert model.may_overflow().all()
    assert compare(reference.correlate(big, w), np.array([[[np.inf]]], np.float32), model).passed
    assert not compare(reference.correlate(big, w), np.array([[[1.0]]], np.float32), model).passed
