"""The pooling family's properties, in both implementations.

Global pools are pools with the whole input as the window; convspec.accelerated is
PyTorch's native pooling where PyTorch takes the call; max_pool's values are the input
cells its indices name; sum pooling is a correlation with a ones kernel; shifting the
input shifts the maximum. (The closed forms and literal rules: tests/test_pool.py.)

Data are integer-valued floats wherever the comparison should be exact.
"""

from __future__ import annotations

import math
from itertools import product

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from convspec import accelerated, reference
from convspec.conformance.case import Case
from convspec.conformance.strategies import random_array
from convspec.conformance.families.pool.strategies import global_pool_cases
from convspec.conformance.tolerance import compare
from convspec.spec import pool as spec_pool

from pool_helpers import (
    GLOBAL,
    IMPLEMENTATIONS,
    INF,
    NAN,
    WINDOWED,
    _NATIVE_AVG,
    _NATIVE_MAX,
    assert_identical,
    integer_valued,
    pool_args,
    run,
    tolerance_for,
    windowed_cases,
)


# --------------------------------------------------------------------------------------
# 1. Properties
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("op", GLOBAL)
def test_global_pools_are_pools_with_the_whole_input_as_the_window(op):
    windowed = op.removeprefix("global_")

    @given(global_pool_cases(op))
    def check(case):
        x = case.inputs["x"]
        for implementation in IMPLEMENTATIONS:
            what = f"{implementation} {case.describe()} vs {windowed}(kernel_size={x.shape[2:]})"
            whole = run(implementation, windowed, x, kernel_size=x.shape[2:])
            result = run(implementation, op, x)
            assert result.shape == x.shape[:2] + (1,) * (x.ndim - 2), what
            if op == "global_max_pool" or implementation == "reference":
                assert_identical(whole, result, what)  # the reference rounds the same float64 sum once either way
            else:
                comparison = compare(whole, result, tolerance_for(op, x, {}))
                assert comparison.passed, f"{what}: {comparison.describe()}"

    check()


@st.composite
def native_cases(draw, op: str):
    """A call PyTorch's own max_pool{1,2,3}d / avg_pool{1,2,3}d takes and computes as convspec does:
    symmetric padding <= k // 2, inputs at least the dilation and the window long (avg_pool3d: the kernel)."""
    dims = draw(st.sampled_from((1, 1, 2, 2, 3)))
    max_k, max_n = {1: (4, 6), 2: (3, 4), 3: (2, 2)}[dims]
    kernel = tuple(draw(st.integers(1, max_k)) for _ in range(dims))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    dilation = tuple(draw(st.integers(1, 2)) if op == "max_pool" else 1 for _ in range(dims))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    least = [max(d, d * (k - 1) + 1 - 2 * p, k if op == "avg_pool" and dims == 3 else 1)
             for k, d, p in zip(kernel, dilation, padding)]
    size = tuple(m + draw(st.integers(0, max_n)) for m in least)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = random_array((draw(st.integers(1, 2)), draw(st.integers(1, 3)), *size),
                     draw(st.sampled_from(("float32", "float64"))), "integers", rng)
    if op == "max_pool" and draw(st.booleans()):
        special = rng.random(x.shape) < 0.3
        x[special] = rng.choice([NAN, -INF, -INF, INF], size=int(special.sum()))
    params = {"kernel_size": kernel, "stride": stride, "padding": padding, "ceil_mode": draw(st.booleans())}
    if op == "max_pool":
        params["dilation"] = dilation
    else:
        params["count_include_pad"] = draw(st.booleans())
        if dims > 1 and draw(st.booleans()):
            params["divisor_override"] = draw(st.integers(1, 5))
    return Case(op, {"x": x}, params, "integers")


def _native(op: str, x: torch.Tensor, params: dict):
    dims = x.dim() - 2
    p = params
    if op == "max_pool":
        return _NATIVE_MAX[dims](x, p["kernel_size"], p["stride"], p["padding"], p["dilation"], p["ceil_mode"], True)
    extra = () if dims == 1 else (p.get("divisor_override"),)
    return _NATIVE_AVG[dims](x, p["kernel_size"], p["stride"], p["padding"], p["ceil_mode"], p["count_include_pad"], *extra)


@pytest.mark.parametrize("op", WINDOWED)
def test_accelerated_is_torch_native_pooling_where_torch_takes_the_call(op):
    """Bit for bit (values and indices) against torch.nn.functional.max_pool{1,2,3}d / avg_pool{1,2,3}d on
    integer data; the reference matches too: exactly for max_pool, within the tolerance model for averages."""

    @given(native_cases(op))
    def check(case):
        x = case.inputs["x"]
        native = _native(op, torch.from_numpy(x.copy()), case.params)
        if op == "max_pool":
            ours = accelerated.max_pool(torch.from_numpy(x.copy()), return_indices=True, **case.params)
            assert_identical(native[0].numpy(), ours[0].numpy(), f"accelerated {case.describe()}: values vs torch")
            assert_identical(native[1].numpy(), ours[1].numpy(), f"accelerated {case.describe()}: indices vs torch")
            expected = reference.max_pool(x, return_indices=True, **case.params)
            assert_identical(native[0].numpy(), expected[0], f"reference {case.describe()}: values vs torch")
            assert_identical(native[1].numpy(), expected[1], f"reference {case.describe()}: indices vs torch")
        else:
            ours = accelerated.avg_pool(torch.from_numpy(x.copy()), **case.params)
            assert_identical(native.numpy(), ours.numpy(), f"accelerated {case.describe()} vs torch")
            comparison = compare(reference.avg_pool(x, **case.params), native.numpy(), tolerance_for(op, x, case.params))
            assert comparison.passed, f"reference {case.describe()} vs torch: {comparison.describe()}"

    check()


