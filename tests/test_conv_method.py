"""``method="direct" | "fft" | "auto"`` of correlate and convolve, in both implementations.

1. the spec's cost model: a pure function of shapes, parameters and dtype, with the crossover its docstring
   states (k = 15 direct, k = 17 FFT on 2x4x128x128 with padding "full"), never the FFT for exact arrays;
2. ``method="fft"`` equals the direct sum within the FFT's error bound (conformance's FFTConvolution, built
   per group) on drawn calls with every padding form, stride, dilation, groups and bias; the accelerated
   FFT path within the same bound of the reference; ``"auto"`` computes what ``choose_method`` picks;
3. the bound is not vacuous: an FFT path that reads the windows one sample off fails it;
4. non-finite inputs follow the FFT's row rule under ``"fft"``; bad ``method`` values get the same error
   from both implementations; ``object`` arrays are refused by ``"fft"`` and exact under ``"auto"``;
5. the accelerated plan cache keys on the method; autograd flows through the FFT path.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from convspec import accelerated, reference
from convspec.accelerated import _plans
from convspec.conformance.case import Case
from convspec.conformance.families.conv.method import conv_fft_tolerance, method_of
from convspec.conformance.families.conv.strategies import conv_cases
from convspec.conformance.tolerance import compare
from convspec.spec import fft as spec_fft

OPS = ("correlate", "convolve")


def accelerated_call(op: str, x, weight, bias, **params) -> np.ndarray:
    tensors = [None if a is None else torch.from_numpy(np.array(a)) for a in (x, weight, bias)]
    return getattr(accelerated, op)(*tensors, **params).numpy()


# 1. the cost model --------------------------------------------------------------------------------


@pytest.mark.parametrize("k, expected", [(3, "direct"), (15, "direct"), (17, "fft"), (31, "fft")])
def test_choose_method_crossover_is_the_documented_one(k, expected):
    assert spec_fft.choose_method((2, 4, 128, 128), (4, 4, k, k), padding="full") == expected


def test_choose_method_never_picks_the_fft_for_exact_or_empty_work():
    assert spec_fft.choose_method((2, 4, 128, 128), (4, 4, 31, 31), padding="full", dtype="object") == "direct"
    assert spec_fft.choose_method((0, 4, 128, 128), (4, 4, 31, 31), padding="full") == "direct"
    # a stride shortens the direct sum, not the FFT (which computes every window start)
    assert spec_fft.choose_method((2, 4, 128, 128), (4, 4, 17, 17), padding="full", stride=4) == "direct"


def test_choose_method_checks_its_arguments():
    with pytest.raises(ValueError, match="choose_method"):
        spec_fft.choose_method((2, 4, 8, 8), (4, 3, 3, 3))


# 2. the FFT path equals the direct sum within the FFT bound -----------------------------------------


@given(case=st.sampled_from(OPS).flatmap(conv_cases), method=st.sampled_from(("fft", "auto")))
def test_fft_method_matches_the_direct_sum_within_the_fft_bound(case, method):
    x, weight, bias = case.arrays()
    if x.dtype.name not in ("float16", "float32", "float64"):
        return  # numpy has no bfloat16 arithmetic to feed the reference here; the accelerated test covers it
    fft_case = Case(case.op, case.inputs, {**case.params, "method": "fft"}, case.data_kind)
    tolerance = conv_fft_tolerance(fft_case)
    direct = getattr(reference, case.op)(x, weight, bias, **case.params)
    by_fft = getattr(reference, case.op)(x, weight, bias, **fft_case.params)
    assert compare(by_fft, direct, tolerance).passed
    accelerated_fft = accelerated_call(case.op, x, weight, bias, **fft_case.params)
    assert accelerated_fft.dtype == x.dtype and accelerated_fft.shape == direct.shape
    result = compare(by_fft, accelerated_fft, tolerance)
    assert result.passed, result.describe()
    auto_case = Case(case.op, case.inputs, {**case.params, "method": method}, case.data_kind)
    chosen = method_of(auto_case)
    expected = getattr(reference, case.op)(x, weight, bias, **{**case.params, "method": chosen})
    np.testing.assert_array_equal(getattr(reference, case.op)(x, weight, bias, **auto_case.params), expected)


@pytest.mark.parametrize("op", OPS)
def test_auto_picks_the_fft_at_large_kernels_in_both_implementations(op):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((1, 4, 1024)), rng.standard_normal((4, 4, 257))
    assert spec_fft.choose_method(x.shape, w.shape, padding="full", dtype="float64") == "fft"
    assert spec_fft.choose_method(x.shape, w.shape, padding="full", dtype="object") == "direct"
    case = Case(op, {"x": x, "weight": w, "bias": None}, {"padding": "full", "method": "auto"}, "floats")
    auto = getattr(reference, op)(x, w, padding="full", method="auto")
    np.testing.assert_array_equal(auto, getattr(reference, op)(x, w, padding="full", method="fft"))
    tolerance = conv_fft_tolerance(case)
    assert compare(auto, accelerated_call(op, x, w, None, padding="full", method="auto"), tolerance).passed
    # the direct sum (torch's, here: the reference's loop would take seconds) within the same bound
    assert compare(auto, accelerated_call(op, x, w, None, padding="full"), tolerance).passed


def test_literal_example_and_bfloat16_on_the_accelerated_path():
    np.testing.assert_allclose(reference.correlate(np.array([[[1.0, 2, 3]]]), np.array([[[1.0, 10]]]), method="fft"), [[[21, 32]]])
    x, w = torch.randn(2, 4, 9, 7), torch.randn(6, 2, 3, 2)
    params = dict(padding="same", stride=(2, 1), dilation=(1, 2), groups=2)
    by_fft = accelerated.correlate(x.bfloat16(), w.bfloat16(), method="fft", **params)
    assert by_fft.dtype == torch.bfloat16
    exact = reference.correlate(x.bfloat16().double().numpy(), w.bfloat16().double().numpy(), **params)
    np.testing.assert_allclose(by_fft.double().numpy(), exact, rtol=2**-7, atol=2**-7 * np.abs(exact).max())


# 3. the bound is not vacuous --------------------------------------------------------------------------


def test_an_fft_path_reading_windows_one_sample_off_fails_the_bound():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((1, 2, 12)).astype(np.float32), rng.standard_normal((3, 2, 4)).astype(np.float32)
    case = Case("correlate", {"x": x, "weight": w, "bias": None}, {"padding": "full", "method": "fft"}, "floats")
    good = reference.correlate(x, w, padding="full", method="fft")
    off = reference.correlate(x, w, padding=((2, 4),), method="fft")  # windows one sample later
    assert compare(good, accelerated_call("correlate", x, w, None, **case.params), conv_fft_tolerance(case)).passed
    assert not compare(good, off, conv_fft_tolerance(case)).passed


# 4. non-finite values, errors ---------------------------------------------------------------------------


@pytest.mark.parametrize("implementation", ("reference", "accelerated"))
def test_fft_method_spreads_a_nan_over_its_row_only(implementation):
    x = np.arange(2 * 4 * 6, dtype=np.float64).reshape(2, 4, 6)
    w = np.ones((4, 2, 2))
    x[1, 3, 0] = np.nan  # batch 1, group 1 (channels 2-3): outputs 2-3 of batch 1
    call = (lambda **p: getattr(reference, "correlate")(x, w, **p)) if implementation == "reference" else (
        lambda **p: accelerated_call("correlate", x, w, None, **p))
    y = call(groups=2, method="fft")
    assert np.isnan(y[1, 2:]).all()
    assert np.isfinite(y[0]).all() and np.isfinite(y[1, :2]).all()
    direct = call(groups=2)
    assert np.isnan(direct[1, 2:, 0]).all() and np.isfinite(direct[1, 2:, 1:]).all()  # the direct sum: its window only


@pytest.mark.parametrize("method, error", [("fast", ValueError), (None, TypeError), (("fft",), TypeError)])
@pytest.mark.parametrize("op", OPS)
def test_bad_method_gets_the_same_error_from_both(op, method, error):
    x, w = np.ones((1, 1, 5)), np.ones((1, 1, 2))
    with pytest.raises(error) as from_reference:
        getattr(reference, op)(x, w, method=method)
    with pytest.raises(error) as from_accelerated:
        accelerated_call(op, x, w, None, method=method)
    assert str(from_reference.value) == str(from_accelerated.value)
    assert "method" in str(from_reference.value) and repr(method) in str(from_reference.value)


def test_object_arrays_are_refused_by_the_fft_and_exact_under_auto():
    x = np.array([[[1, 2, 3, 4]]], dtype=object)
    w = np.array([[[1, 10]]], dtype=object)
    with pytest.raises(TypeError, match="method='fft'"):
        reference.correlate(x, w, method="fft")
    assert reference.correlate(x, w, method="auto").tolist() == [[[21, 32, 43]]]


# 5. cache and autograd ------------------------------------------------------------------------------------


def test_the_plan_cache_keys_on_the_method():
    _plans.clear()
    x, w = torch.ones(1, 1, 6), torch.ones(1, 1, 2)
    x[0, 0, 0] = float("nan")
    direct = accelerated.correlate(x, w)
    by_fft = accelerated.correlate(x, w, method="fft")
    assert torch.isnan(direct[0, 0, 0]) and not torch.isnan(direct[0, 0, 1:]).any()
    assert torch.isnan(by_fft).all()
    assert not torch.isnan(accelerated.correlate(x, w)[0, 0, 1:]).any()


def test_autograd_flows_through_the_fft_path():
    x = torch.randn(1, 2, 7, dtype=torch.float64, requires_grad=True)
    w = torch.randn(4, 1, 3, dtype=torch.float64, requires_grad=True)
    b = torch.randn(4, dtype=torch.float64, requires_grad=True)
    params = dict(padding=1, stride=2, dilation=2, groups=2)
    assert torch.autograd.gradcheck(lambda *t: accelerated.convolve(*t, method="fft", **params), (x, w, b))
