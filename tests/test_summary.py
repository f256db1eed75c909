"""Model summaries (spec/summary.py) and ``convspec summary`` (conformance/commands/summary.py).

Sections:

1. golden models from the seeds, corrected where they are wrong (each correction is
   a comment), and from the literature (VGG-16); symbolic input sizes;
2. property (a): for hypothesis-drawn stacks, the summary's shapes are the shapes
   ``convspec.accelerated`` produces, its weight/bias counts are the sizes of the arrays
   those operations accept, its multiply-adds follow from the tensors' sizes;
3. property (c): ``layers_from_torch(nn.Sequential)`` gives the summary of the same
   layers written in Python, and torch's own parameter count;
4. layer files, the command line, errors.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

import pytest
import sympy
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from convspec import accelerated
from convspec.conformance.commands import summary as summary_command
from convspec.spec import layers as L
from convspec.spec.summary import layers_from_file, layers_from_torch, parse_shape, summary

# --------------------------------------------------------------------------------------
# 1. Golden models
# --------------------------------------------------------------------------------------

MNIST = [L.Conv(32, 3), L.MaxPool(2), L.Conv(64, 3), L.MaxPool(2), L.Conv(64, 3), L.Flatten(), L.Dense(64), L.Dense(10)]


def test_mnist_convnet_of_seeds_002_and_003():
    # seed 002's model.summary(), channels first here: (None, 26, 26, 32) is (32, 26, 26)
    result = summary(MNIST, (1, 28, 28))
    rows = [(row.name, row.output_shape, row.parameters) for row in result.rows]
    assert rows == [
        ("conv_1", (32, 26, 26), 320),  # 32 * (3*3*1 + 1)
        ("max_pool_1", (32, 13, 13), 0),
        ("conv_2", (64, 11, 11), 18496),  # 64 * (3*3*32 + 1); the seed's "(3x3x3x2+1)x64" is wrong
        ("max_pool_2", (64, 5, 5), 0),  # floor(11 / 2)
        ("conv_3", (64, 3, 3), 36928),  # 64 * (3*3*64 + 1)
        ("flatten_1", (576,), 0),
        ("dense_1", (64,), 36928),  # 576 * 64 + 64
        ("dense_2", (10,), 650),  # 64 * 10 + 10
    ]
    assert result.total_parameters == 93_322
    assert [row.multiply_adds for row in result.rows] == [
        26 * 26 * 32 * (3 * 3 * 1), 0, 11 * 11 * 64 * (3 * 3 * 32), 0, 3 * 3 * 64 * (3 * 3 * 64), 0, 576 * 64, 64 * 10,
    ]
    assert result.total_biases == 32 + 64 + 64 + 64 + 10


def test_mnist_text_looks_like_keras():
    text = summary(MNIST, (1, 28, 28)).to_text()
    lines = text.splitlines()
    assert lines[1].split() == ["Layer", "(type)", "Output", "Shape", "Param", "#", "Mult-adds", "RF", "size", "RF", "jump"]
    assert set(lines[2]) == {"="}
    conv_2 = next(line for line in lines if line.startswith("conv_2 (Conv)"))
    assert conv_2.split()[2:9] == ["(None,", "64,", "11,", "11)", "18,496", "2,230,272", "8x8"]
    assert "Total params: 93,322 (weights 93,088, biases 234)" in lines
    assert "Trainable params: 93,322" in lines and "Non-trainable params: 0" in lines


def test_seed003_keras_examples_totals():
    assert summary([L.Conv(1, 3), L.Activation("sigmoid")], (1, 10, 10)).total_parameters == 10
    two = [L.Conv(5, 3), L.Activation("sigmoid"), L.Conv(2, 3), L.Activation("sigmoid")]
    assert summary(two, (1, 10, 10)).total_parameters == 142
    assert summary([L.Conv(8, 3), L.Activation("sigmoid"), L.Conv(1, 3)], (3, 100, 100)).total_parameters == 297
    assert summary([L.Conv(8, 3), L.Activation("sigmoid"), L.Conv(1, 3)], (5, 100)).total_parameters == 153


def test_seed003_dense_after_three_convolutions():
    # seed 003: without pooling, 28 -> 26 -> 24 -> 22; one Dense unit on top adds 64 * 22 * 22 + 1
    stack = [L.Conv(32, 3), L.Conv(64, 3), L.Conv(64, 3), L.Flatten(), L.Dense(1)]
    result = summary(stack, (1, 28, 28))
    assert result.rows[2].output_shape == (64, 22, 22)
    assert result.rows[-1].parameters == 64 * 22 * 22 + 1 == 30_977


LENET_DIAGRAM = [L.Conv(6, 5), L.AvgPool(2, 2), L.Conv(16, 5), L.AvgPool(2, 2), L.Flatten(),
                 L.Dense(120), L.Dense(84), L.Dense(10)]


def test_lenet_as_the_diagram_draws_it():
    # seed 000: 32x32x1 -(6 5x5)-> 28x28x6 -(pool 2, s 2)-> 14x14x6 -(16 5x5)-> 10x10x16 -> 5x5x16.
    # The seed writes "10 x 10 x 8" (16 filters give 16 channels) and "(14 - 5)/2 + 1" (the second
    # convolution has stride 1: (14 - 5)/1 + 1 = 10).
    result = summary(LENET_DIAGRAM, (1, 32, 32))
    assert [row.output_shape for row in result.rows] == [
        (6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 5, 5), (400,), (120,), (84,), (10,)
    ]
    assert [row.parameters for row in result.rows] == [
        6 * (25 + 1), 0, 16 * (6 * 25 + 1), 0, 0, 400 * 120 + 120, 120 * 84 + 84, 84 * 10 + 10
    ]
    assert result.total_parameters == 61_706


def test_lenet_as_the_seeds_keras_code_computes_it():
    # the seed's Keras code has padding='same' in conv1, so its maps are not the diagram's:
    # 32x32x6 -> 16x16x6 -> 12x12x16 -> 6x6x16, and Flatten gives 576, not 400
    keras = [L.Conv(6, 5, padding="same"), L.Activation("relu"), L.AvgPool(2, 2), L.Conv(16, 5), L.Activation("relu"),
             L.AvgPool(2, 2), L.Flatten(), L.Dense(120), L.Activation("relu"), L.Dense(84), L.Activation("relu"),
             L.Dense(10), L.Activation("softmax")]
    result = summary(keras, (1, 32, 32))
    shapes = [row.output_shape for row in result.rows if row.kind != "Activation"]
    assert shapes == [(6, 32, 32), (6, 16, 16), (16, 12, 12), (16, 6, 6), (576,), (120,), (84,), (10,)]
    assert result.total_parameters == 156 + 2416 + (576 * 120 + 120) + 10_164 + 850 == 82_826


def test_lenet_output_shape_as_a_function_of_the_input_side():
    side = L.size_symbol("n")
    result = summary(LENET_DIAGRAM, (1, side, side))
    features = result.rows[4].output_shape[0]
    # n -> n - 4 -> floor(n/2) - 2 -> floor(n/2) - 6 -> floor(n/4) - 3: Flatten gives 16 (floor(n/4) - 3)^2.
    # Proof by cases n = 4q + r, r = 0..3 (sympy leaves floor(floor(n/2)/2) unsimplified otherwise).
    q = sympy.Symbol("q", integer=True, positive=True)
    for r in range(4):
        assert sympy.simplify(features.subs(side, 4 * q + r) - 16 * (q - 3) ** 2) == 0
    assert features.subs(side, 32) == 400
    dense = result.rows[5].parameters
    assert sympy.simplify(dense.subs(side, 4 * q) - (120 * 16 * (q - 3) ** 2 + 120)) == 0
    assert result.to_dict()["layers"][4]["output_shape"] == [str(features)]


VGG16_CONVS = [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]  # (filters, convolutions) per block


def test_vgg16():
    stack = []
    for filters, count in VGG16_CONVS:
        stack += [L.Conv(filters, 3, padding="same"), L.Activation("relu")] * count + [L.MaxPool(2)]
    stack += [L.Flatten(), L.Dense(4096), L.Activation("relu"), L.Dense(4096), L.Activation("relu"), L.Dense(1000)]
    result = summary(stack, (3, 224, 224))
    assert result.rows[-7].output_shape == (512, 7, 7)
    assert result.total_parameters == 138_357_544  # Simonyan & Zisserman's VGG-16, Keras' applications.VGG16
    # per-layer products: (side^2 * 9 * C_in * C_out) for the convolutions, in*out for the dense layers
    sides_and_channels = [(224, 3, 64), (224, 64, 64), (112, 64, 128), (112, 128, 128)] + [
        (56, 128, 256), (56, 256, 256), (56, 256, 256), (28, 256, 512), (28, 512, 512), (28, 512, 512),
        (14, 512, 512), (14, 512, 512), (14, 512, 512)]
    hand = sum(side * side * 9 * a * b for side, a, b in sides_and_channels) + 25088 * 4096 + 4096 * 4096 + 4096 * 1000
    assert result.total_multiply_adds == hand == 15_470_264_320  # the "15.47 GMACs" usually quoted
    # pool5's receptive field: 212 pixels, jump 32 (the figures usually quoted for VGG-16)
    assert result.rows[-7].field[0].size == 212 and result.rows[-7].field[0].jump == 32


def test_to_json_round_trips_and_keeps_symbols_as_text():
    side = L.size_symbol("n")
    data = json.loads(summary([L.Conv(4, 3, stride=2), L.Flatten(), L.Dense(2)], (3, side)).to_json())
    assert data["layers"][0]["output_shape"] == [4, "floor(n/2 - 3/2) + 1"]
    assert data["layers"][0]["parameters"] == 4 * (3 * 3) + 4
    assert data["layers"][0]["receptive_field"] == {"size": [3], "jump": [2], "start": [1]}
    assert data["total_biases"] == 6
    assert json.loads(summary(MNIST, (1, 28, 28)).to_json())["total_parameters"] == 93_322


# --------------------------------------------------------------------------------------
# Random stacks, valid by construction
# --------------------------------------------------------------------------------------


def _axes(value, rank):
    return tuple(value) if isinstance(value, tuple) else (value,) * rank


def _divisors(value):
    return [d for d in range(1, value + 1) if value % d == 0]


@st.composite
def _conv_padding(draw, rank, torch_compatible, stride):
    if torch_compatible:
        forms = ["int", "per_axis", "valid"] + (["same"] if stride == 1 else [])
    else:
        forms = ["int", "per_axis", "per_side", "valid", "same", "same_lower", "full"]
    form = draw(st.sampled_from(forms))
    if form == "int":
        return draw(st.integers(0, 2))
    if form == "per_axis":
        return tuple(draw(st.integers(0, 2)) for _ in range(rank))
    if form == "per_side":
        return tuple((draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in range(rank))
    return form


def _pairs(padding, rank):
    """The (lo, hi) of an explicit padding per axis; None for a mode (which always fits)."""
    if isinstance(padding, str):
        return None if padding != "valid" else ((0, 0),) * rank
    return tuple(p if isinstance(p, tuple) else (p, p) for p in _axes(padding, rank))


def _fitting_kernel(draw, sizes, padding, dilation):
    """One kernel size per axis whose dilated span fits the padded input."""
    pairs = _pairs(padding, len(sizes))
    kernel = []
    for axis, n in enumerate(sizes):
        room = n + (sum(pairs[axis]) if pairs else 2)
        kernel.append(draw(st.integers(1, max(1, min(3, (room - 1) // dilation + 1)))))
    return tuple(kernel)


@st.composite
def _layer(draw, shape, torch_compatible):
    c, sizes = shape[0], shape[1:]
    rank = len(sizes)
    growing = max(sizes) <= {1: 16, 2: 8, 3: 5}[rank]
    kinds = ["conv", "conv_transpose", "max_pool", "avg_pool", "global_max_pool", "global_avg_pool", "upsample",
             "activation"]
    if not torch_compatible:
        kinds += ["depthwise_conv", "depthwise_separable", "max_unpool", "avg_unpool", "first_unpool"]
    if not growing:
        kinds = [k for k in kinds if k not in ("conv_transpose", "upsample", "max_unpool", "avg_unpool", "first_unpool")]
    kind = draw(st.sampled_from(kinds))
    if kind in ("conv", "depthwise_conv", "depthwise_separable"):
        stride = draw(st.integers(1, 3))
        dilation = draw(st.integers(1, 2))
        padding = draw(_conv_padding(rank, torch_compatible, stride))
        kernel = _fitting_kernel(draw, sizes, padding, dilation)
        bias = draw(st.booleans())
        if kind == "conv":
            groups = draw(st.sampled_from(_divisors(c)))
            return L.Conv(groups * draw(st.integers(1, 3)), kernel, stride, padding, dilation, groups, bias)
        if kind == "depthwise_conv":
            return L.DepthwiseConv(kernel, draw(st.integers(1, 2)), stride, padding, dilation, bias)
        return L.DepthwiseSeparable(draw(st.integers(1, 4)), kernel, draw(st.integers(1, 2)), stride, padding,
                                    dilation, bias)
    if kind == "conv_transpose":
        groups = draw(st.sampled_from(_divisors(c)))
        k, s, d = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
        forms = ["int"] if torch_compatible else ["int", "valid", "same", "same_lower", "full"]
        form = draw(st.sampled_from(forms))
        a = 0 if form in ("same", "same_lower") else draw(st.integers(0, max(s, d) - 1))
        full = [(n - 1) * s + d * (k - 1) + 1 + a for n in sizes]  # the scatter buffer plus output padding
        if form == "full" and min(full) - 2 * d * (k - 1) < 1:
            form = "valid"
        padding = draw(st.integers(0, min(2, (min(full) - 1) // 2))) if form == "int" else form
        return L.ConvTranspose(groups * draw(st.integers(1, 3)), k, s, padding, a, d, groups, draw(st.booleans()))
    if kind in ("max_pool", "avg_pool"):
        dilation = draw(st.integers(1, min(2, min(sizes)))) if kind == "max_pool" else 1
        k = draw(st.integers(1, 3))
        while dilation * (k - 1) + 1 > min(sizes) + 2 * (k // 2) and k > 1:
            k -= 1
        stride = draw(st.one_of(st.none(), st.integers(1, 3)))
        if torch_compatible:
            if kind == "avg_pool" and rank == 3:
                k = min(k, min(sizes))  # torch's AvgPool3d refuses an input shorter than the kernel, padded or not
            padding = draw(st.integers(0, k // 2))
            if dilation * (k - 1) + 1 > min(sizes) + 2 * padding:
                padding = k // 2
        else:
            form = draw(st.sampled_from(["explicit", "valid", "same", "same_lower", "full"]))
            if form == "explicit":
                reach = dilation * (k - 1)  # at most d(k - 1) per side: every window holds an input cell
                padding = tuple((draw(st.integers(0, reach)), draw(st.integers(0, reach))) for _ in sizes)
                if any(dilation * (k - 1) + 1 > n + lo + hi for n, (lo, hi) in zip(sizes, padding)):
                    padding = "same"
            else:
                padding = "same" if form == "valid" and dilation * (k - 1) + 1 > min(sizes) else form
        ceil_mode = draw(st.booleans())
        if kind == "max_pool":
            return L.MaxPool(k, stride, padding, dilation, ceil_mode)
        divisor = None if torch_compatible else draw(st.one_of(st.none(), st.integers(1, 4)))
        return L.AvgPool(k, stride, padding, ceil_mode, draw(st.booleans()), divisor)
    if kind in ("global_max_pool", "global_avg_pool"):
        return L.GlobalMaxPool() if kind == "global_max_pool" else L.GlobalAvgPool()
    if kind in ("max_unpool", "avg_unpool", "first_unpool"):
        k, s = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        pads = tuple((draw(st.integers(0, (k - 1) // 2)), draw(st.integers(0, (k - 1) // 2)))
                     for _ in sizes) if kind == "max_unpool" else ((0, 0),) * rank
        # the lengths that pool back to n: D .. D + s - 1, D = (n - 1) s - lo - hi + k (spec/unpool.py's proof)
        output = None
        if draw(st.booleans()):
            output = tuple((n - 1) * s - lo - hi + k + draw(st.integers(0, s - 1)) for n, (lo, hi) in zip(sizes, pads))
        if kind == "max_unpool":
            return L.MaxUnpool(k, s, pads, output)
        return (L.AvgUnpool if kind == "avg_unpool" else L.FirstUnpool)(k, s, output)
    if kind == "upsample":
        linear = {1: "linear", 2: "bilinear", 3: "trilinear"}[rank]
        mode = draw(st.sampled_from(["nearest", linear] + ([] if torch_compatible else ["nearest_exact"])))
        align = draw(st.booleans()) if mode == linear else False
        if draw(st.booleans()):
            return L.Upsample(scale_factor=draw(st.sampled_from([1, 2, 3, 1.5])), mode=mode, align_corners=align)
        return L.Upsample(size=tuple(draw(st.integers(1, 2 * n)) for n in sizes), mode=mode, align_corners=align)
    return L.Activation("relu")


@st.composite
def stacks(draw, torch_compatible=False):
    rank = draw(st.integers(1, 3))
    shape = (draw(st.integers(1, 4)), *(draw(st.integers(3, {1: 12, 2: 7, 3: 4}[rank])) for _ in range(rank)))
    layers, current = [], shape
    for _ in range(draw(st.integers(1, 4))):
        layer = draw(_layer(current, torch_compatible))
        layers.append(layer)
        current = layer.output_shape(current)  # each layer's shape is checked against torch below
    if draw(st.booleans()):
        layers += [L.Flatten(), L.Dense(draw(st.integers(1, 5)), draw(st.booleans()))]
    return layers, shape


# --------------------------------------------------------------------------------------
# 2. Property (a): the summary against convspec.accelerated
# --------------------------------------------------------------------------------------


def _rand(*shape):
    return torch.rand(shape, dtype=torch.float64)


def run_layer(layer, x):
    """``(y, weight arrays, bias arrays, multiply-adds per sample)``, the arrays shaped as the ops take them."""
    batch, c, rank = x.shape[0], x.shape[1], x.dim() - 2
    per_sample = lambda t: t.numel() // batch  # noqa: E731
    if isinstance(layer, L.Conv):
        k = _axes(layer.kernel_size, rank)
        w, b = _rand(layer.c_out, c // layer.groups, *k), (_rand(layer.c_out) if layer.bias else None)
        y = accelerated.correlate(x, w, b, stride=layer.stride, padding=layer.padding, dilation=layer.dilation,
                                  groups=layer.groups)
        return y, [w], [b] if layer.bias else [], per_sample(y) * (c // layer.groups) * math.prod(k)
    if isinstance(layer, L.DepthwiseConv):
        k, m = _axes(layer.kernel_size, rank), layer.depth_multiplier
        w, b = _rand(c * m, 1, *k), (_rand(c * m) if layer.bias else None)
        y = accelerated.correlate(x, w, b, stride=layer.stride, padding=layer.padding, dilation=layer.dilation, groups=c)
        return y, [w], [b] if layer.bias else [], per_sample(y) * math.prod(k)
    if isinstance(layer, L.DepthwiseSeparable):
        k, m = _axes(layer.kernel_size, rank), layer.depth_multiplier
        dw, pw = _rand(c * m, 1, *k), _rand(layer.c_out, c * m, *(1,) * rank)
        b = _rand(layer.c_out) if layer.bias else None
        y = accelerated.depthwise_separable(x, dw, pw, b, stride=layer.stride, padding=layer.padding,
                                            dilation=layer.dilation)
        positions = per_sample(y) // layer.c_out
        return y, [dw, pw], [b] if layer.bias else [], positions * (c * m * math.prod(k) + layer.c_out * c * m)
    if isinstance(layer, L.ConvTranspose):
        k = _axes(layer.kernel_size, rank)
        w, b = _rand(c, layer.c_out // layer.groups, *k), (_rand(layer.c_out) if layer.bias else None)
        y = accelerated.conv_transpose(x, w, b, stride=layer.stride, padding=layer.padding,
                                       output_padding=layer.output_padding, dilation=layer.dilation, groups=layer.groups)
        return y, [w], [b] if layer.bias else [], per_sample(x) * (layer.c_out // layer.groups) * math.prod(k)
    if isinstance(layer, L.MaxPool):
        y = accelerated.max_pool(x, layer.kernel_size, stride=layer.stride, padding=layer.padding,
                                 dilation=layer.dilation, ceil_mode=layer.ceil_mode)
    elif isinstance(layer, L.AvgPool):
        y = accelerated.avg_pool(x, layer.kernel_size, stride=layer.stride, padding=layer.padding,
                                 ceil_mode=layer.ceil_mode, count_include_pad=layer.count_include_pad,
                                 divisor_override=layer.divisor_override)
    elif isinstance(layer, L.GlobalAvgPool):
        y = accelerated.global_avg_pool(x)
    elif isinstance(layer, L.GlobalMaxPool):
        y = accelerated.global_max_pool(x)
    elif isinstance(layer, L.MaxUnpool):
        k, s = _axes(layer.kernel_size, rank), _axes(layer.stride, rank)
        pads = layer.padding
        size = layer.output_size or tuple(
            max((n - 1) * s_ - lo - hi + k_, 1) for n, k_, s_, (lo, hi) in zip(x.shape[2:], k, s, pads))
        _, indices = accelerated.max_pool(_rand(batch, c, *size), k, stride=s, padding=pads, return_indices=True)
        y = accelerated.max_unpool(x, indices, k, stride=s, padding=pads, output_size=layer.output_size)
    elif isinstance(layer, L.FirstUnpool):
        y = accelerated.first_unpool(x, layer.kernel_size, stride=layer.stride, output_size=layer.output_size)
    elif isinstance(layer, L.AvgUnpool):
        y = accelerated.avg_unpool(x, layer.kernel_size, stride=layer.stride, output_size=layer.output_size)
    elif isinstance(layer, L.Upsample):
        y = accelerated.upsample(x, scale_factor=layer.scale_factor, size=layer.size, mode=layer.mode,
                                 align_corners=layer.align_corners)
        corners = 0 if layer.mode in ("nearest", "nearest_exact") else 2**rank
        return y, [], [], per_sample(y) * corners
    elif isinstance(layer, L.Flatten):
        y = x.reshape(batch, -1)
    elif isinstance(layer, L.Dense):
        w, b = _rand(layer.units, x.shape[1]), (_rand(layer.units) if layer.bias else None)
        y = x @ w.T + (b if layer.bias else 0)
        return y, [w], [b] if layer.bias else [], w.numel()
    else:
        y = torch.relu(x)
    return y, [], [], 0


@given(stacks())
def test_summary_matches_what_accelerated_computes(case):
    layers, shape = case
    result = summary(layers, shape)
    x = _rand(2, *shape)
    for layer, row in zip(layers, result.rows):
        y, weights, biases, multiply_adds = run_layer(layer, x)
        where = f"{row.name} = {layer!r} on {tuple(x.shape[1:])}"
        assert tuple(y.shape[1:]) == row.output_shape, where
        assert sum(w.numel() for w in weights) == row.weights, where
        assert sum(b.numel() for b in biases) == row.biases, where
        assert row.parameters == row.weights + row.biases, where
        assert row.multiply_adds == multiply_adds, where
        x = y


# --------------------------------------------------------------------------------------
# 3. Property (c): torch.nn.Sequential
# --------------------------------------------------------------------------------------


def to_torch(layer, shape):
    """The torch module of a layer (written by hand from torch's documentation)."""
    c, rank = shape[0], len(shape) - 1
    if isinstance(layer, L.Conv):
        cls = (nn.Conv1d, nn.Conv2d, nn.Conv3d)[rank - 1]
        return cls(c, layer.c_out, layer.kernel_size, layer.stride, layer.padding, layer.dilation, layer.groups,
                   layer.bias)
    if isinstance(layer, L.ConvTranspose):
        cls = (nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)[rank - 1]
        return cls(c, layer.c_out, layer.kernel_size, layer.stride, layer.padding, layer.output_padding,
                   layer.groups, layer.bias, layer.dilation)
    if isinstance(layer, L.MaxPool):
        cls = (nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d)[rank - 1]
        return cls(layer.kernel_size, layer.stride, layer.padding, layer.dilation, ceil_mode=layer.ceil_mode)
    if isinstance(layer, L.AvgPool):
        cls = (nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d)[rank - 1]
        return cls(layer.kernel_size, layer.stride, layer.padding, layer.ceil_mode, layer.count_include_pad)
    if isinstance(layer, L.GlobalAvgPool):
        return (nn.AdaptiveAvgPool1d, nn.AdaptiveAvgPool2d, nn.AdaptiveAvgPool3d)[rank - 1](1)
    if isinstance(layer, L.GlobalMaxPool):
        return (nn.AdaptiveMaxPool1d, nn.AdaptiveMaxPool2d, nn.AdaptiveMaxPool3d)[rank - 1](1)
    if isinstance(layer, L.Upsample):
        align = layer.align_corners if layer.mode != "nearest" else None
        return nn.Upsample(layer.size, layer.scale_factor, layer.mode, align)
    if isinstance(layer, L.Flatten):
        return nn.Flatten()
    if isinstance(layer, L.Dense):
        return nn.Linear(shape[0], layer.units, layer.bias)
    return nn.ReLU()


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")  # torch's performance note
@given(stacks(torch_compatible=True))
def test_layers_from_torch_gives_the_same_summary(case):
    layers, shape = case
    modules, current = [], shape
    for layer in layers:
        modules.append(to_torch(layer, current))
        current = layer.output_shape(current)
    sequential = nn.Sequential(*modules)
    converted = layers_from_torch(sequential)
    ours = summary(layers, shape)
    assert summary(converted, shape).to_dict() == ours.to_dict()
    assert ours.total_parameters == sum(p.numel() for p in sequential.parameters())
    with torch.no_grad():
        assert tuple(sequential(torch.rand(2, *shape)).shape[1:]) == ours.output_shape


def test_layers_from_torch_nested_and_named():
    net = nn.Sequential(
        nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2)),
        nn.Sequential(nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2)),
        nn.Conv2d(64, 64, 3), nn.Flatten(), nn.Linear(576, 64), nn.Dropout(0.5), nn.Linear(64, 10), nn.Softmax(1),
    )
    layers = layers_from_torch(net)
    assert [type(layer).__name__ for layer in layers] == [
        "Conv", "Activation", "MaxPool", "Conv", "Activation", "MaxPool", "Conv", "Flatten", "Dense", "Activation",
        "Dense", "Activation"]
    assert summary(layers, (1, 28, 28)).total_parameters == 93_322 == sum(p.numel() for p in net.parameters())
    assert layers[5] == L.MaxPool(2, 2, 0, 1, False)  # torch stores stride = kernel_size


