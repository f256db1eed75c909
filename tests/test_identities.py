"""spec/identities.py: the proofs hold, the wrong variants and the seeds' claims are refuted,
and every symbolic statement agrees with the reference on numbers.

Sections:

1. the proof machinery (it can fail, and it tells "refuted" from "not shown");
2. one test per proved identity;
3. the wrong variants are refuted, with the difference they should have;
4. the seeds' claims against the truth, comparison by comparison;
5. numbers: each statement checked against convspec.reference (integer data, exact).
"""

from __future__ import annotations

import doctest
import inspect
from fractions import Fraction
from itertools import product

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from convspec import reference
from convspec.spec import conv_transpose as spec_conv_transpose
from convspec.spec import identities as ids
from convspec.spec import proofs, seed_claims, size_identities

IDENTITY_MODULES = (ids, size_identities, seed_claims)  # the identities are defined there; ids re-exports them

# --------------------------------------------------------------------------------------
# 1. the machinery
# --------------------------------------------------------------------------------------


def test_equal_holds_on_an_identity_and_refutes_a_wrong_one():
    x, y = sympy.symbols("x y")
    assert ids.equal("square", (x + y) ** 2, x**2 + 2 * x * y + y**2).holds
    wrong = ids.equal("square", (x + y) ** 2, x**2 + y**2)
    assert not wrong.holds and wrong.refuted and wrong.difference == 2 * x * y, str(wrong)


def test_an_unsimplified_floor_is_not_shown_rather_than_refuted():
    """floor(n/2)*2 = n is false for odd n, but the machinery must not call a floor difference decided."""
    claim = ids.equal("floor", sympy.floor(ids.n / 2) * 2, ids.n)
    assert not claim.holds and not claim.refuted, str(claim)


def test_member_uses_every_branch_of_a_piecewise():
    x = sympy.Symbol("x")
    pieces = sympy.Piecewise((0, x > 1), (1, True))
    assert ids.member("two branches", pieces, (0, 1)).holds
    one_out = ids.member("two branches", pieces, (1,))
    assert not one_out.holds and one_out.refuted and one_out.difference == frozenset({0})


def test_same_compares_sums_structurally_and_can_fail():
    j, top = sympy.symbols("j top", integer=True)
    x = sympy.IndexedBase("x")
    forward = sympy.Sum(x[j], (j, 0, top))
    assert ids.same("reversed", forward.change_index(j, top - j), sympy.Sum(x[top - j], (j, 0, top))).holds
    assert not ids.same("shifted", forward, sympy.Sum(x[j + 1], (j, 0, top))).holds


def test_sequences_of_different_lengths_do_not_compare_equal():
    assert not ids.equal("lengths", (1, 2), (1, 2, 3)).holds


def test_the_registries_hold_every_identity_once_under_its_own_name():
    public = {name for module in IDENTITY_MODULES for name, f in vars(module).items()
              if inspect.isfunction(getattr(f, "__wrapped__", f)) and getattr(f, "__module__", "") == module.__name__
              and inspect.signature(f).return_annotation in ("Identity", ids.Identity)}
    assert len(public) > 20
    registered = [f.__name__ for f in ids.PROOFS + ids.WRONG_VARIANTS + ids.SEED_CLAIMS]
    assert sorted(registered) == sorted(public), set(public) ^ set(registered)
    for f in ids.PROOFS + ids.WRONG_VARIANTS + ids.SEED_CLAIMS:
        assert f().name == f.__name__
        assert f.__doc__ and f().statement and f().conditions and f().method, f.__name__
    assert all(f.__name__.endswith("_claim") for f in ids.WRONG_VARIANTS + ids.SEED_CLAIMS)
    assert not any(f.__name__.endswith("_claim") for f in ids.PROOFS)


def test_docstring_examples():
    for module in IDENTITY_MODULES + (proofs,):
        failures, _ = doctest.testmod(module, verbose=False)
        assert failures == 0, module.__name__


# --------------------------------------------------------------------------------------
# 2. the proofs hold
# --------------------------------------------------------------------------------------


def _holds(identity: ids.Identity) -> None:
    assert identity.holds, str(identity)
    assert not identity.refuted


def test_convolution_is_correlation_with_flipped_kernel_1d():
    result = ids.convolution_is_correlation_with_flipped_kernel_1d()
    _holds(result)
    for label in ("n=6, k=4, s=2, d=1", "n=6, k=3, s=2, d=2", "n=6, k=4, full padding"):  # the largest cases are in
        assert result.comparison(label).holds


