"""The convolution family: correlate, convolve, depthwise_separable.

Sections:

1. the spec's closed forms against the reference's enumeration, and against the
   *definitions* of the padding modes and the seeds' formulas and parameter counts;
2. output shapes, including more than three spatial axes;
3. dtypes and autograd of the accelerated implementation;
4. the catalog's literal worked examples.

The family's other topics: algebraic properties (tests/test_conv_properties.py) and bad
input (tests/test_conv_bad_input.py); their shared helpers are in tests/conv_helpers.py.

Data are integer-valued floats wherever the comparison should be exact: every
product and partial sum is then an integer far below 2^24, exactly representable in
float32 and float64, so any summation order gives the same bits.
"""

from __future__ import annotations

import math
from itertools import product

import numpy as np
import pytest
import sympy
import torch
from hypothesis import given
from hypothesis import strategies as st

from convspec import accelerated
from convspec.conformance.case import Case
from convspec.conformance.catalog import BY_NAME
from convspec.conformance.tolerance import SumOfProducts, compare
from convspec.reference import windows
from convspec.spec import conv as spec_conv

from conv_helpers import (
    CONV_FAMILY,
    CONV_FAMILY_IDS,
    IMPLEMENTATIONS,
    MODES,
    assert_identical,
    cases_of,
    conv_cases,
    integers,
    run,
    to_torch,
)


# --------------------------------------------------------------------------------------
# 1. Spec closed forms vs the reference's enumeration and the definitions
# --------------------------------------------------------------------------------------


@st.composite
def axes(draw, forms=("int", "pair") + MODES):
    """One spatial axis: (n, k, s, d, padding form, (lo, hi) for explicit forms)."""
    k_, s_, d_ = draw(st.integers(1, 7)), draw(st.integers(1, 5)), draw(st.integers(1, 4))
    form = draw(st.sampled_from(forms))
    if form == "int":
        p_ = draw(st.integers(0, 6))
        pair = (p_, p_)
    elif form == "pair":
        pair = (draw(st.integers(0, 6)), draw(st.integers(0, 6)))
    else:
        pair = None
    span = d_ * (k_ - 1) + 1
    explicit = pair if pair is not None else (0, 0) if form == "valid" else None
    least = 1 if explicit is None else max(1, span - sum(explicit))
    n_ = least + draw(st.integers(0, 12))
    return n_, k_, s_, d_, form, pair


def _pair_of(form, pair, n_, k_, s_, d_):
    """(lo, hi) the reference derives for a form on one axis."""
    if pair is not None:
        return pair
    return windows.padding_for_mode(form, n_, windows.span(k_, d_), s_)


@given(axes())
def test_conv_output_length_closed_form_equals_reference_window_enumeration(axis):
    n_, k_, s_, d_, form, pair = axis
    lo, hi = _pair_of(form, pair, n_, k_, s_, d_)
    enumerated = len(windows.window_starts(n_ + lo + hi, windows.span(k_, d_), s_))
    closed = spec_conv.conv_output_length(n_, k_, s_, lo, hi, d_)
    assert closed == enumerated, (
        f"conv_output_length(n={n_}, k={k_}, s={s_}, p_lo={lo}, p_hi={hi}, d={d_}) [{form}] = {closed}, "
        f"but the reference enumerates {enumerated} windows"
    )
    assert spec_conv.effective_kernel_size(k_, d_) == windows.span(k_, d_), f"span of k={k_}, d={d_}"


@given(axes(forms=MODES))
def test_padding_mode_closed_forms_equal_reference_padding_for_mode(axis):
    n_, k_, s_, d_, form, _ = axis
    closed = spec_conv.padding_pair(form, n_, k_, s_, d_)
    derived = windows.padding_for_mode(form, n_, windows.span(k_, d_), s_)
    assert closed == derived, f"padding {form!r} for n={n_}, k={k_}, s={s_}, d={d_}: spec {closed}, reference {derived}"
    named = {
        "valid": (0, 0),
        "same": spec_conv.same_padding(n_, k_, s_, d_),
        "same_lower": spec_conv.same_lower_padding(n_, k_, s_, d_),
        "full": spec_conv.full_padding(k_, d_),
    }[form]
    assert named == derived, f"spec.conv padding for {form!r}, n={n_}, k={k_}, s={s_}, d={d_}: {named} != {derived}"