@pytest.mark.parametrize(
    "module, words",
    [
        (nn.BatchNorm2d(3), "of type BatchNorm2d is not supported"),
        (nn.Conv2d(1, 2, 3, padding_mode="reflect"), "padding_mode='reflect'"),
        (nn.AdaptiveAvgPool2d(2), "only output size 1"),
        (nn.Flatten(start_dim=2), "start_dim=1, end_dim=-1"),
        (nn.Upsample(scale_factor=2, mode="bicubic"), "mode='bicubic'"),
        (nn.PReLU(), "of type PReLU is not supported"),
    ],
)
def test_layers_from_torch_refuses_what_it_cannot_read(module, words):
    with pytest.raises(ValueError, match="module '1'") as info:
        layers_from_torch(nn.Sequential(nn.ReLU(), module))
    assert words in str(info.value)


def test_layers_from_torch_wants_a_sequential():
    with pytest.raises(TypeError, match="expected a torch.nn.Sequential, got Conv2d"):
        layers_from_torch(nn.Conv2d(1, 2, 3))


def test_declared_channels_are_checked():
    with pytest.raises(ValueError, match="declared with c_in=3 but its input has 1 channels"):
        summary(layers_from_torch(nn.Sequential(nn.Conv2d(3, 8, 3))), (1, 8, 8))
    with pytest.raises(ValueError, match="in_features=10 but its input has 12 features"):
        summary(layers_from_torch(nn.Sequential(nn.Flatten(), nn.Linear(10, 2))), (3, 2, 2))