def test_convolution_is_correlation_with_flipped_kernel_2d():
    _holds(ids.convolution_is_correlation_with_flipped_kernel_2d())


def test_convolution_is_correlation_with_flipped_kernel_general():
    _holds(ids.convolution_is_correlation_with_flipped_kernel_general())


def test_full_convolution_is_commutative():
    _holds(ids.full_convolution_is_commutative())


def test_full_convolution_is_associative():
    _holds(ids.full_convolution_is_associative())


def test_same_padding_keeps_length_at_stride_one():
    _holds(ids.same_padding_keeps_length_at_stride_one())


def test_same_padding_gives_ceil_length():
    result = ids.same_padding_gives_ceil_length()
    _holds(result)
    # every residue of every default stride, and both span branches, are there
    for stride in ids.DEFAULT_STRIDES:
        for r in range(stride):
            assert any(c.label.startswith(f"s={stride}, n = {stride}q + {r}, e = ") and "(pads)" in c.label
                       for c in result.comparisons), (stride, r)


def test_conv_transpose_restores_conv_input_length():
    result = ids.conv_transpose_restores_conv_input_length()
    _holds(result)
    assert result.comparison("every s: back to m (v mod s = v - s floor(v/s))").holds


def test_conv_input_lengths_are_the_preimages():
    _holds(ids.conv_input_lengths_are_the_preimages())


def test_pool_floor_length_is_conv_length():
    _holds(ids.pool_floor_length_is_conv_length())


def test_pool_ceil_length_adds_zero_or_one():
    _holds(ids.pool_ceil_length_adds_zero_or_one())


# --------------------------------------------------------------------------------------
# 3. the wrong variants are refuted
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("claim", ids.WRONG_VARIANTS, ids=lambda f: f.__name__)
def test_wrong_variant_is_refuted(claim):
    result = claim()
    assert not result.holds and result.refuted, str(result)


def test_unflipped_correlation_differs_by_the_swapped_taps():
    x0, x1, w0, w1 = sympy.symbols("x_0 x_1 w_0 w_1")
    difference = ids.convolution_is_unflipped_correlation_claim().comparison("n=2, k=2").difference
    assert sympy.expand(difference[0] - (x0 * w0 + x1 * w1 - x0 * w1 - x1 * w0)) == 0


def test_correlation_commutes_only_up_to_reversal():
    x, w = ids.sequence("x", 3), ids.sequence("w", 2)
    assert ids.equal("reversal", ids.full_correlation(w, x), tuple(reversed(ids.full_correlation(x, w)))).holds


def test_same_padding_floor_claim_is_off_by_one_exactly_when_s_does_not_divide_n():
    result = ids.same_padding_gives_floor_length_claim()
    for c in result.comparisons:
        r = int(c.label.rsplit("+ ", 1)[1])
        assert c.difference == (0 if r == 0 else 1), str(c)


def test_output_padding_zero_falls_short_by_the_residue():
    result = ids.conv_transpose_restores_without_output_padding_claim()
    for r in range(3):
        assert result.comparison(f"s=3, v = 3q + {r}").difference == -r
    assert result.comparison("m=29, k=4, s=2, p=1").difference == -1


def test_even_kernel_same_padding_puts_the_odd_zero_high():
    assert ids.same_padding_is_symmetric_for_even_kernels_claim().comparisons[0].difference == 1


# --------------------------------------------------------------------------------------
# 4. the seeds' claims
# --------------------------------------------------------------------------------------


def _failing(identity: ids.Identity) -> set[str]:
    assert not identity.holds and identity.refuted, str(identity)
    return {c.label for c in identity.failures}


def test_seed_000_pooling_formula_is_wrong_by_one_minus_s_over_s():
    result = ids.seed_000_pooling_size_formula_claim()
    example = result.comparison("seed's example 4x4, F=2, S=2, P=0")
    assert (example.lhs, example.rhs) == (sympy.Rational(3, 2), 2)
    S = sympy.Symbol("S", integer=True, positive=True)
    general = result.comparison("general, against (W - F + 2P)/S + 1")
    assert sympy.simplify(general.difference - (1 - S) / S) == 0, general.difference
    for stride in (1, 2, 3, 4):
        for r in range(stride):
            c = result.comparison(f"S={stride}, W - F + 2P = {stride}q + {r}")
            assert c.difference == sympy.Rational(r + 1 - stride, stride), str(c)
            assert c.holds == (r == stride - 1)  # right only when W - F + 2P = -1 mod S


