"""The transposed convolution, conv_transpose.

Sections:

1. the spec's closed forms against the reference's enumeration and against the
   definitions: output length, the padding modes, the inverse relation to convolution
   (which input lengths a strided convolution cannot tell apart, and how output_padding
   picks among them), parameter and multiply-add counts;
2. shapes beyond three spatial axes, and the accelerated fast path;
3. dtypes and autograd of the accelerated implementation;
4. the literal worked examples, and the strategy itself.

The other topics: properties (tests/test_conv_transpose_properties.py) and bad input
(tests/test_conv_transpose_bad_input.py); the shared helpers are in
tests/conv_transpose_helpers.py.

Data are integer-valued floats wherever the comparison should be exact: every product
and partial sum is then an integer far below 2^24, exactly representable in float32 and
float64, so any summation order gives the same bits.
"""

from __future__ import annotations

import doctest
import math
from itertools import product

import numpy as np
import pytest
import sympy
import torch
import torch.nn.functional as F
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from convspec import accelerated, reference
from convspec.conformance.catalog import BY_NAME
from convspec.conformance.families.conv_transpose.strategies import conv_transpose_cases
from convspec.conformance.families.conv_transpose.tolerances import conv_transpose_output_shape, conv_transpose_tolerance
from convspec.conformance.tolerance import compare
from convspec.reference import windows
from convspec.spec import conv as spec_conv
from convspec.spec import conv_transpose as spec
from convspec.spec.conv_transpose import check_conv_transpose_arguments

from conv_transpose_helpers import (
    IMPLEMENTATIONS,
    MODES,
    OP,
    assert_identical,
    describe,
    reference_module,
    run,
    to_numpy,
    to_torch,
)


# --------------------------------------------------------------------------------------
# 1. Spec closed forms vs the reference's enumeration and the definitions
# --------------------------------------------------------------------------------------


def test_spec_doctests_hold():
    """Every worked number in the spec's docstrings is checked."""
    result = doctest.testmod(spec, verbose=False)
    assert result.failed == 0 and result.attempted >= 10, result


