"""The convolution family's algebraic properties, in both implementations.

Flip (convolve is correlate with the flipped weight), commutativity and associativity of
the full convolution, linearity, translation equivariance, depthwise-separable =
depthwise then pointwise, groups. (The closed forms: tests/test_conv.py.)

Data are integer-valued floats wherever the comparison should be exact: every
product and partial sum is then an integer far below 2^24, exactly representable in
float32 and float64, so any summation order gives the same bits.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from convspec import reference

from conv_helpers import (
    CONV_OPS,
    IMPLEMENTATIONS,
    assert_identical,
    conv_cases,
    depthwise_separable_cases,
    flip_spatial,
    integers,
    run,
)


# --------------------------------------------------------------------------------------
# 1. Properties
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@given(case=conv_cases("convolve"))
def test_convolve_is_correlate_with_the_flipped_weight(implementation, case):
    x, weight, bias = case.arrays()
    convolved = run(implementation, "convolve", x, weight, bias, **case.params)
    correlated = run(implementation, "correlate", x, flip_spatial(weight), bias, **case.params)
    assert_identical(correlated, convolved, f"{implementation} {case.describe()} vs correlate with the flipped weight")


@st.composite
def single_channel_signals(draw, spatial_dims, count):
    """``count`` single-channel integer float64 signals, (1, 1, *size) each."""
    top = 5 if spatial_dims == 1 else 3
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return [
        integers((1, 1, *(draw(st.integers(1, top)) for _ in range(spatial_dims))), "float64", rng)
        for _ in range(count)
    ]


def full_convolution(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return reference.convolve(a, b, padding="full")


@pytest.mark.parametrize("spatial_dims", [1, 2], ids=["1d", "2d"])
@given(data=st.data())
def test_full_convolution_is_commutative(spatial_dims, data):
    a, b = data.draw(single_channel_signals(spatial_dims, 2))
    assert_identical(
        full_convolution(a, b), full_convolution(b, a),
        f"convolve(a={a.shape}, b={b.shape}, padding='full') vs convolve(b, a, padding='full')",
    )


@pytest.mark.parametrize("spatial_dims", [1, 2], ids=["1d", "2d"])
@given(data=st.data())
def test_full_convolution_is_associative(spatial_dims, data):
    a, b, c = data.draw(single_channel_signals(spatial_dims, 3))
    assert_identical(
        full_convolution(full_convolution(a, b), c),
        full_convolution(a, full_convolution(b, c)),
        f"convolve(convolve(a={a.shape}, b={b.shape}), c={c.shape}) vs convolve(a, convolve(b, c)), padding='full'",
    )


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("op", CONV_OPS)
@given(data=st.data())
def test_conv_is_linear_in_x_and_in_weight(implementation, op, data):
    case = data.draw(conv_cases(op, bias=False))
    x1, w1, _ = case.arrays()
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    x2, w2 = integers(x1.shape, x1.dtype, rng), integers(w1.shape, w1.dtype, rng)
    a, b = (x1.dtype.type(data.draw(st.integers(-3, 3))) for _ in range(2))
    what = f"{implementation} {case.describe()} with a={a}, b={b}"

    def f(x, w):
        return run(implementation, op, x, w, None, **case.params)

    assert_identical(a * f(x1, w1) + b * f(x2, w1), f(a * x1 + b * x2, w1), f"{what}: linearity in x")
    assert_identical(a * f(x1, w1) + b * f(x1, w2), f(x1, a * w1 + b * w2), f"{what}: linearity in weight")


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@given(data=st.data())
def test_depthwise_separable_is_linear_in_x(implementation, data):
    case = data.draw(depthwise_separable_cases(bias=False))
    x1, dw, pw, _ = case.arrays()
    x2 = integers(x1.shape, x1.dtype, np.random.default_rng(data.draw(st.integers(0, 2**32 - 1))))
    a, b = (x1.dtype.type(data.draw(st.integers(-3, 3))) for _ in range(2))

    def f(x):
        return run(implementation, "depthwise_separable", x, dw, pw, None, **case.params)

    assert_identical(a * f(x1) + b * f(x2), f(a * x1 + b * x2), f"{implementation} {case.describe()} a={a}, b={b}")


def _shift_index(shift):
    return (slice(None), slice(None)) + tuple(slice(t, None) for t in shift)


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("op", CONV_OPS)
@given(data=st.data())
def test_conv_valid_stride_one_is_translation_equivariant(implementation, op, data):
    """Prepend t arbitrary values (shift the input by t): outputs from position t on are the old ones."""
    case = data.draw(conv_cases(op, spatial_dims=data.draw(st.sampled_from((1, 2))), forms=("valid",), stride_one=True))
    x, weight, bias = case.arrays()
    shift = tuple(data.draw(st.integers(0, 3)) for _ in x.shape[2:])
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    shifted = integers(x.shape[:2] + tuple(n_ + t for n_, t in zip(x.shape[2:], shift)), x.dtype, rng)
    shifted[_shift_index(shift)] = x
    before = run(implementation, op, x, weight, bias, **case.params)
    after = run(implementation, op, shifted, weight, bias, **case.params)
    assert_identical(before, after[_shift_index(shift)], f"{implementation} {case.describe()} input shifted by {shift}")


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("op", CONV_OPS)
@given(data=st.data())
def test_conv_zero_padded_stride_one_is_translation_equivariant(implementation, op, data):
    """An input embedded in zeros at offset 0 or t (same total length): the output moves by t, any padding form."""
    case = data.draw(conv_cases(op, spatial_dims=data.draw(st.sampled_from((1, 2))), stride_one=True))
    x, weight, bias = case.arrays()
    shift = tuple(data.draw(st.integers(0, 3)) for _ in x.shape[2:])
    margin = tuple(t + data.draw(st.integers(0, 2)) for t in shift)
    length = x.shape[:2] + tuple(n_ + m for n_, m in zip(x.shape[2:], margin))
    at_zero, at_shift = np.zeros(length, x.dtype), np.zeros(length, x.dtype)
    at_zero[(slice(None), slice(None)) + tuple(slice(0, n_) for n_ in x.shape[2:])] = x
    at_shift[(slice(None), slice(None)) + tuple(slice(t, t + n_) for t, n_ in zip(shift, x.shape[2:]))] = x
    before = run(implementation, op, at_zero, weight, bias, **case.params)
    after = run(implementation, op, at_shift, weight, bias, **case.params)
    kept = (slice(None), slice(None)) + tuple(slice(0, size - t) for size, t in zip(before.shape[2:], shift))
    assert_identical(
        before[kept], after[_shift_index(shift)],
        f"{implementation} {case.describe()}: x in zeros of shape {length}, shifted by {shift}",
    )


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@given(case=depthwise_separable_cases())
def test_depthwise_separable_is_depthwise_then_pointwise_correlation(implementation, case):
    x, depthwise, pointwise, bias = case.arrays()
    intermediate = run(implementation, "correlate", x, depthwise, None, groups=x.shape[1], **case.params)
    expected = run(implementation, "correlate", intermediate, pointwise, None)
    if bias is not None:
        expected = expected + bias.reshape((1, -1) + (1,) * (x.ndim - 2))
    actual = run(implementation, "depthwise_separable", *case.arrays(), **case.params)
    assert_identical(expected, actual, f"{implementation} {case.describe()} vs correlate(correlate(x, dw, groups=C_in), pw) + bias")


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("op", CONV_OPS)
@given(data=st.data())
def test_groups_equal_to_c_in_is_depthwise(implementation, op, data):
    """Perturbing input channel i changes output channels i*m .. i*m + m - 1 only; each block is its own conv."""
    c_in = data.draw(st.integers(1, 3))
    case = data.draw(conv_cases(op, groups=c_in, in_per_group=1))
    x, weight, bias = case.arrays()
    m = weight.shape[0] // c_in
    channel = data.draw(st.integers(0, c_in - 1))
    perturbed = x.copy()
    perturbed[:, channel] += integers(x[:, channel].shape, x.dtype, np.random.default_rng(channel))
    before = run(implementation, op, x, weight, bias, **case.params)
    after = run(implementation, op, perturbed, weight, bias, **case.params)
    what = f"{implementation} {case.describe()}, input channel {channel} perturbed"
    for out_channel in range(weight.shape[0]):
        if out_channel // m != channel:
            assert_identical(before[:, out_channel], after[:, out_channel], f"{what}: output channel {out_channel}")
    params = {**case.params, "groups": 1}
    for i in range(c_in):
        block = slice(i * m, (i + 1) * m)
        alone = run(implementation, op, x[:, i:i + 1], weight[block], None if bias is None else bias[block], **params)
        assert_identical(alone, before[:, block], f"{what}: channel {i} alone with weights {block.start}..{block.stop - 1}")


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@given(case=conv_cases("correlate"))
def test_correlate_groups_are_independent_correlations(implementation, case):
    x, weight, bias = case.arrays()
    g = case.params["groups"]
    cin, cout = x.shape[1] // g, weight.shape[0] // g
    parts = [
        run(implementation, "correlate", x[:, i * cin:(i + 1) * cin], weight[i * cout:(i + 1) * cout],
            None if bias is None else bias[i * cout:(i + 1) * cout], **{**case.params, "groups": 1})
        for i in range(g)
    ]
    actual = run(implementation, "correlate", x, weight, bias, **case.params)
    assert_identical(np.concatenate(parts, axis=1), actual, f"{implementation} {case.describe()} vs one call per group")
