"""The convolution family: correlate, convolve, depthwise_separable.

Sections:

1. the spec's closed forms against the reference's enumeration, and against the
   *definitions* of the padding modes and the seeds' formulas and parameter counts;
2. algebraic properties (flip, commutativity, associativity, linearity, translation
   equivariance, depthwise-separable = depthwise then pointwise, groups);
3. output shapes, including more than three spatial axes;
4. dtypes and autograd of the accelerated implementation;
5. bad input: the reference and the accelerated implementation raise the same error,
   and no implementation modifies its inputs;
6. the catalog's literal worked examples.

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

from convspec import accelerated, reference
from convspec.conformance.case import Case
from convspec.conformance.catalog import BY_NAME, CATALOG
from convspec.conformance.strategies import random_array
from convspec.conformance.tolerance import SumOfProducts, compare
from convspec.reference import windows
from convspec.spec import conv as spec_conv

# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------

IMPLEMENTATIONS = ("reference", "accelerated")
CONV_OPS = ("correlate", "convolve")
PADDING_FORMS = ("int", "per_axis", "per_side", "valid", "same", "same_lower", "full")
MODES = ("valid", "same", "same_lower", "full")
# the catalog's convolution-family operations; the other families have their own test files
CONV_FAMILY = tuple(op for op in CATALOG if op.family == "conv")
CONV_FAMILY_IDS = [op.name for op in CONV_FAMILY]

# per spatial rank: (max kernel, max dilation, max stride, max extra input length, max explicit pad)
# small enough that the reference's Python loops stay in the milliseconds
_LIMITS = {1: (4, 3, 3, 6, 2), 2: (3, 2, 2, 4, 2), 3: (2, 2, 2, 2, 1), 4: (2, 2, 2, 1, 1)}


def to_torch(value):
    """numpy -> torch (same dtype, fresh memory); anything else unchanged."""
    return torch.from_numpy(value.copy()) if isinstance(value, np.ndarray) else value


def to_numpy(value) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        value = value.detach()
        return value.float().numpy() if value.dtype == torch.bfloat16 else value.numpy()
    return value


def run(implementation: str, op: str, *arrays, **params) -> np.ndarray:
    """Call ``convspec.<implementation>.<op>`` on numpy inputs and return a numpy result."""
    if implementation == "reference":
        return getattr(reference, op)(*arrays, **params)
    return to_numpy(getattr(accelerated, op)(*(to_torch(a) for a in arrays), **params))


def describe(op: str, params: dict, **arrays) -> str:
    """``op(x=(shape), weight=(shape), ..., stride=..., padding=...) dtype=...``."""
    shapes = ", ".join(f"{name}={None if a is None else tuple(a.shape)}" for name, a in arrays.items())
    settings = ", ".join(f"{k}={v!r}" for k, v in params.items())
    dtype = next(a.dtype for a in arrays.values() if a is not None)
    return f"{op}({shapes}{', ' if settings else ''}{settings}) dtype={dtype}"


def assert_identical(expected: np.ndarray, actual: np.ndarray, what: str) -> None:
    """Same shape and the same values bit for bit, with the first difference in the message."""
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape}, expected {expected.shape}"
    if not np.array_equal(actual, expected):
        index = tuple(int(i) for i in np.argwhere(actual != expected)[0])
        raise AssertionError(f"{what}: at {index} got {actual[index]!r}, expected {expected[index]!r}")


def flip_spatial(weight: np.ndarray) -> np.ndarray:
    """The kernel turned by 180 degrees: reversed along every spatial axis (a copy)."""
    return np.ascontiguousarray(weight[(slice(None), slice(None)) + (slice(None, None, -1),) * (weight.ndim - 2)])


def integers(shape, dtype, rng) -> np.ndarray:
    """Integer-valued data in [-4, 4] of a floating dtype."""
    return random_array(shape, dtype, "integers", rng)


def _collapse(values: tuple[int, ...], as_tuple: bool):
    """An int where all axes agree (unless told to keep the tuple), else one int per axis."""
    return values if as_tuple or len(set(values)) > 1 else values[0]


@st.composite
def geometries(draw, spatial_dims=None, forms=PADDING_FORMS, stride_one=False):
    """Kernel, stride, dilation, padding (any form) and an input size that admits a window."""
    if spatial_dims is None:
        spatial_dims = draw(st.sampled_from((1, 2, 2, 3)))
    max_k, max_d, max_s, max_extra, max_pad = _LIMITS[spatial_dims]
    axes = range(spatial_dims)
    kernel = tuple(draw(st.integers(1, max_k)) for _ in axes)
    dilation = tuple(draw(st.integers(1, max_d)) for _ in axes)
    stride = (1,) * spatial_dims if stride_one else tuple(draw(st.integers(1, max_s)) for _ in axes)
    form = draw(st.sampled_from(forms))
    if form == "int":
        p = draw(st.integers(0, max_pad))
        padding, pairs = p, [(p, p)] * spatial_dims
    elif form == "per_axis":
        per_axis = tuple(draw(st.integers(0, max_pad)) for _ in axes)
        padding, pairs = per_axis, [(p, p) for p in per_axis]
        if spatial_dims == 1:  # (p,) is one int per axis; (lo, hi) alone would be refused
            padding = (per_axis[0],)
    elif form == "per_side":
        pairs = [(draw(st.integers(0, max_pad)), draw(st.integers(0, max_pad))) for _ in axes]
        padding = tuple(pairs)
    else:
        padding, pairs = form, [(0, 0)] * spatial_dims
    size = []
    for k_, d_, (lo, hi) in zip(kernel, dilation, pairs):
        span = d_ * (k_ - 1) + 1
        needed = 1 if form in ("same", "same_lower", "full") else max(1, span - lo - hi)
        size.append(needed + draw(st.integers(0, max_extra)))
    as_tuple = draw(st.booleans())
    params = {"stride": _collapse(stride, as_tuple), "padding": padding, "dilation": _collapse(dilation, as_tuple)}
    return tuple(size), kernel, params


@st.composite
def conv_cases(draw, op="correlate", spatial_dims=None, forms=PADDING_FORMS, stride_one=False,
               groups=None, in_per_group=None, bias=None, dtypes=("float32", "float64")):
    """A valid correlate/convolve call on integer-valued data (exact comparisons)."""
    size, kernel, params = draw(geometries(spatial_dims, forms, stride_one))
    groups = draw(st.integers(1, 3 if len(size) < 3 else 2)) if groups is None else groups
    c_in = groups * (draw(st.integers(1, 2)) if in_per_group is None else in_per_group)
    c_out = groups * draw(st.integers(1, 2))
    batch = draw(st.integers(1, 2))
    with_bias = draw(st.booleans()) if bias is None else bias
    dtype = draw(st.sampled_from(dtypes))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = integers((batch, c_in, *size), dtype, rng)
    weight = integers((c_out, c_in // groups, *kernel), dtype, rng)
    b = integers((c_out,), dtype, rng) if with_bias else None
    return Case(op, {"x": x, "weight": weight, "bias": b}, {**params, "groups": groups}, "integers")


@st.composite
def depthwise_separable_cases(draw, spatial_dims=None, forms=PADDING_FORMS, bias=None, dtypes=("float32", "float64")):
    """A valid depthwise_separable call on integer-valued data."""
    size, kernel, params = draw(geometries(spatial_dims, forms))
    c_in, multiplier, c_out = draw(st.integers(1, 3)), draw(st.integers(1, 2)), draw(st.integers(1, 3))
    batch = draw(st.integers(1, 2))
    with_bias = draw(st.booleans()) if bias is None else bias
    dtype = draw(st.sampled_from(dtypes))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    inputs = {
        "x": integers((batch, c_in, *size), dtype, rng),
        "depthwise_weight": integers((c_in * multiplier, 1, *kernel), dtype, rng),
        "pointwise_weight": integers((c_out, c_in * multiplier) + (1,) * len(size), dtype, rng),
        "bias": integers((c_out,), dtype, rng) if with_bias else None,
    }
    return Case("depthwise_separable", inputs, params, "integers")


def cases_of(op: str, **kwargs):
    return depthwise_separable_cases(**kwargs) if op == "depthwise_separable" else conv_cases(op, **kwargs)


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
# 2. Properties
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


# --------------------------------------------------------------------------------------
# 3. Shapes
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
# 4. Accelerated: dtypes and autograd
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
# 5. Bad input: the same error from both implementations; inputs never modified
# --------------------------------------------------------------------------------------


def _a(*shape, dtype="float32"):
    return np.ones(shape, dtype=dtype)


X1, W1 = _a(1, 1, 5), _a(1, 1, 2)  # a valid 1-D call
X2, W2 = _a(1, 1, 4, 4), _a(1, 1, 2, 2)  # a valid 2-D call
DS_X, DS_DW, DS_PW = _a(1, 2, 5), _a(2, 1, 2), _a(1, 2, 1)  # a valid depthwise_separable call (C_in 2, m 1, C_out 1)

# rule: (arrays, params, exception, fragments the message must contain besides the operation's name)
CONV_RULES = {
    "x is 2-D": ((_a(3, 4), W1, None), {}, ValueError, ["x", "(3, 4)", "2-D"]),
    "x has an empty channel axis": ((_a(1, 0, 5), W1, None), {}, ValueError, ["x", "(1, 0, 5)"]),
    "weight rank differs from x": ((X1, W2, None), {}, ValueError, ["weight", "(1, 1, 2, 2)", "(1, 1, 5)"]),
    "weight has an empty axis": ((X1, _a(1, 1, 0), None), {}, ValueError, ["weight", "(1, 1, 0)"]),
    "weight channels differ from x": ((_a(1, 2, 5), _a(1, 3, 2), None), {}, ValueError, ["weight", "(1, 3, 2)", "C_in/groups = 2/1 = 2"]),
    "groups does not divide C_in": ((_a(1, 3, 5), _a(2, 1, 2), None), {"groups": 2}, ValueError, ["groups=2", "C_in=3"]),
    "groups does not divide C_out": ((_a(1, 2, 5), _a(3, 1, 2), None), {"groups": 2}, ValueError, ["groups=2", "C_out=3"]),
    "groups is zero": ((X1, W1, None), {"groups": 0}, ValueError, ["groups", "0"]),
    "groups is a bool": ((X1, W1, None), {"groups": True}, TypeError, ["groups", "True"]),
    "stride is zero": ((X1, W1, None), {"stride": 0}, ValueError, ["stride", "0"]),
    "stride is negative on one axis": ((X2, W2, None), {"stride": (1, -2)}, ValueError, ["stride", "(1, -2)"]),
    "stride has too many entries": ((X2, W2, None), {"stride": (1, 1, 1)}, ValueError, ["stride", "(1, 1, 1)"]),
    "stride is a bool": ((X1, W1, None), {"stride": True}, TypeError, ["stride", "True"]),
    "stride is a float": ((X1, W1, None), {"stride": 2.0}, TypeError, ["stride", "2.0", "float"]),
    "stride has a float entry": ((X2, W2, None), {"stride": (1, 1.5)}, TypeError, ["stride", "1.5"]),
    "dilation is zero": ((X1, W1, None), {"dilation": 0}, ValueError, ["dilation", "0"]),
    "dilation is a bool": ((X1, W1, None), {"dilation": False}, TypeError, ["dilation", "False"]),
    "dilation is a float": ((X1, W1, None), {"dilation": 1.0}, TypeError, ["dilation", "1.0"]),
    "kernel larger than the input": ((_a(1, 1, 3), _a(1, 1, 5), None), {}, ValueError, ["kernel", "size 5", "3 + 0 + 0 = 3", "spans 5"]),
    "dilated kernel larger than the input": ((X1, _a(1, 1, 3), None), {"dilation": 3}, ValueError, ["kernel", "dilation 3", "spans 7"]),
    "kernel larger than the padded input": ((_a(1, 1, 2, 4), _a(1, 1, 4, 2), None), {"padding": ((0, 1), 0)}, ValueError, ["kernel", "2 + 0 + 1 = 3", "spans 4"]),
    "unknown padding string": ((X1, W1, None), {"padding": "SAME"}, ValueError, ["padding", "'SAME'"]),
    "padding tuple of the wrong length": ((X2, W2, None), {"padding": (1, 1, 1)}, ValueError, ["padding", "(1, 1, 1)"]),
    "1-D padding written (lo, hi)": ((X1, W1, None), {"padding": (1, 2)}, ValueError, ["padding", "(1, 2)", "((1, 2),)"]),
    "padding entry of three": ((X2, W2, None), {"padding": ((1, 2, 3), 0)}, ValueError, ["padding", "(1, 2, 3)"]),
    "padding is a float": ((X1, W1, None), {"padding": 1.0}, TypeError, ["padding", "1.0"]),
    "padding is negative": ((X1, W1, None), {"padding": -1}, ValueError, ["padding", "-1"]),
    "padding is negative on one side": ((X1, W1, None), {"padding": ((0, -1),)}, ValueError, ["padding", "((0, -1),)"]),
    "bias of the wrong length": ((X1, W1, _a(2)), {}, ValueError, ["bias", "(2,)", "(1,)"]),
    "bias of the wrong rank": ((X1, W1, _a(1, 1)), {}, ValueError, ["bias", "(1, 1)"]),
    "x has an integer dtype": ((_a(1, 1, 5, dtype="int64"), W1, None), {}, TypeError, ["x", "int64"]),
    "weight has an integer dtype": ((X1, _a(1, 1, 2, dtype="int32"), None), {}, TypeError, ["weight", "int32"]),
    "x is bool": ((_a(1, 1, 5, dtype="bool"), W1, None), {}, TypeError, ["x", "bool"]),
    "weight dtype differs from x": ((X1, _a(1, 1, 2, dtype="float64"), None), {}, TypeError, ["weight", "float64", "float32"]),
    "bias dtype differs from x": ((X1, W1, _a(1, dtype="float16")), {}, TypeError, ["bias", "float16", "float32"]),
}

DS_RULES = {
    "x is 2-D": ((_a(2, 5), DS_DW, DS_PW, None), {}, ValueError, ["x", "(2, 5)"]),
    "depthwise rows not a multiple of C_in": ((DS_X, _a(3, 1, 2), _a(1, 3, 1), None), {}, ValueError, ["depthwise_weight", "(3, 1, 2)", "C_in=2"]),
    "depthwise_weight.shape[1] is not 1": ((DS_X, _a(2, 2, 2), DS_PW, None), {}, ValueError, ["depthwise_weight", "(2, 2, 2)"]),
    "depthwise rank differs from x": ((DS_X, _a(2, 1, 2, 2), DS_PW, None), {}, ValueError, ["depthwise_weight", "(2, 1, 2, 2)"]),
    "pointwise has the wrong channel count": ((DS_X, DS_DW, _a(1, 3, 1), None), {}, ValueError, ["pointwise_weight", "(1, 3, 1)", "(C_out, 2, 1)"]),
    "pointwise kernel is not 1": ((DS_X, DS_DW, _a(1, 2, 2), None), {}, ValueError, ["pointwise_weight", "(1, 2, 2)"]),
    "pointwise rank differs from x": ((DS_X, DS_DW, _a(1, 2), None), {}, ValueError, ["pointwise_weight", "(1, 2)"]),
    "pointwise has no output channels": ((DS_X, DS_DW, _a(0, 2, 1), None), {}, ValueError, ["pointwise_weight", "(0, 2, 1)"]),
    "bias of the wrong length": ((DS_X, DS_DW, DS_PW, _a(3)), {}, ValueError, ["bias", "(3,)", "(1,)"]),
    "stride is zero": ((DS_X, DS_DW, DS_PW, None), {"stride": 0}, ValueError, ["stride", "0"]),
    "stride is a bool": ((DS_X, DS_DW, DS_PW, None), {"stride": True}, TypeError, ["stride", "True"]),
    "dilation is a float": ((DS_X, DS_DW, DS_PW, None), {"dilation": 2.0}, TypeError, ["dilation", "2.0"]),
    "unknown padding string": ((DS_X, DS_DW, DS_PW, None), {"padding": "causal"}, ValueError, ["padding", "'causal'"]),
    "1-D padding written (lo, hi)": ((DS_X, DS_DW, DS_PW, None), {"padding": (0, 1)}, ValueError, ["padding", "((0, 1),)"]),
    "padding is negative": ((DS_X, DS_DW, DS_PW, None), {"padding": -2}, ValueError, ["padding", "-2"]),
    "kernel larger than the input": ((DS_X, _a(2, 1, 6), DS_PW, None), {}, ValueError, ["kernel", "size 6"]),
    "x has an integer dtype": ((_a(1, 2, 5, dtype="int64"), DS_DW, DS_PW, None), {}, TypeError, ["x", "int64"]),
    "pointwise dtype differs from x": ((DS_X, DS_DW, _a(1, 2, 1, dtype="float64"), None), {}, TypeError, ["pointwise_weight", "float64"]),
    "bias dtype differs from x": ((DS_X, DS_DW, DS_PW, _a(1, dtype="float16")), {}, TypeError, ["bias", "float16"]),
}

BAD_CALLS = [(op, rule, *spec) for op in CONV_OPS for rule, spec in CONV_RULES.items()] + [
    ("depthwise_separable", rule, *spec) for rule, spec in DS_RULES.items()
]


def _raised(implementation: str, op: str, arrays, params) -> Exception:
    with pytest.raises(Exception) as info:
        run(implementation, op, *arrays, **params)
    return info.value


@pytest.mark.parametrize(
    "op, rule, arrays, params, error, fragments", BAD_CALLS, ids=[f"{op}-{rule}" for op, rule, *_ in BAD_CALLS]
)
def test_bad_input_raises_the_same_error_in_reference_and_accelerated(op, rule, arrays, params, error, fragments):
    what = f"{op}({', '.join('None' if a is None else f'{a.dtype}{a.shape}' for a in arrays)}, {params}) [{rule}]"
    from_reference = _raised("reference", op, arrays, params)
    from_accelerated = _raised("accelerated", op, arrays, params)
    assert type(from_reference) is error, f"reference {what}: {type(from_reference).__name__}: {from_reference}"
    assert type(from_accelerated) is error, f"accelerated {what}: {type(from_accelerated).__name__}: {from_accelerated}"
    assert str(from_reference) == str(from_accelerated), (
        f"{what}: messages differ\n  reference:   {from_reference}\n  accelerated: {from_accelerated}"
    )
    message = str(from_reference)
    assert message.startswith(f"{op}: "), f"{what}: the message does not name the operation: {message}"
    for fragment in fragments:
        assert fragment in message, f"{what}: the message does not mention {fragment!r}: {message}"


CONTAINER_CALLS = [
    ("correlate", "x", ([[[1.0, 2.0, 3.0]]], W1, None)),
    ("convolve", "x", ([[[1.0, 2.0, 3.0]]], W1, None)),
    ("correlate", "weight", (X1, [[[1.0]]], None)),
    ("convolve", "bias", (X1, W1, [1.0])),
    ("depthwise_separable", "x", ([[[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]]], DS_DW, DS_PW, None)),
    ("depthwise_separable", "pointwise_weight", (DS_X, DS_DW, [[[1.0], [1.0]]], None)),
]


@pytest.mark.parametrize("op, name, arrays", CONTAINER_CALLS, ids=[f"{op}-{name}-list" for op, name, _ in CONTAINER_CALLS])
def test_a_list_instead_of_an_array_is_a_type_error_naming_the_argument(op, name, arrays):
    """The one message that differs by design: numpy.ndarray for the reference, torch.Tensor for accelerated."""
    for implementation, container in (("reference", "numpy.ndarray"), ("accelerated", "torch.Tensor")):
        error = _raised(implementation, op, arrays, {})
        message = str(error)
        what = f"{implementation} {op} with {name} a list"
        assert type(error) is TypeError, f"{what}: {type(error).__name__}: {message}"
        assert message.startswith(f"{op}: {name} must be a {container}, got list"), f"{what}: {message}"


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("form", PADDING_FORMS)
@pytest.mark.parametrize("op", CONV_FAMILY_IDS)
@given(data=st.data())
def test_inputs_are_never_modified(op, form, implementation, data):
    case = data.draw(cases_of(op, forms=(form,), dtypes=("float16", "float32", "float64")))
    before = case.copies()
    if implementation == "reference":
        arguments = case.arrays()
        reference_result = getattr(reference, op)(*arguments, **case.params)
        assert all(reference_result is not a for a in arguments), f"reference {case.describe()} returned an input"
        after = arguments
    else:
        tensors = [to_torch(a) for a in case.arrays()]
        getattr(accelerated, op)(*tensors, **case.params)
        after = [to_numpy(t) for t in tensors]
    for name, old, new in zip(case.inputs, before, after):
        if old is not None:
            assert_identical(old, new, f"{implementation} {case.describe()}: input {name!r}")


# --------------------------------------------------------------------------------------
# 6. Literal worked examples
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
