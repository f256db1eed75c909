"""The unpooling family: max_unpool, avg_unpool, first_unpool.

Sections:

1. the spec's closed forms (default and valid output lengths) against the reference's
   window enumeration and against pooling's output length;
2. properties: max_pool(max_unpool(y)) == y, avg_pool(avg_unpool(y)) == y, nearest
   up-sampling == avg_unpool, avg_unpool is the adjoint of sum pooling and a
   transposed convolution with a ones kernel, first_unpool is max_unpool with
   first-cell switches and zero insertion, the duplicate rule;
3. shapes, dtypes, more than three spatial axes, strategies;
4. autograd of the accelerated implementation;
5. bad input: the same error from both implementations; inputs never modified;
6. the literal worked examples.

Data are integer-valued wherever sums occur, so every comparison here is exact.
"""

from __future__ import annotations

import doctest
import inspect
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
from convspec.conformance.case import Case
from convspec.conformance.catalog import BY_NAME
from convspec.conformance.strategies import random_array
from convspec.conformance.families.unpool.strategies import block_unpool_cases, max_unpool_cases
from convspec.conformance.tolerance import SumOfProducts, compare
from convspec.reference import windows
from convspec.spec import unpool as spec_unpool
from convspec.spec.conv import conv_output_length

OPS = ("max_unpool", "avg_unpool", "first_unpool")
IMPLEMENTATIONS = ("reference", "accelerated")
_NATIVE_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_NATIVE_TRANSPOSE = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def to_torch(value):
    return torch.from_numpy(value.copy()) if isinstance(value, np.ndarray) else value


def to_numpy(value):
    if isinstance(value, torch.Tensor):
        value = value.detach()
        return value.float().numpy() if value.dtype == torch.bfloat16 else value.numpy()
    return value


def run(implementation: str, op: str, *arrays, **params) -> np.ndarray:
    if implementation == "reference":
        return getattr(reference, op)(*arrays, **params)
    return to_numpy(getattr(accelerated, op)(*(to_torch(a) for a in arrays), **params))


def assert_identical(expected, actual, what: str) -> None:
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape}, expected {expected.shape}"
    if not np.array_equal(actual, expected):
        index = tuple(int(i) for i in np.argwhere(actual != expected)[0])
        raise AssertionError(f"{what}: at {index} got {actual[index]!r}, expected {expected[index]!r}")


def cases(op: str):
    return max_unpool_cases() if op == "max_unpool" else block_unpool_cases(op)


def _size(case: Case) -> tuple[int, ...]:
    return BY_NAME[case.op].output_shape(case)[2:]


def _args(case: Case) -> spec_unpool.UnpoolArguments:
    return spec_unpool.check_unpool_arguments(case.op, case.inputs["x"].shape, **case.params)


# --------------------------------------------------------------------------------------
# 1. Closed forms
# --------------------------------------------------------------------------------------