@pytest.mark.parametrize("mode", ["same", "same_lower"])
@given(axis=axes(forms=("same",)))
def test_same_padding_meets_its_definition(mode, axis):
    """Output ceil(n/s); the least total padding that gives it; split differs by <= 1, extra high/low."""
    n_, k_, s_, d_, _, _ = axis
    span = spec_conv.effective_kernel_size(k_, d_)
    lo, hi = spec_conv.padding_pair(mode, n_, k_, s_, d_)
    what = f"padding={mode!r} for n={n_}, k={k_}, s={s_}, d={d_}: (lo, hi) = ({lo}, {hi})"
    wanted = math.ceil(n_ / s_)
    assert len(windows.window_starts(n_ + lo + hi, span, s_)) == wanted, f"{what}: output length is not ceil(n/s)"
    assert spec_conv.conv_output_length(n_, k_, s_, lo, hi, d_) == wanted == spec_conv.same_output_length(n_, s_), what
    total = lo + hi
    assert total == spec_conv.same_total_padding(n_, k_, s_, d_), what
    if total > 0:
        fewer = len(windows.window_starts(n_ + total - 1, span, s_))
        assert fewer < wanted, f"{what}: total {total - 1} would already give {fewer} windows: not minimal"
    assert abs(hi - lo) <= 1, f"{what}: sides differ by more than one"
    if mode == "same":
        assert hi >= lo, f"{what}: the extra zero must go on the high side"
    else:
        assert lo >= hi, f"{what}: the extra zero must go on the low side"
    assert spec_conv.same_lower_padding(n_, k_, s_, d_) == spec_conv.same_padding(n_, k_, s_, d_)[::-1], what


@given(axes(forms=("full",)))
def test_full_padding_meets_its_definition(axis):
    """First window's last tap is input position 0; every window overlaps the input; the last one still does."""
    n_, k_, s_, d_, _, _ = axis
    span = spec_conv.effective_kernel_size(k_, d_)
    lo, hi = spec_conv.full_padding(k_, d_)
    what = f"padding='full' for n={n_}, k={k_}, s={s_}, d={d_}: (lo, hi) = ({lo}, {hi})"
    starts = [start - lo for start in windows.window_starts(n_ + lo + hi, span, s_)]  # in input coordinates
    assert starts[0] + span - 1 == 0, f"{what}: the first window's last tap is at {starts[0] + span - 1}, not 0"
    for start in starts:
        assert start <= n_ - 1 and start + span - 1 >= 0, f"{what}: the window at input position {start} misses the input"
    assert starts[-1] + s_ > n_ - 1, f"{what}: the next window, at {starts[-1] + s_}, would still overlap the input"
    if s_ == 1:  # stride 1: exactly the n + span - 1 windows that overlap the input
        assert starts == list(range(-(span - 1), n_)), what
    assert len(starts) == spec_conv.conv_output_length(n_, k_, s_, lo, hi, d_), what


def test_symbolic_stride_one_output_length_is_seed_001_formula():
    n_, k_, p_ = spec_conv.n, spec_conv.k, spec_conv.p
    closed = spec_conv.conv_output_length(n_, k_, 1, p_, p_, 1)
    assert sympy.simplify(closed - (n_ + 2 * p_ - k_ + 1)) == 0, f"conv_output_length(n, k, 1, p, p, 1) = {closed}"


def test_symbolic_output_length_is_seed_004_formula():
    """Seed 004: floor((J + 2P - M) / S) + 1 (and seed 001's floor((n + 2p - f) / s) + 1)."""
    j, m, s_, p_ = spec_conv.n, spec_conv.k, spec_conv.s, spec_conv.p
    closed = spec_conv.conv_output_length(j, m, s_, p_, p_, 1)
    assert sympy.simplify(closed - (sympy.floor((j + 2 * p_ - m) / s_) + 1)) == 0, f"conv_output_length = {closed}"


