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
