"""Layer arithmetic (spec/layers.py) and the seeds' notations (spec/notation.py).

Sections:

1. golden per-layer counts, from the seeds and from hand computation (written out as
   products in the test, never taken from the code under test);
2. the seeds' notations against convspec's formulas, with ``sympy.simplify`` and the
   conditions under which they agree; the seeds' mistakes;
3. symbolic sizes: the symbolic answer, evaluated, is the numeric answer;
4. bad input: ``ValueError``/``TypeError`` naming the argument and the rule.

Shapes are ``(C, *spatial)`` without the batch axis, channels first: the seeds' Keras
``(None, 26, 26, 32)`` is ``(32, 26, 26)`` here.
"""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from convspec.spec import conv as spec_conv
from convspec.spec import notation as N
from convspec.spec.layers import (
    Activation,
    AvgPool,
    AvgUnpool,
    Conv,
    ConvTranspose,
    Dense,
    DepthwiseConv,
    DepthwiseSeparable,
    FirstUnpool,
    Flatten,
    GlobalAvgPool,
    GlobalMaxPool,
    MaxPool,
    MaxUnpool,
    Upsample,
    shapes,
    size_symbol,
)

# --------------------------------------------------------------------------------------
# 1. Golden per-layer counts
# --------------------------------------------------------------------------------------


def test_seed003_keras_example_1():
    # Input (10, 10, 1); Convolution2D(1, 3) -> (None, 8, 8, 1), 10 params; Activation -> 0
    conv = Conv(1, 3)
    assert conv.output_shape((1, 10, 10)) == (1, 8, 8)
    assert conv.parameters((1, 10, 10)) == 1 * (3 * 3 * 1) + 1 == 10
    assert Activation("sigmoid").output_shape((1, 8, 8)) == (1, 8, 8)
    assert Activation("sigmoid").parameters((1, 8, 8)) == 0


def test_seed003_keras_example_2():
    # (10, 10, 1) -> Conv(5, 3) (8, 8, 5) 50 -> Conv(2, 3) (6, 6, 2) 92; total 142
    first, second = Conv(5, 3), Conv(2, 3)
    assert first.output_shape((1, 10, 10)) == (5, 8, 8)
    assert second.output_shape((5, 8, 8)) == (2, 6, 6)
    assert first.parameters((1, 10, 10)) == 5 * (9 * 1 + 1) == 50
    assert second.parameters((5, 8, 8)) == 2 * (9 * 5 + 1) == 92


def test_seed003_keras_example_3():
    # (100, 100, 3) -> Conv(8, 3) (98, 98, 8) 224 -> Conv(1, 3) (96, 96, 1) 73; total 297
    first, second = Conv(8, 3), Conv(1, 3)
    assert first.output_shape((3, 100, 100)) == (8, 98, 98)
    assert second.output_shape((8, 98, 98)) == (1, 96, 96)
    assert first.parameters((3, 100, 100)) == 8 * (9 * 3 + 1) == 224
    assert second.parameters((8, 98, 98)) == 1 * (9 * 8 + 1) == 73


def test_seed003_keras_example_4_one_dimensional():
    # Input (100, 5) is 100 steps of 5 channels: (C, L) = (5, 100) here.
    # Convolution1D(8, 3) -> (98, 8) 128; Convolution1D(1, 3) -> (96, 1) 25; total 153
    first, second = Conv(8, 3), Conv(1, 3)
    assert first.output_shape((5, 100)) == (8, 98)
    assert second.output_shape((8, 98)) == (1, 96)
    assert first.parameters((5, 100)) == 8 * (3 * 5 + 1) == 128
    assert second.parameters((8, 98)) == 1 * (3 * 8 + 1) == 25


def test_seed002_conv2d_2_annotation_is_wrong():
    # Seed 002 annotates conv2d_2's 18496 as "(3x3x3x2+1)x64"; that product is 3520.
    # The right count is (3*3*32 + 1) * 64: 32 input channels, not "3x2".
    assert (3 * 3 * 3 * 2 + 1) * 64 == 3520
    assert Conv(64, 3).parameters((32, 13, 13)) == (3 * 3 * 32 + 1) * 64 == 18496


def test_weights_and_biases_separately():
    layer = Conv(64, 3)
    assert layer.weights((32, 13, 13)) == 64 * 32 * 3 * 3
    assert layer.biases((32, 13, 13)) == 64
    assert Conv(64, 3, bias=False).biases((32, 13, 13)) == 0
    assert Dense(10).weights((64,)) == 640 and Dense(10).biases((64,)) == 10