# --------------------------------------------------------------------------------------
# 4. Files, the command line, errors
# --------------------------------------------------------------------------------------

MNIST_ENTRIES = [
    {"type": "conv", "c_out": 32, "kernel_size": 3}, {"type": "activation", "name": "relu"},
    {"type": "max_pool", "kernel_size": 2},
    {"type": "conv", "c_out": 64, "kernel_size": [3, 3]}, {"type": "max_pool", "kernel_size": 2},
    {"type": "conv", "c_out": 64, "kernel_size": 3}, {"type": "flatten"},
    {"type": "dense", "units": 64}, {"type": "dense", "units": 10},
]
MNIST_YAML = """\
input_shape: [1, 28, 28]
layers:
  - {type: conv, c_out: 32, kernel_size: 3}
  - {type: activation, name: relu}
  - {type: max_pool, kernel_size: 2}
  - {type: conv, c_out: 64, kernel_size: [3, 3]}
  - {type: max_pool, kernel_size: 2}
  - {type: conv, c_out: 64, kernel_size: 3}
  - {type: flatten}
  - {type: dense, units: 64}
  - {type: dense, units: 10}
"""


def test_layer_files_json_and_yaml(tmp_path):
    as_json, as_yaml = tmp_path / "mnist.json", tmp_path / "mnist.yaml"
    as_json.write_text(json.dumps({"input_shape": [1, 28, 28], "layers": MNIST_ENTRIES}))
    as_yaml.write_text(MNIST_YAML)
    for path in (as_json, as_yaml):
        stack = layers_from_file(path)
        assert stack.input_shape == (1, 28, 28)
        assert summary(stack.layers, stack.input_shape).total_parameters == 93_322
    assert layers_from_file(as_json).layers == layers_from_file(as_yaml).layers
    symbolic = tmp_path / "symbolic.json"
    symbolic.write_text(json.dumps({"input_shape": [3, "n", "n"], "layers": [{"type": "conv", "c_out": 2, "kernel_size": 3}]}))
    side = L.size_symbol("n")
    assert summary(*layers_from_file(symbolic)).rows[0].output_shape == (2, side - 2, side - 2)


