"""Properties of upsample, in both implementations.

Integer-factor nearest is numpy.repeat and average unpooling, and average pooling
undoes it; align_corners=True at 2n - 1 keeps the samples and puts midpoints between;
linear interpolation reproduces linear ramps; the nearest modes copy bits (NaN, inf,
-0.0). (The closed forms: tests/test_upsample.py.)
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import convspec.spec.upsample as spec_upsample
from convspec import accelerated, reference
from convspec.conformance.case import Case

from upsample_helpers import (
    IMPLEMENTATIONS,
    LINEAR,
    NEAREST,
    assert_identical,
    assert_within_model,
    describe,
    integers,
    reference_upsample,
    run,
    to_numpy,
)


# --------------------------------------------------------------------------------------
# 1. Properties
# --------------------------------------------------------------------------------------


@st.composite
def integer_factor_cases(draw, max_dims=3):
    """Integer-valued x with one integer upsampling factor per axis."""
    dims = draw(st.integers(1, max_dims))
    factors = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    size = tuple(draw(st.integers(1, 5 if dims < 3 else 3)) for _ in range(dims))
    dtype = draw(st.sampled_from(("float32", "float64", "float16")))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = integers((draw(st.integers(1, 2)), draw(st.integers(1, 2)), *size), dtype, rng)
    return x, factors


def repeat(x: np.ndarray, factors) -> np.ndarray:
    for axis, k in enumerate(factors):
        x = np.repeat(x, k, axis=2 + axis)
    return x


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("mode", NEAREST)
@given(case=integer_factor_cases(max_dims=4))
def test_integer_factor_nearest_is_numpy_repeat(implementation, mode, case):
    """Seed 004: 'copy over each input value into all the corresponding output units'. Both nearest modes."""
    x, factors = case
    for params in ({"scale_factor": factors}, {"size": tuple(k * n for k, n in zip(factors, x.shape[2:]))}):
        params = {**params, "mode": mode}
        assert_identical(repeat(x, factors), run(implementation, x, **params), f"{implementation} {describe(x, params)}")


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@given(case=integer_factor_cases())
def test_integer_factor_nearest_equals_avg_unpool(implementation, case):
    module = reference if implementation == "reference" else accelerated
    if not hasattr(module, "avg_unpool"):
        pytest.skip(f"convspec.{implementation} has no avg_unpool yet")
    x, factors = case
    unpooled = reference.avg_unpool(x, factors) if implementation == "reference" else to_numpy(
        accelerated.avg_unpool(torch.from_numpy(x.copy()), factors)
    )
    assert_identical(unpooled, run(implementation, x, scale_factor=factors), f"avg_unpool vs upsample, factors {factors}")


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("mode", NEAREST)
@given(case=integer_factor_cases())
def test_avg_pool_undoes_integer_factor_nearest(implementation, mode, case):
    """The mean of k equal integer copies is the value (exact: small integer sums)."""
    x, factors = case
    up = run(implementation, x, scale_factor=factors, mode=mode)
    blocks = up.reshape(x.shape[:2] + tuple(v for n, k in zip(x.shape[2:], factors) for v in (n, k)))
    means = blocks.astype(np.float64).mean(axis=tuple(range(3, blocks.ndim, 2))).astype(x.dtype)
    assert_identical(x, means, f"numpy block mean of {implementation} upsample, factors {factors}")
    if hasattr(reference, "avg_pool"):
        pooled = reference.avg_pool(up, factors) if implementation == "reference" else to_numpy(
            accelerated.avg_pool(torch.from_numpy(up.copy()), factors)
        )
        assert_identical(x, pooled, f"convspec {implementation} avg_pool of upsample, factors {factors}")


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("mode", LINEAR)
@given(data=st.data())
def test_align_corners_at_2n_minus_1_keeps_samples_and_adds_midpoints(implementation, mode, data):
    """Integer data: every weight is 0, 1/2, 1/4 or 1/8, so both implementations are exact here."""
    dims = spec_upsample.LINEAR_MODES[mode]
    size = tuple(data.draw(st.integers(1, 6 if dims < 3 else 3)) for _ in range(dims))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    x = integers((1, 2, *size), data.draw(st.sampled_from(("float32", "float64"))), rng)
    params = {"size": tuple(2 * n - 1 for n in size), "mode": mode, "align_corners": True}
    y = run(implementation, x, **params)
    what = f"{implementation} {describe(x, params)}"
    assert_identical(x, y[(slice(None), slice(None)) + (slice(None, None, 2),) * dims], f"{what}: even positions")
    # odd positions along an axis: the midpoint of the neighbours along that axis
    for axis in range(dims):
        if size[axis] < 2:
            continue
        evens = [slice(None, None, 2)] * dims
        left = y[(slice(None), slice(None), *evens[:axis], slice(0, -1, 2), *evens[axis + 1:])]
        right = y[(slice(None), slice(None), *evens[:axis], slice(2, None, 2), *evens[axis + 1:])]
        middle = y[(slice(None), slice(None), *evens[:axis], slice(1, None, 2), *evens[axis + 1:])]
        assert_identical(((left.astype(np.float64) + right) / 2).astype(x.dtype), middle, f"{what}: midpoints, axis {axis}")


@pytest.mark.parametrize("mode", LINEAR)
@given(data=st.data())
def test_linear_interpolation_of_a_ramp_is_the_ramp_at_the_coordinate(mode, data):
    """x = a + sum_a b_a i_a: the output is a + sum_a b_a s_a wherever every s_a <= n_a - 1 (exact in Fractions)."""
    dims = spec_upsample.LINEAR_MODES[mode]
    size = tuple(data.draw(st.integers(2, 6 if dims < 3 else 3)) for _ in range(dims))
    align = data.draw(st.booleans())
    if data.draw(st.booleans()):
        params = {"size": tuple(data.draw(st.integers(1, 9 if dims < 3 else 4)) for _ in range(dims))}
    else:
        params = {"scale_factor": data.draw(st.sampled_from((2, 1.5, 3, 2.5, 1.1, 0.75)))}
    params.update(mode=mode, align_corners=align)
    offset = Fraction(data.draw(st.integers(-5, 5)))
    slopes = [Fraction(data.draw(st.integers(-4, 4)), data.draw(st.integers(1, 3))) for _ in range(dims)]
    ramp = np.empty((1, 1, *size), dtype=object)
    for index in np.ndindex(size):
        ramp[(0, 0, *index)] = offset + sum(b * i for b, i in zip(slopes, index))
    y = reference.upsample(ramp, **params)
    args = spec_upsample.check_upsample_arguments(
        "upsample", ramp.shape, scale_factor=params.get("scale_factor"), size=params.get("size"), mode=mode, align_corners=align
    )
    taps = [reference_upsample.axis_taps(args, a) for a in range(dims)]
    interior = 0
    for position in np.ndindex(args.output_size):
        coordinates = [taps[a][t][0] for a, t in enumerate(position)]
        if all(s <= n - 1 for s, n in zip(coordinates, size)):
            interior += 1
            expected = offset + sum(b * s for b, s in zip(slopes, coordinates))
            assert y[(0, 0, *position)] == expected, f"{describe(ramp, params)} at {position}: s = {coordinates}"
    assert interior > 0
    # the accelerated implementation, in float64, within the tolerance model everywhere
    x = ramp.astype(np.float64)
    case = Case("upsample", {"x": x}, params, "floats")
    assert_within_model(reference.upsample(x, **params), run("accelerated", x, **params), case, describe(x, params))


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("mode", NEAREST)
def test_nearest_modes_copy_bits_nan_inf_and_signed_zero(implementation, mode):
    x = np.array([[[np.nan, -0.0, np.inf, -np.inf, 1e-40, 3.5]]], dtype=np.float32)
    for params in ({"scale_factor": 2}, {"size": 4}, {"scale_factor": 1.1}, {"size": 82}):
        y = run(implementation, x, mode=mode, **params)
        expected = reference.upsample(x, mode=mode, **params)
        assert_identical(expected, y, f"{implementation} {mode} {params}")
        assert np.array_equal(np.signbit(expected), np.signbit(y)), f"{implementation} {mode} {params}: sign of zero"
        assert set(map(repr, y.flatten().tolist())) <= set(map(repr, x.flatten().tolist()))


def test_nearest_and_nearest_exact_agree_for_integer_upsampling_and_differ_otherwise():
    """floor((t + 1/2)/k) == floor(t/k) for an integer k; a downsample 5 -> 3 tells them apart."""
    x = np.arange(1, 8, dtype=np.float64)[None, None]
    for k in (1, 2, 3, 4):
        assert_identical(run("reference", x, scale_factor=k), run("reference", x, scale_factor=k, mode="nearest_exact"), f"k={k}")
    five = np.array([[[10.0, 20, 30, 40, 50]]])
    assert run("reference", five, size=3).tolist() != run("reference", five, size=3, mode="nearest_exact").tolist()