def test_seed_000_transposed_size_relation():
    assert _failing(ids.seed_000_transposed_size_relation_claim()) == {"(5 - 3 + 1)/2 = conv_output_length(5, 3, s=2)"}


def test_seed_000_lenet_sizes():
    assert _failing(ids.seed_000_lenet_sizes_claim()) == {
        "conv 2: (14 - 5)/2 + 1 = output length", "conv 2: depth 8 = output channels",
        "conv 1 as coded, padding='same': 32 -> 28"}


def test_seed_001_convolution_bounds():
    result = ids.seed_001_convolution_bounds_claim()
    assert _failing(result) == {"number of terms = m", "first kernel index m/2 + floor(-m/2) = 0",
                                "last kernel index m/2 + floor(m/2) = m - 1"}
    assert result.comparison("number of terms = m").difference == 1
    assert result.comparison("first kernel index m/2 + floor(-m/2) = 0").difference == sympy.Rational(-1, 2)


def test_seed_001_parameter_count_misses_the_biases():
    result = ids.seed_001_parameter_count_claim()
    assert _failing(result) == {"K_{l-1} f^2 K_l = conv_parameter_count"}
    assert result.failures[0].difference == -sympy.Symbol("K_l", integer=True, positive=True)


def test_seed_001_track_numbers():
    result = ids.seed_001_track_example_claim()
    formula = result.comparison("printed = the formula on the printed rows")
    assert list(formula.rhs) == [sympy.Rational("1.082"), sympy.Rational("1.192"), sympy.Rational("1.341")]
    seven = result.comparison("printed = the 7-tap weighting, cut to 2 decimals")
    assert list(seven.difference) == [sympy.Rational(-1, 100), 0, 0]


def test_seed_002_parameter_arithmetic():
    result = ids.seed_002_parameter_arithmetic_claim()
    assert _failing(result) == {"(3*3*3*2 + 1)*64 = conv_parameter_count(32, 64, 3x3)"}
    assert result.failures[0].lhs == 3520


def test_seed_004_formula_is_a_correlation():
    assert _failing(ids.seed_004_correlation_called_convolution_claim()) == {"seed's formula = convolution"}


# --------------------------------------------------------------------------------------
# 5. numbers: the statements against the reference
# --------------------------------------------------------------------------------------


def _row(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)[None, None]


@st.composite
def _integer_1d(draw):
    k = draw(st.integers(1, 4))
    d = draw(st.integers(1, 3))
    n = draw(st.integers(d * (k - 1) + 1, 12))
    ints = st.integers(-9, 9)
    x = draw(st.lists(ints, min_size=n, max_size=n))
    w = draw(st.lists(ints, min_size=k, max_size=k))
    return x, w, draw(st.integers(1, 3)), d


@given(_integer_1d())
def test_reference_convolve_is_the_summation_definition_and_correlate_with_the_flip(case):
    x, w, s, d = case
    k = len(w)
    convolved = reference.convolve(_row(x), _row(w), stride=s, dilation=d)[0, 0]
    flipped = reference.correlate(_row(x), _row(w[::-1]), stride=s, dilation=d)[0, 0]
    full = ids.full_convolution(tuple(x), tuple(w), d)
    defined = [int(full[o * s + d * (k - 1)]) for o in range(len(convolved))]
    assert np.array_equal(convolved, flipped), (x, w, s, d)
    assert convolved.tolist() == defined, (x, w, s, d)
    assert (len(convolved) - 1) * s + d * (k - 1) <= len(x) - 1 < len(convolved) * s + d * (k - 1)  # all windows


@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 3), st.integers(1, 3), st.integers(0, 2**31 - 1))
def test_reference_2d_convolve_is_the_2d_summation_definition(n1, n2, k1, k2, seed):
    k1, k2 = min(k1, n1), min(k2, n2)
    rng = np.random.default_rng(seed)
    x, w = rng.integers(-9, 10, (n1, n2)), rng.integers(-9, 10, (k1, k2))
    convolved = reference.convolve(x[None, None].astype(float), w[None, None].astype(float))[0, 0]
    full = ids.full_convolution_2d(tuple(map(tuple, x.tolist())), tuple(map(tuple, w.tolist())))
    defined = [[int(full[a + k1 - 1][b + k2 - 1]) for b in range(n2 - k2 + 1)] for a in range(n1 - k1 + 1)]
    assert convolved.tolist() == defined
    assert np.array_equal(convolved, reference.correlate(x[None, None].astype(float), w[::-1, ::-1][None, None].astype(float))[0, 0])