def test_spec_doctests_hold():
    result = doctest.testmod(spec_unpool, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted >= 10, result
    finder, runner = doctest.DocTestFinder(), doctest.DocTestRunner()
    for test in finder.find(windows.lengths_with_window_count, "lengths_with_window_count"):
        runner.run(test)
    assert runner.failures == 0


AXES = [(n, k, s, lo, hi) for n in range(1, 6) for k in range(1, 6) for s in range(1, 5) for lo in range(4) for hi in range(4)]


def test_valid_lengths_closed_form_equals_the_reference_enumeration_and_pools_back():
    """``max(D, 1) <= L < D + s`` is exactly the set of lengths whose pooling gives n (checked on 1600 axes)."""
    for n, k, s, lo, hi in AXES:
        what = f"n={n}, k={k}, s={s}, padding=({lo}, {hi})"
        valid = spec_unpool.unpool_valid_lengths(n, k, s, lo, hi)
        assert list(valid) == list(windows.lengths_with_window_count(n, k, s, lo, hi)), what
        assert bool(valid) == bool(spec_unpool.unpool_valid_lengths_condition(n, k, s, lo, hi)), what
        for length in valid:
            assert conv_output_length(length, k, s, lo, hi, 1) == n, f"{what}: L={length}"
            assert spec_unpool.pooled_length(length, k, s, lo, hi) == n, f"{what}: L={length}"
        if valid:
            assert spec_unpool.unpool_default_length(n, k, s, lo, hi) == valid[0], what
            below, above = valid[0] - 1, valid[-1] + 1  # the neighbours pool to n - 1 and n + 1
            if below >= 1 and below + lo + hi >= k:
                assert conv_output_length(below, k, s, lo, hi, 1) == n - 1, f"{what}: L={below}"
            assert conv_output_length(above, k, s, lo, hi, 1) == n + 1, f"{what}: L={above}"
            assert len(valid) == s or valid[0] == 1, what


def test_default_length_is_torch_formula_when_it_is_positive():
    n, k, s, p_lo, p_hi = spec_unpool.n, spec_unpool.k, spec_unpool.s, spec_unpool.p_lo, spec_unpool.p_hi
    assert sympy.expand(spec_unpool.unpool_formula_length() - ((n - 1) * s - p_lo - p_hi + k)) == 0
    # torch.nn.MaxUnpool's documented size: (n - 1) * s - 2 * p + k
    p = sympy.Symbol("p", integer=True, nonnegative=True)
    assert sympy.expand(spec_unpool.unpool_formula_length(n, k, s, p, p) - ((n - 1) * s - 2 * p + k)) == 0
    assert spec_unpool.unpool_default_length() == sympy.Max(1, spec_unpool.unpool_formula_length())


@pytest.mark.parametrize("stride", [1, 2, 3, 4])
def test_symbolic_every_valid_length_pools_back_to_n(stride):
    """With n, k, p symbolic: pooled_length(D + r) simplifies to n for r = 0 .. s - 1, and to n + 1 at r = s."""
    n, k, p_lo, p_hi = spec_unpool.n, spec_unpool.k, spec_unpool.p_lo, spec_unpool.p_hi
    default = spec_unpool.unpool_formula_length(n, k, stride, p_lo, p_hi)
    for r in range(stride):
        pooled = spec_unpool.pooled_length(default + r, k, stride, p_lo, p_hi)
        assert sympy.simplify(pooled - n) == 0, (stride, r, pooled)
    assert sympy.simplify(spec_unpool.pooled_length(default + stride, k, stride, p_lo, p_hi) - (n + 1)) == 0
    valid = spec_unpool.unpool_valid_lengths(n, k, stride, p_lo, p_hi)
    assert isinstance(valid, sympy.Range), valid
    start, stop, step = valid.args
    assert start == sympy.Max(1, default) and sympy.expand(stop - default - stride) == 0 and step == 1, valid


def test_unpooling_has_no_parameters_and_overlap_counts():
    assert spec_unpool.unpool_parameter_count() == 0
    assert [spec_unpool.unpool_overlap(k, s) for k, s in [(2, 2), (3, 2), (3, 1), (1, 3), (4, 3)]] == [1, 2, 3, 1, 2]


# --------------------------------------------------------------------------------------
# 2. Properties
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


def _integer_case(case: Case) -> Case:
    x = case.inputs["x"]
    values = np.round(x.astype(np.float64) * 2).clip(-8, 8).astype(x.dtype)  # integer-valued, small
    return Case(case.op, {**case.inputs, "x": values}, case.params, "integers")


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


def test_torch_accepts_output_sizes_that_pool_to_a_different_length_convspec_refuses_them():
    x, indices = torch.ones(1, 1, 3), torch.tensor([[[0, 2, 4]]])
    assert F.max_unpool1d(x, indices, 2, 2, output_size=(5,)).shape == (1, 1, 5)  # 5 pools to 2, not 3
    assert conv_output_length(5, 2, 2, 0, 0, 1) == 2
    for implementation in IMPLEMENTATIONS:
        with pytest.raises(ValueError, match=r"the valid lengths are 6 <= length <= 7 \(6, 7\)"):
            run(implementation, "max_unpool", x.numpy(), indices.numpy(), 2, output_size=(5,))


# --------------------------------------------------------------------------------------
# 3. Shapes, dtypes, ranks, strategies
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("op", OPS)
def test_output_shape_is_the_spec_closed_form_in_both_implementations(op):
    @given(cases(op))
    def check(case):
        for implementation in IMPLEMENTATIONS:
            result = run(implementation, op, *case.arrays(), **case.params)
            assert result.shape == BY_NAME[op].output_shape(case), f"{implementation} {case.describe()}: {result.shape}"
            assert str(result.dtype) == case.dtype, f"{implementation} {case.describe()}: dtype {result.dtype}"

    check()


@pytest.mark.parametrize("op", OPS)
def test_bfloat16_and_float16_give_the_float32_reference_values(op):
    """Copies are exact in any dtype; avg_unpool's overlap sums of small integers are exact too."""

    @given(cases(op))
    def check(drawn):
        case = _integer_case(drawn)
        arrays = [a.astype(np.float32) if a.dtype.kind == "f" else a for a in case.arrays()]
        expected = getattr(reference, op)(*arrays, **case.params)
        for dtype in (torch.bfloat16, torch.float16):
            tensors = [torch.from_numpy(a).to(dtype) if a.dtype.kind == "f" else torch.from_numpy(a) for a in arrays]
            result = getattr(accelerated, op)(*tensors, **case.params)
            assert result.dtype == dtype, f"{case.describe()} in {dtype}: {result.dtype}"
            assert_identical(expected, result.float().numpy(), f"accelerated {case.describe()} in {dtype}")

    check()


FOUR_D = [
    ("max_unpool", {"kernel_size": 2, "stride": (1, 2, 1, 2), "padding": ((1, 0), 0, (0, 1), 1), "output_size": (2, 5, 2, 3)}),
    ("avg_unpool", {"kernel_size": (2, 1, 2, 2), "stride": 1}),
    ("avg_unpool", {"kernel_size": 2, "output_size": (1, 2, 5, 4, 5, 4)}),
    ("first_unpool", {"kernel_size": (2, 3, 1, 2), "stride": (2, 2, 1, 3)}),
]


@pytest.mark.parametrize("op, params", FOUR_D, ids=[f"{op}-{i}" for i, (op, _) in enumerate(FOUR_D)])
def test_four_spatial_dims_accelerated_equals_reference(op, params):
    rng = np.random.default_rng(4)
    x = random_array((1, 2, 2, 2, 2, 2), "float64", "integers", rng)
    arrays = [x]
    if op == "max_unpool":
        args = spec_unpool.check_unpool_arguments(op, x.shape, **params)
        arrays.append(rng.integers(0, math.prod(spec_unpool.unpool_output_size(args)), size=x.shape, dtype=np.int64))
    expected = run("reference", op, *arrays, **params)
    args = spec_unpool.check_unpool_arguments(op, x.shape, **params)
    assert expected.shape == spec_unpool.unpool_output_shape(args)
    assert_identical(expected, run("accelerated", op, *arrays, **params), f"accelerated {op} 4-D {params}")


@pytest.mark.parametrize("dtype", ["int32", "int16", "uint8"])
def test_max_unpool_accepts_any_integer_indices_dtype(dtype):
    x = np.array([[[5, 7, 9]]], dtype=np.float32)
    for implementation in IMPLEMENTATIONS:
        result = run(implementation, "max_unpool", x, np.array([[[0, 2, 4]]], dtype=dtype), 3, stride=2, padding=1)
        assert_identical(np.array([[[5, 0, 7, 0, 9]]], dtype=np.float32), result, f"{implementation} {dtype} indices")


@pytest.mark.parametrize("op", OPS)
def test_output_size_forms_agree(op):
    """Spatial tuple, list, torch.Size and full shape name the same size."""
    x = np.arange(1, 5, dtype=np.float32).reshape(1, 1, 2, 2)
    arrays = [x, np.array([[[[0, 3], [10, 14]]]], dtype=np.int64)] if op == "max_unpool" else [x]
    results = [
        run(implementation, op, *arrays, 2, output_size=form)
        for implementation in IMPLEMENTATIONS
        for form in ((5, 4), [5, 4], torch.Size([5, 4]), (1, 1, 5, 4))
    ]
    for result in results[1:]:
        assert_identical(results[0], result, f"{op} output_size forms")
    assert results[0].shape == (1, 1, 5, 4)


@given(max_unpool_cases())
@settings(max_examples=200)
def test_max_unpool_strategy_draws_valid_switches(case):
    x, indices = case.arrays()
    assert indices.dtype == np.int64 and indices.shape == x.shape
    assert indices.min() >= 0 and indices.max() < math.prod(_size(case)), case.describe()


def test_strategies_reach_every_rule():
    """The drawn cases exercise what the planted bugs break: padding, non-default sizes, overlaps,
    duplicate switches with different values, stride larger than kernel."""
    seen = set()

    @given(max_unpool_cases())
    @settings(max_examples=150, derandomize=True, database=None)
    def max_cases(case):
        args, x, indices = _args(case), case.inputs["x"], case.inputs["indices"]
        if any(lo or hi for lo, hi in args.padding):
            seen.add("padding")
        if case.params["output_size"] is not None and tuple(case.params["output_size"])[-args.spatial_dims:] != tuple(
            spec_unpool.unpool_default_length(n, k, s, lo, hi)
            for n, k, s, (lo, hi) in zip(args.input_size, args.kernel_size, args.stride, args.padding)
        ):
            seen.add("max_unpool non-default size")
        if case.params["output_size"] is not None and len(case.params["output_size"]) == args.spatial_dims + 2:
            seen.add("full shape")
        flat_i, flat_x = indices.reshape(*x.shape[:2], -1), x.reshape(*x.shape[:2], -1)
        for b, c in product(range(x.shape[0]), range(x.shape[1])):
            cells, counts = np.unique(flat_i[b, c], return_counts=True)
            for cell in cells[counts > 1]:
                if len(set(flat_x[b, c][flat_i[b, c] == cell].tolist())) > 1:
                    seen.add("duplicates with different values")

    @given(block_unpool_cases("avg_unpool"))
    @settings(max_examples=150, derandomize=True, database=None)
    def block_cases(case):
        args = _args(case)
        if any(s < k for s, k in zip(args.stride, args.kernel_size)):
            seen.add("overlap")
        if any(s > k for s, k in zip(args.stride, args.kernel_size)):
            seen.add("gaps")
        if any(k > 1 for k in args.kernel_size):
            seen.add("kernel > 1")
        if args.output_size is not None and args.output_size != spec_unpool.unpool_output_size(
            spec_unpool.check_unpool_arguments(case.op, case.inputs["x"].shape, kernel_size=args.kernel_size, stride=args.stride)
        ):
            seen.add("block non-default size")

    max_cases()
    block_cases()
    wanted = {"padding", "max_unpool non-default size", "full shape", "duplicates with different values",
              "overlap", "gaps", "kernel > 1", "block non-default size"}
    assert wanted <= seen, f"never drawn: {wanted - seen}"


# --------------------------------------------------------------------------------------
# 4. Autograd
# --------------------------------------------------------------------------------------


def _x(shape, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=generator, dtype=torch.float64, requires_grad=True)


GRADCHECK_CASES = [
    ("avg_unpool", (2, 2, 3), {"kernel_size": 2}),
    ("avg_unpool", (1, 2, 3, 2), {"kernel_size": 3, "stride": (1, 2), "output_size": (5, 6)}),
    ("avg_unpool", (1, 1, 2, 2, 2), {"kernel_size": (2, 1, 2), "stride": (3, 1, 1)}),
    ("first_unpool", (2, 1, 3, 2), {"kernel_size": 2, "stride": (2, 3), "output_size": (7, 6)}),
    ("first_unpool", (1, 2, 2, 1, 2), {"kernel_size": 2}),
]


@pytest.mark.parametrize("op, shape, params", GRADCHECK_CASES, ids=[f"{op}-{params}" for op, _, params in GRADCHECK_CASES])
def test_accelerated_gradcheck_float64(op, shape, params):
    fn = getattr(accelerated, op)
    assert torch.autograd.gradcheck(lambda x: fn(x, **params), (_x(shape),)), f"{op}({shape}, {params})"


@pytest.mark.parametrize("indices_kind", ["from max_pool", "duplicates", "4-D"])
def test_accelerated_max_unpool_gradcheck_float64(indices_kind):
    """The gradient reaches the pooled values that are in the output: with duplicate switches only the
    winner (the native max_unpool backward would give it to every duplicate)."""
    if indices_kind == "from max_pool":
        source = torch.randn(2, 2, 5, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
        _, indices = F.max_pool2d(source, 3, 2, 1, return_indices=True)
        x, params = _x(indices.shape), {"kernel_size": 3, "stride": 2, "padding": 1, "output_size": (5, 4)}
    elif indices_kind == "duplicates":
        x, params = _x((1, 2, 4)), {"kernel_size": 3, "stride": 1, "padding": 1}
        indices = torch.tensor([[[1, 1, 3, 3], [0, 2, 2, 0]]])
    else:
        x, params = _x((1, 1, 2, 1, 2, 2)), {"kernel_size": 2}
        indices = torch.tensor([3, 3, 60, 5, 17, 17, 0, 63]).reshape(x.shape)
    fn = lambda values: accelerated.max_unpool(values, indices, **params)  # noqa: E731
    assert torch.autograd.gradcheck(fn, (x,)), f"max_unpool {indices_kind}"
    if indices_kind == "duplicates":
        fn(x).sum().backward()
        assert x.grad.tolist() == [[[0.0, 1.0, 0.0, 1.0], [0.0, 0.0, 1.0, 1.0]]]


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32])
def test_accelerated_backward_gives_gradients_of_the_input_dtype(op, dtype):
    x = torch.ones(1, 2, 3, 2, dtype=dtype, requires_grad=True)
    extra = [torch.tensor([[0, 5, 9], [2, 2, 11]]).reshape(1, 2, 3, 1).expand(1, 2, 3, 2).contiguous()] if op == "max_unpool" else []
    out = getattr(accelerated, op)(x, *extra, 2, stride=(1, 2))
    assert out.dtype == dtype
    out.sum().backward()
    assert x.grad is not None and x.grad.dtype == dtype and x.grad.shape == x.shape


