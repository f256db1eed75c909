"""The tolerance model: exact where exactness is guaranteed, the γ_n bound otherwise."""

from __future__ import annotations

import numpy as np
import pytest

from convspec.conformance.tolerance import SumOfProducts, compare, gamma


def test_gamma_is_the_textbook_constant():
    assert gamma(1, 2.0**-24) == pytest.approx(2.0**-24 / (1 - 2.0**-24))
    assert gamma(10, 0.01) == pytest.approx(0.1 / 0.9)
    with pytest.raises(ValueError, match="n\\*u"):
        gamma(2048, 2.0**-11)


def _model(magnitude, dtype="float32", integer_valued=False, terms=9):
    return SumOfProducts(terms, np.asarray(magnitude, dtype=np.float64), dtype, integer_valued)


def test_integer_valued_sums_compare_bit_for_bit():
    model = _model([3.0, 100.0], integer_valued=True)
    assert model.exact and not model.bound().any()
    assert compare(np.float32([1, 2]), np.float32([1, 2]), model).passed
    result = compare(np.float32([1, 2]), np.float32([1, np.nextafter(np.float32(2), np.float32(3))]), model)
    assert not result.passed and result.first_bad_index == (1,) and result.worst_ratio == np.inf


def test_integer_valued_sums_too_large_to_be_exact_fall_back_to_the_bound():
    """Beyond 2^24 a float32 sum of integers can round, so bit-exactness is not promised."""
    model = _model([2.0**25], integer_valued=True)
    assert not model.exact and model.bound()[0] > 0


def test_bound_scales_with_terms_magnitude_and_precision():
    small, large = _model([1.0], terms=2).bound()[0], _model([1.0], terms=200).bound()[0]
    assert 0 < small < large
    assert _model([1.0], dtype="float16").bound()[0] > _model([1.0], dtype="float32").bound()[0]
    assert _model([4.0]).bound()[0] == pytest.approx(4 * _model([1.0]).bound()[0], rel=1e-6)


def test_a_float16_accumulation_error_is_outside_the_float32_bound():
    """Rounding a float32 result to float16 precision is caught: the bound is float32's, not a loose atol."""
    rng = np.random.default_rng(0)
    x, w = rng.uniform(-2, 2, 9), rng.uniform(-2, 2, 9)
    exact = np.float32(np.dot(x, w))
    sloppy = np.float32(np.float16(exact))
    model = _model([np.dot(np.abs(x), np.abs(w))], terms=9)
    assert compare(np.array([exact]), np.array([sloppy]), model).worst_ratio > 1


def test_nan_where_the_reference_is_finite_fails_and_matching_nan_passes():
    model = _model([1.0, 1.0])
    assert not compare(np.float32([1, 2]), np.float32([1, np.nan]), model).passed
    assert compare(np.float32([1, np.nan]), np.float32([1, np.nan]), model).passed


def test_sigmoid_bound_is_the_softmax_bound_of_the_pair_x_and_zero():
    """One derivation: sigmoid(x) = softmax([x, 0])[0], and sigmoid's bound at x is softmax's at [x, 0], first element."""
    from convspec.conformance.case import Case
    from convspec.conformance.families.activations.tolerances import sigmoid_tolerance, softmax_tolerance

    rng = np.random.default_rng(14)
    for dtype in ("float16", "float32", "float64"):
        x = np.concatenate([rng.uniform(-30, 30, 40), [-100.0, -16.5, -1.0, -2.0**-20, 0.0, 2.0**-20, 0.75, 9.0, 40.0]])
        x = x.astype(dtype)
        sigmoid = sigmoid_tolerance(Case("sigmoid", {"x": x}, {}, "floats"))
        pair = np.stack([x, np.zeros_like(x)], axis=-1)
        softmax = softmax_tolerance(Case("softmax", {"x": pair}, {"axis": -1}, "floats"))
        assert sigmoid.terms == softmax.terms == 10  # n = 2, both shifts exact, 8 for the two exps
        np.testing.assert_allclose(sigmoid.bound(), softmax.bound()[:, 0], rtol=1e-15, atol=0)


def test_softmax_counts_the_shift_error_only_where_the_shift_is_inexact():
    from convspec.conformance.families.activations.tolerances import softmax_terms

    assert softmax_terms(np.array([[1.0, 2.0, -7.0]]), -1, "float32") == 3 + 8  # integer shifts: exact
    assert softmax_terms(np.array([[-np.inf, 5.0, np.nan]]), -1, "float32") == 3 + 8  # non-finite entries: no shift
    # the slice maximum is 2.3: 2.3 - 2.3 and 1.1 - 2.3 are exact in both dtypes, -7.9 - 2.3 is not (R = 10.2)
    x32 = np.float32([[1.1, 2.3, -7.9]]).astype(np.float64)
    assert softmax_terms(x32, -1, "float32") == 3 + 2 * 11 + 8
    assert softmax_terms(x32, -1, "float64") == 3 + 8  # float32 values: every difference exact in float64
    assert softmax_terms(np.array([[1.1, 2.3, -7.9]]), -1, "float64") == 3 + 2 * 11 + 8
    assert softmax_terms(np.array([[1.1, 2.3, -7.9]]), 0, "float64") == 1 + 8  # one-element slices: x_j = m


def test_a_subnormal_read_as_zero_names_flush_to_zero():
    """relu(1e-40) == 0 from a target that flushes subnormals said only "expected 1e-40, got 0.0"; the likely
    cause is now named, and only where the expected value is subnormal in the output's dtype and the target's 0."""
    from convspec.conformance.tolerance import FLUSHED, Exact, compare

    def reason(expected, actual):
        return compare(np.asarray(expected), np.asarray(actual), Exact(np.shape(expected))).describe()

    assert reason(np.array([1e-40], np.float32), np.array([0.0], np.float32)).endswith(FLUSHED)
    assert reason(np.array([-5e-310]), np.array([0.0])).endswith(FLUSHED)
    assert FLUSHED not in reason(np.array([1e-30], np.float32), np.array([0.0], np.float32))  # a normal number
    assert FLUSHED not in reason(np.array([1e-40], np.float32), np.array([2e-40], np.float32))  # not 0
