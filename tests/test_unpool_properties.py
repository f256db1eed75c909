"""Properties of the unpooling family, in both implementations.

max_pool(max_unpool(y)) == y, avg_pool(avg_unpool(y)) == y, nearest up-sampling ==
avg_unpool, avg_unpool is the adjoint of sum pooling and a transposed convolution with
a ones kernel, first_unpool is max_unpool with first-cell switches and zero insertion,
the duplicate rule. (The closed forms: tests/test_unpool.py.)

Data are integer-valued wherever sums occur, so every comparison here is exact.
"""

from __future__ import annotations

import inspect
import math
from itertools import product

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from convspec import accelerated, reference
from convspec.conformance.case import Case
from convspec.conformance.strategies import random_array
from convspec.conformance.families.unpool.strategies import block_unpool_cases, max_unpool_cases
from convspec.conformance.tolerance import SumOfProducts, compare
from convspec.spec import unpool as spec_unpool
from convspec.spec.conv import conv_output_length

from unpool_helpers import (
    IMPLEMENTATIONS,
    _NATIVE_POOL,
    _NATIVE_TRANSPOSE,
    _args,
    _integer_case,
    _size,
    assert_identical,
    run,
    to_numpy,
    to_torch,
)


# --------------------------------------------------------------------------------------
# 1. Properties
# --------------------------------------------------------------------------------------


