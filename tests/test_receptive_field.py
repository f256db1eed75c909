"""Receptive fields (spec/receptive_field.py).

Sections:

1. the closed forms for uniform stacks, proved symbolically (summing the recurrence
   with ``sympy.summation``, and by induction), and checked on explicit layer stacks;
2. golden fields from the seeds and by hand;
3. the fields measured: perturb one input cell at a time (through ``convspec.accelerated``
   in float64, all weights positive so nothing cancels) and record which output units
   change. That set must be the spec's exact field, inside the recurrence's hull, and the
   whole clipped hull when the spec's conditions hold;
4. the fractional-stride convention (transposed convolution, unpooling, upsampling);
5. errors.
"""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest
import sympy
import torch
from hypothesis import given
from hypothesis import strategies as st

from convspec import accelerated
from convspec.spec import layers as L
from convspec.spec import receptive_field as R

n, k = sympy.symbols("n k", integer=True, positive=True)
i = sympy.Symbol("i", integer=True, positive=True)

# --------------------------------------------------------------------------------------
# 1. Closed forms
# --------------------------------------------------------------------------------------


def test_uniform_stack_summed_and_by_induction():
    # r_n = 1 + sum_{i=1..n} (k - 1) j_{i-1}, with every jump 1
    summed = 1 + sympy.summation((k - 1) * 1, (i, 1, n))
    assert sympy.simplify(summed - R.uniform_stack_size(n, k)) == 0
    # induction: r_1 = k; r_{n+1} = next_size(r_n, k, 1)
    assert sympy.simplify(R.uniform_stack_size(1, k) - R.next_size(1, k, 1)) == 0
    step = R.next_size(R.uniform_stack_size(n, k), k, 1) - R.uniform_stack_size(n + 1, k)
    assert sympy.simplify(step) == 0


def test_dilated_stack_grows_exponentially():
    # dilation 2^(i-1) in layer i: the span is 2^(i-1) (k - 1) + 1, the jump stays 1
    span = lambda layer: 2 ** (layer - 1) * (k - 1) + 1  # noqa: E731
    summed = 1 + sympy.summation(span(i) - 1, (i, 1, n))
    assert sympy.simplify(summed - R.dilated_stack_size(n, k)) == 0
    step = R.next_size(R.dilated_stack_size(n, k), span(n + 1), 1) - R.dilated_stack_size(n + 1, k)
    assert sympy.simplify(step) == 0
    # k = 3: 2^(n+1) - 1 (seed 003: "exponential expansion of the receptive field")
    assert sympy.simplify(R.dilated_stack_size(n, 3) - (2 ** (n + 1) - 1)) == 0


def test_strided_stack_summed():
    # jump s^(i-1) before layer i; write s = t + 2 (s >= 2) so sympy needs no case split
    t = sympy.Symbol("t", integer=True, nonnegative=True)
    s = t + 2
    summed = 1 + sympy.summation((k - 1) * s ** (i - 1), (i, 1, n))
    assert sympy.simplify(summed - R.strided_stack_size(n, k, s)) == 0
    step = R.next_size(R.strided_stack_size(n, k, s), k, s**n) - R.strided_stack_size(n + 1, k, s)
    assert sympy.simplify(step) == 0


@pytest.mark.parametrize("depth", range(1, 7))
def test_closed_forms_on_layer_stacks(depth):
    uniform = R.receptive_fields([L.Conv(1, 5)] * depth, (1, 64))[-1][0]
    assert uniform.size == R.uniform_stack_size(depth, 5) == 1 + 4 * depth
    dilated = R.receptive_fields([L.Conv(1, 3, dilation=2**j) for j in range(depth)], (1, 200))[-1][0]
    assert dilated.size == 2 ** (depth + 1) - 1 and dilated.jump == 1
    strided = R.receptive_fields([L.Conv(1, 3, stride=2, padding="same")] * depth, (1, 256))[-1][0]
    assert strided.size == R.strided_stack_size(depth, 3, 2) == 1 + 2 * (2**depth - 1)
    assert strided.jump == 2**depth