@st.composite
def transposed_axes(draw, forms=("pair",) + MODES):
    """One spatial axis of a valid transposed convolution: (n, k, s, d, a, form, (lo, hi) or None)."""
    k_, s_, d_ = draw(st.integers(1, 6)), draw(st.integers(1, 5)), draw(st.integers(1, 4))
    form = draw(st.sampled_from(forms))
    a_ = 0 if form in ("same", "same_lower") else draw(st.integers(0, max(s_, d_) - 1))
    edge = d_ * (k_ - 1)
    least = 1 + (-(-max(edge - a_, 0) // s_) if form == "full" else 0)
    n_ = least + draw(st.integers(0, 6))
    full = (n_ - 1) * s_ + edge + 1 + a_
    pair = None
    if form == "pair":
        lo = draw(st.integers(0, full - 1))
        pair = (lo, draw(st.integers(0, full - 1 - lo)))
    return n_, k_, s_, d_, a_, form, pair


def _one_axis_call(n_, k_, s_, d_, a_, form, pair):
    x, weight = np.ones((1, 1, n_)), np.ones((1, 1, k_))
    padding = (pair,) if pair is not None else form
    return x, weight, {"stride": s_, "padding": padding, "output_padding": a_, "dilation": d_}


@given(transposed_axes())
def test_output_length_closed_form_equals_the_reference_scatter(axis):
    n_, k_, s_, d_, a_, form, pair = axis
    x, weight, params = _one_axis_call(*axis)
    produced = reference.conv_transpose(x, weight, **params).shape[2]
    lo, hi, extra = spec.crop_for(pair if pair is not None else form, n_, k_, s_, d_)
    closed = spec.conv_transpose_output_length(n_, k_, s_, lo, hi, d_, a_ + extra)
    assert closed == produced, f"{describe(params, x=x, weight=weight)}: spec {closed}, reference {produced}"
    assert spec.full_length(n_, k_, s_, d_) == max(i * s_ + d_ * t for i in range(n_) for t in range(k_)) + 1


@given(transposed_axes(forms=MODES))
def test_padding_mode_closed_forms_equal_the_reference_resolution(axis):
    n_, k_, s_, d_, a_, form, _ = axis
    full = spec.full_length(n_, k_, s_, d_)
    closed = spec.crop_for(form, n_, k_, s_, d_)
    derived = reference_module._crop(form, 0, n_, full, k_, s_, d_)
    assert closed == derived, f"padding {form!r}, n={n_}, k={k_}, s={s_}, d={d_}: spec {closed}, reference {derived}"


@pytest.mark.parametrize("mode", ["same", "same_lower"])
@given(axis=transposed_axes(forms=("same",)))
def test_same_meets_its_definition_and_is_the_adjoint_of_the_same_convolution(mode, axis):
    """Output n*s; the cropped sides differ by <= 1 (extra high for "same", low for "same_lower"),
    zeros are appended only when the kernel span is shorter than the stride; and the crop is exactly
    the padding the "same"/"same_lower" convolution of an n*s-long input adds."""
    n_, k_, s_, d_, _, _, _ = axis
    lo, hi, extra = spec.crop_for(mode, n_, k_, s_, d_)
    what = f"padding={mode!r}, n={n_}, k={k_}, s={s_}, d={d_}: (lo, hi, extra) = ({lo}, {hi}, {extra})"
    assert spec.conv_transpose_output_length(n_, k_, s_, lo, hi, d_, extra) == n_ * s_ == spec.same_output_length(n_, s_), what
    assert abs(hi - lo) <= 1 and (hi >= lo if mode == "same" else lo >= hi), what
    span = windows.span(k_, d_)
    assert (extra > 0) == (span < s_) and (extra == 0 or lo == hi == 0), what
    conv_lo, conv_hi = windows.padding_for_mode(mode, n_ * s_, span, s_)
    assert (lo, hi) == (conv_lo, conv_hi), f"{what}; the {mode!r} convolution of {n_ * s_} inputs pads {(conv_lo, conv_hi)}"


def test_symbolic_output_length_is_torch_formula():
    n_, k_, s_, d_, a_, p_ = spec_conv.n, spec_conv.k, spec_conv.s, spec_conv.d, spec.a, spec_conv.p
    closed = spec.conv_transpose_output_length(n_, k_, s_, p_, p_, d_, a_)
    torch_formula = (n_ - 1) * s_ - 2 * p_ + d_ * (k_ - 1) + a_ + 1
    assert sympy.simplify(closed - torch_formula) == 0, closed


def test_symbolic_inverse_relation_to_convolution():
    """A convolution maps first + r (0 <= r < s) inputs to n outputs; conv_transpose with output_padding r
    returns first + r. Symbolically: conv_output_length(conv_transpose_output_length(n, ..., r)) = n + floor(r/s),
    which is n exactly for 0 <= r < s; r = s gives n + 1 and one cell fewer than first gives n - 1, so
    the s lengths first, ..., first + s - 1 are all there is (the set conv_input_lengths returns)."""
    n_, k_, s_, d_, lo, hi, r_ = (spec_conv.n, spec_conv.k, spec_conv.s, spec_conv.d, spec_conv.p_lo, spec_conv.p_hi, spec.r)

    def back(a_):
        return spec_conv.conv_output_length(spec.conv_transpose_output_length(n_, k_, s_, lo, hi, d_, a_), k_, s_, lo, hi, d_)

    assert sympy.simplify(back(r_) - n_ - sympy.floor(r_ / s_)) == 0, back(r_)
    assert sympy.simplify(back(s_) - (n_ + 1)) == 0, back(s_)
    first = spec.conv_transpose_output_length(n_, k_, s_, lo, hi, d_, 0)
    before = spec_conv.conv_output_length(first - 1, k_, s_, lo, hi, d_)
    assert sympy.simplify(before - (n_ - 1)) == 0, before
    lengths = spec.conv_input_lengths()
    assert sympy.simplify(lengths.inf - first) == 0 and sympy.simplify(lengths.size - s_) == 0, lengths
    # the restoring output padding of m = first + r is r itself, for 0 <= r < s
    m_ = first + r_
    assert sympy.simplify(spec.restoring_output_padding(m_, k_, s_, lo, hi, d_) - sympy.Mod(r_ + s_ * (n_ - 1), s_)) == 0
    for s_value in range(1, 5):
        for r_value in range(s_value):
            assert sympy.floor(sympy.Rational(r_value, s_value)) == 0  # floor(r/s) = 0 on 0 <= r < s


@pytest.mark.parametrize("s_", [1, 2, 3, 4])
def test_inverse_relation_exhaustively_on_small_axes(s_):
    """Every m: the convolution gives n; output_padding restoring_output_padding(m) < s brings back m;
    the m that give the same n are exactly conv_input_lengths(n)."""
    for k_, d_, lo, hi in product(range(1, 5), range(1, 4), range(0, 3), range(0, 3)):
        span = d_ * (k_ - 1) + 1
        by_n: dict[int, list[int]] = {}
        for m_ in range(max(1, span - lo - hi), 20):
            n_ = spec_conv.conv_output_length(m_, k_, s_, lo, hi, d_)
            by_n.setdefault(n_, []).append(m_)
            a_ = spec.restoring_output_padding(m_, k_, s_, lo, hi, d_)
            what = f"m={m_}, k={k_}, s={s_}, d={d_}, padding=({lo}, {hi}): n={n_}, output_padding={a_}"
            assert 0 <= a_ < s_ <= max(s_, d_), what
            assert spec.conv_transpose_output_length(n_, k_, s_, lo, hi, d_, a_) == m_, what
        for n_, ms in by_n.items():
            if ms[-1] + s_ < 20:  # the whole set lies in the range tried
                assert ms == list(spec.conv_input_lengths(n_, k_, s_, lo, hi, d_)), f"n={n_}, k={k_}, s={s_}: {ms}"


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_seed_000_output_padding_picks_between_5_and_6(implementation):
    """Seed 000's 1-D slide: a 3-tap, stride-2 convolution maps both 5 and 6 inputs to 2 outputs;
    the transposed convolution of 2 inputs returns 5, or 6 with output_padding=1."""
    w = np.array([[[1.0, 2.0, 3.0]]])
    for m_, a_ in ((5, 0), (6, 1)):
        y = run(implementation, "correlate", np.ones((1, 1, m_)), w, stride=2)
        assert y.shape[2] == 2, f"{implementation} correlate of {m_} inputs: {y.shape}"
        back = run(implementation, OP, y, w, stride=2, output_padding=a_)
        assert back.shape[2] == m_, f"{implementation} conv_transpose(output_padding={a_}): {back.shape}"
    assert list(spec.conv_input_lengths(2, 3, 2, 0, 0, 1)) == [5, 6]


@given(conv_transpose_cases(data=("float64", "integers", np.random.default_rng(0))))
def test_parameter_count_is_the_size_of_the_arrays(case):
    x, weight, bias = case.arrays()
    groups = case.params["groups"]
    count = spec.conv_transpose_parameter_count(
        x.shape[1], weight.shape[1] * groups, weight.shape[2:], groups=groups, bias=bias is not None
    )
    assert count == weight.size + (0 if bias is None else bias.size), case.describe()


def test_symbolic_parameter_count_equals_the_transposed_convolutions_weights():
    """The same weight tensor serves a convolution C_out -> C_in and its transpose C_in -> C_out."""
    c_i, c_o, g, k_ = spec_conv.c_in, spec_conv.c_out, spec_conv.groups, spec_conv.k
    transposed = spec.conv_transpose_parameter_count(c_i, c_o, (k_, k_), groups=g, bias=False)
    forward = spec_conv.conv_parameter_count(c_o, c_i, (k_, k_), groups=g, bias=False)
    assert sympy.simplify(transposed - c_i * c_o * k_**2 / g) == 0 and sympy.simplify(transposed - forward) == 0


class _Counted:
    """A number that counts its multiplications (the reference computes exactly on dtype=object)."""

    multiplications = 0

    def __init__(self, value):
        self.value = value

    def __mul__(self, other):
        _Counted.multiplications += 1
        return _Counted(self.value * (other.value if isinstance(other, _Counted) else other))

    __rmul__ = __mul__

    def __add__(self, other):
        return _Counted(self.value + (other.value if isinstance(other, _Counted) else other))

    __radd__ = __add__


def _counted(shape):
    array = np.empty(shape, dtype=object)
    for index in np.ndindex(*shape):
        array[index] = _Counted(1)
    return array


@pytest.mark.parametrize(
    "x_shape, weight_shape, params",
    [
        ((1, 1, 3), (1, 1, 3), {"stride": 2}),
        ((2, 4, 3, 2), (4, 3, 2, 2), {"stride": 2, "padding": ((3, 1), (1, 2)), "groups": 2}),  # crops most cells
        ((1, 3, 2, 2, 2), (3, 2, 2, 1, 2), {"stride": (2, 1, 3), "padding": "full", "groups": 3, "dilation": 2}),
    ],
)
def test_multiply_adds_are_the_reference_scatters_multiplications(x_shape, weight_shape, params):
    """Counted in the reference itself: one multiplication per (input element, tap, output channel of
    the group), cropped cells included; the output-size x kernel count of a convolution is not it."""
    groups = params.get("groups", 1)
    _Counted.multiplications = 0
    out = reference.conv_transpose(_counted(x_shape), _counted(weight_shape), **params)
    counted = _Counted.multiplications
    closed = spec.conv_transpose_multiply_adds(
        x_shape[1], weight_shape[1] * groups, weight_shape[2:], x_shape[2:], groups, x_shape[0]
    )
    assert counted == closed, f"{describe(params)} with x {x_shape}, weight {weight_shape}: counted {counted}, spec {closed}"
    gather = spec.zero_insertion_multiply_adds(x_shape[1], out.shape[1], weight_shape[2:], out.shape[2:], groups, x_shape[0])
    assert gather != closed


def test_multiply_adds_symbolic_against_the_zero_insertion_count():
    """With output n*s per axis (the "same" case), the zero-insertion count is prod(stride) times the real one."""
    c_i, c_o, n_, s_, k_, g = spec_conv.c_in, spec_conv.c_out, spec_conv.n, spec_conv.s, spec_conv.k, spec_conv.groups
    real = spec.conv_transpose_multiply_adds(c_i, c_o, (k_, k_), (n_, n_), g, 1)
    gather = spec.zero_insertion_multiply_adds(c_i, c_o, (k_, k_), (n_ * s_, n_ * s_), g, 1)
    assert sympy.simplify(gather / real - s_**2) == 0


def test_multiply_adds_match_torch_flop_counter():
    """torch.utils.flop_counter counts 2 FLOPs per multiply-add of a transposed convolution."""
    from torch.utils.flop_counter import FlopCounterMode

    x, weight = torch.zeros(8, 64, 28, 28), torch.zeros(64, 32, 4, 4)
    with FlopCounterMode(display=False) as counter:
        accelerated.conv_transpose(x, weight, stride=2, padding=1)
    expected = spec.conv_transpose_multiply_adds(64, 32, (4, 4), (28, 28), 1, 8)
    assert counter.get_total_flops() == 2 * expected == 2 * 205520896, counter.get_total_flops()


# --------------------------------------------------------------------------------------
# 2. Shapes beyond three spatial axes; the native fast path
# --------------------------------------------------------------------------------------


@given(case=conv_transpose_cases(spatial_dims=4, data=("float64", "integers", np.random.default_rng(4))))
def test_four_spatial_dims_accelerated_equals_reference_with_the_spec_shape(case):
    expected = run("reference", OP, *case.arrays(), **case.params)
    actual = run("accelerated", OP, *case.arrays(), **case.params)
    assert expected.shape == conv_transpose_output_shape(case), f"reference {case.describe()}: {expected.shape}"
    assert_identical(expected, actual, f"accelerated {case.describe()} vs reference")


@pytest.mark.parametrize("spatial_dims", [1, 2, 3])
def test_symmetric_padding_is_exactly_the_native_call(spatial_dims):
    native = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}[spatial_dims]
    generator = torch.Generator().manual_seed(spatial_dims)
    x = torch.randn((2, 4) + (5,) * spatial_dims, generator=generator)
    weight = torch.randn((4, 3) + (3,) * spatial_dims, generator=generator)
    bias = torch.randn(6, generator=generator)
    params = {"stride": 2, "padding": 1, "output_padding": 1, "dilation": 1, "groups": 2}
    ours = accelerated.conv_transpose(x, weight, bias, **params)
    theirs = native(x, weight, bias, 2, 1, 1, 2, 1)
    assert torch.equal(ours, theirs)


def test_per_side_padding_is_the_native_call_then_slicing():
    generator = torch.Generator().manual_seed(0)
    x, weight = torch.randn(2, 3, 6, 7, generator=generator), torch.randn(3, 2, 4, 3, generator=generator)
    ours = accelerated.conv_transpose(x, weight, stride=2, padding=((1, 2), (3, 0)), output_padding=(1, 0))
    full = F.conv_transpose2d(x, weight, stride=2, output_padding=(1, 0))
    assert torch.equal(ours, full[:, :, 1:full.shape[2] - 2, 3:])


# --------------------------------------------------------------------------------------
# 3. Accelerated: dtypes and autograd
# --------------------------------------------------------------------------------------


def _tensor(shape, seed, requires_grad=True):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=generator, dtype=torch.float64).requires_grad_(requires_grad)


