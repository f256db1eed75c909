"""The pooling family: max_pool, avg_pool, global_max_pool, global_avg_pool -- the closed forms and the rules.

Sections:

1. the spec's closed forms against the reference's window enumeration and against the
   definitions: output length in floor and ceil mode, the padding modes, which calls are
   valid (every window holds an input cell), the divisor, seed 000's two slide formulas,
   PyTorch's output lengths, the (zero) parameter count and the operation counts;
2. the literal rules, in both implementations: ties name the first maximal cell, NaN
   propagates and names the last NaN, padding never wins, indices are flat over the
   unpadded plane, avg_pool's divisors;
3. the literal worked examples, and the strategies themselves.

The family's other topics: properties (tests/test_pool_properties.py), shapes, ranks,
dtypes and autograd (tests/test_pool_shapes.py), bad input (tests/test_pool_bad_input.py);
their shared helpers are in tests/pool_helpers.py.

Data are integer-valued floats wherever the comparison should be exact: a maximum only
selects, and sums of small integers are exact in every dtype. Averages divide, so they
are compared exactly only where the quotient is a short binary fraction written out by
hand; elsewhere the catalog's tolerance model decides.
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
from hypothesis import given, settings
from hypothesis import strategies as st

from convspec import accelerated, reference
from convspec.conformance.families.pool import examples as examples_pool
from convspec.conformance.catalog import BY_NAME
from convspec.conformance.families.pool.strategies import max_pool_cases
from convspec.conformance.tolerance import compare
from convspec.reference import windows
from convspec.spec import pool as spec_pool

from pool_helpers import (
    IMPLEMENTATIONS,
    INF,
    NAN,
    NEGATIVE,
    OPS,
    assert_identical,
    describe,
    f32,
    i64,
    pool_args,
    run,
    to_torch,
    tolerance_for,
)


# --------------------------------------------------------------------------------------
# 1. Closed forms vs the reference's enumeration and the definitions
# --------------------------------------------------------------------------------------


def test_spec_doctests_hold():
    """Every worked number in the spec's docstrings is checked, and the reference's window walk."""
    result = doctest.testmod(spec_pool, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted >= 15, result
    finder, runner = doctest.DocTestFinder(), doctest.DocTestRunner()
    for test in finder.find(windows.pool_window_starts, "pool_window_starts"):
        runner.run(test)
    assert runner.failures == 0 and runner.tries >= 2, (runner.failures, runner.tries)


@st.composite
def pool_axes(draw, dilated: bool = True):
    """One valid spatial axis: (n, k, s, d, lo, hi); each side's padding within the window's reach, n >= d."""
    k_, s_ = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    d_ = draw(st.integers(1, 3)) if dilated else 1
    reach = d_ * (k_ - 1)
    lo, hi = draw(st.integers(0, reach)), draw(st.integers(0, reach))
    n_ = max(1, d_, reach + 1 - lo - hi) + draw(st.integers(0, 8))
    return n_, k_, s_, d_, lo, hi


_SYMBOLS = (spec_pool.n, spec_pool.k, spec_pool.s, spec_pool.d, spec_pool.p_lo, spec_pool.p_hi)


@given(pool_axes())
def test_output_length_closed_form_equals_the_reference_window_enumeration(axis):
    """Both modes: the closed form (as ints and as the sympy expression) counts the windows the reference
    walks, window o starts at o*s - p_lo, and the reference's max_pool returns that many values."""
    n_, k_, s_, d_, lo, hi = axis
    for ceil_mode in (False, True):
        what = f"n={n_}, k={k_}, s={s_}, d={d_}, padding=({lo}, {hi}), ceil_mode={ceil_mode}"
        closed = spec_pool.pool_output_length(n_, k_, s_, lo, hi, d_, ceil_mode)
        starts = list(windows.pool_window_starts(n_, (lo, hi), windows.span(k_, d_), s_, ceil_mode))
        assert closed == len(starts), f"{what}: spec {closed}, reference windows {starts}"
        assert [spec_pool.pool_window_start(o_, s_, lo) for o_ in range(closed)] == starts, what
        assert spec_pool.pool_last_window_start(n_, k_, s_, lo, hi, d_, ceil_mode) == starts[-1], what
        symbolic = spec_pool.pool_output_length(ceil_mode=ceil_mode).subs(dict(zip(_SYMBOLS, (n_, k_, s_, d_, lo, hi))))
        assert symbolic == closed, f"{what}: the sympy form gives {symbolic}, the int form {closed}"
        x = np.arange(n_, dtype=np.float64).reshape(1, 1, n_)
        pooled = reference.max_pool(x, k_, stride=s_, padding=((lo, hi),), dilation=d_, ceil_mode=ceil_mode)
        assert pooled.shape == (1, 1, closed), f"reference max_pool with {what}: {pooled.shape}"