@st.composite
def windows(draw):
    count = draw(st.integers(1, 6))
    return [
        (draw(st.integers(1, 7)), draw(st.integers(1, 3)), draw(st.integers(0, 3)))
        for _ in range(count)
    ]


@given(windows())
def test_recurrence_equals_the_summed_closed_form(ws):
    field = R.INPUT_FIELD
    for span, stride, offset in ws:
        field = R.apply_window(field, R.Window(span, stride, offset))
    spans, strides, offsets = zip(*ws)
    assert field.size == R.stack_size(spans, strides)
    assert field.start == R.stack_start(spans, strides, offsets)
    assert field.jump == int(np.prod(strides))


# --------------------------------------------------------------------------------------
# 2. Golden fields
# --------------------------------------------------------------------------------------


def test_seed001_stack_of_3x3_and_the_5x5_homework():
    # seed 001: h_n = Conv2d(h_{n-1}, k=3) sees 2n + 1 pixels; the homework k = 5: 4n + 1
    assert sympy.expand(R.uniform_stack_size(n, 3)) == 2 * n + 1
    assert sympy.expand(R.uniform_stack_size(n, 5)) == 4 * n + 1


def test_seed003_three_3x3_convolutions_see_7x7():
    # seed 003 ("Why Maxpool?"): the third layer's 3x3 windows "contain information coming
    # from 7x7 windows in the initial input": 3 + 2 + 2
    fields = R.receptive_fields([L.Conv(32, 3), L.Conv(64, 3), L.Conv(64, 3)], (1, 28, 28))
    assert [f[0].size for f in fields] == [3, 5, 7]
    assert fields[-1] == (R.AxisField(7, 1, 3),) * 2


def test_mnist_convnet_by_hand():
    # conv 3: r 3 j 1; pool 2: r 3 + 1*1 = 4, j 2; conv 3: 4 + 2*2 = 8; pool 2: 8 + 1*2 = 10, j 4;
    # conv 3: 10 + 2*4 = 18. The last map has 3 units 4 apart: Dense sees 18 + 2*4 = 26 cells.
    stack = [L.Conv(32, 3), L.MaxPool(2), L.Conv(64, 3), L.MaxPool(2), L.Conv(64, 3), L.Flatten(), L.Dense(64)]
    fields = R.receptive_fields(stack, (1, 28, 28))
    assert [(f[0].size, f[0].jump) for f in fields[:5]] == [(3, 1), (4, 2), (8, 2), (10, 4), (18, 4)]
    # starts: 1, 1 + (1/2)*1 = 3/2, 3/2 + (1 - 0)*2 = 7/2, 7/2 + (1/2)*2 = 9/2, 9/2 + 1*4 = 17/2
    assert [f[0].start for f in fields[:5]] == [1, sympy.Rational(3, 2), sympy.Rational(7, 2),
                                                sympy.Rational(9, 2), sympy.Rational(17, 2)]
    assert fields[6][0].size == 26 and fields[6][0].jump == 0
    # so the last two rows and columns of the 28x28 image reach no output (11 -> 5 pooling drops
    # a row): the union of conv_3's exact fields is 0..25
    spatial = stack[:5]
    cells = set()
    for unit in range(3):
        cells |= set(R.exact_receptive_field(spatial, (1, 28, 28), (unit, 0)).cells[0])
    assert cells == set(range(26))


def test_same_padding_and_global_pool():
    # "same" stride 2 on 7 cells: total padding (4 - 1) * 2 + 3 - 7 = 2, lo 1: start = (3-1)/2 - 1 = 0
    assert R.receptive_fields([L.Conv(1, 3, stride=2, padding="same")], (1, 7))[0] == (R.AxisField(3, 2, 0),)
    # a global pool over 5 units 2 apart, each seeing 3 cells: 3 + 4 * 2 = 11
    fields = R.receptive_fields([L.Conv(1, 3, stride=2), L.GlobalAvgPool()], (1, 11))
    assert fields[1] == (R.AxisField(11, 2, 5),)


