"""The unpooling family: max_unpool, avg_unpool, first_unpool.

Sections:

1. the spec's closed forms (default and valid output lengths) against the reference's
   window enumeration and against pooling's output length;
2. shapes, dtypes, more than three spatial axes, strategies;
3. autograd of the accelerated implementation;
4. bad input: the same error from both implementations; inputs never modified;
5. the literal worked examples.

The properties (unpooling undone by pooling, the adjoints, the duplicate rule) are in
tests/test_unpool_properties.py; the shared helpers in tests/unpool_helpers.py.

Data are integer-valued wherever sums occur, so every comparison here is exact.
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

from convspec import accelerated, reference
from convspec.conformance.catalog import BY_NAME
from convspec.conformance.strategies import random_array
from convspec.conformance.families.unpool.strategies import block_unpool_cases, max_unpool_cases
from convspec.reference import windows
from convspec.spec import unpool as spec_unpool
from convspec.spec.conv import conv_output_length

from unpool_helpers import IMPLEMENTATIONS, OPS, _args, _integer_case, _size, assert_identical, cases, run


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
# 2. Shapes, dtypes, ranks, strategies
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
# 3. Autograd
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
# 4. Bad input
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
# 5. Worked examples
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
