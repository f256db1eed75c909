"""The pooling family's shapes, ranks, dtypes and autograd.

Output shapes are the spec's closed form in both ceil modes and both implementations;
more than three spatial axes (accelerated equals the reference); the accelerated
implementation keeps float16, bfloat16, float32 and float64 and matches the reference;
its gradients pass gradcheck in float64. (The closed forms and literal rules:
tests/test_pool.py.)
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from convspec import accelerated, reference
from convspec.conformance.case import Case
from convspec.conformance.catalog import BY_NAME
from convspec.conformance.strategies import random_array
from convspec.conformance.families.pool.strategies import pool_config
from convspec.conformance.tolerance import compare

from pool_helpers import (
    IMPLEMENTATIONS,
    INF,
    NEGATIVE,
    OPS,
    WINDOWED,
    assert_identical,
    describe,
    f32,
    reproduction,
    run,
    to_numpy,
    tolerance_for,
    windowed_cases,
)


# --------------------------------------------------------------------------------------
# 1. Shapes, ranks, dtypes, autograd
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("op", WINDOWED)
def test_output_shape_is_the_spec_closed_form_in_both_ceil_modes_and_implementations(op):
    @given(BY_NAME[op].strategy())
    @settings(max_examples=40)
    def check(drawn):
        lengths = {}
        for ceil_mode in (False, True):
            case = Case(op, drawn.inputs, {**drawn.params, "ceil_mode": ceil_mode}, drawn.data_kind)
            shape = BY_NAME[op].output_shape(case)
            lengths[ceil_mode] = shape[2:]
            for implementation in IMPLEMENTATIONS:
                result = run(implementation, op, case.inputs["x"], **case.params)
                for part in result if isinstance(result, tuple) else (result,):
                    assert part.shape == shape, f"{implementation} {case.describe()}: {part.shape}, spec {shape}"
                values = result[0] if isinstance(result, tuple) else result
                assert str(values.dtype) == case.dtype, f"{implementation} {case.describe()}: dtype {values.dtype}"
        assert all(f <= c <= f + 1 for f, c in zip(lengths[False], lengths[True])), (drawn.describe(), lengths)

    check()


FIVE_D = [
    ("max_pool", {"kernel_size": 2, "stride": (1, 2, 1, 1, 2), "padding": ((1, 0), 0, (0, 1), 0, 1), "dilation": (1, 1, 1, 1, 2),
                  "ceil_mode": True, "return_indices": True}),
    ("avg_pool", {"kernel_size": (2, 1, 2, 2, 3), "stride": (2, 1, 1, 1, 2), "padding": ((0, 1), 0, 1, 0, 1), "ceil_mode": True}),
    ("avg_pool", {"kernel_size": 2, "stride": 1, "padding": "same", "count_include_pad": False}),
    ("avg_pool", {"kernel_size": 2, "padding": ((1, 0), 0, 0, 1, 0), "divisor_override": 3}),
    ("global_max_pool", {}),
    ("global_avg_pool", {}),
]


def _assert_matches_reference(op, x, params, result, expected, what):
    if op in ("max_pool", "global_max_pool"):
        for name, e, r in zip(("values", "indices"), *((p if isinstance(p, tuple) else (p,)) for p in (expected, result))):
            assert_identical(e, r, f"{what}: {name}")
    else:
        comparison = compare(expected, result, tolerance_for(op, x, params))
        assert comparison.passed, f"{what}: {comparison.describe()}"


@pytest.mark.parametrize("op, params", FIVE_D, ids=[f"{op}-{i}" for i, (op, _) in enumerate(FIVE_D)])
def test_five_spatial_dims_accelerated_equals_reference(op, params):
    rng = np.random.default_rng(5)
    x = random_array((1, 2, 2, 3, 2, 2, 5), "float32", "integers", rng)
    x[0, 1, 1, 2] = -INF
    expected = run("reference", op, x, **params)
    result = run("accelerated", op, x, **params)
    _assert_matches_reference(op, x, params, result, expected, f"accelerated {describe(op, x, params)} vs reference")


@pytest.mark.parametrize("op", WINDOWED)
def test_four_spatial_dims_accelerated_equals_reference(op):
    @given(pool_config(dilated=op == "max_pool", spatial_dims=4), st.integers(0, 2**32 - 1), st.sampled_from(("integers", "floats")))
    @settings(max_examples=30)
    def check(config, seed, kind):
        size, params = config
        rng = np.random.default_rng(seed)
        x = random_array((2, 2, *size), "float64", kind, rng)
        if op == "max_pool":
            params = {**params, "return_indices": True}
            x[rng.random(x.shape) < 0.2] = -INF
        else:
            params = {**params, "count_include_pad": bool(seed % 2)}
            if seed % 3 == 0:
                params["divisor_override"] = 1 + seed % 5
        expected = run("reference", op, x, **params)
        result = run("accelerated", op, x, **params)
        what = f"accelerated {describe(op, x, params)} vs reference\n{reproduction(op, x, params, 'accelerated')}"
        _assert_matches_reference(op, x, params, result, expected, what)

    check()


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
@pytest.mark.parametrize("op", OPS)
def test_accelerated_keeps_the_dtype_and_matches_the_reference(op, dtype):
    """The input rounded to ``dtype``, through accelerated in ``dtype`` and the reference in float32 (float64
    for float64): maxima bit for bit (indices too), averages within the tolerance model in ``dtype``'s roundoff."""
    torch_dtype = getattr(torch, dtype)

    @given(BY_NAME[op].strategy())
    @settings(max_examples=12)
    def check(case):
        x = torch.from_numpy(case.inputs["x"].astype(np.float64)).to(torch_dtype)
        x_reference = x.double().numpy().astype("float64" if dtype == "float64" else "float32")
        result = getattr(accelerated, op)(x, **case.params)
        values = result[0] if isinstance(result, tuple) else result
        assert values.dtype == torch_dtype, f"{case.describe()} in {dtype}: {values.dtype}"
        expected = getattr(reference, op)(x_reference, **case.params)
        got = tuple(map(to_numpy, result)) if isinstance(result, tuple) else to_numpy(result)
        what = f"accelerated {case.describe()} in {dtype} vs the {x_reference.dtype} reference"
        if op in ("max_pool", "global_max_pool"):
            _assert_matches_reference(op, x_reference, case.params, got, expected, what)
        else:
            comparison = compare(expected, got, tolerance_for(op, x_reference, case.params, dtype))
            assert comparison.passed, f"{what}: {comparison.describe()}"

    check()