# (input shapes, params): the fast path, uneven crops, modes, dilation/groups and the any-rank path
GRADCHECK_CASES = [
    ([(2, 2, 3), (2, 3, 3), (3,)], {"stride": 2, "padding": 1, "output_padding": 1}),
    ([(1, 2, 3), (2, 2, 3), (2,)], {"stride": 2, "padding": "same"}),  # crops (0, 1)
    ([(1, 2, 3, 2), (2, 1, 2, 3), None], {"stride": (2, 1), "padding": ((0, 2), (1, 0)), "dilation": (1, 2), "groups": 2}),
    ([(1, 1, 2, 3), (1, 2, 1, 1), (2,)], {"stride": 3, "padding": "same_lower"}),  # appends zeros
    ([(1, 2, 2, 2, 2), (2, 1, 2, 1, 2), (1,)], {"stride": 2, "padding": "full", "output_padding": (1, 0, 1)}),
    ([(1, 2, 2, 1, 2, 2), (2, 1, 2, 2, 1, 2), (2,)], {"stride": (2, 1, 1, 2), "padding": ((1, 0), 0, 0, (0, 1)), "groups": 2}),
]


@pytest.mark.parametrize("shapes, params", GRADCHECK_CASES, ids=[f"{len(s[0]) - 2}d-{p}" for s, p in GRADCHECK_CASES])
def test_accelerated_gradcheck_float64(shapes, params):
    tensors = [None if shape is None else _tensor(shape, seed) for seed, shape in enumerate(shapes)]
    assert torch.autograd.gradcheck(lambda *args: accelerated.conv_transpose(*args, **params), tuple(tensors)), (
        f"{OP}({shapes}, {params})"
    )


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
@pytest.mark.parametrize("shapes, params", [GRADCHECK_CASES[2], GRADCHECK_CASES[5]], ids=["2d", "4d"])
def test_accelerated_backward_gives_gradients_of_the_input_dtype(shapes, params, dtype):
    tensors = [None if s is None else _tensor(s, i, False).to(getattr(torch, dtype)).requires_grad_() for i, s in enumerate(shapes)]
    out = accelerated.conv_transpose(*tensors, **params)
    assert out.dtype == getattr(torch, dtype), f"{OP}({shapes}, {params}) in {dtype}: output {out.dtype}"
    out.sum().backward()
    for shape, tensor in zip(shapes, tensors):
        if tensor is not None:
            assert tensor.grad is not None and tensor.grad.dtype == tensor.dtype and tensor.grad.shape == shape


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
def test_accelerated_values_in_every_dtype_within_the_tolerance_model(dtype):
    """One uneven, grouped, dilated 2-D case in each dtype against the float64 reference of the same values."""
    rng = np.random.default_rng(7)
    x, weight, bias = (rng.uniform(-2, 2, shape) for shape in ((2, 4, 5, 4), (4, 3, 3, 2), (6,)))
    tensors = [torch.from_numpy(a).to(getattr(torch, dtype)) for a in (x, weight, bias)]
    values = [t.double().numpy().astype(np.float32 if dtype == "bfloat16" else dtype) for t in tensors]
    params = {"stride": (2, 3), "padding": ((2, 0), (1, 1)), "output_padding": (1, 2), "dilation": 2, "groups": 2}
    result = accelerated.conv_transpose(*tensors, **params)
    assert result.dtype == getattr(torch, dtype)
    from convspec.conformance.case import Case

    case = Case(OP, dict(zip(("x", "weight", "bias"), values)), params, "floats")
    model = conv_transpose_tolerance(case)
    if dtype == "bfloat16":
        from convspec.conformance.tolerance import SumOfProducts

        model = SumOfProducts(model.terms, model.magnitude, "bfloat16", False)
    comparison = compare(reference.conv_transpose(*values, **params), to_numpy(result), model)
    assert comparison.passed, f"{dtype}: {comparison.describe()}"


