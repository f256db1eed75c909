"""Issue 13, "Every input has a defined outcome": the spec's closed forms refuse inputs outside their domain.

Three parts: the reported examples as literal regressions (exception type and a message naming
the argument and the value), a sweep of bad numeric inputs over the public ``convspec.spec``
functions (only ``ValueError``/``TypeError`` may escape; a size argument must be refused), and
symbolic calls that must keep working (the same expressions as before).
"""

from __future__ import annotations

import inspect
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy

from convspec.spec import (
    activations,
    conv,
    conv_transpose,
    conventions,
    detection,
    fft,
    filters,
    identities,
    layers,
    notation,
    pool,
    receptive_field,
    saliency,
    style,
    summary,
    unpool,
    upsample,
)

MODULES = (activations, conv, conv_transpose, conventions, detection, fft, filters, identities, layers, notation,
           pool, receptive_field, saliency, style, summary, unpool, upsample)

# ---------------------------------------------------------------------------------------
# The reported examples, literally
# ---------------------------------------------------------------------------------------

SPAN = r"the dilated kernel span d·\(k−1\)\+1 = 5 exceeds the padded input length n \+ p_lo \+ p_hi = 3"

REGRESSIONS = {
    "kernel longer than the input": (
        lambda: conv.conv_output_length(3, 5, 1, 0, 0, 1), ValueError, r"conv_output_length: " + SPAN + r" \(n=3, k=5"),
    "conv_output_shape with a kernel larger than the input": (
        lambda: conv.conv_output_shape((1, 1, 3, 3), (1, 1, 5, 5), stride=(1, 1), padding=((0, 0), (0, 0)),
                                       dilation=(1, 1)),
        ValueError, r"conv_output_shape: " + SPAN + " along spatial dim 0"),
    "conv_output_shape, valid mode": (
        lambda: conv.conv_output_shape((1, 1, 3), (1, 1, 5), stride=(1,), padding="valid", dilation=(1,)),
        ValueError, SPAN),
    "dilated kernel": (
        lambda: conv.conv_output_length(4, 3, 1, 0, 0, 2), ValueError, r"span d·\(k−1\)\+1 = 5 exceeds .* = 4"),
    "pool_output_length, kernel longer than the input": (
        lambda: pool.pool_output_length(3, 5, 1, 0, 0, 1), ValueError, "pool_output_length: " + SPAN),
    "groups not dividing C_in (was 40)": (
        lambda: conv.conv_parameter_count(3, 4, (3, 3), groups=2), ValueError, r"groups=2 must divide c_in=3"),
    "groups not dividing C_out": (
        lambda: conv.conv_parameter_count(4, 3, (3, 3), groups=2), ValueError, r"groups=2 must divide c_out=3"),
    "transposed groups not dividing C_out": (
        lambda: conv_transpose.conv_transpose_parameter_count(4, 3, (3, 3), groups=2), ValueError,
        r"groups=2 must divide c_out=3"),
    "negative channel count": (
        lambda: conv.conv_parameter_count(-3, 4, (3, 3)), ValueError, r"c_in must be positive, got -3"),
    "negative input length": (
        lambda: conv.conv_output_length(-6, 3, 1, 0, 0, 1), ValueError, r"n must be positive, got -6"),
    "negative padding": (
        lambda: conv.conv_output_length(6, 3, 1, -1, 0, 1), ValueError, r"p_lo must be >= 0, got -1"),
    "integral float size": (
        lambda: conv.conv_output_length(6.0, 3, 1, 0, 0, 1), TypeError, r"n must be an int, got 6\.0 of type float"),
    "float kernel size in a count": (
        lambda: conv.conv_parameter_count(3, 4, (3, 2.5)), TypeError, r"kernel_size must be an int, got 2\.5"),
    "NaN size": (
        lambda: conv.conv_output_length(float("nan"), 3, 1, 0, 0, 1), TypeError, r"n must be an int, got nan"),
    "bool size": (
        lambda: conv.conv_output_length(True, 1, 1, 0, 0, 1), TypeError, r"n must be an int, got the bool True"),
    "numpy bool size": (
        lambda: conv.conv_output_length(np.True_, 1, 1, 0, 0, 1), TypeError, r"n must be an int, got the bool (np\.)?True"),
    "None size": (
        lambda: conv.conv_output_length(None, 3, 1, 0, 0, 1), TypeError, r"n must be an int, got None"),
    "sympy zoo": (
        lambda: conv.conv_output_length(sympy.zoo, 3, 1, 0, 0, 1), ValueError, r"n must be finite, got zoo"),
    "sympy oo": (
        lambda: conv.conv_parameter_count(sympy.oo, 4, (3, 3)), ValueError, r"c_in must be finite, got oo"),
    "sympy rational": (
        lambda: conv.conv_output_length(sympy.Rational(7, 2), 3, 1, 0, 0, 1), TypeError,
        r"n must be an integer .*got 7/2"),
    "sympy float": (
        lambda: conv.conv_output_length(sympy.Float(6.0), 3, 1, 0, 0, 1), TypeError, r"n must be an integer"),
    "negative symbol": (
        lambda: conv.conv_output_length(sympy.Symbol("m", negative=True), 3, 1, 0, 0, 1), ValueError,
        r"n must be positive, got m"),
    # bare ZeroDivisionError, KeyError, OverflowError before
    "stride 0 (was ZeroDivisionError)": (
        lambda: conv.conv_output_length(6, 3, 0, 0, 0, 1), ValueError, r"conv_output_length: s must be positive, got 0"),
    "same padding with stride 0 (was ZeroDivisionError)": (
        lambda: conv.same_padding(5, 3, 0, 1), ValueError, r"same_padding: s must be positive, got 0"),
    "floor_div by 0 (was ZeroDivisionError)": (
        lambda: conv.floor_div(3, 0), ValueError, r"floor_div: b must be nonzero .*got 0"),
    "strided stack with stride 1 (was ZeroDivisionError)": (
        lambda: receptive_field.strided_stack_size(2, 3, 1), ValueError, r"strided_stack_size: s must be >= 2, got 1"),
    "unknown fft mode (was KeyError)": (
        lambda: fft.fft_output_length(5, 3, "circular"), ValueError, r"fft_output_length: mode must be one of .*'circular'"),
    "unknown matching_padding mode (was KeyError)": (
        lambda: fft.matching_padding("bogus"), ValueError, r"matching_padding: mode must be one of .*'bogus'"),
    "fft valid with a longer kernel": (
        lambda: fft.fft_output_length(3, 5, "valid"), ValueError, r"mode 'valid' needs n >= k, got n = 3 < k = 5"),
    "infinite scale factor (was OverflowError)": (
        lambda: upsample.output_length(5, float("inf")), ValueError, r"output_length: scale_factor must be positive and finite, got inf"),
    "NaN scale factor": (
        lambda: upsample.output_length(5, float("nan")), ValueError, r"scale_factor must be positive and finite, got nan"),
    "scale factor leaving no sample": (
        lambda: upsample.output_length(5, Fraction(1, 10)), ValueError, r"output_length: n \* sigma = 5 \* 1/10 = 1/2 < 1"),
    "empty transposed output": (
        lambda: conv_transpose.conv_transpose_output_length(1, 1, 1, 1, 1, 1, 0), ValueError,
        r"conv_transpose_output_length: the output would be empty"),
    "output padding too large": (
        lambda: conv_transpose.conv_transpose_output_length(3, 3, 2, 0, 0, 1, 2), ValueError,
        r"a \(output_padding\) must be smaller than max\(s, d\) = max\(2, 1\), got 2"),
    "unpool padding with no valid length": (
        lambda: unpool.unpool_default_length(1, 2, 1, 1, 1), ValueError, r"unpool_default_length: no output length pools to n=1"),
    "receptive field of a non-layer": (
        lambda: receptive_field.receptive_fields(["conv"], (1, 8)), TypeError, r"layers\[0\] must be a convspec.spec.layers layer"),
    "correlation with stride 0 (was an endless loop)": (
        lambda: identities.correlation((1, 2, 3), (1,), stride=0), ValueError, r"correlation: stride must be positive, got 0"),
    "invalid box": (
        lambda: detection.iou((2, 0, 1, 1), (0, 0, 1, 1)), ValueError, r"iou: box1 = \(2, 0, 1, 1\) is not a valid 'xyxy' box"),
    "NaN box coordinate": (
        lambda: detection.box_area((0, 0, float("nan"), 1)), ValueError, r"box_area: box must be finite, got nan"),
    "float flag": (
        lambda: pool.pool_output_length(11, 2, 2, 0, 0, 1, ceil_mode=1.0), TypeError,
        r"ceil_mode must be a bool \(True or False\), got 1\.0 of type float"),
    "int flag": (
        lambda: conv.conv_parameter_count(3, 4, (3, 3), bias=1), TypeError, r"bias must be a bool \(True or False\), got 1"),
    "negative gram channels": (
        lambda: style.gram_scale("gatys", -2, 4), ValueError, r"gram_scale: channels must be positive, got -2"),
    "parse_size of 0": (
        lambda: summary.parse_size(0), ValueError, r"input_shape: an entry must be positive, got 0"),
    "notation seed formula with a kernel longer than the input": (
        lambda: notation.seed001_output_size(3, 5, 1, 0), ValueError, r"seed001_output_size: " + SPAN),
}