def test_symbolic_same_with_odd_kernel_pads_half_on_each_side_and_keeps_the_length():
    """Seeds 001/004: "same" is p = (f - 1) / 2 for an odd filter f, and keeps n at stride 1."""
    n_ = spec_conv.n
    half = sympy.Symbol("h", integer=True, nonnegative=True)
    odd_k = 2 * half + 1
    assert spec_conv.same_output_length(n_, 1) == n_
    p_ = (odd_k - 1) / 2
    assert sympy.simplify(spec_conv.conv_output_length(n_, odd_k, 1, p_, p_, 1) - n_) == 0
    lo, hi = spec_conv.same_padding(n_, odd_k, 1, 1)
    assert sympy.simplify(lo - p_) == 0 and sympy.simplify(hi - p_) == 0, f"same_padding(n, 2h+1, 1, 1) = ({lo}, {hi})"


# Keras model summaries of seed 002 (the MNIST convnet: 320, 18496, 36928) and seed 003 (the rest): (what, C_in, C_out, kernel, parameters)
KERAS_SUMMARIES = [
    ("Conv2D 3x3 1->32", 1, 32, (3, 3), 320),
    ("Conv2D 3x3 32->64", 32, 64, (3, 3), 18496),
    ("Conv2D 3x3 64->64", 64, 64, (3, 3), 36928),
    ("10x10x1 Conv2D(1, 3)", 1, 1, (3, 3), 10),
    ("10x10x1 Conv2D(5, 3)", 1, 5, (3, 3), 50),
    ("Conv2D(2, 3) after 5 maps", 5, 2, (3, 3), 92),
    ("100x100x3 Conv2D(8, 3)", 3, 8, (3, 3), 224),
    ("Conv2D(1, 3) after 8 maps", 8, 1, (3, 3), 73),
    ("Conv1D (100, 5) 8 filters size 3", 5, 8, (3,), 128),
    ("Conv1D 8->1 size 3", 8, 1, (3,), 25),
]


@pytest.mark.parametrize("what, c_in, c_out, kernel, expected", KERAS_SUMMARIES, ids=[row[0] for row in KERAS_SUMMARIES])
def test_conv_parameter_count_matches_seed_003_keras_summary(what, c_in, c_out, kernel, expected):
    count = spec_conv.conv_parameter_count(c_in, c_out, kernel)
    assert count == expected, f"conv_parameter_count({c_in}, {c_out}, {kernel}) = {count}; Keras ({what}) says {expected}"
    # the same number is the size of the arrays the reference takes
    weight, bias = np.zeros((c_out, c_in, *kernel)), np.zeros(c_out)
    assert weight.size + bias.size == expected, what


def test_conv_parameter_count_equals_seed_004_formula():
    c, c_o, m = spec_conv.c_in, spec_conv.c_out, sympy.Symbol("M", integer=True, positive=True)
    count = spec_conv.conv_parameter_count(c, c_o, (m, m))
    assert sympy.simplify(count - (m**2 * c + 1) * c_o) == 0, f"conv_parameter_count(C, C_out, (M, M)) = {count}"


def test_seed_001_parameter_formula_omits_exactly_the_bias():
    """Seed 001's K_{l-1} * f * f * K_l counts the weights only: it is C_out short of the spec."""
    k_prev, k_l, f = sympy.symbols("K_lm1 K_l f", integer=True, positive=True)
    with_bias = spec_conv.conv_parameter_count(k_prev, k_l, (f, f))
    assert sympy.simplify(with_bias - k_prev * f * f * k_l) == k_l, f"conv_parameter_count(K_lm1, K_l, (f, f)) = {with_bias}"
    assert sympy.simplify(spec_conv.conv_parameter_count(k_prev, k_l, (f, f), bias=False) - k_prev * f * f * k_l) == 0