# --------------------------------------------------------------------------------------
# 4. Worked examples; the strategy
# --------------------------------------------------------------------------------------

EXAMPLES = BY_NAME[OP].examples


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.title for e in EXAMPLES])
def test_worked_example_is_reproduced_by_the_reference(example):
    what = f"reference {OP} example {example.title!r} ({example.source})"
    result = reference.conv_transpose(*example.inputs.values(), **example.params)
    assert result.shape == example.expected.shape, f"{what}: shape {result.shape}"
    if example.symbolic:
        for index in product(*map(range, result.shape)):
            difference = sympy.expand(result[index] - example.expected[index])
            assert difference == 0, f"{what}: at {index} got {result[index]}, expected {example.expected[index]}"
    else:
        assert result.dtype == example.expected.dtype, f"{what}: dtype {result.dtype}"
        assert_identical(example.expected, result, what)


@pytest.mark.parametrize("example", [e for e in EXAMPLES if not e.symbolic], ids=[e.title for e in EXAMPLES if not e.symbolic])
def test_worked_example_is_reproduced_by_accelerated(example):
    what = f"accelerated {OP} example {example.title!r} ({example.source})"
    result = accelerated.conv_transpose(*(to_torch(a) for a in example.inputs.values()), **example.params)
    assert str(result.dtype) == f"torch.{example.expected.dtype}", f"{what}: dtype {result.dtype}"
    assert_identical(example.expected, result.numpy(), what)