@pytest.mark.parametrize("call, error, pattern", REGRESSIONS.values(), ids=REGRESSIONS.keys())
def test_regression(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


def test_numpy_integers_count_as_integers():
    value = conv.conv_output_length(np.int64(6), np.int32(3), np.int64(3), np.int8(0), np.uint8(0), np.int64(1))
    assert value == 2 and type(value) is int
    assert conv.conv_parameter_count(np.int64(32), np.int64(64), (np.int64(3), 3)) == 18496
    assert layers.Conv(np.int64(5), 3).output_shape((1, np.int64(10), 10)) == (5, 8, 8)
    assert summary.parse_size(np.int64(28)) == 28


def test_numpy_bools_are_flags():
    assert pool.pool_output_length(11, 2, 2, 0, 0, 1, ceil_mode=np.True_) == 6
    args = pool.check_pool_arguments("max_pool", (1, 1, 11), 2, ceil_mode=np.True_, count_include_pad=np.False_)
    assert args.ceil_mode is True and args.count_include_pad is False
    assert layers.MaxPool(2, ceil_mode=np.True_).output_shape((1, 11)) == (1, 6)
    assert conv.conv_parameter_count(32, 64, (3, 3), bias=np.False_) == 18432
    assert conventions.check_flag("op", "flag", np.bool_(False)) is False
    up = upsample.check_upsample_arguments("upsample", (1, 1, 3), scale_factor=None, size=5, mode="linear",
                                           align_corners=np.True_)
    assert up.align_corners is True


def test_values_inside_the_domain_are_unchanged():
    # the doctests' values and a few edges: the checks must not move a closed form
    assert conv.conv_output_length(6, 3, 3, 0, 0, 1) == 2
    assert conv.conv_output_length(5, 5, 1, 0, 0, 1) == 1  # the kernel exactly fits
    assert conv.conv_output_length(3, 5, 1, 1, 1, 1) == 1  # ... once padded
    assert conv.conv_output_shape((1, 1, 3), (1, 1, 5), stride=(1,), padding="same", dilation=(1,)) == (1, 1, 3)
    assert conv.conv_output_shape((1, 1, 3), (1, 1, 5), stride=(1,), padding="full", dilation=(1,)) == (1, 1, 7)
    assert conv.conv_parameter_count(4, 4, (3, 3), groups=2) == 4 * 2 * 9 + 4
    assert conv_transpose.conv_transpose_output_length(28, 4, 2, 1, 1, 1, 0) == 56
    assert conv_transpose.conv_input_lengths(2, 3, 2, 0, 0, 1) == range(5, 7)
    assert pool.pool_output_length(5, 2, 2, 1, 1, 1, ceil_mode=True) == 3
    assert unpool.unpool_valid_lengths(3, 2, 2, 0, 0) == range(6, 8)
    assert upsample.output_length(100, Fraction(29, 100)) == 29
    assert notation.seed000_misprinted_output_width(4, 2, 2, 0) == sympy.Rational(3, 2)
    assert receptive_field.strided_stack_size(3, 3, 2) == 15


# ---------------------------------------------------------------------------------------
# The sweep: bad numeric inputs for every size argument
# ---------------------------------------------------------------------------------------

BAD = {
    "negative": -1, "float": 2.5, "integral float": 3.0, "nan": float("nan"), "inf": float("inf"), "bool": True,
    "numpy bool": np.True_, "None": None, "zoo": sympy.zoo, "oo": sympy.oo, "-oo": -sympy.oo, "str": "3",
}

# function, valid keyword arguments, {argument: minimum} for the integer-size arguments;
# "kernel_size[1]" means the second entry of the tuple argument kernel_size.
SIZE_FUNCTIONS = [
    (conv.effective_kernel_size, dict(k=3, d=2), {"k": 1, "d": 1}),
    (conv.conv_output_length, dict(n=6, k=3, s=3, p_lo=0, p_hi=0, d=1), {"n": 1, "k": 1, "s": 1, "p_lo": 0, "p_hi": 0, "d": 1}),
    (conv.conv_output_length_condition, dict(n=6, k=3, p_lo=0, p_hi=0, d=1), {"n": 1, "k": 1, "p_lo": 0, "p_hi": 0, "d": 1}),
    (conv.same_total_padding, dict(n=5, k=4, s=2, d=1), {"n": 1, "k": 1, "s": 1, "d": 1}),
    (conv.same_padding, dict(n=5, k=4, s=2, d=1), {"n": 1, "k": 1, "s": 1, "d": 1}),
    (conv.same_lower_padding, dict(n=5, k=4, s=2, d=1), {"n": 1, "k": 1, "s": 1, "d": 1}),
    (conv.full_padding, dict(k=3, d=1), {"k": 1, "d": 1}),
    (conv.same_output_length, dict(n=5, s=2), {"n": 1, "s": 1}),
    (conv.padding_pair, dict(mode_or_pair="same", n=5, k=4, s=2, d=1), {"n": 1, "k": 1, "s": 1, "d": 1}),
    (conv.padding_pair, dict(mode_or_pair=(1, 2), n=5, k=4, s=2, d=1), {"mode_or_pair[0]": 0, "mode_or_pair[1]": 0}),
    (conv.resolve_padding, dict(padding="same", input_size=(5, 6), kernel_size=(4, 3), stride=(2, 1), dilation=(1, 1)),
     {"input_size[0]": 1, "kernel_size[1]": 1, "stride[0]": 1, "dilation[1]": 1}),
    (conv.conv_output_shape, dict(x_shape=(1, 2, 6, 6), weight_shape=(3, 2, 3, 3), stride=(3, 3), padding="valid",
                                  dilation=(1, 1)),
     {"x_shape[0]": 0, "x_shape[1]": 1, "x_shape[2]": 1, "weight_shape[0]": 1, "weight_shape[3]": 1, "stride[1]": 1,
      "dilation[0]": 1}),
    (conv.depthwise_separable_output_shape, dict(x_shape=(1, 2, 6, 6), depthwise_weight_shape=(2, 1, 3, 3),
                                                 pointwise_weight_shape=(4, 2, 1, 1), stride=(1, 1), padding="valid",
                                                 dilation=(1, 1)),
     {"x_shape[2]": 1, "pointwise_weight_shape[0]": 1}),
    (conv.conv_parameter_count, dict(c_in=32, c_out=64, kernel_size=(3, 3), groups=1),
     {"c_in": 1, "c_out": 1, "kernel_size[0]": 1, "groups": 1}),
    (conv.depthwise_separable_parameter_count, dict(c_in=3, c_out=256, kernel_size=(5, 5), multiplier=1),
     {"c_in": 1, "c_out": 1, "kernel_size[1]": 1, "multiplier": 1}),
    (conv.conv_multiply_adds, dict(c_in=1, c_out=1, kernel_size=(3, 3), output_size=(4, 4), groups=1, batch=1),
     {"c_in": 1, "c_out": 1, "kernel_size[0]": 1, "output_size[1]": 1, "groups": 1, "batch": 1}),
    (conv.depthwise_separable_multiply_adds, dict(c_in=3, c_out=256, kernel_size=(5, 5), output_size=(8, 8), multiplier=1,
                                                  batch=1),
     {"c_in": 1, "c_out": 1, "kernel_size[0]": 1, "output_size[0]": 1, "multiplier": 1, "batch": 1}),
    (conv_transpose.full_length, dict(n=2, k=3, s=2, d=1), {"n": 1, "k": 1, "s": 1, "d": 1}),
    (conv_transpose.conv_transpose_output_length, dict(n=28, k=4, s=2, p_lo=1, p_hi=1, d=1, a=0),
     {"n": 1, "k": 1, "s": 1, "p_lo": 0, "p_hi": 0, "d": 1, "a": 0}),
    (conv_transpose.conv_transpose_output_length_condition, dict(n=28, k=4, s=2, p_lo=1, p_hi=1, d=1, a=0),
     {"n": 1, "k": 1, "s": 1, "p_lo": 0, "p_hi": 0, "d": 1, "a": 0}),
    (conv_transpose.same_output_length, dict(n=3, s=2), {"n": 1, "s": 1}),
    (conv_transpose.same_crop, dict(n=3, k=3, s=2, d=1), {"n": 1, "k": 1, "s": 1, "d": 1}),
    (conv_transpose.same_lower_crop, dict(n=3, k=3, s=2, d=1), {"n": 1, "k": 1, "s": 1, "d": 1}),
    (conv_transpose.full_crop, dict(k=3, d=1), {"k": 1, "d": 1}),
    (conv_transpose.crop_for, dict(mode_or_pair="same", n=3, k=3, s=2, d=1), {"n": 1, "k": 1, "s": 1, "d": 1}),
    (conv_transpose.resolve_crop, dict(padding="same", input_size=(3, 5), kernel_size=(3, 4), stride=(2, 2),
                                       dilation=(1, 1)), {"input_size[1]": 1, "kernel_size[0]": 1, "stride[1]": 1}),
    (conv_transpose.conv_input_lengths, dict(n=2, k=3, s=2, p_lo=0, p_hi=0, d=1),
     {"n": 1, "k": 1, "s": 1, "p_lo": 0, "p_hi": 0, "d": 1}),
    (conv_transpose.restoring_output_padding, dict(m=28, k=4, s=2, p_lo=1, p_hi=1, d=1),
     {"m": 1, "k": 1, "s": 1, "p_lo": 0, "p_hi": 0, "d": 1}),
    (conv_transpose.conv_transpose_output_shape, dict(x_shape=(8, 64, 28, 28), weight_shape=(64, 32, 4, 4), stride=(2, 2),
                                                      padding=((1, 1), (1, 1)), output_padding=(0, 0), dilation=(1, 1),
                                                      groups=1),
     {"x_shape[2]": 1, "weight_shape[1]": 1, "stride[0]": 1, "output_padding[0]": 0, "dilation[1]": 1, "groups": 1}),
    (conv_transpose.conv_transpose_parameter_count, dict(c_in=64, c_out=32, kernel_size=(4, 4), groups=1),
     {"c_in": 1, "c_out": 1, "kernel_size[0]": 1, "groups": 1}),
    (conv_transpose.conv_transpose_multiply_adds, dict(c_in=64, c_out=32, kernel_size=(4, 4), input_size=(28, 28),
                                                       groups=1, batch=8),
     {"c_in": 1, "c_out": 1, "kernel_size[0]": 1, "input_size[0]": 1, "groups": 1, "batch": 1}),
    (conv_transpose.zero_insertion_multiply_adds, dict(c_in=64, c_out=32, kernel_size=(4, 4), output_size=(56, 56),
                                                       groups=1, batch=8),
     {"c_in": 1, "c_out": 1, "kernel_size[1]": 1, "output_size[1]": 1, "groups": 1, "batch": 1}),
    (pool.pool_output_length, dict(n=11, k=2, s=2, p_lo=0, p_hi=0, d=1), {"n": 1, "k": 1, "s": 1, "p_lo": 0, "p_hi": 0, "d": 1}),
    (pool.pool_window_start, dict(o=3, s=2, p_lo=1), {"o": 0, "s": 1, "p_lo": 0}),
    (pool.pool_last_window_start, dict(n=11, k=2, s=2, p_lo=0, p_hi=0, d=1), {"n": 1, "k": 1, "s": 1, "p_lo": 0, "d": 1}),
    (pool.pool_padding_limit, dict(k=3, d=1), {"k": 1, "d": 1}),
    (pool.pool_padding_condition, dict(n=5, k=3, s=2, p_lo=2, p_hi=2, d=1), {"n": 1, "k": 1, "s": 1, "p_hi": 0, "d": 1}),
    (pool.avg_pool_window_count, dict(o=3, n=6, k=3, s=2, p_lo=1, p_hi=1), {"o": 0, "n": 1, "k": 1, "s": 1, "p_lo": 0}),
    (pool.max_pool_comparisons, dict(kernel_size=(2, 2), output_size=(2, 2), channels=1, batch=1),
     {"kernel_size[0]": 1, "output_size[1]": 1, "channels": 1, "batch": 1}),
    (pool.avg_pool_additions, dict(kernel_size=(2, 2), output_size=(2, 2), channels=1, batch=1),
     {"kernel_size[1]": 1, "output_size[0]": 1, "channels": 1, "batch": 1}),
    (pool.avg_pool_divisions, dict(output_size=(14, 14), channels=6, batch=1), {"output_size[0]": 1, "channels": 1, "batch": 1}),
    (pool.global_pool_output_shape, dict(x_shape=(2, 3, 7, 5)), {"x_shape[1]": 1, "x_shape[3]": 1}),
    (unpool.unpool_formula_length, dict(n=3, k=3, s=2, p_lo=1, p_hi=1), {"n": 1, "k": 1, "s": 1, "p_lo": 0, "p_hi": 0}),
    (unpool.unpool_default_length, dict(n=2, k=2, s=2, p_lo=0, p_hi=0), {"n": 1, "k": 1, "s": 1, "p_lo": 0, "p_hi": 0}),
    (unpool.unpool_valid_lengths, dict(n=3, k=2, s=2, p_lo=0, p_hi=0), {"n": 1, "k": 1, "s": 1, "p_lo": 0, "p_hi": 0}),
    (unpool.unpool_valid_lengths_condition, dict(n=1, k=2, s=1, p_lo=1, p_hi=1), {"n": 1, "k": 1, "s": 1, "p_lo": 0}),
    (unpool.pooled_length, dict(L=6, k=2, s=2, p_lo=0, p_hi=0), {"L": 1, "k": 1, "s": 1, "p_lo": 0, "p_hi": 0}),
    (unpool.unpool_overlap, dict(k=3, s=2), {"k": 1, "s": 1}),
    (upsample.output_length, dict(n=5, sigma=Fraction(3, 2)), {"n": 1}),
    (upsample.coordinate_step, dict(n=5, o=7), {"n": 1, "o": 1}),
    (upsample.nearest_source, dict(t=1, n=5, r=Fraction(5, 3)), {"t": 0, "n": 1}),
    (upsample.nearest_exact_source, dict(t=1, n=5, r=Fraction(5, 3)), {"t": 0, "n": 1}),
    (upsample.half_pixel_source, dict(t=1, r=Fraction(1, 2)), {"t": 0}),
    (upsample.align_corners_source, dict(t=1, n=3, o=5), {"t": 0, "n": 1, "o": 1}),
    (upsample.linear_neighbours, dict(s=Fraction(9, 4), n=3), {"n": 1}),
    (upsample.upsample_multiply_adds, dict(mode="bilinear", output_size=(4, 4), channels=1, batch=1),
     {"output_size[0]": 1, "channels": 1, "batch": 1}),
    (activations.flatten_output_shape, dict(shape=(2, 16, 5, 5)), {"shape[0]": 0, "shape[2]": 0}),
    (activations.dense_output_shape, dict(x_shape=(2, 400), weight_shape=(120, 400)), {"x_shape[0]": 0, "weight_shape[0]": 0}),
    (activations.dense_parameter_count, dict(n_in=576, n_out=64), {"n_in": 1, "n_out": 1}),
    (activations.dense_multiply_adds, dict(n_in=400, n_out=120, batch=1), {"n_in": 1, "n_out": 1, "batch": 1}),
    (activations.softmax, dict(values=[0, 0], i=0), {}),
    (fft.fft_output_length, dict(n=5, k=3, mode="full"), {"n": 1, "k": 1}),
    (fft.crop_start, dict(k=3, mode="same"), {"k": 1}),
    (fft.fft_length, dict(n=5, k=3), {"n": 1, "k": 1}),
    (fft.transform_length, dict(n=5, k=3), {"n": 1, "k": 1}),
    (fft.dft, dict(values=[1, 2], length=4), {"length": 1}),
    (fft.circular_convolution, dict(a=[1, 2], b=[3], length=3), {"length": 1}),
    (fft.convolution_theorem, dict(length=2), {"length": 1}),
    (fft.padded_circular_is_linear, dict(n_=3, k_=2, length=4), {"n_": 1, "k_": 1, "length": 1}),
    (fft.fft_output_shape, dict(x_shape=(2, 3, 5, 6), weight_shape=(4, 3, 2, 3), mode="valid"),
     {"x_shape[0]": 0, "x_shape[2]": 1, "weight_shape[3]": 1}),
    (style.gram_scale, dict(normalization="gatys", channels=3, positions=4), {"channels": 1, "positions": 1}),
    (style.style_loss_constant, dict(normalization="gatys", channels=3, positions=4), {"channels": 1, "positions": 1}),
    (style.conversion_factor, dict(source="gatys", target="none", channels=3, positions=4), {"channels": 1, "positions": 1}),
    (style.tutorial_style_loss_factor, dict(channels=3), {"channels": 1}),
    (style.content_loss_constants, dict(channels=3, positions=4), {"channels": 1, "positions": 1}),
    (style.style_gradient_factor, dict(normalization="gatys", channels=3, positions=4), {"channels": 1, "positions": 1}),
    (style.gram_output_shape, dict(shape=(2, 64, 7, 7)), {"shape[0]": 0, "shape[1]": 1}),
    (style.gram_multiply_adds, dict(channels=64, positions=49, batch=1), {"channels": 1, "positions": 1, "batch": 1}),
    (detection.box_iou_output_shape, dict(m=3, k=5), {"m": 0, "k": 0}),
    (notation.seed000_output_width, dict(W_in=4, F=2, S=2, P=0), {"W_in": 1, "F": 1, "S": 1, "P": 0}),
    (notation.seed000_misprinted_output_width, dict(W_in=4, F=2, S=2, P=0), {"W_in": 1, "F": 1, "S": 1, "P": 0}),
    (notation.seed001_output_size, dict(n=6, f=3, s=3, p=0), {"n": 1, "f": 1, "s": 1, "p": 0}),
    (notation.seed001_same_padding, dict(f=5), {"f": 1}),
    (notation.seed001_conv_weights, dict(C_in=32, C_out=64, K_W=3, K_H=3), {"C_in": 1, "C_out": 1, "K_W": 1, "K_H": 1}),
    (notation.seed001_conv_biases, dict(C_out=64), {"C_out": 1}),
    (notation.seed001_layer_weights, dict(K_prev=32, f=3, K_l=64), {"K_prev": 1, "f": 1, "K_l": 1}),
    (notation.seed004_output_size, dict(J=32, M=5, P=0, S=1), {"J": 1, "M": 1, "P": 0, "S": 1}),
    (notation.seed004_parameter_count, dict(M=3, C=32, C_OUT=64), {"M": 1, "C": 1, "C_OUT": 1}),
    (receptive_field.uniform_stack_size, dict(n=3, k=3), {"n": 0, "k": 1}),
    (receptive_field.strided_stack_size, dict(n=2, k=2, s=2), {"n": 0, "k": 1, "s": 2}),
    (receptive_field.dilated_stack_size, dict(n=3, k=3), {"n": 0, "k": 1}),
    (receptive_field.exact_receptive_field, dict(layers=[layers.Conv(1, 3, dilation=2)], input_shape=(1, 9), unit=(0,)),
     {"unit[0]": 0}),
    (identities.sequence, dict(name="x", length=3), {"length": 0}),
    (identities.grid, dict(name="x", rows=2, cols=2), {"rows": 0, "cols": 0}),
    (identities.zero_pad, dict(x=(1, 2), lo=1, hi=1), {"lo": 0, "hi": 0}),
    (identities.full_convolution, dict(x=(1, 2, 3), w=(1, 10), dilation=1), {"dilation": 1}),
    (identities.correlation, dict(x=(1, 2, 3, 4), w=(1, -1), stride=2, dilation=1), {"stride": 1, "dilation": 1}),
    (identities.coefficients, dict(poly=identities.z + 1, length=2), {"length": 0}),
    (summary.parse_size, dict(entry=28), {"entry": 1}),
]


def _with(kwargs: dict, target: str, value) -> dict:
    """``kwargs`` with argument ``target`` (or entry ``name[i]`` of a tuple argument) set to ``value``."""
    changed = dict(kwargs)
    if "[" in target:
        name, index = target[:-1].split("[")
        entries = list(changed[name])
        entries[int(index)] = value
        changed[name] = type(changed[name])(entries)
    else:
        changed[target] = value
    return changed


def _size_cases():
    for function, kwargs, minima in SIZE_FUNCTIONS:
        for target, minimum in minima.items():
            bad = dict(BAD)
            if minimum >= 1:
                bad["zero"] = 0
            if minimum >= 2:
                bad["one"] = 1
            default = inspect.signature(function).parameters.get(target, None)
            for label, value in bad.items():
                if label == "str" and function is summary.parse_size:
                    continue  # parse_size reads strings ("28", "n")
                if value is None and default is not None and default.default is None:
                    continue  # None is the documented default there (dft's length)
                yield pytest.param(function, kwargs, target, value, id=f"{function.__module__.split('.')[-1]}."
                                   f"{function.__name__}-{target}-{label}")


@pytest.mark.parametrize("function, kwargs, target, value", list(_size_cases()))
def test_bad_sizes_are_refused(function, kwargs, target, value):
    function(**kwargs)  # the valid call works
    with pytest.raises((ValueError, TypeError)) as info:
        function(**_with(kwargs, target, value))
    message = str(info.value)
    assert function.__name__ in message or "input_shape" in message, f"the message does not name the operation: {message}"


FLAGS = [
    (conv.conv_parameter_count, dict(c_in=3, c_out=4, kernel_size=(3, 3)), "bias"),
    (conv.depthwise_separable_parameter_count, dict(c_in=3, c_out=4, kernel_size=(3, 3)), "bias"),
    (conv_transpose.conv_transpose_parameter_count, dict(c_in=3, c_out=4, kernel_size=(3, 3)), "bias"),
    (activations.dense_parameter_count, dict(n_in=3, n_out=4), "bias"),
    (pool.pool_output_length, dict(n=11, k=2, s=2, p_lo=0, p_hi=0, d=1), "ceil_mode"),
    (pool.avg_pool_window_count, dict(o=3, n=6, k=3, s=2, p_lo=1, p_hi=1), "count_include_pad"),
    (upsample.linear_source, dict(t=1, n=3, o=5, r=Fraction(3, 5)), "align_corners"),
]


@pytest.mark.parametrize("function, kwargs, flag", FLAGS, ids=[f"{f.__name__}-{n}" for f, _, n in FLAGS])
@pytest.mark.parametrize("value", [1, 0, 1.0, None, "yes", sympy.true], ids=["1", "0", "1.0", "None", "str", "sympy-true"])
def test_bad_flags_are_refused(function, kwargs, flag, value):
    assert function(**kwargs, **{flag: np.True_}) == function(**kwargs, **{flag: True})
    with pytest.raises(TypeError, match=rf"{function.__name__}: {flag} must be a bool \(True or False\)"):
        function(**kwargs, **{flag: value})


def _public_functions():
    for module in MODULES:
        for name, value in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(value) or value.__module__ != module.__name__:
                continue
            yield module, name, value


def _sweep_cases():
    """Every public function whose parameters all have defaults (the symbolic closed forms),
    with each parameter in turn set to each bad value (identities' proofs are enumerations with
    sizes of their own and are left out: they take their sizes as search bounds)."""
    for module, name, function in _public_functions():
        parameters = inspect.signature(function).parameters.values()
        if module is identities and name not in ("sequence", "grid", "zero_pad", "coefficients", "polynomial"):
            continue
        if not parameters or any(p.default is inspect.Parameter.empty for p in parameters
                                 if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)):
            continue
        for parameter in parameters:
            for label, value in BAD.items():
                yield pytest.param(function, parameter.name, value, id=f"{module.__name__.split('.')[-1]}.{name}-"
                                   f"{parameter.name}-{label}")