@st.composite
def pooling_configs(draw, torch_compatible: bool):
    """kernel, stride, padding and an input to pool; torch_compatible: symmetric padding <= k // 2."""
    spatial_dims = draw(st.sampled_from((1, 2, 2, 3)))
    max_k, max_s, max_extra = {1: (4, 3, 6), 2: (3, 3, 4), 3: (2, 2, 2)}[spatial_dims]
    kernel = tuple(draw(st.integers(1, max_k)) for _ in range(spatial_dims))
    stride = tuple(draw(st.integers(1, max_s)) for _ in range(spatial_dims))
    if torch_compatible:
        pairs = tuple((p, p) for p in (draw(st.integers(0, k // 2)) for k in kernel))
    else:
        pairs = tuple((draw(st.integers(0, k - 1)), draw(st.integers(0, k - 1))) for k in kernel)
    size = tuple(max(1, k - lo - hi) + draw(st.integers(0, max_extra)) for k, (lo, hi) in zip(kernel, pairs))
    batch, channels = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    dtype = draw(st.sampled_from(("float32", "float64")))
    x = np.abs(random_array((batch, channels, *size), dtype, draw(st.sampled_from(("integers", "floats"))), rng))
    return x, kernel, stride, pairs


@given(pooling_configs(torch_compatible=True))
def test_max_pool_of_max_unpool_gives_back_the_pooled_values_torch_pool(config):
    """With torch's max_pool (return_indices=True): on data >= 0, pooling the unpooled map gives y back,
    and unpool(pool(x)) is x at the recorded cells and 0 elsewhere."""
    x, kernel, stride, pairs = config
    pool = _NATIVE_POOL[len(kernel)]
    padding = tuple(lo for lo, _ in pairs)
    y, indices = pool(torch.from_numpy(x), kernel, stride, padding, return_indices=True)
    what = f"x {x.shape} {x.dtype}, kernel {kernel}, stride {stride}, padding {padding}"
    for implementation in IMPLEMENTATIONS:
        unpooled = run(implementation, "max_unpool", y.numpy(), indices.numpy(), kernel,
                       stride=stride, padding=padding, output_size=x.shape[2:])
        again = pool(torch.from_numpy(unpooled), kernel, stride, padding).numpy()
        assert_identical(y.numpy(), again, f"{implementation} max_pool(max_unpool(y)) with {what}")
        recorded = np.zeros(x.shape, dtype=bool).reshape(*x.shape[:2], -1)
        np.put_along_axis(recorded, indices.numpy().reshape(*x.shape[:2], -1), True, axis=2)
        assert_identical(np.where(recorded.reshape(x.shape), x, 0).astype(x.dtype), unpooled,
                         f"{implementation} max_unpool(max_pool(x)) with {what}")


def _convspec_max_pool_with_indices():
    for module in (reference, accelerated):
        fn = getattr(module, "max_pool", None)
        if fn is None or "return_indices" not in inspect.signature(fn).parameters:
            return None
    return True


@given(pooling_configs(torch_compatible=False))
def test_max_pool_of_max_unpool_gives_back_the_pooled_values_convspec_pool(config):
    """The same round trip through convspec's own max_pool, per-side padding up to k - 1 included."""
    if _convspec_max_pool_with_indices() is None:
        pytest.skip("convspec.reference/accelerated.max_pool(..., return_indices=True) is not available yet")
    x, kernel, stride, pairs = config
    what = f"x {x.shape} {x.dtype}, kernel {kernel}, stride {stride}, padding {pairs}"
    for implementation in IMPLEMENTATIONS:
        y, indices = run_pair(implementation, "max_pool", x, kernel, stride=stride, padding=pairs, return_indices=True)
        unpooled = run(implementation, "max_unpool", y, indices, kernel, stride=stride, padding=pairs, output_size=x.shape[2:])
        again = run(implementation, "max_pool", unpooled, kernel, stride=stride, padding=pairs)
        assert_identical(y, again, f"{implementation} max_pool(max_unpool(y)) with {what}")


def run_pair(implementation, op, *arrays, **params):
    result = getattr(reference if implementation == "reference" else accelerated, op)(
        *(a if implementation == "reference" else to_torch(a) for a in arrays), **params
    )
    return tuple(to_numpy(part) for part in result)


@st.composite
def tiled_maps(draw):
    """A pooled map and a non-overlapping block size (stride == kernel)."""
    spatial_dims = draw(st.sampled_from((1, 2, 2, 3)))
    max_k, max_n = {1: (4, 6), 2: (3, 4), 3: (2, 3)}[spatial_dims]
    kernel = tuple(draw(st.integers(1, max_k)) for _ in range(spatial_dims))
    size = tuple(draw(st.integers(1, max_n)) for _ in range(spatial_dims))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kind = draw(st.sampled_from(("integers", "floats")))
    y = random_array((draw(st.integers(1, 2)), draw(st.integers(1, 3)), *size), "float32", kind, rng)
    return y, kernel


def _block_mean(values: np.ndarray, kernel) -> np.ndarray:
    """Mean over non-overlapping blocks, in float64, rounded once to the input dtype."""
    n, c, *size = values.shape
    pooled = [m // k for m, k in zip(size, kernel)]
    blocks = values.astype(np.float64).reshape(n, c, *(d for m, k in zip(pooled, kernel) for d in (m, k)))
    return blocks.mean(axis=tuple(3 + 2 * i for i in range(len(kernel)))).astype(values.dtype)


@given(tiled_maps())
def test_avg_pool_of_avg_unpool_is_the_identity(config):
    """The mean of k^d equal copies is the value: a direct block mean, and convspec's avg_pool when present."""
    y, kernel = config
    for implementation in IMPLEMENTATIONS:
        unpooled = run(implementation, "avg_unpool", y, kernel)
        what = f"{implementation} avg_unpool of {y.shape}, kernel {kernel}"
        assert_identical(y, _block_mean(unpooled, kernel), f"block mean of {what}")
        if not (hasattr(reference, "avg_pool") and hasattr(accelerated, "avg_pool")):
            continue
        for pool in IMPLEMENTATIONS:
            pooled = run(pool, "avg_pool", unpooled, kernel)
            if pool == "reference" or np.array_equal(y, np.round(y)):  # float64 sums, or exact integer sums
                assert_identical(y, pooled, f"{pool} avg_pool of {what}")
            else:  # float32 (y + ... + y) / K rounds: K - 1 additions and a division, Σ|terms| = K * |y| / K
                model = SumOfProducts(math.prod(kernel), np.abs(y.astype(np.float64)), str(y.dtype), False)
                comparison = compare(y, pooled, model)
                assert comparison.passed, f"{pool} avg_pool of {what}: {comparison.describe()}"


@given(tiled_maps())
def test_nearest_upsampling_by_an_integer_factor_is_avg_unpool(config):
    """F.interpolate(mode='nearest') by integer factors copies each value into a k-block: avg_unpool
    with stride == kernel (a fact for the upsample family too)."""
    y, kernel = config
    size = tuple(m * k for m, k in zip(y.shape[2:], kernel))
    for mode in ("nearest", "nearest-exact"):
        nearest = F.interpolate(torch.from_numpy(y), size=size, mode=mode).numpy()
        for implementation in IMPLEMENTATIONS:
            assert_identical(nearest, run(implementation, "avg_unpool", y, kernel),
                             f"{implementation} avg_unpool vs interpolate {mode}, {y.shape}, kernel {kernel}")


def _sum_pool(a: np.ndarray, args: spec_unpool.UnpoolArguments) -> np.ndarray:
    """Sum over the pooling windows (no padding), straight from the definition."""
    out = np.zeros(a.shape[:2] + args.input_size)
    for o in product(*map(range, args.input_size)):
        window = tuple(slice(i * s, i * s + k) for i, s, k in zip(o, args.stride, args.kernel_size))
        out[(slice(None), slice(None)) + o] = a[(slice(None), slice(None)) + window].sum(axis=tuple(range(2, a.ndim)))
    return out


@given(block_unpool_cases("avg_unpool"), st.integers(0, 2**32 - 1))
def test_avg_unpool_is_the_adjoint_of_sum_pooling(case, seed):
    """<sum_pool(a), b> == <a, avg_unpool(b)> for any kernel, stride and valid output size."""
    case = _integer_case(case)
    b = case.inputs["x"]
    args = _args(case)
    a = random_array(b.shape[:2] + _size(case), "float64", "integers", np.random.default_rng(seed))
    left = float(np.sum(_sum_pool(a, args) * b))
    for implementation in IMPLEMENTATIONS:
        right = float(np.sum(a * run(implementation, "avg_unpool", b, **case.params).astype(np.float64)))
        assert left == right, f"{implementation} {case.describe()}: <sum_pool(a), b> = {left}, <a, avg_unpool(b)> = {right}"


def _transposed_with(case: Case, kernel_values: str) -> np.ndarray:
    """F.conv_transpose with a per-channel kernel of ones (or a one at tap 0), stride s, padded to the output size."""
    dtype = case.inputs["x"].dtype
    x = torch.from_numpy(case.inputs["x"].astype(np.float64))  # integer-valued: exact; CPU has no float16 conv_transpose
    args = _args(case)
    channels, dims = x.shape[1], args.spatial_dims
    weight = torch.zeros((channels, 1, *args.kernel_size), dtype=x.dtype)
    if kernel_values == "ones":
        weight += 1
    else:
        weight[(slice(None), 0) + (0,) * dims] = 1
    extra = [length - spec_unpool.unpool_formula_length(n, k, s, 0, 0)
             for length, n, k, s in zip(_size(case), args.input_size, args.kernel_size, args.stride)]
    out = _NATIVE_TRANSPOSE[dims](x, weight, stride=args.stride, groups=channels, output_padding=tuple(extra))
    return out.numpy().astype(dtype)


@given(block_unpool_cases("avg_unpool"))
def test_avg_unpool_is_a_transposed_convolution_with_a_ones_kernel(case):
    case = _integer_case(case)
    if _args(case).spatial_dims > 3:
        return
    expected = _transposed_with(case, "ones")
    for implementation in IMPLEMENTATIONS:
        assert_identical(expected, run(implementation, "avg_unpool", *case.arrays(), **case.params),
                         f"{implementation} {case.describe()} vs conv_transpose with ones")


@given(block_unpool_cases("first_unpool"))
def test_first_unpool_is_zero_insertion_a_transposed_convolution_with_a_unit_tap(case):
    expected = _transposed_with(_integer_case(case), "unit")
    for implementation in IMPLEMENTATIONS:
        assert_identical(expected, run(implementation, "first_unpool", *_integer_case(case).arrays(), **case.params),
                         f"{implementation} {case.describe()} vs conv_transpose with a unit first tap")


@given(block_unpool_cases("first_unpool"))
def test_first_unpool_is_max_unpool_with_switches_at_every_first_cell(case):
    args, size = _args(case), _size(case)
    firsts = np.meshgrid(*(np.arange(n) * s for n, s in zip(args.input_size, args.stride)), indexing="ij")
    flat = np.ravel_multi_index(tuple(firsts), size).astype(np.int64)
    x = case.inputs["x"]
    indices = np.broadcast_to(flat, x.shape).copy()
    for implementation in IMPLEMENTATIONS:
        first = run(implementation, "first_unpool", x, **case.params)
        switched = run(implementation, "max_unpool", x, indices, args.kernel_size, stride=args.stride,
                       output_size=case.params["output_size"])
        assert_identical(first, switched, f"{implementation} {case.describe()}: first_unpool vs max_unpool")


def _write_in_order(x, indices, size, order):
    y = np.zeros(x.shape[:2] + (math.prod(size),), dtype=x.dtype)
    for b, c in product(range(x.shape[0]), range(x.shape[1])):
        positions = list(product(*map(range, x.shape[2:])))
        for o in positions if order == "last" else reversed(positions):
            y[b, c, indices[(b, c) + o]] = x[(b, c) + o]
    return y.reshape(x.shape[:2] + size)


@st.composite
def colliding_cases(draw):
    """Every pooled value points at one of two cells: duplicates with distinct values are certain."""
    case = draw(max_unpool_cases())
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = case.inputs["x"]
    indices = rng.integers(0, min(2, math.prod(_size(case))), size=x.shape, dtype=np.int64)
    values = (np.arange(x.size, dtype=np.float64).reshape(x.shape) + 1).astype(x.dtype)  # all distinct
    return Case(case.op, {"x": values, "indices": indices}, case.params, "integers")  # < 2048: exact in float16


@given(colliding_cases())
def test_duplicate_switches_keep_the_last_pooled_position_in_row_major_order(case):
    x, indices = case.arrays()
    size = _size(case)
    last = _write_in_order(x, indices, size, "last")
    for implementation in IMPLEMENTATIONS:
        result = run(implementation, "max_unpool", x, indices, **case.params)
        assert_identical(last, result, f"{implementation} {case.describe()}")
    if x[0, 0].size > 1 and len(np.unique(indices[0, 0])) < x[0, 0].size:
        assert not np.array_equal(last, _write_in_order(x, indices, size, "first")), "the case does not tell the rules apart"


def test_duplicate_rule_matches_torch_cpu_single_threaded_and_accelerated_is_deterministic():
    """PyTorch's CPU kernel writes pooled positions in row-major order, so with one thread the last
    write wins, as the spec says. With several threads it may race (batch 1): accelerated does not use it."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 3, 5, 5)).astype(np.float32)
    indices = rng.integers(0, 3, size=x.shape, dtype=np.int64)
    expected = _write_in_order(x, indices, (5, 5), "last")  # all in the first 3 cells
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        native = F.max_unpool2d(torch.from_numpy(x), torch.from_numpy(indices), 1, 1).numpy()
    finally:
        torch.set_num_threads(threads)
    assert_identical(expected, native, "torch CPU max_unpool2d, one thread")
    for _ in range(20):
        assert_identical(expected, run("accelerated", "max_unpool", x, indices, 1), "accelerated, repeated")


def test_torch_cpu_scatter_keeps_the_last_write_of_every_plane_on_several_threads():
    """What accelerated.max_unpool relies on without a gradient on the CPU: torch's CPU scatter kernel gives each
    (batch, channel) plane to one thread and writes its positions in order, so the last write wins. Many planes
    (the threads share them out), long rows crowded into 7 cells, every value distinct, many repetitions."""
    rng = np.random.default_rng(1)
    x = (np.arange(16 * 8 * 2048, dtype=np.float64).reshape(16, 8, 2048) + 1).astype(np.float32)
    indices = rng.integers(0, 7, size=x.shape, dtype=np.int64)
    expected = _write_in_order(x, indices, (4096,), "last")  # kernel 2: a plane of 4096 cells, 7 of them written
    assert not np.array_equal(expected, _write_in_order(x, indices, (4096,), "first"))
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(max(threads, 4))
        for _ in range(20):
            scattered = torch.zeros(16, 8, 4096).scatter_(2, torch.from_numpy(indices), torch.from_numpy(x))
            assert_identical(expected, scattered.numpy(), "torch CPU scatter_, several threads")
            assert_identical(expected, run("accelerated", "max_unpool", x, indices, 2), "accelerated, several threads")
    finally:
        torch.set_num_threads(threads)


def test_torch_accepts_output_sizes_that_pool_to_a_different_length_convspec_refuses_them():
    x, indices = torch.ones(1, 1, 3), torch.tensor([[[0, 2, 4]]])
    assert F.max_unpool1d(x, indices, 2, 2, output_size=(5,)).shape == (1, 1, 5)  # 5 pools to 2, not 3
    assert conv_output_length(5, 2, 2, 0, 0, 1) == 2
    for implementation in IMPLEMENTATIONS:
        with pytest.raises(ValueError, match=r"the valid lengths are 6 <= length <= 7 \(6, 7\)"):
            run(implementation, "max_unpool", x.numpy(), indices.numpy(), 2, output_size=(5,))