def test_seed000_depthwise_separable_savings():
    # Seed 000: a 12x12x3 input, 256 filters 5x5, 'valid' -> 8x8x256.
    shape = (3, 12, 12)
    normal, separable = Conv(256, 5), DepthwiseSeparable(256, 5)
    assert normal.output_shape(shape) == separable.output_shape(shape) == (256, 8, 8)
    # normal: 256 filters of 5x5x3 (+ 256 biases); 8*8 positions x 256 filters x 75 products
    assert normal.weights(shape) == 256 * 5 * 5 * 3 == 19200
    assert normal.parameters(shape) == 19200 + 256
    assert normal.multiply_adds(shape) == 8 * 8 * 256 * (5 * 5 * 3) == 1_228_800
    # separable: 3 depthwise 5x5 kernels + 256 pointwise 1x1x3 kernels (+ 256 biases, Keras SeparableConv2D)
    assert separable.weights(shape) == 3 * 5 * 5 + 256 * 3 == 843
    assert separable.parameters(shape) == 843 + 256 == 1099
    # depthwise: 8*8 positions x 3 channels x 25 taps; pointwise: 8*8 positions x 256 filters x 3
    assert separable.multiply_adds(shape) == 8 * 8 * 3 * 25 + 8 * 8 * 256 * 3 == 53_952
    assert round(1_228_800 / 53_952, 1) == 22.8  # about 23 times fewer multiplications


def test_depthwise_conv_is_conv_with_groups_equal_to_channels():
    shape = (6, 9, 9)
    depthwise, grouped = DepthwiseConv(3, depth_multiplier=2, stride=2), Conv(12, 3, stride=2, groups=6)
    for method in ("output_shape", "weights", "biases", "parameters", "multiply_adds"):
        assert getattr(depthwise, method)(shape) == getattr(grouped, method)(shape), method
    # 12 filters, each 3x3 over one channel; 4x4 positions
    assert depthwise.weights(shape) == 12 * 1 * 3 * 3
    assert depthwise.multiply_adds(shape) == 4 * 4 * 12 * 9


def test_grouped_conv_counts():
    # groups=2: each of 8 filters sees 4 of the 8 input channels
    layer = Conv(8, 3, groups=2, padding="same")
    assert layer.output_shape((8, 5, 5)) == (8, 5, 5)
    assert layer.weights((8, 5, 5)) == 8 * 4 * 9
    assert layer.multiply_adds((8, 5, 5)) == 5 * 5 * 8 * (4 * 9)


def test_conv_transpose_counts_real_products():
    # seed 000's stride-2 example: 2x2 input, 2x2 kernel -> 4x4; each of the 4 inputs times 4 taps
    layer = ConvTranspose(1, 2, stride=2)
    assert layer.output_shape((1, 2, 2)) == (1, 4, 4)
    assert layer.parameters((1, 2, 2)) == 1 * 1 * 4 + 1
    assert layer.multiply_adds((1, 2, 2)) == 2 * 2 * 4
    # seed 000's Keras line Conv2DTranspose(2, (2, 2), strides=(2, 2), padding='valid'): 2 filters
    # (its comment says "1 filters"; the code says 2)
    keras = ConvTranspose(2, 2, stride=2, padding="valid")
    assert keras.output_shape((3, 5, 7)) == (2, 10, 14)
    assert keras.weights((3, 5, 7)) == 3 * 2 * 2 * 2


def test_conv_transpose_same_and_output_padding():
    assert ConvTranspose(4, 3, stride=2, padding="same").output_shape((2, 5)) == (4, 10)
    # (5 - 1) * 2 - 2 + 3 + 1 = 10 with padding 1 and output_padding 1
    assert ConvTranspose(4, 3, stride=2, padding=1, output_padding=1).output_shape((2, 5)) == (4, 10)


def test_pooling_and_global_pooling():
    assert MaxPool(2).output_shape((32, 26, 26)) == (32, 13, 13)
    assert MaxPool(2).output_shape((64, 11, 11)) == (64, 5, 5)  # seed 002: floor(11 / 2)
    assert MaxPool(2, ceil_mode=True).output_shape((64, 11, 11)) == (64, 6, 6)
    assert MaxPool(3, 2, padding="same").output_shape((1, 7)) == (1, 4)  # ceil(7 / 2)
    assert MaxPool(2, 1, dilation=2).output_shape((1, 7)) == (1, 5)  # windows span 3
    assert AvgPool(2, 2).output_shape((6, 28, 28)) == (6, 14, 14)
    assert GlobalAvgPool().output_shape((512, 7, 7)) == GlobalMaxPool().output_shape((512, 7, 7)) == (512, 1, 1)
    for layer in (MaxPool(2), AvgPool(2), GlobalMaxPool(), GlobalAvgPool()):
        assert layer.parameters((3, 8, 8)) == 0 and layer.multiply_adds((3, 8, 8)) == 0