def test_depthwise_separable_parameter_count_matches_seed_000():
    """Seed 000: 12x12x3 -> 256 channels with 5x5 filters: 1099 parameters instead of 19456."""
    separable = spec_conv.depthwise_separable_parameter_count(3, 256, (5, 5))
    normal = spec_conv.conv_parameter_count(3, 256, (5, 5))
    assert (separable, normal) == (1099, 19456), f"depthwise_separable_parameter_count(3, 256, (5, 5)) = {separable}, conv {normal}"
    depthwise, pointwise, bias = np.zeros((3, 1, 5, 5)), np.zeros((256, 3, 1, 1)), np.zeros(256)
    assert depthwise.size + pointwise.size + bias.size == 1099


@given(conv_cases())
def test_conv_parameter_count_is_the_size_of_the_arrays(case):
    x, weight, bias = case.arrays()
    count = spec_conv.conv_parameter_count(
        x.shape[1], weight.shape[0], weight.shape[2:], groups=case.params["groups"], bias=bias is not None
    )
    assert count == weight.size + (0 if bias is None else bias.size), case.describe()


# --------------------------------------------------------------------------------------
# 2. Shapes
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("op", CONV_FAMILY, ids=CONV_FAMILY_IDS)
def test_output_shape_and_dtype_are_the_spec_closed_form(implementation, op):
    @given(op.strategy())
    def check(case):
        result = run(implementation, op.name, *case.arrays(), **case.params)
        assert result.shape == op.output_shape(case), f"{implementation} {case.describe()}: shape {result.shape}"
        assert str(result.dtype) == case.dtype, f"{implementation} {case.describe()}: dtype {result.dtype}"

    check()


@pytest.mark.parametrize("op", CONV_FAMILY_IDS)
@given(data=st.data())
def test_four_spatial_dims_accelerated_equals_reference_with_the_spec_shape(op, data):
    case = data.draw(cases_of(op, spatial_dims=4, dtypes=("float64",)))
    expected = run("reference", op, *case.arrays(), **case.params)
    actual = run("accelerated", op, *case.arrays(), **case.params)
    assert expected.shape == BY_NAME[op].output_shape(case), f"reference {case.describe()}: shape {expected.shape}"
    assert_identical(expected, actual, f"accelerated {case.describe()} vs reference")


# --------------------------------------------------------------------------------------
# 3. Accelerated: dtypes and autograd
# --------------------------------------------------------------------------------------


def _recast(case: Case, dtype: str) -> Case:
    """The case's values, rounded to ``dtype`` (a numpy dtype), as a new case of that dtype."""
    inputs = {name: None if a is None else a.astype(dtype) for name, a in case.inputs.items()}
    return Case(case.op, inputs, case.params, case.data_kind)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("op", CONV_FAMILY, ids=CONV_FAMILY_IDS)
def test_accelerated_dtype_is_kept_and_values_within_the_tolerance_model(op, dtype):
    @given(op.strategy())
    def check(drawn):
        case = _recast(drawn, dtype)
        result = op.accelerated(*(to_torch(a) for a in case.arrays()), **case.params)
        assert result.dtype == getattr(torch, dtype), f"accelerated {case.describe()}: dtype {result.dtype}"
        expected = op.reference(*case.arrays(), **case.params)
        comparison = compare(expected, result.numpy(), op.tolerance(case))
        assert comparison.passed, f"accelerated {case.describe()}: {comparison.describe()}"

    check()


def _bfloat16_values(array):
    """float32 arrays holding only bfloat16-representable values."""
    return None if array is None else torch.from_numpy(array.astype(np.float32)).bfloat16().float().numpy()