@pytest.mark.parametrize(
    "content, words",
    [
        ({"layers": [{"type": "convolution", "c_out": 3}]}, "unknown type 'convolution'; known types: conv,"),
        ({"layers": [{"type": "conv", "c_out": 3, "kernel_size": 3, "filters": 3}]}, "unknown key(s) 'filters'"),
        ({"layers": [{"type": "conv", "c_out": 3}]}, "missing required key(s) 'kernel_size'"),
        ({"layers": [{"type": "conv", "c_out": 0, "kernel_size": 3}]}, "layers[0]: Conv: c_out must be positive"),
        ({"layers": [], "shape": [1, 2]}, "unknown top-level key(s) 'shape'"),
        ({"model": []}, "must hold a mapping with a 'layers' list"),
        ({"input_shape": [1, "2n"], "layers": []}, "entry '2n' is neither an int nor a symbol name"),
    ],
)
def test_layer_file_errors(tmp_path, content, words):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(content))
    with pytest.raises(ValueError) as info:
        layers_from_file(path)
    assert words in str(info.value)


def test_layer_file_suffix_and_missing_file(tmp_path):
    with pytest.raises(ValueError, match=r"must end in \.json, \.yaml or \.yml"):
        (tmp_path / "model.txt").write_text("{}")
        layers_from_file(tmp_path / "model.txt")
    with pytest.raises(ValueError, match="no such file"):
        layers_from_file(tmp_path / "absent.json")