def _distinct(shape, seed=0) -> torch.Tensor:
    """float64 values 1/size apart in a random order: no ties, so max_pool is differentiable everywhere."""
    generator = torch.Generator().manual_seed(seed)
    size = math.prod(shape)
    return (torch.randperm(size, generator=generator).double() / size).reshape(shape).requires_grad_()


# the native fast path, ceil mode, per-side padding, modes, divisors, and the any-rank path
GRADCHECK_CASES = [
    ("max_pool", (2, 2, 7), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    ("max_pool", (1, 2, 5, 4), {"kernel_size": (3, 2), "stride": (2, 1), "padding": ((2, 0), (0, 1)), "dilation": (1, 2)}),
    ("max_pool", (1, 1, 3, 3, 3), {"kernel_size": 2, "stride": 1, "padding": "same"}),
    ("max_pool", (1, 1, 3, 2, 2, 3), {"kernel_size": 2, "stride": (2, 1, 1, 2), "padding": ((1, 0), 0, 0, (0, 1)), "ceil_mode": True}),
    ("avg_pool", (2, 2, 6), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    ("avg_pool", (1, 2, 5, 4), {"kernel_size": (3, 2), "stride": (2, 1), "padding": ((2, 0), (0, 1)), "count_include_pad": False}),
    ("avg_pool", (1, 1, 3, 3, 3), {"kernel_size": 2, "stride": 2, "padding": "full", "divisor_override": 3}),
    ("avg_pool", (1, 1, 3, 2, 2, 3), {"kernel_size": 2, "stride": (2, 1, 1, 2), "padding": ((1, 0), 0, 0, (0, 1)),
                                      "ceil_mode": True, "count_include_pad": False}),
    ("global_max_pool", (2, 3, 4, 3), {}),
    ("global_avg_pool", (2, 3, 4, 3, 2), {}),
]
_GRADCHECK_IDS = [f"{op}-{len(shape) - 2}d-{i}" for i, (op, shape, _) in enumerate(GRADCHECK_CASES)]


@pytest.mark.parametrize("op, shape, params", GRADCHECK_CASES, ids=_GRADCHECK_IDS)
def test_accelerated_gradcheck_float64(op, shape, params):
    fn = getattr(accelerated, op)
    assert torch.autograd.gradcheck(lambda x: fn(x, **params), (_distinct(shape),)), f"{op}({shape}, {params})"


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
@pytest.mark.parametrize("op, shape, params", GRADCHECK_CASES, ids=_GRADCHECK_IDS)
def test_accelerated_backward_gives_gradients_of_the_input_dtype(op, shape, params, dtype):
    x = _distinct(shape).detach().to(getattr(torch, dtype)).requires_grad_()
    out = getattr(accelerated, op)(x, **params)
    assert out.dtype == x.dtype, f"{op}({shape}, {params}) in {dtype}: output {out.dtype}"
    out.sum().backward()
    assert x.grad is not None and x.grad.dtype == x.dtype and x.grad.shape == x.shape, f"{op}({shape}, {params}) in {dtype}"


# (rule, x, params, gradient of sum(max_pool(x))) by hand: each window's 1 goes to the cell its index names,
# also when every input cell under the window is -inf and its first tap is padding
GRADIENTS = [
    ("all -inf, k=2, 'full' (native)", f32([[[-INF] * 3]]), {"kernel_size": 2, "stride": 1, "padding": "full"}, [[[2, 1, 1]]]),
    ("all -inf, k=3, padding 2", f32([[[-INF] * 3]]), {"kernel_size": 3, "stride": 1, "padding": 2}, [[[3, 1, 1]]]),
    ("all -inf, per-side", f32([[[-INF] * 3]]), {"kernel_size": 3, "stride": 1, "padding": ((1, 0),)}, [[[2, 0, 0]]]),
    ("all -inf, 4-D", f32([-INF] * 3).reshape(1, 1, 1, 1, 1, 3), {"kernel_size": (1, 1, 1, 2), "stride": 1, "padding": "full"},
     f32([2, 1, 1]).reshape(1, 1, 1, 1, 1, 3)),
    ("all-negative, per-side", NEGATIVE, {"kernel_size": 2, "padding": ((1, 0), (0, 1))},  # indices 1, 2 / 7, 8
     [[[[0, 1, 1], [0, 0, 0], [0, 1, 1]]]]),
    ("ties, overlapping", f32([[[3, 3, 1, 3]]]), {"kernel_size": 2, "stride": 1}, [[[1, 1, 0, 1]]]),
]


@pytest.mark.parametrize("rule, x, params, gradient", GRADIENTS, ids=[g[0] for g in GRADIENTS])
def test_max_pool_gradient_goes_to_the_cell_the_index_names(rule, x, params, gradient):
    tensor = torch.from_numpy(x.copy()).requires_grad_()
    accelerated.max_pool(tensor, **params).sum().backward()
    assert_identical(f32(gradient), tensor.grad.numpy(), f"accelerated {describe('max_pool', x, params)} [{rule}]: gradient")


@given(case=windowed_cases("max_pool", return_indices=True))
@settings(max_examples=40)
def test_max_pool_gradient_reaches_exactly_the_cells_the_indices_name(case):
    """d(sum of max_pool(x))/dx counts, per cell, the windows whose index names it (ties included)."""
    x = torch.from_numpy(case.inputs["x"].astype(np.float64)).requires_grad_()
    values, indices = accelerated.max_pool(x, **case.params)
    values.sum().backward()
    flat = indices.reshape(*x.shape[:2], -1)
    counts = torch.zeros(*x.shape[:2], math.prod(x.shape[2:]), dtype=torch.float64).scatter_add_(
        2, flat, torch.ones_like(flat, dtype=torch.float64))
    assert_identical(counts.reshape(x.shape).numpy(), x.grad.numpy(), f"accelerated {case.describe()}: gradient")


@given(n=st.integers(1, 12), k=st.integers(1, 4), s=st.integers(1, 3), d=st.integers(1, 3),
       lo=st.integers(0, 4), hi=st.integers(0, 4), ceil=st.booleans(), include=st.booleans())
def test_dilated_avg_pool_divisor_closed_form_equals_the_reference_count(n, k, s, d, lo, hi, ceil, include):
    """spec.pool.avg_pool_window_count with dilation d against the reference's divisor: on ones, the window's
    input taps (divisor_override=1) over its average (count_include_pad as given)."""
    from convspec.spec import pool as spec_pool

    x = np.ones((1, 1, n))
    params = {"kernel_size": k, "stride": s, "padding": ((lo, hi),), "dilation": d, "ceil_mode": ceil}
    try:
        taps = reference.avg_pool(x, **params, divisor_override=1)[0, 0]
    except ValueError:
        return  # a call the spec refuses (a window of padding only, or no window)
    divisor = taps / reference.avg_pool(x, **params, count_include_pad=include)[0, 0]
    closed = [spec_pool.avg_pool_window_count(o, n, k, s, lo, hi, include, d) for o in range(len(taps))]
    assert np.allclose(divisor, closed), (params, include, divisor.tolist(), closed)