@pytest.mark.parametrize("op", CONV_FAMILY, ids=CONV_FAMILY_IDS)
def test_accelerated_bfloat16_is_within_the_bfloat16_model_of_the_float32_reference(op):
    @given(op.strategy())
    def check(drawn):
        inputs = {name: _bfloat16_values(a) for name, a in drawn.inputs.items()}
        case = Case(drawn.op, inputs, drawn.params, drawn.data_kind)  # float32 values, all bfloat16-exact
        result = op.accelerated(*(None if a is None else torch.from_numpy(a).bfloat16() for a in case.arrays()), **case.params)
        what = f"accelerated {case.describe().replace('float32', 'bfloat16')}"
        assert result.dtype == torch.bfloat16, f"{what}: dtype {result.dtype}"
        expected = op.reference(*case.arrays(), **case.params)
        model = op.tolerance(case)
        model = SumOfProducts(model.terms, model.magnitude, "bfloat16", model.integer_valued)
        comparison = compare(expected, result.float().numpy(), model)
        assert comparison.passed, f"{what} vs the float32 reference: {comparison.describe()}"

    check()


def test_float16_one_tap_axis_with_dilation_and_stride_regression():
    """torch 2.13's CPU float16 conv1d segfaults on a one-tap kernel with dilation > 1, stride > 1 and
    padding (found by the ci profile); dilation means nothing on a one-tap axis, so accelerated passes 1."""
    rng = np.random.default_rng(0)
    x, weight = integers((1, 2, 1), "float16", rng), integers((4, 1, 1), "float16", rng)
    params = {"stride": 3, "padding": 2, "dilation": 3, "groups": 2}
    assert_identical(run("reference", "correlate", x, weight, **params), run("accelerated", "correlate", x, weight, **params),
                     "accelerated correlate float16 one-tap axis, dilation 3, stride 3")


def _tensor(shape, seed, requires_grad=True):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=generator, dtype=torch.float64).requires_grad_(requires_grad)


# (op, input shapes, params): small, with asymmetric "same" at stride 2 and a 4-D spatial case
GRADCHECK_CASES = [
    ("correlate", [(2, 2, 5), (3, 2, 2), (3,)], {"stride": 2, "padding": "same"}),  # pads (0, 1)
    ("correlate", [(1, 2, 5, 4), (2, 1, 3, 2), (2,)], {"stride": 2, "padding": "same", "dilation": (1, 2), "groups": 2}),
    ("correlate", [(1, 1, 3, 3, 2), (2, 1, 2, 2, 1), None], {"padding": ((1, 0), 1, (0, 2))}),
    ("correlate", [(1, 2, 3, 2, 3, 2), (2, 2, 2, 1, 2, 2), (2,)], {"stride": 2, "padding": "same"}),
    ("convolve", [(1, 2, 5, 5), (2, 2, 2, 3), (2,)], {"stride": 2, "padding": "same_lower"}),
    ("convolve", [(2, 1, 4), (1, 1, 3), None], {"padding": "full", "dilation": 2}),
    ("convolve", [(1, 1, 2, 3, 2, 2), (1, 1, 2, 2, 1, 2), (1,)], {"stride": (1, 2, 1, 2), "padding": "same"}),
    ("depthwise_separable", [(1, 2, 5, 4), (4, 1, 2, 3), (3, 4, 1, 1), (3,)], {"stride": 2, "padding": "same"}),
    ("depthwise_separable", [(1, 2, 3, 2, 2, 3), (2, 1, 2, 1, 2, 2), (2, 2, 1, 1, 1, 1), (2,)], {"stride": 2, "padding": "same_lower"}),
]


@pytest.mark.parametrize(
    "op, shapes, params", GRADCHECK_CASES,
    ids=[f"{op}-{len(shapes[0]) - 2}d-{params}" for op, shapes, params in GRADCHECK_CASES],
)
def test_accelerated_gradcheck_float64(op, shapes, params):
    tensors = [None if shape is None else _tensor(shape, seed) for seed, shape in enumerate(shapes)]
    fn = getattr(accelerated, op)
    assert torch.autograd.gradcheck(
        lambda *args: fn(*args, **params), tuple(tensors)
    ), f"{op}({', '.join(str(s) for s in shapes)}, {params})"


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
@pytest.mark.parametrize("op, shapes, params", [GRADCHECK_CASES[0], GRADCHECK_CASES[3], GRADCHECK_CASES[7]], ids=["correlate-1d", "correlate-4d", "depthwise_separable-2d"])
def test_accelerated_backward_gives_gradients_of_the_input_dtype(op, shapes, params, dtype):
    tensors = [None if s is None else _tensor(s, i, False).to(getattr(torch, dtype)).requires_grad_() for i, s in enumerate(shapes)]
    out = getattr(accelerated, op)(*tensors, **params)
    assert out.dtype == getattr(torch, dtype), f"{op}({shapes}, {params}) in {dtype}: output {out.dtype}"
    out.sum().backward()
    for shape, tensor in zip(shapes, tensors):
        if tensor is not None:
            assert tensor.grad is not None and tensor.grad.dtype == tensor.dtype and tensor.grad.shape == shape, (
                f"{op}({shapes}, {params}) in {dtype}: gradient of the {shape} input"
            )