@pytest.mark.parametrize("op", OPS)
def test_accelerated_backward_of_an_empty_batch_is_an_empty_gradient(op):
    """Regression (issue 14, region "empty batch"): max_unpool returned new zeros for a batch of 0, off the
    autograd graph, so torch.autograd.grad raised "element 0 of tensors does not require grad"."""
    x = torch.ones(0, 2, 2, 3, requires_grad=True)
    extra = [torch.zeros(0, 2, 2, 3, dtype=torch.int64)] if op == "max_unpool" else []
    out = getattr(accelerated, op)(x, *extra, 2, output_size=(5, 6))
    assert tuple(out.shape) == (0, 2, 5, 6) and out.requires_grad
    (grad,) = torch.autograd.grad(out, x, grad_outputs=torch.ones_like(out))
    assert tuple(grad.shape) == (0, 2, 2, 3) and grad.dtype == x.dtype


# --------------------------------------------------------------------------------------
# 5. Bad input
# --------------------------------------------------------------------------------------


def _a(*shape, dtype="float32"):
    return np.ones(shape, dtype=dtype)


X = _a(1, 1, 2, 2)
I = np.array([[[[5, 2], [12, 11]]]], dtype=np.int64)  # noqa: E741

# rule: (op, arrays, params, exception, fragments besides the operation's name)
RULES = {
    "indices shape differs from x": ("max_unpool", (X, I[..., :1]), {"kernel_size": 2}, ValueError, ["indices", "(1, 1, 2, 2)", "(1, 1, 2, 1)"]),
    "indices are floats": ("max_unpool", (X, I.astype(np.float32)), {"kernel_size": 2}, TypeError, ["indices", "float32", "integer"]),
    "indices are bool": ("max_unpool", (X, I > 3), {"kernel_size": 2}, TypeError, ["indices", "bool"]),
    "an index is too large": ("max_unpool", (X, I + 4), {"kernel_size": 2}, ValueError, ["indices", "[0, 16)", "16 at indices[0, 0, 1, 0]", "(4, 4)"]),
    "an index is negative": ("max_unpool", (X, I - 6), {"kernel_size": 2}, ValueError, ["indices", "-1 at indices[0, 0, 0, 0]"]),
    "an index fits the default size, not the one asked for": ("max_unpool", (X, I + 4), {"kernel_size": 3, "stride": 2, "padding": 1, "output_size": (3, 3)}, ValueError, ["[0, 9)", "(3, 3)"]),
    "output_size too large": ("max_unpool", (X, I), {"kernel_size": 2, "output_size": (4, 6)}, ValueError, ["output_size", "(4, 6)", "dim 1", "length of 6", "3 values", "4 <= length <= 5 (4, 5)"]),
    "output_size below the default (torch accepts it)": ("avg_unpool", (X,), {"kernel_size": 2, "output_size": (3, 4)}, ValueError, ["output_size", "dim 0", "length of 3", "1 values", "4 <= length <= 5"]),
    "output_size with stride 1 has one valid length": ("first_unpool", (X,), {"kernel_size": 2, "stride": 1, "output_size": (4, 3)}, ValueError, ["output_size", "only 3"]),
    "output_size with padding": ("max_unpool", (X, I - 5), {"kernel_size": 3, "stride": 2, "padding": 1, "output_size": (5, 3)}, ValueError, ["padding (1, 1)", "length of 5", "3 <= length <= 4"]),
    "output_size of the wrong length": ("avg_unpool", (X,), {"kernel_size": 2, "output_size": (4, 4, 4)}, ValueError, ["output_size", "(4, 4, 4)", "2 spatial dim(s)"]),
    "output_size full shape with other channels": ("first_unpool", (X,), {"kernel_size": 2, "output_size": (1, 3, 4, 4)}, ValueError, ["output_size", "(1, 3)", "(1, 1)"]),
    "output_size an int": ("avg_unpool", (_a(1, 1, 3),), {"kernel_size": 2, "output_size": 6}, TypeError, ["output_size", "6", "(6,)"]),
    "output_size a float entry": ("avg_unpool", (X,), {"kernel_size": 2, "output_size": (4, 4.0)}, TypeError, ["output_size", "4.0"]),
    "kernel_size zero": ("avg_unpool", (X,), {"kernel_size": 0}, ValueError, ["kernel_size", "positive", "0"]),
    "kernel_size negative on one axis": ("max_unpool", (X, I), {"kernel_size": (2, -1)}, ValueError, ["kernel_size", "(2, -1)"]),
    "kernel_size of the wrong length": ("first_unpool", (X,), {"kernel_size": (2, 2, 2)}, ValueError, ["kernel_size", "(2, 2, 2)"]),
    "kernel_size a float": ("first_unpool", (X,), {"kernel_size": 2.0}, TypeError, ["kernel_size", "2.0"]),
    "stride zero": ("avg_unpool", (X,), {"kernel_size": 2, "stride": 0}, ValueError, ["stride", "positive", "0"]),
    "stride negative": ("max_unpool", (X, I), {"kernel_size": 2, "stride": (2, -2)}, ValueError, ["stride", "(2, -2)"]),
    "stride a bool": ("first_unpool", (X,), {"kernel_size": 2, "stride": True}, TypeError, ["stride", "True"]),
    "padding 'same'": ("max_unpool", (X, I), {"kernel_size": 2, "padding": "same"}, ValueError, ["padding", "'same'", "(lo, hi)"]),
    "padding negative": ("max_unpool", (X, I), {"kernel_size": 2, "padding": -1}, ValueError, ["padding", "-1"]),
    "padding so large nothing pools to x": ("max_unpool", (_a(1, 1, 1), np.zeros((1, 1, 1), np.int64)), {"kernel_size": 2, "stride": 1, "padding": 1}, ValueError, ["no output length", "padding (1, 1)"]),
    "x is 2-D": ("avg_unpool", (_a(2, 2),), {"kernel_size": 2}, ValueError, ["x", "(2, 2)"]),
    "x has integer dtype": ("first_unpool", (_a(1, 1, 2, dtype="int64"),), {"kernel_size": 2}, TypeError, ["x", "int64"]),
    "x has integer dtype (max_unpool)": ("max_unpool", (_a(1, 1, 2, dtype="int32"), np.zeros((1, 1, 2), np.int64)), {"kernel_size": 2}, TypeError, ["x", "int32"]),
}