@pytest.mark.parametrize("name, nest", [("deep.json", lambda depth: "[" * depth + "]" * depth),
                                        ("deep.yaml", lambda depth: "- " * depth + "x")])
def test_a_layer_file_nested_too_deeply_is_a_usage_error(tmp_path, capsys, name, nest):
    """Lists nested deeper than the parser goes were convspec's internal error (exit 3, RecursionError).

    How deep a parser goes is the process's recursion limit, which libraries change (tinygrad sets 10,000 at
    import; a 3,000-deep file then parsed, and this test failed only where a tinygrad test had run before it
    in the same worker): the file is ten times as deep as the limit in force."""
    (tmp_path / name).write_text(nest(10 * sys.getrecursionlimit()))
    with pytest.raises(ValueError, match="nests lists or mappings deeper than a parser goes"):
        layers_from_file(tmp_path / name)
    assert _cli(str(tmp_path / name)) == 2
    assert "deeper than a parser goes" in capsys.readouterr().err


def test_parse_shape():
    n = L.size_symbol("n")
    assert parse_shape("1,28,28") == (1, 28, 28)
    assert parse_shape("3, n, n") == (3, n, n)
    with pytest.raises(ValueError, match="empty"):
        parse_shape("")


def _cli(*argv):
    parser = argparse.ArgumentParser(prog="convspec")
    summary_command.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["summary", *argv])
    assert args.handler is summary_command.run
    return summary_command.run(args)


