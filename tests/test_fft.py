"""The convolution theorem: fft_convolve, fft_correlate and the circular convolution.

1. the spec: the theorem proved in sympy (DFT of the circular convolution = product of DFTs),
   zero-padding to n + k - 1 makes the circular convolution linear, and not below; doctests;
2. fft_convolve / fft_correlate == convolve / correlate with padding full / same / 0, within the
   FFT tolerance model, on drawn cases (even kernels' "same" included);
3. without the padding the product is the circular convolution, which wraps the tail onto the start;
4. the tolerance model: integer data are not exact, the bound holds and is not vacuous (an
   off-by-one crop, scipy's "same" centring, fails it);
5. dtypes and autograd; 6. bad input: the same error from both; inputs never modified.
"""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import torch
from hypothesis import given

from convspec import accelerated, reference
from convspec.conformance.case import Case
from convspec.conformance.catalog import BY_NAME
from convspec.conformance.families.fft.strategies import fft_cases
from convspec.conformance.families.fft.tolerances import fft_tolerance
from convspec.conformance.tolerance import compare
from convspec.spec import fft as spec

IMPLEMENTATIONS = ("reference", "accelerated")
DIRECT = {"fft_convolve": reference.convolve, "fft_correlate": reference.correlate}


def run(implementation: str, op: str, *arrays, **params):
    if implementation == "reference":
        return getattr(reference, op)(*arrays, **params)
    tensors = [torch.from_numpy(np.array(a)) for a in arrays]
    return getattr(accelerated, op)(*tensors, **params).numpy()


# 1. the spec ------------------------------------------------------------------------------


def test_spec_doctests():
    assert doctest.testmod(spec).failed == 0


@pytest.mark.parametrize("length", [1, 2, 3, 4])
def test_convolution_theorem_proved(length):
    assert spec.convolution_theorem(length) == [0] * length


def test_zero_padding_to_n_plus_k_minus_1_makes_circular_linear():
    for n, k in [(3, 2), (4, 3), (2, 2), (5, 1)]:
        for length in range(max(n, k), n + k + 3):
            assert spec.padded_circular_is_linear(n, k, length) == (length >= n + k - 1), (n, k, length)


def test_same_crop_matches_convspec_same_padding():
    """The crop start is (k - 1) - p_lo with p_lo the low padding convspec's "same" resolves to."""
    from convspec.spec.conv import resolve_padding

    for k in range(1, 9):
        (lo, hi), = resolve_padding("same", (10,), (k,), (1,), (1,))
        assert spec.crop_start(k, "same") == (k - 1) - lo == hi
        assert spec.crop_start(k, "valid") == k - 1 and spec.crop_start(k, "full") == 0
        assert spec.transform_length(10, k) >= spec.fft_length(10, k)


# 2. equal to the direct definition -------------------------------------------------------------


@pytest.mark.parametrize("op", ["fft_convolve", "fft_correlate"])
def test_fft_equals_direct_with_the_matching_padding(op):
    @given(fft_cases(op))
    def check(case):
        x, w = (a.astype(np.float64) for a in case.arrays())
        mode = case.params.get("mode", "full")
        direct = DIRECT[op](x, w, padding=spec.matching_padding(mode))
        fast = getattr(reference, op)(x, w, **case.params)
        float64_case = Case(op, {"x": x, "weight": w}, case.params, case.data_kind)
        comparison = compare(direct, fast, fft_tolerance(float64_case))
        assert comparison.passed, f"{case.describe()}: {comparison.describe()}"

    check()


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("op", ["fft_convolve", "fft_correlate"])
def test_worked_examples(op, implementation):
    for example in BY_NAME[op].examples:
        got = run(implementation, op, *example.inputs.values(), **example.params)
        assert got.dtype == example.expected.dtype
        case = Case(op, dict(example.inputs), example.params, "integers")
        comparison = compare(example.expected, got, fft_tolerance(case))
        assert comparison.passed, f"{op}: {example.title}: {comparison.describe()}"