def test_unpooling_and_upsampling():
    assert MaxUnpool(2).output_shape((3, 2, 2)) == (3, 4, 4)  # seed 004's picture
    assert MaxUnpool(2, output_size=(5, 5)).output_shape((3, 2, 2)) == (3, 5, 5)  # 5 also pools to 2
    assert MaxUnpool(3, 2, padding=1).output_shape((1, 3)) == (1, 2 * 2 - 2 + 3)
    assert AvgUnpool(3, 2).output_shape((1, 3)) == (1, 7)
    assert FirstUnpool(2).output_shape((1, 5)) == (1, 10)
    assert Upsample(scale_factor=2).output_shape((3, 5, 7)) == (3, 10, 14)
    assert Upsample(scale_factor=1.5).output_shape((1, 5)) == (1, 7)  # floor(7.5)
    assert Upsample(size=(4, 6), mode="bilinear").output_shape((2, 2, 3)) == (2, 4, 6)
    # bilinear: every output value is a weighted sum of 4 neighbours
    assert Upsample(size=(4, 6), mode="bilinear").multiply_adds((2, 2, 3)) == 2 * 4 * 6 * 4
    assert Upsample(scale_factor=2).multiply_adds((3, 5, 7)) == 0
    for layer in (MaxUnpool(2), AvgUnpool(2), Upsample(scale_factor=2, mode="bilinear")):
        assert layer.parameters((3, 4, 4)) == 0


def test_flatten_dense_activation():
    assert Flatten().output_shape((64, 3, 3)) == (576,)
    assert Dense(64).output_shape((576,)) == (64,)
    assert Dense(64).parameters((576,)) == 576 * 64 + 64 == 36928
    assert Dense(64).multiply_adds((576,)) == 576 * 64
    assert Dense(64, bias=False).parameters((576,)) == 576 * 64
    assert Activation("softmax").output_shape((10,)) == (10,)


def test_every_padding_form_of_the_conventions():
    shape = (1, 7, 7)
    assert Conv(1, 3, padding=1).output_shape(shape) == (1, 7, 7)
    assert Conv(1, 3, padding=(1, 0)).output_shape(shape) == (1, 7, 5)
    assert Conv(1, 3, padding=((2, 0), (0, 1))).output_shape(shape) == (1, 7, 6)
    assert Conv(1, 3, padding="valid").output_shape(shape) == (1, 5, 5)
    assert Conv(1, 4, stride=2, padding="same").output_shape(shape) == (1, 4, 4)  # ceil(7/2)
    assert Conv(1, 4, stride=2, padding="same_lower").output_shape(shape) == (1, 4, 4)
    assert Conv(1, 3, padding="full").output_shape(shape) == (1, 9, 9)  # every overlapping window
    assert Conv(1, 3, padding=((1, 2),)).output_shape((1, 4)) == (1, 5)  # 1-D per-side


def test_shapes_runs_the_stack():
    assert shapes([Conv(32, 3), MaxPool(2), Flatten(), Dense(10)], (1, 28, 28)) == [
        (32, 26, 26), (32, 13, 13), (32 * 13 * 13,), (10,)
    ]


# --------------------------------------------------------------------------------------
# 2. The seeds' notations
# --------------------------------------------------------------------------------------


def test_seed004_output_size_is_convspecs_formula():
    # seed 004: J x K image, M x M kernel, padding P, stride S: floor((J + 2P - M)/S) + 1.
    # Here K is the image's second side, not the kernel: the layer sees the image (C, J, K).
    layer = Conv(N.C_OUT, N.M, stride=N.S, padding=N.P)
    out = layer.output_shape((N.C, N.J, N.K))
    assert sympy.simplify(out[1] - N.seed004_output_size(N.J, N.M, N.P, N.S)) == 0
    assert sympy.simplify(out[2] - N.seed004_output_size(N.K, N.M, N.P, N.S)) == 0
    assert out[0] == N.C_OUT


def test_seed001_output_size_is_convspecs_formula():
    difference = spec_conv.conv_output_length(N.n, N.f, N.s, N.p, N.p, 1) - N.seed001_output_size()
    assert sympy.simplify(difference) == 0
    # its stride-1 slide: n + 2p - f + 1
    assert sympy.simplify(N.seed001_output_size(N.n, N.f, 1, N.p) - (N.n + 2 * N.p - N.f + 1)) == 0