# --------------------------------------------------------------------------------------
# 4. Literal worked examples
# --------------------------------------------------------------------------------------

EXAMPLES = [(op, example) for op in CONV_FAMILY for example in op.examples]
EXAMPLE_IDS = [f"{op.name}-{example.title}" for op, example in EXAMPLES]


def _is_integer_valued(example) -> bool:
    arrays = [a for a in example.inputs.values() if a is not None] + [example.expected]
    return all(np.array_equal(a, np.round(a)) for a in arrays)


def _example_model(op, example) -> SumOfProducts:
    """The tolerance model of an example whose decimal inputs are not exact binary numbers.

    The model's bound (γ_n(u) + γ_n(u_64) + u) · Σ|x·w| for float64 covers, besides the
    summation error γ_n(u_64) · Σ|x·w|, the representation error of the decimal inputs
    (each product x(1+δ)·w(1+δ'), at most 2u · Σ|x·w| in all) and the rounding of the
    literal expected value (u · |y| <= u · Σ|x·w|): 3u <= γ_n(u) for n >= 3 taps.
    For seed 001's track (n = 6 taps, Σ|x·w| <= 2.5) that is below 4e-15, well inside 1e-12.
    """
    return op.tolerance(Case(op.name, example.inputs, example.params, "floats"))


@pytest.mark.parametrize("op, example", EXAMPLES, ids=EXAMPLE_IDS)
def test_worked_example_is_reproduced_by_the_reference(op, example):
    what = f"reference {op.name} example {example.title!r} ({example.source})"
    result = op.reference(*example.inputs.values(), **example.params)
    assert result.shape == example.expected.shape, f"{what}: shape {result.shape}"
    if example.symbolic:
        for index in product(*map(range, result.shape)):
            difference = sympy.expand(result[index] - example.expected[index])
            assert difference == 0, f"{what}: at {index} got {result[index]}, expected {example.expected[index]}"
    elif _is_integer_valued(example):
        assert result.dtype == example.expected.dtype, f"{what}: dtype {result.dtype}"
        assert_identical(example.expected, result, what)
    else:
        comparison = compare(example.expected, result, _example_model(op, example))
        assert comparison.passed, f"{what}: {comparison.describe()}"
        assert np.max(np.abs(result - example.expected)) <= 1e-12, what


@pytest.mark.parametrize(
    "op, example",
    [(op, ex) for op, ex in EXAMPLES if not ex.symbolic],
    ids=[i for i, (_, ex) in zip(EXAMPLE_IDS, EXAMPLES) if not ex.symbolic],
)
def test_worked_example_is_reproduced_by_accelerated(op, example):
    what = f"accelerated {op.name} example {example.title!r} ({example.source})"
    result = op.accelerated(*(to_torch(a) for a in example.inputs.values()), **example.params)
    assert str(result.dtype) == f"torch.{example.expected.dtype}", f"{what}: dtype {result.dtype}"
    result = result.numpy()
    if _is_integer_valued(example):
        assert_identical(example.expected, result, what)
    else:
        comparison = compare(example.expected, result, _example_model(op, example))
        assert comparison.passed, f"{what}: {comparison.describe()}"
        assert np.max(np.abs(result - example.expected)) <= 1e-12, what