@pytest.mark.parametrize("function, parameter, value", list(_sweep_cases()))
def test_only_value_and_type_errors_escape(function, parameter, value):
    try:
        function(**{parameter: value})
    except (ValueError, TypeError):
        pass


def test_the_sweep_covers_the_closed_forms():
    swept = {function.__name__ for function, _, _ in SIZE_FUNCTIONS}
    for module in (conv, conv_transpose, pool, unpool, notation):
        for name, function, in ((n, f) for m, n, f in _public_functions() if m is module):
            parameters = inspect.signature(function).parameters
            if parameters and all(p.default is not inspect.Parameter.empty for p in parameters.values()):
                assert name in swept, f"{module.__name__}.{name} has no row in SIZE_FUNCTIONS"


# ---------------------------------------------------------------------------------------
# Symbolic calls keep working
# ---------------------------------------------------------------------------------------

n, k, s, d = conv.n, conv.k, conv.s, conv.d
p_lo, p_hi = conv.p_lo, conv.p_hi


def _same(actual, expected):
    return sympy.simplify(sympy.sympify(actual) - sympy.sympify(expected)) == 0


def test_the_general_formulas_are_unchanged():
    assert conv.conv_output_length() == sympy.floor((n + p_lo + p_hi - d * (k - 1) - 1) / s) + 1
    assert conv.effective_kernel_size() == d * (k - 1) + 1
    assert conv.same_output_length() == sympy.ceiling(n / s)
    assert conv.full_padding() == (d * (k - 1), d * (k - 1))
    assert conv.conv_parameter_count() == conv.c_out * conv.c_in * k**2 + conv.c_out
    assert conv.conv_multiply_adds() == conv.c_out * n**2 * conv.c_in * k**2
    assert conv.conv_output_length_condition() == sympy.Ge(n + p_lo + p_hi, d * (k - 1) + 1)
    assert conv_transpose.conv_transpose_output_length() == (n - 1) * s + d * (k - 1) + 1 - p_lo - p_hi + conv_transpose.a
    assert str(conv_transpose.conv_input_lengths()) == (
        "Range(d*(k - 1) - p_hi - p_lo + s*(n - 1) + 1, d*(k - 1) - p_hi - p_lo + s*(n - 1) + s + 1, 1)")
    assert pool.pool_output_length(pool.n, pool.k, pool.s, pool.p_lo, pool.p_hi, pool.d) == sympy.floor(
        (pool.n + pool.p_lo + pool.p_hi - pool.d * (pool.k - 1) - 1) / pool.s) + 1
    assert isinstance(pool.pool_output_length(ceil_mode=True), sympy.Piecewise)
    assert str(unpool.unpool_valid_lengths()) == "Range(Max(1, k - p_hi - p_lo + s*(n - 1)), k - p_hi - p_lo + s*(n - 1) + s, 1)"
    assert upsample.output_length() == sympy.floor(upsample.n * upsample.sigma)
    assert notation.seed004_output_size() == sympy.floor((notation.J + 2 * notation.P - notation.M) / notation.S) + 1
    assert _same(receptive_field.strided_stack_size(), 1 + (k - 1) * (s**n - 1) / (s - 1))
    assert style.gram_scale("gatys") == 1 / (2 * style.C * style.M)
    assert activations.relu() == sympy.Max(0, activations.x)
    assert fft.fft_output_length(mode="valid") == fft.n - fft.k + 1