def _window_taps(args: spec_pool.PoolArguments, out_size):
    """For every tap of the window, per spatial axis: the input coordinate under it at each output position
    (broadcast over (N, C, *out)) and whether it lies on the input rather than the padding."""
    pads = spec_pool.pool_padding(args)
    dims = args.spatial_dims
    for tap in product(*map(range, args.kernel_size)):
        coordinates = []
        for axis, (o_, s_, (lo, _), d_, t_) in enumerate(zip(out_size, args.stride, pads, args.dilation, tap)):
            shape = [1, 1] + [1] * dims
            shape[2 + axis] = o_
            coordinates.append((np.arange(o_) * s_ - lo + d_ * t_).reshape(shape))
        yield coordinates


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@given(case=windowed_cases("max_pool", return_indices=True))
def test_max_pool_values_are_the_input_cells_the_indices_name(implementation, case):
    """x.flatten per plane [indices] == values; the index is a tap of its window on the input; no input cell
    under the window exceeds the value, and a window holding a NaN gives NaN."""
    x = case.inputs["x"]
    values, indices = run(implementation, "max_pool", x, **case.params)
    args = pool_args("max_pool", x.shape, case.params)
    what = f"{implementation} {case.describe()}"
    plane = math.prod(args.input_size)
    assert indices.min() >= 0 and indices.max() < plane, f"{what}: indices outside [0, {plane})"
    flat = x.reshape(*x.shape[:2], -1)
    gathered = np.take_along_axis(flat, indices.reshape(*x.shape[:2], -1), axis=2).reshape(values.shape)
    assert_identical(gathered, values, f"{what}: x at the indices")
    named = np.unravel_index(indices, args.input_size)
    on_a_tap = np.zeros(values.shape, dtype=bool)
    worst = np.full(values.shape, -np.inf)
    has_nan = np.zeros(values.shape, dtype=bool)
    for coordinates in _window_taps(args, values.shape[2:]):
        inside = _all([(c_ >= 0) & (c_ < n_) for c_, n_ in zip(coordinates, args.input_size)], values.shape)
        on_a_tap |= inside & _all([c_ == m for c_, m in zip(coordinates, named)], values.shape)
        under = _under(x, [np.clip(c_, 0, n_ - 1) for c_, n_ in zip(coordinates, args.input_size)], values.shape)
        has_nan |= inside & np.isnan(under)
        worst = np.where(inside & ~np.isnan(under), np.fmax(worst, under), worst)
    assert on_a_tap.all(), f"{what}: an index is not a tap of its window on the input at {np.argwhere(~on_a_tap)[0]}"
    assert_identical(np.isnan(values), has_nan, f"{what}: NaN outputs are exactly the windows holding a NaN")
    assert (np.isnan(values) | (values.astype(np.float64) >= worst)).all(), f"{what}: a cell under a window exceeds its value"


def _all(conditions, shape) -> np.ndarray:
    """The conjunction of broadcastable boolean arrays, as one array of ``shape``."""
    result = np.ones(shape, dtype=bool)
    for condition in conditions:
        result = result & condition
    return result


def _under(x: np.ndarray, clipped, out_shape):
    """x at the (clipped) per-axis coordinates, broadcast to (N, C, *out)."""
    grids = np.broadcast_arrays(*clipped)
    index = (np.arange(x.shape[0]).reshape((-1,) + (1,) * (len(out_shape) - 1)),
             np.arange(x.shape[1]).reshape((1, -1) + (1,) * (len(out_shape) - 2))) + tuple(grids)
    return np.broadcast_to(x[index], out_shape)


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@given(case=windowed_cases("avg_pool", divisor_override=1))
def test_sum_pooling_is_correlation_with_a_ones_kernel(implementation, case):
    """avg_pool with divisor_override=1 sums each window: reference.correlate with a per-channel ones kernel
    and the same stride, dilation and padding (zeros add nothing), padded on the high side as far as ceil
    mode's last window reaches. Integer data: exact."""
    x = integer_valued(case.inputs["x"])
    args = pool_args("avg_pool", x.shape, case.params)
    result = run(implementation, "avg_pool", x, **case.params)
    pads = [
        (lo, max(hi, (o_ - 1) * s_ + d_ * (k_ - 1) + 1 - n_ - lo))
        for (lo, hi), o_, s_, k_, d_, n_ in zip(spec_pool.pool_padding(args), result.shape[2:], args.stride,
                                                args.kernel_size, args.dilation, args.input_size)
    ]
    ones = np.ones((x.shape[1], 1, *args.kernel_size), dtype=x.dtype)
    expected = reference.correlate(x, ones, stride=args.stride, padding=tuple(pads), dilation=args.dilation,
                                   groups=x.shape[1])
    assert_identical(expected, result, f"{implementation} {case.describe()} vs correlate with ones, padding {pads}")


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@given(case=windowed_cases("max_pool", return_indices=True), shift=st.sampled_from((-5, -3, -1, 1, 2, 5)))
def test_max_pool_of_a_shifted_input_is_the_shifted_output(implementation, case, shift):
    x = integer_valued(case.inputs["x"])
    values, indices = run(implementation, "max_pool", x, **case.params)
    moved_values, moved_indices = run(implementation, "max_pool", (x + x.dtype.type(shift)).astype(x.dtype), **case.params)
    what = f"{implementation} {case.describe()}, input + {shift}"
    assert_identical((values + values.dtype.type(shift)).astype(values.dtype), moved_values, what)
    assert_identical(indices, moved_indices, f"{what}: indices")