@pytest.mark.parametrize("rule", RULES, ids=list(RULES))
def test_bad_input_raises_the_same_error_in_reference_and_accelerated(rule):
    op, arrays, params, error, fragments = RULES[rule]
    what = f"{op} [{rule}] {params}"
    raised = []
    for implementation in IMPLEMENTATIONS:
        with pytest.raises(Exception) as info:
            run(implementation, op, *arrays, **params)
        assert type(info.value) is error, f"{implementation} {what}: {type(info.value).__name__}: {info.value}"
        raised.append(str(info.value))
    assert raised[0] == raised[1], f"{what}: messages differ\n  reference:   {raised[0]}\n  accelerated: {raised[1]}"
    assert raised[0].startswith(f"{op}: "), raised[0]
    for fragment in fragments:
        assert fragment in raised[0], f"{what}: the message does not mention {fragment!r}: {raised[0]}"


def test_a_list_instead_of_an_array_is_a_type_error_naming_the_argument():
    for implementation, container in (("reference", "numpy.ndarray"), ("accelerated", "torch.Tensor")):
        module = reference if implementation == "reference" else accelerated
        x = X if implementation == "reference" else torch.from_numpy(X)
        with pytest.raises(TypeError, match=f"max_unpool: indices must be a {container}, got list"):
            module.max_unpool(x, [[[[5, 2], [12, 11]]]], 2)
        with pytest.raises(TypeError, match=f"avg_unpool: x must be a {container}, got list"):
            module.avg_unpool([[[1.0, 2.0]]], 2)