@given(st.lists(st.integers(-9, 9), min_size=1, max_size=6), st.lists(st.integers(-9, 9), min_size=1, max_size=4),
       st.lists(st.integers(-9, 9), min_size=1, max_size=4))
def test_reference_full_convolution_commutes_associates_and_multiplies_polynomials(x, w, v):
    def full(a, b):
        return reference.convolve(_row(a), _row(b), padding="full")[0, 0].tolist()
    assert full(x, w) == full(w, x)
    assert full(full(x, w), v) == full(x, full(w, v))
    product_coefficients = ids.coefficients(ids.polynomial(x) * ids.polynomial(w), len(x) + len(w) - 1)
    assert full(x, w) == [int(c) for c in product_coefficients]


def test_reference_correlation_is_neither_commutative_nor_associative():
    def full(a, b):
        return reference.correlate(_row(a), _row(b), padding="full")[0, 0].tolist()
    assert full([1, 2], [3, 5]) != full([3, 5], [1, 2])
    assert full(full([1, 2], [3, 5]), [1, 7]) != full([1, 2], full([3, 5], [1, 7]))


def test_reference_same_padding_gives_ceil_n_over_s():
    for n, s, k, d in product(range(1, 13), range(1, 5), range(1, 6), (1, 2)):
        for mode in ("same", "same_lower"):
            length = reference.correlate(np.zeros((1, 1, n)), np.zeros((1, 1, k)), stride=s, dilation=d, padding=mode).shape[-1]
            assert length == -(-n // s), (mode, n, s, k, d)


def test_reference_conv_transpose_restores_the_input_length_with_the_restoring_output_padding():
    for m, k, s, d, lo, hi in product(range(1, 10), range(1, 4), range(1, 4), (1, 2), range(3), range(2)):
        if m + lo + hi < d * (k - 1) + 1:
            continue
        y = reference.correlate(np.zeros((1, 1, m)), np.zeros((1, 1, k)), stride=s, dilation=d, padding=((lo, hi),))
        a = spec_conv_transpose.restoring_output_padding(m, k, s, lo, hi, d)
        assert 0 <= a < max(s, d)
        back = reference.conv_transpose(y, np.zeros((1, 1, k)), stride=s, dilation=d, padding=((lo, hi),), output_padding=a)
        assert back.shape[-1] == m, (m, k, s, d, lo, hi, a)
        if a and m - a >= 1:  # and without it the length falls short by a
            short = reference.conv_transpose(y, np.zeros((1, 1, k)), stride=s, dilation=d, padding=((lo, hi),))
            assert short.shape[-1] == m - a


def test_reference_pool_lengths_are_conv_lengths_and_ceil_adds_zero_or_one():
    checked = 0
    for n, k, s, d, lo, hi in product(range(1, 9), range(1, 4), range(1, 4), (1, 2), range(3), range(3)):
        x = np.zeros((1, 1, n))
        pad = ((lo, hi),)
        try:
            floor_length = reference.max_pool(x, k, stride=s, padding=pad, dilation=d).shape[-1]
            ceil_length = reference.max_pool(x, k, stride=s, padding=pad, dilation=d, ceil_mode=True).shape[-1]
        except ValueError:  # a window holding only padding: refused in that mode
            continue
        conv_length = reference.correlate(x, np.zeros((1, 1, k)), stride=s, dilation=d, padding=pad).shape[-1]
        assert floor_length == conv_length, (n, k, s, d, lo, hi)
        assert ceil_length - floor_length in (0, 1), (n, k, s, d, lo, hi)
        checked += 1
    assert checked > 500


def test_reference_on_the_seeds_examples():
    # seed 000: 4x4 pooled by 2x2, stride 2, is 2x2 (not 1.5)
    assert reference.max_pool(np.zeros((1, 1, 4, 4)), 2, stride=2).shape[-2:] == (2, 2)
    # seed 000 LeNet: valid 32 -> 28 -> 14 -> 10 x 16 channels -> 5; the code's padding='same' keeps 32
    x = np.zeros((1, 1, 32, 32))
    c1 = reference.correlate(x, np.zeros((6, 1, 5, 5)))
    c2 = reference.correlate(reference.avg_pool(c1, 2, stride=2), np.zeros((16, 6, 5, 5)))
    assert c1.shape == (1, 6, 28, 28) and c2.shape == (1, 16, 10, 10)
    assert reference.avg_pool(c2, 2, stride=2).shape[-1] == 5
    assert reference.correlate(x, np.zeros((6, 1, 5, 5)), padding="same").shape[-1] == 32
    # seed 000 transposed: 2 inputs, 3 taps, stride 2 -> 5; stride-2 convolutions of 5 and 6 inputs -> 2
    assert reference.conv_transpose(np.zeros((1, 1, 2)), np.zeros((1, 1, 3)), stride=2).shape[-1] == 5
    assert [reference.correlate(np.zeros((1, 1, m)), np.zeros((1, 1, 3)), stride=2).shape[-1] for m in (5, 6, 7)] == [2, 2, 3]
    # seed 001: the track through the reference, exactly (Fractions)
    track = np.array([Fraction(str(v)) for v in ids.TRACK], dtype=object)[None, None]
    weights = np.array([Fraction(str(v)) for v in ids.TRACK_WEIGHTS], dtype=object)[None, None]
    assert reference.convolve(track, weights)[0, 0, :3].tolist() == [Fraction("1.082"), Fraction("1.192"), Fraction("1.341")]
    # seed 002: the parameters of Conv2D(64, 3x3) after 32 channels are the arrays' sizes
    assert np.zeros((64, 32, 3, 3)).size + np.zeros(64).size == 18496 != (3 * 3 * 3 * 2 + 1) * 64
    # seed 004: the printed table is the reference's correlation, not its convolution
    a, b, c, d, e, f, g, h, i, j, k, l, m = sympy.symbols("a b c d e f g h i j k l m")
    image = np.array([[a, b, c], [d, e, f], [g, h, i]], dtype=object)[None, None]
    kernel = np.array([[j, k], [l, m]], dtype=object)[None, None]
    table = ids.seed_004_correlation_called_convolution_claim().comparison("seed's formula = seed's table").rhs
    assert sympy.Matrix(reference.correlate(image, kernel)[0, 0].tolist()).applyfunc(sympy.expand) == table.reshape(2, 2)
    assert sympy.Matrix(reference.convolve(image, kernel)[0, 0].tolist()).applyfunc(sympy.expand) != table.reshape(2, 2)


def test_reference_seed_001_corrected_centred_convolution():
    """S_i = sum_{a=-h}^{h} I[i-a] K[h+a] (seed 001 with bounds -h..h) is the reference's convolve at i - h."""
    rng = np.random.default_rng(1)
    for h in range(3):
        signal, kernel = rng.integers(-9, 10, 9), rng.integers(-9, 10, 2 * h + 1)
        centred = [sum(signal[i - a] * kernel[h + a] for a in range(-h, h + 1)) for i in range(h, 9 - h)]
        assert reference.convolve(_row(signal), _row(kernel))[0, 0].tolist() == centred
    corrected = ids.seed_001_convolution_bounds_claim()
    assert all(c.holds for c in corrected.comparisons if c.label.startswith("corrected"))


# --------------------------------------------------------------------------------------
# the proofs test the spec: a mutated closed form breaks them
# --------------------------------------------------------------------------------------


def test_a_ceil_instead_of_floor_in_conv_output_length_breaks_the_size_proofs(monkeypatch):
    from convspec.spec import conv as spec_conv

    def ceil_length(n=spec_conv.n, k=spec_conv.k, s=spec_conv.s, p_lo=spec_conv.p_lo, p_hi=spec_conv.p_hi, d=spec_conv.d):
        return spec_conv.ceil_div(n + p_lo + p_hi - spec_conv.effective_kernel_size(k, d), s) + 1

    monkeypatch.setattr(spec_conv, "conv_output_length", ceil_length)
    for proof in (ids.same_padding_gives_ceil_length, ids.conv_transpose_restores_conv_input_length,
                  ids.conv_input_lengths_are_the_preimages):
        assert not proof.__wrapped__().holds, proof.__name__  # __wrapped__: past the cache


def test_an_off_by_one_restoring_output_padding_breaks_the_transpose_proof(monkeypatch):
    original = spec_conv_transpose.restoring_output_padding
    monkeypatch.setattr(spec_conv_transpose, "restoring_output_padding", lambda *args: original(*args) + 1)
    result = ids.conv_transpose_restores_conv_input_length.__wrapped__(strides=(1, 2))
    assert not result.holds and result.refuted


def test_same_padding_with_the_extra_zero_low_still_gives_ceil(monkeypatch):
    """Only lo + hi enters the length: swapping the sides keeps the proof (the side is tested elsewhere)."""
    from convspec.spec import conv as spec_conv

    original = spec_conv.same_padding
    monkeypatch.setattr(spec_conv, "same_padding", lambda *args: original(*args)[::-1])
    assert ids.same_padding_gives_ceil_length.__wrapped__(strides=(1, 2, 3)).holds