def test_examples_cover_every_padding_form_output_padding_dilation_groups_and_bias():
    params = [e.params for e in EXAMPLES]
    paddings = {p.get("padding", 0) if isinstance(p.get("padding", 0), (int, str)) else "pairs" for p in params}
    assert {0, 1, "same", "same_lower", "full", "pairs"} <= paddings, paddings
    assert any(p.get("output_padding") for p in params) and any(p.get("dilation", 1) != 1 for p in params)
    assert any(p.get("groups", 1) > 1 for p in params) and any(e.inputs["bias"] is not None for e in EXAMPLES)


@given(conv_transpose_cases())
def test_strategy_draws_only_valid_small_cases(case):
    x, weight, bias = case.arrays()
    args = check_conv_transpose_arguments(OP, x.shape, weight.shape, None if bias is None else bias.shape, **case.params)
    assert x.size <= 5000 and weight.size <= 5000, case.describe()
    assert math.prod(conv_transpose_output_shape(case)) <= 20000, case.describe()
    assert all(a < max(s, d) for a, s, d in zip(args.output_padding, args.stride, args.dilation)), case.describe()


_FIRST_FOUND = settings(phases=(Phase.generate,), max_examples=500, database=None, derandomize=True)


@pytest.mark.parametrize("form", ["int", "per_axis", "per_side", "valid", "full"])
def test_strategy_reaches_output_padding_beside_every_crop_form(form):
    """The bugs the mutants plant need an output padding next to each kind of crop (an uneven one for pairs)."""

    def rich(case):
        x, weight, _ = case.arrays()
        args = check_conv_transpose_arguments(OP, x.shape, weight.shape, None, **case.params)
        crops = spec.resolve_crop(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
        uneven = any(lo != hi for lo, hi, _ in crops) or form != "per_side"
        cropped = any(lo or hi for lo, hi, _ in crops) or form == "valid"
        return any(args.output_padding) and uneven and cropped

    assert rich(find(conv_transpose_cases(forms=(form,)), rich, settings=_FIRST_FOUND))


def test_strategy_reaches_dilation_with_groups_and_channels():
    def rich(case):
        x, weight, _ = case.arrays()
        return case.params["groups"] > 1 and weight.shape[1] > 1 and x.shape[1] > case.params["groups"] and (
            case.params["dilation"] != 1
        )

    assert rich(find(conv_transpose_cases(), rich, settings=_FIRST_FOUND))