@pytest.mark.parametrize("op", OPS)
def test_inputs_are_never_modified_even_with_autograd(op):
    @given(cases(op))
    @settings(max_examples=20)
    def check(case):
        before = case.copies()
        reference_result = getattr(reference, op)(*case.arrays(), **case.params)
        assert all(reference_result is not a for a in case.arrays())
        tensors = [torch.from_numpy(a.copy()) for a in case.arrays()]
        tensors[0].requires_grad_(True)
        getattr(accelerated, op)(*tensors, **case.params).sum().backward()
        for name, old, new_ref, new_acc in zip(case.inputs, before, case.arrays(), tensors):
            assert_identical(old, new_ref, f"reference {case.describe()}: input {name}")
            assert_identical(old, new_acc.detach().numpy(), f"accelerated {case.describe()}: input {name}")

    check()


# --------------------------------------------------------------------------------------
# 6. Worked examples
# --------------------------------------------------------------------------------------

EXAMPLES = [(op, example) for op in OPS for example in BY_NAME[op].examples]


@pytest.mark.parametrize("op, example", EXAMPLES, ids=[f"{op}-{e.title}" for op, e in EXAMPLES])
def test_worked_example(op, example):
    what = f"{op} example {example.title!r}"
    result = getattr(reference, op)(*example.inputs.values(), **example.params)
    if example.symbolic:
        assert result.shape == example.expected.shape, what
        for index in product(*map(range, result.shape)):
            assert sympy.expand(result[index] - example.expected[index]) == 0, f"{what} at {index}: {result[index]}"
        return
    assert_identical(example.expected, result, f"reference {what}")
    assert result.dtype == example.expected.dtype
    assert_identical(example.expected, run("accelerated", op, *example.inputs.values(), **example.params), f"accelerated {what}")


def test_worked_examples_cover_the_seed_pictures_and_every_rule():
    titles = " | ".join(e.title for op in OPS for e in BY_NAME[op].examples)
    for phrase in ("Seed 004: max unpooling with switches", "Seed 004: average unpooling", "Seed 004: max unpooling without switches",
                   "Duplicate switches", "Overlapping blocks add up", "output_size", "padding", "full shape"):
        assert phrase in titles, phrase
