"""Properties of the transposed convolution, in both implementations.

The adjoint of correlation, correlation of the zero-inserted input with the flipped,
channel-swapped kernel (Dumoulin & Visin), full convolution at stride 1, groups. (The
closed forms: tests/test_conv_transpose.py.)

Data are integer-valued floats wherever the comparison should be exact: every product
and partial sum is then an integer far below 2^24, exactly representable in float32 and
float64, so any summation order gives the same bits.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from convspec.conformance.families.conv_transpose.strategies import conv_transpose_cases
from convspec.spec import conv_transpose as spec
from convspec.spec.conv_transpose import check_conv_transpose_arguments

from conv_transpose_helpers import (
    IMPLEMENTATIONS,
    OP,
    assert_identical,
    describe,
    integers,
    pad_or_crop,
    per_axis,
    run,
    swap_channels_and_flip,
    zero_insert,
)


# --------------------------------------------------------------------------------------
# 1. Properties
# --------------------------------------------------------------------------------------


@st.composite
def adjoint_cases(draw, spatial_dims=None):
    """A correlation (input x of length m, padding, stride, dilation, groups) and its cotangent y."""
    if spatial_dims is None:
        spatial_dims = draw(st.sampled_from((1, 2, 2, 3)))
    small = spatial_dims >= 3
    form = draw(st.sampled_from(("pair", "pair", "valid", "full", "same", "same_lower")))
    kernel, stride, dilation, pairs, size = [], [], [], [], []
    for _ in range(spatial_dims):
        k_, s_, d_ = draw(st.integers(1, 2 if small else 3)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
        span = d_ * (k_ - 1) + 1
        if form in ("same", "same_lower"):
            m_ = s_ * draw(st.integers(1, 2 if small else 3))  # conv "same" then transposed "same" return m
        else:
            lo, hi = (draw(st.integers(0, 2)), draw(st.integers(0, 2))) if form == "pair" else (0, 0)
            pairs.append((lo, hi))
            m_ = max(1, span - lo - hi) + draw(st.integers(0, 2 if small else 5))
        kernel.append(k_), stride.append(s_), dilation.append(d_), size.append(m_)
    padding = tuple(pairs) if form == "pair" else form
    groups = draw(st.integers(1, 2))
    c_x, c_y = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = integers((draw(st.integers(1, 2)), c_x, *size), rng)
    weight = integers((c_y, c_x // groups, *kernel), rng)  # correlation layout (C_out, C_in/g) == transposed (C_in, C_out/g)
    params = {"stride": tuple(stride), "padding": padding, "dilation": tuple(dilation), "groups": groups}
    return x, weight, params


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@given(case=adjoint_cases())
def test_conv_transpose_is_the_adjoint_of_correlation(implementation, case):
    """<correlate(x, w), y> == <x, conv_transpose(y, w, output_padding restoring x's size)>, exactly."""
    x, weight, params = case
    forward = run(implementation, "correlate", x, weight, **params)
    rng = np.random.default_rng(x.size)
    y = integers(forward.shape, rng)
    if isinstance(params["padding"], str) and params["padding"] in ("same", "same_lower"):
        output_padding = 0
    else:
        pads = spec.resolve_crop(params["padding"], x.shape[2:], weight.shape[2:], params["stride"], params["dilation"])
        output_padding = tuple(
            spec.restoring_output_padding(m_, k_, s_, lo, hi, d_)
            for m_, k_, s_, (lo, hi, _), d_ in zip(x.shape[2:], weight.shape[2:], params["stride"], pads, params["dilation"])
        )
    backward = run(implementation, OP, y, weight, output_padding=output_padding, **params)
    what = f"{implementation} {describe({**params, 'output_padding': output_padding}, y=y, weight=weight)} vs correlate x {x.shape}"
    assert backward.shape == x.shape, f"{what}: shape {backward.shape}, x {x.shape}"
    assert np.sum(forward * y) == np.sum(x * backward), f"{what}: <conv(x), y> = {np.sum(forward * y)}, <x, conv_T(y)> = {np.sum(x * backward)}"


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@given(case=conv_transpose_cases(forms=("int", "per_axis", "per_side", "valid", "full"),
                                 data=("float64", "integers", np.random.default_rng(1))))
def test_equals_correlation_of_the_zero_inserted_padded_input_with_the_flipped_kernel(implementation, case):
    """Dumoulin & Visin: insert stride - 1 zeros between inputs, pad span - 1 - lo before and
    span - 1 - hi + output_padding after (negative: crop), correlate at unit stride with the kernel
    flipped and its channel axes swapped (same dilation and groups)."""
    x, weight, bias = case.arrays()
    params = case.params
    dims = x.ndim - 2
    stride, dilation = per_axis(params["stride"], dims), per_axis(params["dilation"], dims)
    output_padding = per_axis(params["output_padding"], dims)
    crops = spec.resolve_crop(
        check_conv_transpose_arguments(OP, x.shape, weight.shape, None, **params).padding,
        x.shape[2:], weight.shape[2:], stride, dilation,
    )
    sides = [
        (d_ * (k_ - 1) - lo, d_ * (k_ - 1) - hi + a_)
        for (lo, hi, _), k_, d_, a_ in zip(crops, weight.shape[2:], dilation, output_padding)
    ]
    expanded = pad_or_crop(zero_insert(x, stride), sides)
    expected = run(implementation, "correlate", expanded, swap_channels_and_flip(weight, params["groups"]), bias,
                   dilation=params["dilation"], groups=params["groups"])
    actual = run(implementation, OP, x, weight, bias, **params)
    assert_identical(expected, actual, f"{implementation} {case.describe()} vs correlation of the zero-inserted input")


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_dumoulin_figure_4_5(implementation):
    """Seed 001 quoting Dumoulin & Visin: the transpose of a 3x3, stride-2 convolution of a 5x5 input
    "is equivalent to convolving a 3x3 kernel over a 2x2 input (with 1 zero inserted between inputs)
    padded with a 2x2 border of zeros using unit strides"."""
    rng = np.random.default_rng(45)
    y, weight = integers((1, 1, 2, 2), rng), integers((1, 1, 3, 3), rng)
    inserted = np.zeros((1, 1, 3, 3))
    inserted[0, 0, ::2, ::2] = y[0, 0]
    bordered = np.pad(inserted, [(0, 0), (0, 0), (2, 2), (2, 2)])  # 7x7
    expected = run(implementation, "convolve", bordered, weight)  # "convolving": the flipped kernel
    actual = run(implementation, OP, y, weight, stride=2)
    assert expected.shape == (1, 1, 5, 5)
    assert_identical(expected, actual, f"{implementation} conv_transpose of a 2x2 input, 3x3 kernel, stride 2")


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@given(data=st.data())
def test_stride_one_without_padding_is_the_full_convolution_with_swapped_channels(implementation, data):
    spatial_dims = data.draw(st.sampled_from((1, 2, 3)))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    size = tuple(data.draw(st.integers(1, 4 if spatial_dims < 3 else 2)) for _ in range(spatial_dims))
    kernel = tuple(data.draw(st.integers(1, 3 if spatial_dims < 3 else 2)) for _ in range(spatial_dims))
    dilation = data.draw(st.integers(1, 2))
    c_in, c_out = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    x, weight, bias = integers((2, c_in, *size), rng), integers((c_in, c_out, *kernel), rng), integers((c_out,), rng)
    swapped = np.ascontiguousarray(weight.swapaxes(0, 1))
    expected = run(implementation, "convolve", x, swapped, bias, padding="full", dilation=dilation)
    actual = run(implementation, OP, x, weight, bias, dilation=dilation)
    assert_identical(expected, actual, f"{implementation} conv_transpose vs convolve(full) x {x.shape}, weight {weight.shape}")


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@given(case=conv_transpose_cases(data=("float64", "integers", np.random.default_rng(2))))
def test_groups_are_independent_transposed_convolutions_concatenated(implementation, case):
    x, weight, bias = case.arrays()
    groups = case.params["groups"]
    c_in, out_per_group = x.shape[1] // groups, weight.shape[1]
    parts = [
        run(implementation, OP, x[:, g * c_in:(g + 1) * c_in], weight[g * c_in:(g + 1) * c_in],
            None if bias is None else bias[g * out_per_group:(g + 1) * out_per_group], **{**case.params, "groups": 1})
        for g in range(groups)
    ]
    actual = run(implementation, OP, x, weight, bias, **case.params)
    assert_identical(np.concatenate(parts, axis=1), actual, f"{implementation} {case.describe()} vs one call per group")