def test_even_kernel_same_differs_from_scipys_centring():
    scipy_signal = pytest.importorskip("scipy.signal")
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    w = np.array([1.0, 10.0, 100.0, 1000.0])
    ours = reference.fft_convolve(x[None, None], w[None, None], mode="same")[0, 0]
    np.testing.assert_allclose(ours, reference.convolve(x[None, None], w[None, None], padding="same")[0, 0])
    full = np.convolve(x, w)
    np.testing.assert_allclose(ours, full[2:7])  # start ceil(3/2) = 2
    np.testing.assert_allclose(scipy_signal.fftconvolve(x, w, mode="same"), full[1:6])  # start 3 // 2 = 1
    odd = np.array([1.0, 10.0, 100.0])  # odd kernels: the two agree
    np.testing.assert_allclose(
        reference.fft_convolve(x[None, None], odd[None, None], mode="same")[0, 0], scipy_signal.fftconvolve(x, odd, mode="same")
    )


# 3. the circular convolution ---------------------------------------------------------------------


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_product_of_unpadded_dfts_is_the_circular_convolution(implementation):
    rng = np.random.default_rng(7)
    x = rng.integers(-4, 5, (2, 3, 6, 5)).astype(np.float64)
    w = rng.integers(-4, 5, (2, 3, 3, 2)).astype(np.float64)
    circular = run(implementation, "circular_convolve", x, w)
    # the definition by hand: DFTs of length n (the kernel padded to n only), multiplied, inverted
    X = np.fft.rfftn(x, axes=(2, 3))
    W = np.fft.rfftn(w, s=(6, 5), axes=(2, 3))
    by_theorem = np.fft.irfftn(np.einsum("bq...,cq...->bc...", X, W), s=(6, 5), axes=(2, 3))
    np.testing.assert_allclose(circular, by_theorem, atol=1e-10)
    # it is the full convolution with the tail folded back onto the start
    full = reference.convolve(x, w, padding="full")
    folded = np.zeros_like(circular)
    for i in range(full.shape[2]):
        for j in range(full.shape[3]):
            folded[:, :, i % 6, j % 5] += full[:, :, i, j]
    np.testing.assert_allclose(circular, folded, atol=1e-10)
    assert not np.allclose(circular, full[:, :, :6, :5])  # so it is not the linear one


def test_circular_by_hand():
    x, w = np.array([[[1.0, 2.0, 3.0]]]), np.array([[[1.0, 10.0]]])
    np.testing.assert_array_equal(reference.circular_convolve(x, w), [[[31, 12, 23]]])


# 4. the tolerance model ------------------------------------------------------------------------


def test_integer_data_are_not_exact_through_the_fft_but_within_the_bound():
    rng = np.random.default_rng(11)
    x = rng.integers(-4, 5, (1, 2, 200)).astype(np.float32)
    w = rng.integers(-4, 5, (1, 2, 31)).astype(np.float32)
    fast = accelerated.fft_convolve(torch.from_numpy(x), torch.from_numpy(w)).numpy()
    direct = reference.convolve(x, w, padding="full")
    assert not np.array_equal(fast, direct)  # rounding: not bit for bit
    comparison = compare(direct, fast, fft_tolerance(Case("fft_convolve", {"x": x, "weight": w}, {}, "integers")))
    assert comparison.passed and comparison.worst_ratio < 0.5, comparison.describe()


def test_the_bound_is_not_vacuous_an_off_by_one_crop_fails():
    rng = np.random.default_rng(12)
    x = rng.uniform(-2, 2, (1, 1, 12)).astype(np.float32)
    w = rng.uniform(-2, 2, (1, 1, 4)).astype(np.float32)
    full = accelerated.fft_convolve(torch.from_numpy(x), torch.from_numpy(w)).numpy()
    scipy_like_same = full[:, :, 1:13]  # start (k - 1) // 2 = 1 instead of convspec's 2
    case = Case("fft_convolve", {"x": x, "weight": w}, {"mode": "same"}, "floats")
    expected = reference.fft_convolve(x, w, mode="same")
    assert compare(expected, full[:, :, 2:14], fft_tolerance(case)).passed
    assert not compare(expected, scipy_like_same, fft_tolerance(case)).passed


# 5. dtypes and autograd ----------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
@pytest.mark.parametrize("op", ["fft_convolve", "fft_correlate", "circular_convolve"])
def test_accelerated_keeps_the_dtype(op, dtype):
    x = torch.linspace(-2, 2, 2 * 2 * 7 * 6).reshape(2, 2, 7, 6).to(dtype)
    w = torch.linspace(-1, 1, 3 * 2 * 3 * 2).reshape(3, 2, 3, 2).to(dtype)
    out = getattr(accelerated, op)(x, w)
    assert out.dtype == dtype and out.is_contiguous()
    direct = getattr(accelerated, "correlate" if op == "fft_correlate" else "convolve")(
        x.double(), w.double(), padding="full" if op != "circular_convolve" else 0
    )
    if op != "circular_convolve":
        torch.testing.assert_close(out.double(), direct, rtol=2e-2, atol=5e-2)