def test_cli_file_text_and_json(tmp_path, capsys):
    path = tmp_path / "mnist.yaml"
    path.write_text(MNIST_YAML)
    assert _cli(str(path)) == 0
    assert "Total params: 93,322" in capsys.readouterr().out
    assert _cli(str(path), "--json") == 0
    assert json.loads(capsys.readouterr().out)["total_parameters"] == 93_322
    assert _cli(str(path), "--input-shape", "1,n,n") == 0
    assert "(None, 32, n - 2, n - 2)" in capsys.readouterr().out


def test_cli_import_paths(tmp_path, capsys, monkeypatch):
    module = tmp_path / "models_for_cli.py"
    module.write_text(
        "import torch.nn as nn\n"
        "from convspec.spec import layers as L\n"
        "net = nn.Sequential(nn.Conv1d(5, 8, 3), nn.Sigmoid(), nn.Conv1d(8, 1, 3))\n"
        "def python_stack():\n"
        "    return [L.Conv(8, 3), L.Activation('sigmoid'), L.Conv(1, 3)]\n"
    )
    assert _cli(f"{module}:net", "--input-shape", "5,100") == 0
    assert "Total params: 153" in capsys.readouterr().out  # seed 003's Example 4
    monkeypatch.syspath_prepend(str(tmp_path))
    assert _cli("models_for_cli:python_stack", "--input-shape", "5,100", "--json") == 0
    assert json.loads(capsys.readouterr().out)["total_parameters"] == 153
    assert _cli("models_for_cli.net", "--input-shape", "5,100") == 0
    assert "(None, 1, 96)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, words",
    [
        (["no_such_module_xyz:net", "--input-shape", "1,2"], "cannot import 'no_such_module_xyz'"),
        (["json:nothing_here", "--input-shape", "1,2"], "has no attribute 'nothing_here'"),
        (["json:dumps", "--input-shape", "1,2"], "calling it with no arguments failed"),
        (["json:decoder", "--input-shape", "1,2"], "names module, not a torch.nn.Sequential"),
        (["absent.yaml"], "no such file"),
    ],
)
def test_cli_errors_exit_2(argv, words, capsys):
    assert _cli(*argv) == 2
    error = capsys.readouterr().err
    assert error.startswith("convspec summary: ") and words in error


def test_cli_needs_an_input_shape(tmp_path, capsys):
    path = tmp_path / "noshape.json"
    path.write_text(json.dumps({"layers": [{"type": "flatten"}]}))
    assert _cli(str(path)) == 2
    assert "declares no input shape; give --input-shape" in capsys.readouterr().err


def test_summary_refuses_non_layers():
    with pytest.raises(TypeError, match=r"layers\[1\] must be a convspec.spec.layers layer"):
        summary([L.Flatten(), "dense"], (3, 4))