def test_seed000_output_width_agrees_when_the_stride_divides():
    # seed 000 writes W_out = (W_in - F + 2P)/S + 1 without a floor: a count only when S divides
    # W_in - F + 2P. Write W_in - F + 2P = S q (q >= 0); then it is convspec's formula.
    q = sympy.Symbol("q", integer=True, nonnegative=True)
    w_in = N.S * q + N.F - 2 * N.P
    convspec = spec_conv.conv_output_length(w_in, N.F, N.S, N.P, N.P, 1)
    assert sympy.simplify(convspec - N.seed000_output_width(w_in)) == 0
    assert sympy.simplify(convspec - (q + 1)) == 0
    # when S does not divide, the seed's value is no count: W_in = 5, F = S = 2 gives 5/2, convspec 2
    assert N.seed000_output_width(5, 2, 2, 0) == sympy.Rational(5, 2)
    assert spec_conv.conv_output_length(5, 2, 2, 0, 0, 1) == 2


def test_seed000_misprinted_pooling_formula_is_wrong():
    # seed 000's first pooling slide: W_out = (W_in - F + 2P + 1)/S. It differs from the right
    # formula by (1 - S)/S: right only for S = 1. The seeds' 4x4 map pooled 2x2 stride 2 has 2x2 outputs.
    difference = N.seed000_misprinted_output_width() - N.seed000_output_width()
    assert sympy.simplify(difference - (1 - N.S) / N.S) == 0
    assert N.seed000_misprinted_output_width(4, 2, 2, 0) == sympy.Rational(3, 2)
    assert MaxPool(2, 2).output_shape((1, 4, 4)) == (1, 2, 2)


def test_seed004_parameter_count_is_the_layers():
    # (M^2 C + 1) C_OUT for an M x M convolution from C to C_OUT channels
    layer = Conv(N.C_OUT, N.M)
    assert sympy.simplify(layer.parameters((N.C, N.J, N.K)) - N.seed004_parameter_count()) == 0
    # seed 001's K_1 (3 L^2 + 1) is the same count for an RGB input
    k1, ell = sympy.symbols("K_1 L", integer=True, positive=True)
    assert sympy.simplify(Conv(k1, ell).parameters((3, N.J, N.K)) - k1 * (3 * ell**2 + 1)) == 0


def test_seed001_weight_and_bias_counts():
    # seed 001: weights C_in x C_out x K_W x K_H, biases C_out
    layer = Conv(N.C_out, (N.K_H, N.K_W))
    shape = (N.C_in, N.n, N.n)
    assert sympy.simplify(layer.weights(shape) - N.seed001_conv_weights()) == 0
    assert layer.biases(shape) == N.seed001_conv_biases()
    # seed 001's "K_{l-1} * f * f * K_l parameters in layer l" counts the weights only;
    # with biases the layer has K_l more
    layer_l = Conv(N.K_l, N.f)
    prev = (N.K_prev, N.n, N.n)
    assert sympy.simplify(layer_l.weights(prev) - N.seed001_layer_weights()) == 0
    assert sympy.simplify(layer_l.parameters(prev) - N.seed001_layer_weights() - N.K_l) == 0


def test_seed001_same_padding_keeps_the_size_for_odd_kernels():
    # p = (f - 1)/2 with f = 2m + 1 keeps n at stride 1; convspec's "same" pads exactly that
    m = sympy.Symbol("m", integer=True, nonnegative=True)
    f = 2 * m + 1
    p = N.seed001_same_padding(f)
    assert sympy.simplify(p - m) == 0
    assert sympy.simplify(spec_conv.conv_output_length(N.n, f, 1, p, p, 1) - N.n) == 0
    lo, hi = spec_conv.same_padding(N.n, f, 1, 1)
    assert sympy.simplify(lo - m) == 0 and sympy.simplify(hi - m) == 0


# --------------------------------------------------------------------------------------
# 3. Symbolic sizes evaluate to the numeric answers
# --------------------------------------------------------------------------------------

n = size_symbol("n")
SYMBOLIC_LAYERS = [
    Conv(4, 3, stride=2, padding="same"),
    Conv(4, 4, stride=3, padding=((1, 2),), dilation=2),
    ConvTranspose(2, 3, stride=2, padding="same_lower"),
    ConvTranspose(2, 4, stride=3, padding=1, output_padding=2),
    MaxPool(3, 2, padding=1, ceil_mode=True),
    AvgPool(2, ceil_mode=True),
    MaxUnpool(3, 2, padding=1),
    AvgUnpool(2, 3),
    Upsample(scale_factor=1.5),
    DepthwiseSeparable(5, 3, padding="full"),
]