def test_autograd_matches_the_direct_convolution():
    x = torch.randn(2, 2, 6, 5, dtype=torch.float64, requires_grad=True)
    w = torch.randn(3, 2, 2, 3, dtype=torch.float64, requires_grad=True)
    for mode, padding in (("full", "full"), ("same", "same"), ("valid", 0)):
        g = torch.randn_like(accelerated.convolve(x, w, padding=padding))
        fft_grads = torch.autograd.grad((accelerated.fft_convolve(x, w, mode=mode) * g).sum(), (x, w))
        direct_grads = torch.autograd.grad((accelerated.convolve(x, w, padding=padding) * g).sum(), (x, w))
        for a, b in zip(fft_grads, direct_grads):
            torch.testing.assert_close(a, b)
    small = (torch.randn(1, 1, 4, dtype=torch.float64, requires_grad=True), torch.randn(1, 1, 2, dtype=torch.float64, requires_grad=True))
    assert torch.autograd.gradcheck(lambda a, b: accelerated.fft_correlate(a, b, mode="same"), small)


# 6. bad input ----------------------------------------------------------------------------------------

_X = np.zeros((1, 2, 5), dtype=np.float32)
BAD_CALLS = [
    ("fft_convolve", (_X, np.zeros((1, 3, 2), dtype=np.float32)), {}, ValueError, "weight must have shape (C_out, C_in, *kernel)"),
    ("fft_convolve", (_X, np.zeros((1, 2, 2, 2), dtype=np.float32)), {}, ValueError, "weight must have shape"),
    ("fft_convolve", (np.zeros((2, 5), dtype=np.float32), np.zeros((1, 2, 2), dtype=np.float32)), {}, ValueError, "(N, C, *spatial)"),
    ("fft_convolve", (_X, np.zeros((1, 2, 2), dtype=np.float32)), {"mode": "circular"}, ValueError, "mode must be one of"),
    ("fft_correlate", (_X, np.zeros((1, 2, 2), dtype=np.float32)), {"mode": 0}, TypeError, "mode must be a str"),
    ("fft_correlate", (_X, np.zeros((1, 2, 6), dtype=np.float32)), {"mode": "valid"}, ValueError, "n = 5 < k = 6"),
    ("fft_convolve", (_X, np.zeros((1, 2, 2), dtype=np.float64)), {}, TypeError, "weight has dtype float64 but x has dtype float32"),
    ("fft_convolve", (np.zeros((1, 2, 5), dtype=np.int64), np.zeros((1, 2, 2), dtype=np.int64)), {}, TypeError, "floating-point"),
    ("circular_convolve", (_X, np.zeros((1, 2, 6), dtype=np.float32)), {}, ValueError, "must not be longer than the input"),
]


@pytest.mark.parametrize("op, arrays, params, error, words", BAD_CALLS, ids=[c[0] + "-" + c[4] for c in BAD_CALLS])
def test_bad_input_gives_the_same_error_from_both(op, arrays, params, error, words):
    messages = []
    for implementation in IMPLEMENTATIONS:
        with pytest.raises(error) as caught:
            run(implementation, op, *arrays, **params)
        messages.append(str(caught.value))
    assert words in messages[0], messages[0]
    assert messages[0] == messages[1].replace("torch.", ""), messages
    assert messages[0].startswith(op + ":")


@pytest.mark.parametrize("op", ["fft_convolve", "fft_correlate", "circular_convolve"])
def test_inputs_are_never_modified(op):
    rng = np.random.default_rng(1)
    x, w = rng.uniform(-2, 2, (1, 2, 6)).astype(np.float32), rng.uniform(-2, 2, (2, 2, 3)).astype(np.float32)
    before = (x.copy(), w.copy())
    getattr(reference, op)(x, w)
    getattr(accelerated, op)(torch.from_numpy(x), torch.from_numpy(w)).add_(1)
    np.testing.assert_array_equal(x, before[0])
    np.testing.assert_array_equal(w, before[1])