# --------------------------------------------------------------------------------------
# 3. Measured fields
# --------------------------------------------------------------------------------------

BUMP = 1e12  # dominates every value a small all-positive stack builds from inputs in [1, 2]


def _positive(generator, *shape):
    return torch.from_numpy(generator.uniform(1.0, 2.0, size=shape))


def _forward(layers, x, generator):
    """Run the stack through convspec.accelerated, all weights and biases positive (float64)."""
    for layer in layers:
        c_in, rank = x.shape[1], x.dim() - 2
        if isinstance(layer, L.Conv):
            kernel = layer.kernel_size if isinstance(layer.kernel_size, tuple) else (layer.kernel_size,) * rank
            w = _positive(generator, layer.c_out, c_in // layer.groups, *kernel)
            x = accelerated.correlate(x, w, _positive(generator, layer.c_out), stride=layer.stride,
                                      padding=layer.padding, dilation=layer.dilation, groups=layer.groups)
        elif isinstance(layer, L.ConvTranspose):
            kernel = layer.kernel_size if isinstance(layer.kernel_size, tuple) else (layer.kernel_size,) * rank
            w = _positive(generator, c_in, layer.c_out // layer.groups, *kernel)
            x = accelerated.conv_transpose(x, w, _positive(generator, layer.c_out), stride=layer.stride,
                                           padding=layer.padding, output_padding=layer.output_padding,
                                           dilation=layer.dilation, groups=layer.groups)
        elif isinstance(layer, L.MaxPool):
            x = accelerated.max_pool(x, layer.kernel_size, stride=layer.stride, padding=layer.padding,
                                     dilation=layer.dilation, ceil_mode=layer.ceil_mode)
        elif isinstance(layer, L.AvgPool):
            x = accelerated.avg_pool(x, layer.kernel_size, stride=layer.stride, padding=layer.padding,
                                     ceil_mode=layer.ceil_mode, count_include_pad=layer.count_include_pad)
        elif isinstance(layer, L.GlobalMaxPool):
            x = (accelerated.global_avg_pool if isinstance(layer, L.GlobalAvgPool) else accelerated.global_max_pool)(x)
        elif isinstance(layer, L.FirstUnpool):
            x = accelerated.first_unpool(x, layer.kernel_size, stride=layer.stride)
        elif isinstance(layer, L.AvgUnpool):
            x = accelerated.avg_unpool(x, layer.kernel_size, stride=layer.stride)
        elif isinstance(layer, L.Upsample):
            x = accelerated.upsample(x, scale_factor=layer.scale_factor, size=layer.size, mode=layer.mode,
                                     align_corners=layer.align_corners)
        elif isinstance(layer, L.Activation):
            x = torch.relu(x)
        else:
            raise AssertionError(f"no forward for {layer!r}")
    return x


def measured_fields(layers, shape, seed=0):
    """``changed[p][u]``: whether bumping input cell ``p`` (all channels) changes output unit ``u``."""
    generator = np.random.default_rng(seed)
    channels, sizes = shape[0], shape[1:]
    cells = list(product(*(range(size) for size in sizes)))
    x = _positive(generator, 1, channels, *sizes).repeat(len(cells) + 1, *(1,) * len(shape))
    for row, cell in enumerate(cells, start=1):
        x[(row, slice(None), *cell)] += BUMP
    y = _forward(layers, x, generator)
    changed = ((y[1:] - y[:1]).abs() > 1.0).any(dim=1).numpy()  # (cells, *output spatial)
    return cells, changed


def check_measured_against_spec(layers, shape):
    cells, changed = measured_fields(layers, shape)
    out_sizes = changed.shape[1:]
    fields = R.receptive_fields(layers, shape)[-1]
    gap_free = R.is_gap_free(layers, shape)
    exact_hits = 0
    for unit in product(*(range(size) for size in out_sizes)):
        measured = {cell for cell, hit in zip(cells, changed[(slice(None), *unit)]) if hit}
        exact = R.exact_receptive_field(layers, shape, unit)
        predicted = set(product(*exact.cells))
        assert measured == predicted, (layers, shape, unit, sorted(measured), exact)
        hull = [f.cells(u, size) for f, u, size in zip(fields, unit, shape[1:])]
        assert predicted <= set(product(*hull)), (layers, shape, unit)
        if gap_free and not exact.through_padding:
            assert exact.cells == tuple(hull), (layers, shape, unit)
            exact_hits += 1
    return exact_hits


@st.composite
def windowed_stacks(draw, rank, gap_free):
    """Spatial stacks of Conv/MaxPool/AvgPool/ReLU, valid by construction.

    ``gap_free``: every layer keeps ``tap * j_in <= r_in`` (dilation bounded by the field so
    far, the stride bounded so that the next layer's unit taps touch), the spec's condition 1.
    """
    sizes = tuple(draw(st.integers(6, 18 if rank == 1 else 9)) for _ in range(rank))
    shape = (draw(st.integers(1, 2)), *sizes)
    size, jump = 1, 1  # the field so far (all axes alike, the strategy draws one window for all)
    layers = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["conv", "max_pool", "avg_pool", "relu"]))
        if kind == "relu":
            layers.append(L.Activation("relu"))
            continue
        current = L.shapes(layers, shape)[-1] if layers else shape
        n_min = min(current[1:])
        dilation = 1 if kind == "avg_pool" else draw(st.integers(1, max(1, min(3, size // jump if gap_free else 3))))
        kernel = draw(st.integers(1, 3))
        span = dilation * (kernel - 1) + 1
        if span > n_min:  # keep it fitting without padding too
            kernel, span = 1, 1
        reach = size + (span - 1) * jump  # r_out
        stride_cap = max(1, min(3, reach // jump)) if gap_free else 3
        stride = draw(st.integers(1, stride_cap))
        padding = draw(st.sampled_from(["valid", "same", "same_lower", "full", "explicit"]))
        if padding == "explicit":
            limit = span - 1  # pooling: at most d(k - 1) per side; a convolution may have more
            padding = (draw(st.integers(0, limit + (kind == "conv"))), draw(st.integers(0, limit + (kind == "conv"))))
            padding = (padding,) * rank
        if kind == "conv":
            layers.append(L.Conv(draw(st.integers(1, 2)), kernel, stride=stride, padding=padding, dilation=dilation))
        elif kind == "max_pool":
            layers.append(L.MaxPool(kernel, stride, padding=padding, dilation=dilation,
                                    ceil_mode=draw(st.booleans())))
        else:
            layers.append(L.AvgPool(kernel, stride, padding=padding, ceil_mode=draw(st.booleans()),
                                    count_include_pad=draw(st.booleans())))
        size, jump = reach, jump * stride
    return layers, shape


@given(windowed_stacks(rank=1, gap_free=False))
def test_measured_field_is_the_exact_field_1d(case):
    check_measured_against_spec(*case)


@given(windowed_stacks(rank=2, gap_free=False))
def test_measured_field_is_the_exact_field_2d(case):
    check_measured_against_spec(*case)


@given(windowed_stacks(rank=1, gap_free=True))
def test_gap_free_stacks_fill_their_clipped_hull_1d(case):
    layers, shape = case
    assert R.is_gap_free(layers, shape)  # the strategy keeps condition 1
    check_measured_against_spec(layers, shape)


@given(windowed_stacks(rank=2, gap_free=True))
def test_gap_free_stacks_fill_their_clipped_hull_2d(case):
    layers, shape = case
    assert R.is_gap_free(layers, shape)
    check_measured_against_spec(layers, shape)


def test_the_conditions_are_needed():
    # a dilated first layer leaves holes: taps 0, 2, 4 of a 5-wide hull
    assert R.exact_receptive_field([L.Conv(1, 3, dilation=2)], (1, 9), (0,)).cells == ((0, 2, 4),)
    # kernel 1 stride 2, then kernel 2: cells 0 and 2 of the hull 0..2
    assert R.exact_receptive_field([L.Conv(1, 1, stride=2), L.Conv(1, 2)], (1, 9), (0,)).cells == ((0, 2),)
    # through intermediate padding: 10 cells, windows [0,1], [3,4], [6,7] (cells 8, 9 dropped), then a
    # 3-tap layer padded high: its unit 1 taps units 1, 2 and a padded 3 whose "hull" would be 9..10
    stack = [L.Conv(1, 2, stride=3), L.Conv(1, 3, padding=((0, 2),))]
    exact = R.exact_receptive_field(stack, (1, 10), (1,))
    hull = R.receptive_fields(stack, (1, 10))[-1][0].cells(1, 10)
    assert exact.cells == ((3, 4, 6, 7),) and exact.through_padding
    assert hull == (3, 4, 5, 6, 7, 8, 9)
    check_measured_against_spec(stack, (1, 10))
    # a few worked stacks where the conditions hold, checked unit by unit
    assert check_measured_against_spec([L.Conv(2, 3), L.MaxPool(2), L.Conv(1, 3)], (1, 16)) == 5
    assert check_measured_against_spec([L.Conv(1, 3, padding="same"), L.AvgPool(2)], (1, 6, 7)) > 0


# --------------------------------------------------------------------------------------
# 4. Fractional strides
# --------------------------------------------------------------------------------------


@given(k_=st.integers(1, 5), s=st.integers(1, 4), p=st.integers(0, 2), length=st.integers(1, 6))
def test_one_transposed_convolution_field_is_its_hull(k_, s, p, length):
    # the convention: hull of output o = [(o + p_lo - (k - 1))/s, (o + p_lo)/s]; with d = 1 the
    # inputs whose copies land on o are exactly its integer points
    layer = L.ConvTranspose(1, k_, stride=s, padding=min(p, ((length - 1) * s + k_ - 1) // 2))
    field = R.receptive_fields([layer], (1, length))[0][0]
    out = layer.output_shape((1, length))[1]
    lo = min(p, ((length - 1) * s + k_ - 1) // 2)
    for o in range(out):
        assert field.interval(o) == (sympy.Rational(o + lo - (k_ - 1), s), sympy.Rational(o + lo, s))
        by_definition = tuple(x for x in range(length) if 0 <= o + lo - x * s < k_)
        assert R.exact_receptive_field([layer], (1, length), (o,)).cells == (by_definition,)
        assert by_definition == field.cells(o, length)


@st.composite
def fractional_stacks(draw):
    length = draw(st.integers(2, 6))
    layers, shape = [], (1, length)
    for _ in range(draw(st.integers(1, 3))):
        n_now = L.shapes(layers, shape)[-1][1] if layers else length
        if n_now > 24:
            layers.append(L.Conv(1, draw(st.integers(1, 3)), stride=draw(st.integers(1, 3))))
            continue
        kind = draw(st.sampled_from(["conv", "conv_transpose", "avg_unpool", "first_unpool", "nearest", "linear"]))
        if kind == "conv":
            layers.append(L.Conv(1, draw(st.integers(1, min(3, n_now))), stride=draw(st.integers(1, 2)),
                                 padding=draw(st.sampled_from(["valid", "same"]))))
        elif kind == "conv_transpose":
            k_, s, d = draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
            crop = draw(st.integers(0, ((n_now - 1) * s + d * (k_ - 1)) // 2))
            layers.append(L.ConvTranspose(1, k_, stride=s, dilation=d, padding=crop,
                                          output_padding=draw(st.integers(0, max(s, d) - 1))))
        elif kind in ("avg_unpool", "first_unpool"):
            cls = L.AvgUnpool if kind == "avg_unpool" else L.FirstUnpool
            layers.append(cls(draw(st.integers(1, 3)), draw(st.integers(1, 3))))
        elif kind == "nearest":
            layers.append(L.Upsample(scale_factor=draw(st.integers(1, 3)),
                                     mode=draw(st.sampled_from(["nearest", "nearest_exact"]))))
        else:
            layers.append(L.Upsample(scale_factor=draw(st.sampled_from([2, 3, 1.5])), mode="linear",
                                     align_corners=draw(st.booleans())))
    return layers, shape


@given(fractional_stacks())
def test_fractional_stacks_measured_field_is_the_exact_field(case):
    layers, shape = case
    cells, changed = measured_fields(layers, shape)
    try:
        fields = R.receptive_fields(layers, shape)[-1]
    except R.NoRecurrenceForm:
        fields = None
        assert any(isinstance(layer, L.Upsample) and layer.mode == "linear" for layer in layers)
    for unit in range(changed.shape[1]):
        measured = tuple(cell[0] for cell, hit in zip(cells, changed[:, unit]) if hit)
        exact = R.exact_receptive_field(layers, shape, (unit,))
        assert exact.cells == (measured,), (layers, unit)
        if fields is not None:  # inside the hull's integer points
            assert set(measured) <= set(fields[0].cells(unit, shape[1])), (layers, unit)


def test_nearest_upsampling_is_a_transposed_convolution_with_k_equal_s():
    # output t reads floor(t / 3): the window of ConvTranspose(k=3, s=3)
    up = R.layer_windows(L.Upsample(scale_factor=3), (1, 4))
    assert up == R.layer_windows(L.ConvTranspose(1, 3, stride=3), (1, 4))
    field = R.receptive_fields([L.Upsample(scale_factor=3)], (1, 4))[0][0]
    assert [field.cells(t, 4) for t in range(12)] == [(t // 3,) for t in range(12)]
    # first_unpool: output o holds input o / s when s divides o, else nothing
    first = R.receptive_fields([L.FirstUnpool(2)], (1, 3))[0][0]
    assert [first.cells(o, 3) for o in range(6)] == [(0,), (), (1,), (), (2,), ()]


def test_max_unpool_field_is_the_pooling_block():
    exact = [R.exact_receptive_field([L.MaxUnpool(3, 2, padding=1)], (1, 3), (o,)).cells[0] for o in range(5)]
    # block of pooled value x: output cells 2x - 1 .. 2x + 1
    assert exact == [(0,), (0, 1), (1,), (1, 2), (2,)]


# --------------------------------------------------------------------------------------
# 5. Errors
# --------------------------------------------------------------------------------------


def test_linear_upsampling_has_no_recurrence_form():
    with pytest.raises(R.NoRecurrenceForm, match="no receptive field in the recurrence form"):
        R.receptive_fields([L.Upsample(scale_factor=2, mode="bilinear")], (1, 4, 4))
    with pytest.raises(R.NoRecurrenceForm):
        R.receptive_fields([L.Upsample(scale_factor=1.5)], (1, 4))
    relaxed = R.receptive_fields([L.Conv(1, 3), L.Upsample(scale_factor=1.5), L.Conv(1, 3)], (1, 8), strict=False)
    assert relaxed[0] is not None and relaxed[1] is None and relaxed[2] is None


def test_exact_field_errors():
    with pytest.raises(ValueError, match="Flatten has no spatial axes"):
        R.exact_receptive_field([L.Conv(1, 3), L.Flatten()], (1, 8), (0,))
    with pytest.raises(ValueError, match=r"unit must index the output's spatial size \(6,\)"):
        R.exact_receptive_field([L.Conv(1, 3)], (1, 8), (6,))