@pytest.mark.parametrize("mode", ["valid", "same", "same_lower", "full"])
@given(axis=pool_axes())
def test_padding_modes_resolve_as_the_reference_derives_them(mode, axis):
    """The spec's padding for a mode is what the reference derives from the mode's promise, with the
    dilated window; "same" gives ceil(n/s) windows, "full" pads the reach d(k-1) on both sides."""
    n_, k_, s_, d_, _, _ = axis
    if mode == "valid":
        n_ = max(n_, d_ * (k_ - 1) + 1)  # no padding: the input must hold the window itself
    args = pool_args("max_pool", (1, 1, n_), {"kernel_size": k_, "stride": s_, "padding": mode, "dilation": d_})
    (pair,) = spec_pool.pool_padding(args)
    derived = windows.padding_for_mode(mode, n_, windows.span(k_, d_), s_)
    what = f"padding={mode!r}, n={n_}, k={k_}, s={s_}, d={d_}"
    assert pair == derived, f"{what}: spec {pair}, reference {derived}"
    (length,) = spec_pool.pool_output_size(args)
    if mode in ("same", "same_lower"):
        assert length == -(-n_ // s_), f"{what}: {length} windows, expected ceil(n/s) = {-(-n_ // s_)}"
        assert abs(pair[1] - pair[0]) <= 1 and (pair[1] >= pair[0] if mode == "same" else pair[0] >= pair[1]), what
    if mode == "full":
        assert pair == (d_ * (k_ - 1),) * 2 == (spec_pool.pool_padding_limit(k_, d_),) * 2, what


def test_floor_length_is_seed_000_second_formula_when_the_stride_divides():
    """Seed 000's second slide: W_out = (W_in - F + 2P)/S + 1. Symbolically, with W_in - F + 2P = m S, the
    floor-mode closed form is exactly that; in general it is the floor of the quotient plus one."""
    W, F_, S = sympy.symbols("W_in F S", integer=True, positive=True)
    P0 = sympy.Symbol("P", integer=True, nonnegative=True)
    m = sympy.Symbol("m", integer=True, nonnegative=True)
    slide = (W - F_ + 2 * P0) / S + 1
    closed = spec_pool.pool_output_length(W, F_, S, P0, P0, 1)
    assert sympy.simplify(closed - (sympy.floor((W - F_ + 2 * P0) / S) + 1)) == 0, closed
    divisible = {W: F_ + m * S - 2 * P0}
    assert sympy.simplify(closed.subs(divisible) - slide.subs(divisible)) == 0, closed.subs(divisible)
    assert sympy.simplify(closed.subs(divisible) - (m + 1)) == 0
    # by hand: seed 000's 4x4 with F = S = 2 gives 2; seed 002's 11 with 2x2, stride 2 gives 5 (floor)
    assert spec_pool.pool_output_length(4, 2, 2, 0, 0, 1) == 2 == (4 - 2 + 0) // 2 + 1
    assert spec_pool.pool_output_length(11, 2, 2, 0, 0, 1) == 5
    for w_, f_, s_, p_ in product(range(1, 12), range(1, 5), range(1, 4), range(0, 2)):
        if f_ <= w_ + 2 * p_ and (w_ - f_ + 2 * p_) % s_ == 0 and p_ <= f_ - 1:
            assert spec_pool.pool_output_length(w_, f_, s_, p_, p_, 1) == (w_ - f_ + 2 * p_) // s_ + 1, (w_, f_, s_, p_)


def test_seed_000_first_slide_formula_is_wrong():
    """Seed 000's first pooling slide: W_out = (W_in - F + 2P + 1)/S. On its own 4x4 example (F = 2, P = 0,
    S = 2) that is 3/2 = 1.5, not a length; the pooled map is 2x2. It differs from the right formula
    by (1 - S)/S: it is right only at stride 1."""
    W, F_, S = sympy.symbols("W_in F S", integer=True, positive=True)
    P = sympy.Symbol("P", integer=True, nonnegative=True)
    first, second = (W - F_ + 2 * P + 1) / S, (W - F_ + 2 * P) / S + 1
    on_the_example = first.subs({W: 4, F_: 2, P: 0, S: 2})
    assert on_the_example == sympy.Rational(3, 2) and not on_the_example.is_integer
    assert second.subs({W: 4, F_: 2, P: 0, S: 2}) == 2 == spec_pool.pool_output_length(4, 2, 2, 0, 0, 1)
    assert sympy.simplify(first - second - (1 - S) / S) == 0
    assert sympy.simplify((first - second).subs(S, 1)) == 0
    for implementation in IMPLEMENTATIONS:
        shape = run(implementation, "max_pool", examples_pool.SEED_000_MAP, kernel_size=2, stride=2).shape
        assert shape == (1, 1, 2, 2), f"{implementation} max_pool of seed 000's 4x4: {shape}"
    seed_example = BY_NAME["max_pool"].examples[0]
    assert "seed-erratum" in seed_example.tags and "1.5" in seed_example.note, seed_example.title


def _ceil_mode_windows_by_definition(n_, k_, s_, d_, lo, hi):
    """Ceil mode from its definition: windows are laid from the left edge of the padded input while the
    last one leaves padded cells uncovered after it (so the last may overhang); then every window that
    would start in the right padding or beyond is dropped. Returns (kept starts, dropped starts)."""
    span = d_ * (k_ - 1) + 1
    laid = [-lo]
    while laid[-1] + span < n_ + hi:  # cells of the padded input are left after the last window
        laid.append(laid[-1] + s_)
    kept = [a for a in laid if a < n_]  # a window must start inside the input or the left padding
    return kept, laid[len(kept):]


def test_ceil_mode_keeps_a_last_window_only_if_it_starts_inside_the_input_or_the_left_padding():
    """Exhaustively on small valid axes: the closed form and the reference's enumeration equal the
    definition; ceil mode adds at most one window, which overhangs, starts before n and holds an input
    cell; a window it drops would have started at or past n; PyTorch's max_pool1d agrees where it accepts."""
    added = dropped = torch_compared = 0
    for n_, k_, s_, d_ in product(range(1, 9), range(1, 5), range(1, 5), range(1, 4)):
        reach, span = d_ * (k_ - 1), d_ * (k_ - 1) + 1
        if n_ < d_:
            continue
        for lo, hi in product(range(reach + 1), repeat=2):
            if n_ + lo + hi < span:
                continue
            what = f"n={n_}, k={k_}, s={s_}, d={d_}, padding=({lo}, {hi})"
            kept, gone = _ceil_mode_windows_by_definition(n_, k_, s_, d_, lo, hi)
            floor_length = spec_pool.pool_output_length(n_, k_, s_, lo, hi, d_, False)
            ceil_length = spec_pool.pool_output_length(n_, k_, s_, lo, hi, d_, True)
            assert ceil_length == len(kept), f"{what}: spec {ceil_length}, definition {kept}"
            assert list(windows.pool_window_starts(n_, (lo, hi), span, s_, True)) == kept, what
            assert floor_length <= ceil_length <= floor_length + 1, what
            assert kept[-1] < n_ and all(a >= n_ for a in gone) and len(gone) <= 1, what
            if ceil_length > floor_length:
                added += 1
                assert kept[-1] + span > n_ + hi, f"{what}: the added window should overhang the padded input"
                assert any(0 <= kept[-1] + d_ * j < n_ for j in range(k_)), f"{what}: the added window holds no input"
            dropped += bool(gone)
            if lo == hi and 2 * lo <= k_:  # PyTorch's own length
                native = F.max_pool1d(torch.zeros(1, 1, n_), k_, s_, lo, d_, ceil_mode=True).shape[-1]
                assert native == ceil_length, f"{what}: torch {native}, spec {ceil_length}"
                torch_compared += 1
    assert added > 100 and dropped > 100 and torch_compared > 500, (added, dropped, torch_compared)


def _windows_by_definition(n_, k_, s_, d_, lo, hi, ceil_mode):
    """Window starts per the module docstring, for any padding: the windows that fit in the padded input,
    then (ceil mode) one more when cells are left over and it starts inside the input or the left padding."""
    span = d_ * (k_ - 1) + 1
    starts = [a for a in range(-lo, n_ + hi, s_) if a + span <= n_ + hi]
    following = starts[-1] + s_
    if ceil_mode and starts[-1] + span < n_ + hi and following < n_:
        starts.append(following)
    return starts


def _accepted(op, x_shape, params) -> bool:
    try:
        spec_pool.check_pool_arguments(op, x_shape, **params)
    except ValueError:
        return False
    return True


def test_a_call_is_valid_exactly_when_every_window_holds_an_input_cell():
    """Exhaustively on small axes, padding up to two beyond the reach on each side and inputs narrower than
    the dilation: check_pool_arguments accepts exactly the calls whose padded input holds the window and
    whose every window has a tap on the input (nothing stricter), and pool_padding_condition says the same
    for n >= d."""
    accepted = refused = 0
    for n_, k_, s_, d_ in product(range(1, 8), range(1, 5), range(1, 5), range(1, 4)):
        reach, span = d_ * (k_ - 1), d_ * (k_ - 1) + 1
        for lo, hi, ceil_mode in product(range(reach + 3), range(reach + 3), (False, True)):
            if n_ + lo + hi < span:
                continue
            starts = _windows_by_definition(n_, k_, s_, d_, lo, hi, ceil_mode)
            valid = all(any(0 <= a + d_ * j < n_ for j in range(k_)) for a in starts)
            params = {"kernel_size": k_, "stride": s_, "padding": ((lo, hi),), "dilation": d_, "ceil_mode": ceil_mode}
            what = f"max_pool on n={n_} with {params}: windows {starts}"
            assert _accepted("max_pool", (1, 1, n_), params) == valid, f"{what}: valid={valid}"
            if valid:
                assert spec_pool.pool_output_length(n_, k_, s_, lo, hi, d_, ceil_mode) == len(starts), what
            if d_ <= n_ <= 5:  # (a sympy expression: slower)
                condition = spec_pool.pool_padding_condition(n_, k_, s_, lo, hi, d_, ceil_mode)
                assert bool(condition) == valid, f"{what}: pool_padding_condition is {condition}"
            accepted, refused = accepted + valid, refused + (not valid)
    assert accepted > 5000 and refused > 5000, (accepted, refused)


def test_pytorch_calls_convspec_accepts_are_exactly_the_meaningful_ones_and_agree():
    """1-D, exhaustively where torch.nn.functional.max_pool1d takes the call (symmetric padding <= k // 2):
    if the padded input holds the window, convspec accepts exactly the calls whose result is meaningful
    (finite on finite data, indices inside the input), with PyTorch's values and indices; PyTorch's ceil
    mode also takes inputs shorter than the window, which convspec refuses (the window must fit)."""
    meaningful = short = 0
    for n_, k_, s_, d_, ceil_mode in product(range(1, 8), range(1, 5), range(1, 5), range(1, 4), (False, True)):
        span = d_ * (k_ - 1) + 1
        for p_ in range(k_ // 2 + 1):
            x = torch.arange(1.0, n_ + 1).reshape(1, 1, n_)
            params = {"kernel_size": k_, "stride": s_, "padding": p_, "dilation": d_, "ceil_mode": ceil_mode}
            what = f"max_pool1d on n={n_} with {params}"
            try:
                values, indices = F.max_pool1d(x, k_, s_, p_, d_, ceil_mode, return_indices=True)
            except RuntimeError:
                assert not _accepted("max_pool", (1, 1, n_), params), f"{what}: torch refuses, convspec accepts"
                continue
            if n_ + 2 * p_ < span:
                assert not _accepted("max_pool", (1, 1, n_), params), f"{what}: the window does not fit"
                short += 1
                continue
            sensible = bool(torch.isfinite(values).all()) and bool(((indices >= 0) & (indices < n_)).all())
            assert _accepted("max_pool", (1, 1, n_), params) == sensible, f"{what}: torch gives {values}, {indices}"
            if sensible:
                meaningful += 1
                ours = reference.max_pool(x.numpy(), return_indices=True, **params)
                assert_identical(values.numpy(), ours[0], f"reference {what}: values")
                assert_identical(indices.numpy(), ours[1], f"reference {what}: indices")
    assert meaningful > 500 and short > 0, (meaningful, short)


@given(pool_axes(dilated=False), st.booleans(), st.booleans())
def test_window_count_is_the_reference_divisor(axis, ceil_mode, count_include_pad):
    """avg_pool of ones divides each window's number of input cells by its divisor; the spec's
    avg_pool_window_count is that divisor, and with count_include_pad=False it is the cell count."""
    n_, k_, s_, _, lo, hi = axis
    ones = np.ones((1, 1, n_))
    params = {"kernel_size": k_, "stride": s_, "padding": ((lo, hi),), "ceil_mode": ceil_mode}
    cells = reference.avg_pool(ones, divisor_override=1, **params)[0, 0]
    averages = reference.avg_pool(ones, count_include_pad=count_include_pad, **params)[0, 0]
    counts = [spec_pool.avg_pool_window_count(o_, n_, k_, s_, lo, hi, count_include_pad) for o_ in range(len(cells))]
    what = f"avg_pool of ones({n_}) with {params}, count_include_pad={count_include_pad}"
    assert_identical(cells / np.array(counts, dtype=np.float64), averages, f"{what}: spec divisors {counts}")
    inside = [spec_pool.avg_pool_window_count(o_, n_, k_, s_, lo, hi, False) for o_ in range(len(cells))]
    assert_identical(np.array(inside, dtype=np.float64), cells, f"{what}: input cells per window")


def test_pooling_has_no_parameters_and_the_operation_counts():
    """Seed 000: pooling "does not contain parameters"; seed 002's Keras summary lists 0 for MaxPooling2D.
    Counts by hand: seed 000's 4x4 in 2x2 windows: 4 windows of 3 comparisons; LeNet's 6x28x28 -> 6x14x14
    (2x2, stride 2): 6*14*14 = 1176 windows, 3 comparisons (or additions) and one division each."""
    assert spec_pool.pool_parameter_count() == 0
    for module in (torch.nn.MaxPool2d(2), torch.nn.AvgPool2d(2), torch.nn.AdaptiveAvgPool2d(1)):
        assert sum(p.numel() for p in module.parameters()) == 0, module
    assert spec_pool.max_pool_comparisons((2, 2), (2, 2), 1, 1) == 12
    assert spec_pool.max_pool_comparisons((2, 2), (14, 14), 6, 1) == 3528 == spec_pool.avg_pool_additions((2, 2), (14, 14), 6, 1)
    assert spec_pool.avg_pool_divisions((14, 14), 6, 1) == 1176
    assert spec_pool.max_pool_comparisons((3,), (5,), 2, 3) == 3 * 2 * 5 * 2
    assert spec_pool.max_pool_comparisons((1, 1), (7, 7), 4, 2) == 0  # a 1x1 window compares nothing
    N, C, n_, k_ = spec_pool.batch, spec_pool.c, spec_pool.n, spec_pool.k
    assert sympy.expand(spec_pool.max_pool_comparisons() - N * C * n_**2 * (k_**2 - 1)) == 0
    assert sympy.expand(spec_pool.avg_pool_additions() - spec_pool.max_pool_comparisons()) == 0
    assert sympy.expand(spec_pool.avg_pool_divisions() - N * C * n_**2) == 0


# --------------------------------------------------------------------------------------
# 2. The literal rules, in both implementations
# --------------------------------------------------------------------------------------


def _check_max_pool(implementation, x, params, values, indices, rule):
    what = f"{implementation} {describe('max_pool', x, params)} [{rule}]"
    got_values, got_indices = run(implementation, "max_pool", x, return_indices=True, **params)
    assert got_indices.dtype == np.int64, f"{what}: indices dtype {got_indices.dtype}"
    assert got_values.dtype == x.dtype, f"{what}: values dtype {got_values.dtype}"
    assert_identical(values, got_values, f"{what}: values")
    assert_identical(indices, got_indices, f"{what}: indices")
    only_values = run(implementation, "max_pool", x, **params)
    assert_identical(values, only_values, f"{what}: values without return_indices")


# (rule, x, params, values, indices), worked out by hand
TIES = [
    ("2-D, row-major not column-major", f32([[[[1, 9, 4, 4], [9, 1, 4, 4]]]]), {"kernel_size": 2},
     f32([[[[9, 4]]]]), i64([[[[1, 2]]]])),
    ("1-D dilated taps", f32([[[7, 0, 7, 0, 7]]]), {"kernel_size": 3, "stride": 1, "dilation": 2},
     f32([[[7]]]), i64([[[0]]])),
    ("overlapping windows", f32([[[3, 3, 1, 3]]]), {"kernel_size": 2, "stride": 1},
     f32([[[3, 3, 3]]]), i64([[[0, 1, 3]]])),
    ("3-D: (0,1,1) comes before (1,0,0)", f32([[[[[0, 0], [0, 1]], [[1, 0], [0, 0]]]]]), {"kernel_size": 2},
     f32([[[[[1]]]]]), i64([[[[[3]]]]])),
    ("padding beyond k // 2 (composed path)", f32([[[5, 5, 5]]]), {"kernel_size": 3, "stride": 1, "padding": ((2, 2),)},
     f32([[[5, 5, 5, 5, 5]]]), i64([[[0, 0, 0, 1, 2]]])),
    ("4-D", f32([[[1, 9], [9, 1]], [[9, 9], [9, 9]]]).reshape(1, 1, 1, 2, 2, 2), {"kernel_size": (1, 1, 2, 2)},
     f32([[9], [9]]).reshape(1, 1, 1, 2, 1, 1), i64([[1], [4]]).reshape(1, 1, 1, 2, 1, 1)),
]


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("rule, x, params, values, indices", TIES, ids=[t[0] for t in TIES])
def test_ties_name_the_first_maximal_cell_in_row_major_scan_order(implementation, rule, x, params, values, indices):
    _check_max_pool(implementation, x, params, values, indices, rule)


NANS = [
    ("one window", f32([[[1, NAN, 3, NAN, 2]]]), {"kernel_size": 5}, f32([[[NAN]]]), i64([[[3]]])),
    ("overlapping windows", f32([[[1, NAN, 3, NAN, 2]]]), {"kernel_size": 2, "stride": 1},
     f32([[[NAN, NAN, NAN, NAN]]]), i64([[[1, 1, 3, 3]]])),
    ("2-D, next to inf", f32([[[[NAN, 5], [NAN, INF]]]]), {"kernel_size": 2}, f32([[[[NAN]]]]), i64([[[[2]]]])),
    ("per-side padding, next to -inf", f32([[[NAN, -INF, NAN]]]), {"kernel_size": 2, "stride": 1, "padding": ((1, 0),)},
     f32([[[NAN, NAN, NAN]]]), i64([[[0, 0, 2]]])),
    ("NaN only in some windows", f32([[[4, 2, NAN, 1]]]), {"kernel_size": 2}, f32([[[4, NAN]]]), i64([[[0, 2]]])),
    ("4-D", f32([NAN, 1, NAN, 2]).reshape(1, 1, 1, 1, 1, 4), {"kernel_size": (1, 1, 1, 4)},
     f32([NAN]).reshape(1, 1, 1, 1, 1, 1), i64([2]).reshape(1, 1, 1, 1, 1, 1)),
]


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("rule, x, params, values, indices", NANS, ids=[t[0] for t in NANS])
def test_nan_propagates_and_the_index_names_the_last_nan(implementation, rule, x, params, values, indices):
    _check_max_pool(implementation, x, params, values, indices, rule)


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_global_max_pool_propagates_nan(implementation):
    for x in (f32([[[1, NAN, 3]]]), f32([[[[-INF, 2], [NAN, INF]]], [[[-INF, 2], [0, INF]]]])):
        got = run(implementation, "global_max_pool", x)
        expected = f32([[[NAN]]]) if x.ndim == 3 else f32([[[[NAN]]], [[[INF]]]])
        assert_identical(expected, got, f"{implementation} global_max_pool of {x.tolist()}")


PADDING = [
    ("all-negative, 2-D", NEGATIVE, {"kernel_size": 2, "padding": 1}, f32([[[[-9, -7], [-3, -1]]]]), i64([[[[0, 2], [6, 8]]]])),
    ("all-negative, per-side", NEGATIVE, {"kernel_size": 2, "padding": ((1, 0), (0, 1))},  # rows {0}, {1, 2}; columns {0, 1}, {2}
     f32([[[[-8, -7], [-2, -1]]]]), i64([[[[1, 2], [7, 8]]]])),
    ("all -inf, 'full'", f32([[[-INF, -INF, -INF]]]), {"kernel_size": 2, "stride": 1, "padding": "full"},
     f32([[[-INF] * 4]]), i64([[[0, 0, 1, 2]]])),
    ("all -inf, 'full', 4-D", f32([-INF, -INF, -INF]).reshape(1, 1, 1, 1, 1, 3),
     {"kernel_size": (1, 1, 1, 2), "stride": 1, "padding": "full"},
     f32([-INF] * 4).reshape(1, 1, 1, 1, 1, 4), i64([0, 0, 1, 2]).reshape(1, 1, 1, 1, 1, 4)),
    ("-inf before a finite cell", f32([[[-INF, -INF, -7]]]), {"kernel_size": 3, "stride": 1, "padding": 2},
     f32([[[-INF, -INF, -7, -7, -7]]]), i64([[[0, 0, 2, 2, 2]]])),
    ("-inf, ceil mode's overhanging window", f32([[[-INF, -INF, -INF, -INF, -INF]]]), {"kernel_size": 2, "ceil_mode": True},
     f32([[[-INF] * 3]]), i64([[[0, 2, 4]]])),
]


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("rule, x, params, values, indices", PADDING, ids=[t[0] for t in PADDING])
def test_padding_never_wins(implementation, rule, x, params, values, indices):
    """Padding holds no value: the maximum is an input cell's even when every input cell is negative or
    -inf, and the index names an input cell (the first of the tied -inf cells)."""
    _check_max_pool(implementation, x, params, values, indices, rule)


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("ceil_mode", [False, True])
def test_indices_are_flat_over_each_unpadded_plane_and_int64(implementation, ceil_mode):
    """Per (n, c) plane, over the 3x4 input without its padding. Rows pad one before (windows {0}, {1, 2}),
    columns one after (windows {0, 1}, {2, 3}; ceil mode's next window would start at 4, past the
    input, so it is dropped). Channel a = 0..11 peaks at each window's last cell, channel b = -a at its first."""
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    x = np.stack([np.stack([a, -a]), np.stack([-a, a])])  # batch 1 swaps the channels
    peak_last, peak_first = i64([[1, 3], [9, 11]]), i64([[0, 2], [4, 6]])
    indices = np.stack([np.stack([peak_last, peak_first]), np.stack([peak_first, peak_last])])
    values = np.stack([np.stack([peak_last, -peak_first]), np.stack([-peak_first, peak_last])]).astype(np.float32)
    params = {"kernel_size": 2, "padding": ((1, 0), (0, 1)), "ceil_mode": ceil_mode}
    _check_max_pool(implementation, x, params, values, indices, "flat per plane")


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_seed_000_indices(implementation):
    """Seed 000's 2x2 max pool, flat over the 4x4 plane: 6 at (1,0) = 4, 9 at (1,3) = 7, 3 at (2,0) = 8, and 4
    twice in the last block, at (2,3) = 11 and (3,2) = 14: the first, 11."""
    _check_max_pool(implementation, examples_pool.SEED_000_MAP, {"kernel_size": 2, "stride": 2},
                    f32([[[[6, 9], [3, 4]]]]), i64([[[[4, 7], [8, 11]]]]), "seed 000")


# Divisors on an input of sixes, one count per axis (worked out below), so every quotient is exact.
# Per-side (composed path): x (5, 3), kernel (3, 2), stride (2, 1), padding ((0, 1), (1, 0)), ceil mode.
#   axis 0: windows start 0, 2 and (ceil) 4, which covers 4 (input), 5 (padding), 6 (beyond): input cells
#           3, 3, 1; counted with the padding 3, 3, 2 (the overhang never counts); input only 3, 3, 1.
#   axis 1: windows start -1, 0, 1: input cells 1, 2, 2; with the padding 2, 2, 2; input only 1, 2, 2.
#   sums 6 * cells: 18 36 36 / 18 36 36 / 6 12 12.
# Symmetric (native path): x (6, 3), kernel (3, 2), stride 2, padding (1, 0), ceil mode.
#   axis 0: windows -1, 1, 3, 5 (ceil; covers 5, 6 = padding, 7 = beyond): cells 2, 3, 3, 1; with padding 3, 3, 3, 2.
#   axis 1: windows 0, 2 (ceil; covers 2 and 3 = beyond): cells 2, 1; with padding 2, 1.
#   sums 6 * cells: 24 12 / 36 18 / 36 18 / 12 6. Floor mode keeps the windows -1, 1, 3 and 0.
DIVISORS = {
    "per-side": (
        (5, 3), {"kernel_size": (3, 2), "stride": (2, 1), "padding": ((0, 1), (1, 0)), "ceil_mode": True},
        {"count_include_pad": f32([[3, 6, 6], [3, 6, 6], [1.5, 3, 3]]),
         "input cells only": f32([[6, 6, 6]] * 3),
         "divisor_override": f32([[4.5, 9, 9], [4.5, 9, 9], [1.5, 3, 3]]),
         "floor mode": f32([[3, 6, 6], [3, 6, 6]])},
    ),
    "symmetric": (
        (6, 3), {"kernel_size": (3, 2), "stride": 2, "padding": (1, 0), "ceil_mode": True},
        {"count_include_pad": f32([[4, 4], [6, 6], [6, 6], [3, 3]]),
         "input cells only": f32([[6, 6]] * 4),
         "divisor_override": f32([[6, 3], [9, 4.5], [9, 4.5], [3, 1.5]]),
         "floor mode": f32([[4], [6], [6]])},  # floor mode: one window along axis 1
    ),
}
_DIVISOR_VARIANTS = {
    "count_include_pad": {"count_include_pad": True},
    "input cells only": {"count_include_pad": False},
    "divisor_override": {"divisor_override": 4},
    "floor mode": {"ceil_mode": False},
}


def _in_four_dims(size, params, expected):
    """The same call with two extra length-1 spatial axes (kernel 1, stride 1, no padding) in front of each axis."""

    def spread(value, fill):
        per_axis = value if isinstance(value, tuple) else (value,) * 2
        return tuple(v for pair in zip((fill,) * 2, per_axis) for v in pair)

    params = {**params, "kernel_size": spread(params["kernel_size"], 1), "stride": spread(params["stride"], 1),
              "padding": spread(params["padding"], 0)}
    return (1, size[0], 1, size[1]), params, expected.reshape(1, expected.shape[0], 1, expected.shape[1])


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("rank", ["2-D", "4-D"])
@pytest.mark.parametrize("path", list(DIVISORS))
def test_avg_pool_divisors(implementation, rank, path):
    """count_include_pad counts the padded cells but never ceil mode's overhang; False counts input
    cells only; divisor_override wins over both; per-side padding follows the same rule."""
    size, params, expected_by_variant = DIVISORS[path]
    for variant, expected in expected_by_variant.items():
        size_r, params_r, expected_r = (size, params, expected) if rank == "2-D" else _in_four_dims(size, params, expected)
        x = np.full((1, 1, *size_r), 6, dtype=np.float32)
        call = {**params_r, **_DIVISOR_VARIANTS[variant]}
        calls = [call, {**call, "count_include_pad": False}] if variant == "divisor_override" else [call]
        for one in calls:
            got = run(implementation, "avg_pool", x, **one)
            assert_identical(expected_r[None, None], got, f"{implementation} {describe('avg_pool', x, one)} [{variant}]")


# --------------------------------------------------------------------------------------
# 3. Worked examples; the strategies
# --------------------------------------------------------------------------------------

EXAMPLES = [(op, example) for op in OPS for example in BY_NAME[op].examples]
_EXAMPLE_IDS = [f"{op}-{example.title}" for op, example in EXAMPLES]


@pytest.mark.parametrize("op, example", EXAMPLES, ids=_EXAMPLE_IDS)
def test_worked_example_is_reproduced_by_the_reference(op, example):
    what = f"reference {op} example {example.title!r} ({example.source})"
    result = getattr(reference, op)(*example.inputs.values(), **example.params)
    assert result.shape == example.expected.shape, f"{what}: shape {result.shape}"
    if example.symbolic:
        for index in product(*map(range, result.shape)):
            difference = sympy.expand(result[index] - example.expected[index])
            assert difference == 0, f"{what}: at {index} got {result[index]}, expected {example.expected[index]}"
        return
    assert result.dtype == example.expected.dtype, f"{what}: dtype {result.dtype}"
    assert_identical(example.expected, result, what)  # float64 sums rounded once: the hand-exact quotients


@pytest.mark.parametrize("op, example", [e for e in EXAMPLES if not e[1].symbolic],
                         ids=[i for i, e in zip(_EXAMPLE_IDS, EXAMPLES) if not e[1].symbolic])
def test_worked_example_is_reproduced_by_accelerated(op, example):
    what = f"accelerated {op} example {example.title!r} ({example.source})"
    result = getattr(accelerated, op)(*(to_torch(a) for a in example.inputs.values()), **example.params)
    assert str(result.dtype) == f"torch.{example.expected.dtype}", f"{what}: dtype {result.dtype}"
    if op in ("max_pool", "global_max_pool"):
        assert_identical(example.expected, result.numpy(), what)
    else:
        (x,) = example.inputs.values()
        comparison = compare(example.expected, result.numpy(), tolerance_for(op, x, example.params))
        assert comparison.passed, f"{what}: {comparison.describe()}"


def test_worked_examples_cover_the_seed_pictures_and_every_rule():
    titles = " | ".join(e.title for _, e in EXAMPLES)
    for phrase in ("Seed 000", "Seed 001", "Seed 003", "Ceil mode", "Per-side padding", "count_include_pad=False",
                   "divisor_override", "'same'", "Dilation", "symbolically", "3-D"):
        assert phrase in titles, phrase
    for op in OPS:
        assert any(e.title.startswith("Seed") for e in BY_NAME[op].examples), f"{op}: no seed example"
        for example in BY_NAME[op].examples:
            if not example.symbolic:
                assert not np.isnan(example.expected).any(), f"{op} {example.title}: examples hold no NaN"
    max_params = [e.params for e in BY_NAME["max_pool"].examples]
    assert any(p.get("ceil_mode") for p in max_params) and any("stride" not in p for p in max_params)
    avg_params = [e.params for e in BY_NAME["avg_pool"].examples]
    assert any(p.get("ceil_mode") and p.get("count_include_pad", True) for p in avg_params)
    assert any(p.get("ceil_mode") and p.get("count_include_pad") is False for p in avg_params)
    maps = {id(e.inputs["x"]) for _, e in EXAMPLES}
    for seed_map in (examples_pool.SEED_000_MAP, examples_pool.SEED_001_MAP, examples_pool.SEED_003_MAP,
                     examples_pool.SEED_001_FEATURE_MAPS):
        assert id(seed_map) in maps


def test_strategies_reach_every_rule():
    """The drawn cases exercise what the planted bugs break: ceil mode adding a window and dropping one,
    per-side padding, padding beyond k // 2, dilation, the default stride, ties, NaN and -inf next to
    padding, rank 4; for averages count_include_pad=False beside padding, divisor_override and overhang."""
    seen = set()

    def axes(args):
        return zip(args.input_size, args.kernel_size, args.stride, spec_pool.pool_padding(args), args.dilation)

    @given(max_pool_cases())
    @settings(max_examples=150, derandomize=True, database=None)
    def max_cases(case):
        x, params = case.inputs["x"], case.params
        args = pool_args("max_pool", x.shape, params)
        for n_, k_, s_, (lo, hi), d_ in axes(args):
            ceil = spec_pool.pool_output_length(n_, k_, s_, lo, hi, d_, True)
            floor = spec_pool.pool_output_length(n_, k_, s_, lo, hi, d_, False)
            kept, gone = _ceil_mode_windows_by_definition(n_, k_, s_, d_, lo, hi)
            if args.ceil_mode and ceil > floor:
                seen.add("ceil adds a window")
            if args.ceil_mode and gone:
                seen.add("ceil drops a window")
            if lo != hi:
                seen.add("per-side padding")
            if max(lo, hi) > k_ // 2:
                seen.add("padding beyond k // 2")
            if d_ > 1 and k_ > 1:
                seen.add("dilation")
        if "stride" not in params:
            seen.add("default stride")
        if args.spatial_dims == 4:
            seen.add("rank 4")
        if case.data_kind == "integers" and math.prod(args.kernel_size) > 1:
            seen.add("ties")
        padded = any(lo or hi for lo, hi in spec_pool.pool_padding(args))
        if padded and np.isneginf(x).any():
            seen.add("-inf beside padding")
        if (np.isnan(x).reshape(*x.shape[:2], -1).sum(axis=2) >= 2).any():
            seen.add("several NaNs in a plane")

    @given(BY_NAME["avg_pool"].strategy())
    @settings(max_examples=150, derandomize=True, database=None)
    def avg_cases(case):
        args = pool_args("avg_pool", case.inputs["x"].shape, case.params)
        padded = any(lo or hi for lo, hi in spec_pool.pool_padding(args))
        if padded and not args.count_include_pad:
            seen.add("count_include_pad=False beside padding")
        if args.divisor_override is not None:
            seen.add("divisor_override")
        for n_, k_, s_, (lo, hi), _ in axes(args):
            if args.ceil_mode and args.count_include_pad and spec_pool.pool_output_length(n_, k_, s_, lo, hi, 1, True) > (
                spec_pool.pool_output_length(n_, k_, s_, lo, hi, 1, False)
            ):
                seen.add("overhang counted with the padding")

    max_cases()
    avg_cases()
    wanted = {"ceil adds a window", "ceil drops a window", "per-side padding", "padding beyond k // 2", "dilation",
              "default stride", "rank 4", "ties", "-inf beside padding", "several NaNs in a plane",
              "count_include_pad=False beside padding", "divisor_override", "overhang counted with the padding"}
    assert wanted <= seen, f"never drawn: {wanted - seen}"