@pytest.mark.parametrize("layer", SYMBOLIC_LAYERS, ids=lambda layer: type(layer).__name__)
@given(length=st.integers(4, 40))
def test_symbolic_answer_evaluates_to_the_numeric_one(layer, length):
    symbolic = (3, n)
    for method in ("output_shape", "parameters", "multiply_adds"):
        value = getattr(layer, method)(symbolic)
        numeric = getattr(layer, method)((3, length))
        if method == "output_shape":
            assert tuple(int(sympy.sympify(v).subs(n, length)) for v in value) == numeric
        else:
            assert int(sympy.sympify(value).subs(n, length)) == numeric


def test_symbolic_hyperparameters():
    c_in, c_out, k = sympy.symbols("C_in C_out k", integer=True, positive=True)
    layer = Conv(c_out, k)
    assert sympy.simplify(layer.output_shape((c_in, n))[1] - (n - k + 1)) == 0
    assert sympy.simplify(layer.parameters((c_in, n)) - (c_out * c_in * k + c_out)) == 0


# --------------------------------------------------------------------------------------
# 4. Bad input
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, shape, error, words",
    [
        (lambda: Conv(0, 3), None, ValueError, "c_out must be positive, got 0"),
        (lambda: Conv(True, 3), None, TypeError, "c_out must be an int"),
        (lambda: Conv(4, 2.5), (1, 5, 5), TypeError, "kernel_size must be an int"),
        (lambda: Conv(4, (3, 3, 3)), (1, 5, 5), ValueError, "kernel_size has 3 entries"),
        (lambda: Conv(4, 3, groups=3), None, ValueError, "groups=3 must divide the output channels 4"),
        (lambda: Conv(6, 3, groups=3), (4, 5, 5), ValueError, "groups=3 must divide the input channels 4"),
        (lambda: Conv(4, 7), (1, 5, 5), ValueError, "the kernel does not fit"),
        (lambda: Conv(4, 3, padding="half"), (1, 5, 5), ValueError, "padding must be"),
        (lambda: Conv(4, 3, c_in=2), (3, 5, 5), ValueError, "declared with c_in=2"),
        (lambda: Conv(4, 3), (5,), ValueError, "at least one spatial axis"),
        (lambda: Conv(4, 3), (1, 0, 5), ValueError, "must be positive, got 0"),
        (lambda: Conv(4, 3), 28, TypeError, "input shape must be a tuple"),
        (lambda: Dense(10), (64, 3, 3), ValueError, "put a Flatten before Dense"),
        (lambda: Dense(10, in_features=5), (6,), ValueError, "in_features=5"),
        (lambda: ConvTranspose(2, 3, stride=2, output_padding=2), (1, 4), ValueError, "output_padding must be smaller"),
        (lambda: ConvTranspose(2, 3, stride=2, padding="same", output_padding=1), (1, 4), ValueError, "must be 0"),
        (lambda: ConvTranspose(2, 2, padding=2), (1, 1), ValueError, "the output would be empty"),
        (lambda: MaxPool(2, padding=2), (1, 6), ValueError, "every window must hold at least one input cell"),
        (lambda: MaxPool(2, ceil_mode=1), None, TypeError, "ceil_mode must be a bool"),
        (lambda: MaxUnpool(2, output_size=(6,)), (1, 2), ValueError, "not a valid size"),
        (lambda: Upsample(), None, ValueError, "exactly one of scale_factor and size"),
        (lambda: Upsample(scale_factor=2, mode="bilinear"), (1, 5), ValueError, "exactly 2 spatial dim(s)"),
        (lambda: Activation(""), None, TypeError, "non-empty str"),
    ],
)
def test_bad_input_is_refused_with_a_message(make, shape, error, words):
    with pytest.raises(error) as info:
        layer = make()
        layer.output_shape(shape)
    assert words in str(info.value)
    assert type(info.value) is error


def test_layers_are_frozen_and_hashable():
    layer = Conv(4, [3, 3], padding=[[1, 0], [0, 1]])  # lists, as a JSON file gives them
    assert layer.kernel_size == (3, 3) and layer.padding == ((1, 0), (0, 1))
    assert hash(layer) == hash(Conv(4, (3, 3), padding=((1, 0), (0, 1))))
    with pytest.raises(AttributeError):
        layer.c_out = 5