def test_symbols_without_assumptions_and_undecidable_conditions_pass():
    x = sympy.Symbol("x")  # no assumptions at all
    assert conv.conv_output_length(x, 3, 1, 0, 0, 1) == sympy.floor(x - 3) + 1
    # n + 0 + 0 >= 5 cannot be decided for a positive integer n: the formula, not an error
    assert conv.conv_output_length(n, 5, 1, 0, 0, 1) == n - 4
    assert conv.conv_output_shape((1, 1, n), (1, 1, 5), stride=(1,), padding=((0, 0),), dilation=(1,)) == (1, 1, n - 4)
    assert pool.pool_output_length(n, 5, 2, 0, 0, 1) == sympy.floor((n - 5) / 2) + 1
    assert conv.conv_parameter_count(conv.c_in, conv.c_out, (k, k), groups=conv.groups) == (
        conv.c_out * conv.c_in / conv.groups * k**2 + conv.c_out)
    # a condition that is decidably false is refused, symbols or not
    with pytest.raises(ValueError, match=r"span d·\(k−1\)\+1 = 2\*n \+ 1 exceeds .* = n"):
        conv.conv_output_length(n, 2 * n + 1, 1, 0, 0, 1)


def test_layers_keep_symbolic_sizes():
    size = layers.size_symbol("n")
    assert layers.Conv(8, 3).output_shape((1, size, size)) == (8, size - 2, size - 2)
    assert layers.MaxPool(2).output_shape((8, size, size)) == (8, sympy.floor(size / 2), sympy.floor(size / 2))
    with pytest.raises(ValueError, match="Conv: c_out must be positive, got 0"):
        layers.Conv(0, 3)
    with pytest.raises(ValueError, match=r"input shape entry must be finite, got zoo"):
        layers.Conv(8, 3).output_shape((1, sympy.zoo, 4))
