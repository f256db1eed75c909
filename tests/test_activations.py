"""Activations and dense layers: relu, sigmoid, softmax, flatten, dense; and a whole LeNet forward pass.

1. the spec: its doctests, sigmoid's derivative and softmax's shift invariance proved in sympy,
   seed 002's dense parameter counts;
2. the literal examples and rules (NaN, infinities, no overflow) in both implementations;
3. properties: softmax slices sum to 1, sigmoid(-x) = 1 - sigmoid(x), dense is a 1x1 correlation,
   flatten is torch.flatten(x, 1);
4. dtypes (bfloat16 included) and autograd against closed-form derivatives;
5. bad input: the same error from both implementations; inputs never modified;
6. LeNet-5 end to end: conv, relu, max pool, flatten, dense, softmax through the reference and
   through accelerated.
"""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
import sympy
import torch
from hypothesis import given
from hypothesis import strategies as st

from convspec import accelerated, reference
from convspec.conformance.families.activations import examples as examples_activations
from convspec.conformance.catalog import BY_NAME
from convspec.conformance.families.activations.strategies import softmax_cases
from convspec.spec import activations as spec

OPS = ("relu", "sigmoid", "softmax", "flatten", "dense")
IMPLEMENTATIONS = ("reference", "accelerated")


def run(implementation: str, op: str, *arrays, **params):
    """Call one implementation with numpy arrays; return numpy."""
    if implementation == "reference":
        return getattr(reference, op)(*arrays, **params)
    tensors = [None if a is None else torch.from_numpy(np.array(a)) for a in arrays]
    return getattr(accelerated, op)(*tensors, **params).numpy()


# --------------------------------------------------------------------------------------
# 1. The spec
# --------------------------------------------------------------------------------------


def test_spec_doctests():
    assert doctest.testmod(spec).failed == 0


def test_sigmoid_derivative_is_sigmoid_times_one_minus_sigmoid():
    assert sympy.simplify(sympy.diff(spec.sigmoid(), spec.x) - spec.sigmoid_derivative()) == 0


def test_sigmoid_symmetry_and_the_two_stable_forms_are_one_function():
    x = spec.x
    assert sympy.simplify(spec.sigmoid(-x) - (1 - spec.sigmoid(x))) == 0
    assert sympy.simplify(spec.sigmoid(x) - sympy.exp(x) / (1 + sympy.exp(x))) == 0


def test_softmax_shift_invariance_proved():
    assert spec.softmax_shift_invariance(sympy.symbols("a b c", real=True)) == [0, 0, 0]


def test_seed_002_dense_parameter_counts():
    # seed 002's Keras summary: flatten_1 (None, 576) 0; dense_1 (None, 64) 36928; dense_2 (None, 10) 650
    assert spec.flatten_output_shape((1, 64, 3, 3)) == (1, 576)
    assert spec.dense_parameter_count(576, 64) == 36928
    assert spec.dense_parameter_count(64, 10) == 650
    assert spec.dense_parameter_count(spec.n_in, spec.n_out, bias=False) == spec.n_in * spec.n_out


# --------------------------------------------------------------------------------------
# 2. Literal examples and rules, both implementations
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("op", OPS)
def test_worked_examples(op, implementation):
    for example in BY_NAME[op].examples:
        got = run(implementation, op, *example.inputs.values(), **example.params)
        assert got.dtype == example.expected.dtype, example.title
        eps = np.finfo(got.dtype).eps
        np.testing.assert_allclose(got, example.expected, rtol=4 * eps, atol=4 * eps, err_msg=f"{op}: {example.title}")


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_relu_and_sigmoid_propagate_nan_and_handle_infinities(implementation):
    x = np.array([np.nan, np.inf, -np.inf, -0.0], dtype=np.float32)
    relu = run(implementation, "relu", x)
    assert np.isnan(relu[0]) and relu[1] == np.inf and relu[2] == 0 and relu[3] == 0
    sig = run(implementation, "sigmoid", x)
    assert np.isnan(sig[0]) and sig[1] == 1 and sig[2] == 0 and sig[3] == 0.5


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_sigmoid_where_exp_of_minus_x_overflows_is_a_tiny_positive_number_not_zero(implementation):
    # regression (issue 14, named regions): torch.sigmoid is 1 / (1 + exp(-x)), so exp(89) = inf in float32
    # and exp(720) = inf in float64 made accelerated return 0 where sigmoid(x) = exp(x) / (1 + exp(x)) is a
    # representable (subnormal) number
    x32 = np.array([-89.0, -100.0, -1000.0], dtype=np.float32)
    np.testing.assert_array_equal(run(implementation, "sigmoid", x32),
                                  np.array([2.2273639090442967e-39, 3.783505853677006e-44, 0.0], dtype=np.float32))
    x64 = np.array([-720.0, -100.0], dtype=np.float64)
    np.testing.assert_allclose(run(implementation, "sigmoid", x64), [2.0322308024e-313, 3.720075976020836e-44],
                               rtol=1e-11)
    if implementation == "accelerated":  # the gradient sigmoid (1 - sigmoid) too, and no NaN from the discarded branch
        t = torch.tensor([-89.0, 0.0, 1000.0, -np.inf, np.inf], dtype=torch.float32, requires_grad=True)
        accelerated.sigmoid(t).sum().backward()
        np.testing.assert_array_equal(t.grad.numpy(), np.array([2.2273639090442967e-39, 0.25, 0, 0, 0], np.float32))


def test_float16_sigmoid_is_right_without_the_tail_pass():
    """accelerated.sigmoid skips, on float16 input, the pass that looks for the far negative tail (where float32's
    1 / (1 + exp(-x)) underflows early): torch computes half sigmoid in float32, and below -88.7 the answer is 0 in
    float16 anyway. On every float16 value: the same bits as the tail-checked formula, and within one unit in the
    last place of the reference (0 exactly where the reference is 0, NaN where it is NaN)."""
    every = np.arange(-2**15, 2**15, dtype=np.int32).astype(np.int16).view(np.float16)
    x = torch.from_numpy(every)
    fast = accelerated.sigmoid(x)
    tail = torch.where(x < -40, torch.exp(torch.clamp(x, max=-40)), torch.sigmoid(x))
    assert torch.equal(torch.isnan(fast), torch.isnan(tail))
    assert torch.equal(fast[~torch.isnan(fast)], tail[~torch.isnan(tail)])
    got, want = fast.numpy(), reference.sigmoid(every)
    finite = ~np.isnan(want)
    assert np.array_equal(np.isnan(got), ~finite)
    assert np.array_equal(got[finite] == 0, want[finite] == 0)
    assert np.all(np.abs(got[finite].astype(np.float64) - want[finite]) <= np.spacing(want[finite]).astype(np.float64))


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_softmax_special_slices(implementation):
    x = np.array([[0, -np.inf, 0], [-np.inf, -np.inf, -np.inf], [np.nan, 0, 0], [np.inf, 0, 0]], dtype=np.float32)
    y = run(implementation, "softmax", x, axis=1)
    np.testing.assert_array_equal(y[0], [0.5, 0, 0.5])  # -inf among finite values: 0 there
    assert np.isnan(y[1]).all() and np.isnan(y[2]).all() and np.isnan(y[3]).all()


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_softmax_of_huge_logits_does_not_overflow(implementation):
    x = np.array([[1e4, 1e4 + math.log(3)]], dtype=np.float64)
    np.testing.assert_allclose(run(implementation, "softmax", x), [[0.25, 0.75]], rtol=1e-12)


# --------------------------------------------------------------------------------------
# 3. Properties
# --------------------------------------------------------------------------------------


@given(softmax_cases())
def test_softmax_slices_sum_to_one(case):
    x = case.inputs["x"].astype(np.float64)
    axis = case.params.get("axis", -1)
    y = reference.softmax(x, **case.params)
    finite = np.isfinite(x).any(axis=axis)
    sums = np.sum(y, axis=axis)
    np.testing.assert_allclose(sums[finite], 1.0, rtol=1e-12)


def test_dense_is_a_1x1_correlation():
    rng = np.random.default_rng(0)
    x = rng.integers(-4, 5, (3, 7)).astype(np.float32)
    w = rng.integers(-4, 5, (5, 7)).astype(np.float32)
    b = rng.integers(-4, 5, (5,)).astype(np.float32)
    as_conv = reference.correlate(x[:, :, None], w[:, :, None], b)[:, :, 0]
    np.testing.assert_array_equal(reference.dense(x, w, b), as_conv)


def test_flatten_is_torch_flatten_and_keeps_the_batch():
    x = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)
    np.testing.assert_array_equal(reference.flatten(x), torch.flatten(torch.from_numpy(x), 1).numpy())
    np.testing.assert_array_equal(reference.flatten(x)[1], x[1].ravel())


# --------------------------------------------------------------------------------------
# 4. dtypes and autograd
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
@pytest.mark.parametrize("op", OPS)
def test_accelerated_keeps_the_dtype(op, dtype):
    x = torch.linspace(-2, 2, 12, dtype=dtype).reshape(2, 2, 3)
    if op == "dense":
        out = accelerated.dense(x.reshape(2, 6), torch.ones(4, 6, dtype=dtype), torch.ones(4, dtype=dtype))
        assert out.shape == (2, 4)
    else:
        out = getattr(accelerated, op)(x)
    assert out.dtype == dtype


def test_autograd_against_closed_forms():
    x = torch.tensor([[-1.5, 0.2, 2.0], [0.0, 1.0, -3.0]], dtype=torch.float64, requires_grad=True)
    s = accelerated.sigmoid(x)
    (grad,) = torch.autograd.grad(s.sum(), x)
    torch.testing.assert_close(grad, s * (1 - s))
    # softmax: d(sum_i g_i y_i)/dx_j = y_j (g_j - sum_i g_i y_i)
    g = torch.tensor([[1.0, -2.0, 0.5], [0.3, 0.0, 4.0]], dtype=torch.float64)
    y = accelerated.softmax(x, axis=1)
    (grad,) = torch.autograd.grad((y * g).sum(), x)
    torch.testing.assert_close(grad, y * (g - (g * y).sum(dim=1, keepdim=True)))
    # relu: 1 where x > 0, else 0
    (grad,) = torch.autograd.grad(accelerated.relu(x).sum(), x)
    torch.testing.assert_close(grad, (x > 0).to(x.dtype))
    # dense: dy/dW[o, i] summed = sum_b x[b, i]; dy/dx[b, i] = sum_o W[o, i]
    w = torch.arange(6, dtype=torch.float64).reshape(2, 3).requires_grad_()
    gx, gw = torch.autograd.grad(accelerated.dense(x, w).sum(), (x, w))
    torch.testing.assert_close(gx, w.detach().sum(0).expand(2, 3))
    torch.testing.assert_close(gw, x.detach().sum(0).expand(2, 3))


# --------------------------------------------------------------------------------------
# 5. Bad input: the same error from both; inputs never modified
# --------------------------------------------------------------------------------------

_F = np.zeros((2, 3), dtype=np.float32)
BAD_CALLS = [
    ("relu", (np.zeros(3, dtype=np.int32),), {}, TypeError, "floating-point"),
    ("sigmoid", (np.zeros(3, dtype=np.int64),), {}, TypeError, "floating-point"),
    ("softmax", (_F,), {"axis": 2}, ValueError, "axis must lie in [-2, 2)"),
    ("softmax", (_F,), {"axis": 1.0}, TypeError, "axis must be an int"),
    ("softmax", (_F,), {"axis": True}, TypeError, "bool"),
    ("flatten", (np.zeros(3, dtype=np.float32),), {}, ValueError, "at least 2 axes"),
    ("dense", (np.zeros((2, 3, 1), dtype=np.float32), np.zeros((4, 3), dtype=np.float32)), {}, ValueError, "flatten it first"),
    ("dense", (_F, np.zeros((4, 2), dtype=np.float32)), {}, ValueError, "weight must be (n_out, 3)"),
    ("dense", (_F, np.zeros((4, 3), dtype=np.float32), np.zeros(3, dtype=np.float32)), {}, ValueError, "bias must have shape (4,)"),
    ("dense", (_F, np.zeros((4, 3), dtype=np.float64)), {}, TypeError, "weight has dtype float64 but x has dtype float32"),
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


def test_reference_refuses_non_arrays_and_accelerated_non_tensors():
    with pytest.raises(TypeError, match="relu: x must be a numpy.ndarray"):
        reference.relu([1.0, 2.0])
    with pytest.raises(TypeError, match="relu: x must be a torch.Tensor"):
        accelerated.relu(np.zeros(2))


@pytest.mark.parametrize("op", OPS)
def test_inputs_are_never_modified(op):
    rng = np.random.default_rng(1)
    x = rng.uniform(-2, 2, (2, 3)).astype(np.float32)
    arrays = (x, rng.uniform(-2, 2, (4, 3)).astype(np.float32), np.ones(4, dtype=np.float32)) if op == "dense" else (x,)
    before = [a.copy() for a in arrays]
    for implementation in IMPLEMENTATIONS:
        tensors = [torch.from_numpy(a) for a in arrays]
        if implementation == "reference":
            getattr(reference, op)(*arrays)
        else:
            out = getattr(accelerated, op)(*tensors)
            out.add_(1) if out.data_ptr() != tensors[0].data_ptr() else None
        for a, b in zip(arrays, before):
            np.testing.assert_array_equal(a, b)
    flat = accelerated.flatten(torch.from_numpy(x))  # a 2-D input comes back as a copy, not x itself
    assert flat.data_ptr() != torch.from_numpy(x).data_ptr()


# --------------------------------------------------------------------------------------
# 6. LeNet-5 end to end
# --------------------------------------------------------------------------------------


def _lenet(lib, x, p):
    """LeNet-5 (28x28 input padded to 32x32 by "same"-style padding 2): conv5-relu-pool, conv5-relu-pool, 3 dense, softmax."""
    h = lib.relu(lib.correlate(x, p["c1"], p["b1"], padding=2))
    h = lib.max_pool(h, 2)
    h = lib.relu(lib.correlate(h, p["c2"], p["b2"]))
    h = lib.max_pool(h, 2)
    h = lib.flatten(h)
    h = lib.relu(lib.dense(h, p["f1"], p["g1"]))
    h = lib.relu(lib.dense(h, p["f2"], p["g2"]))
    logits = lib.dense(h, p["f3"], p["g3"])
    return logits, lib.softmax(logits, axis=1)


def test_lenet_forward_reference_equals_accelerated():
    rng = np.random.default_rng(5)
    shapes = {"c1": (6, 1, 5, 5), "b1": (6,), "c2": (16, 6, 5, 5), "b2": (16,), "f1": (120, 400), "g1": (120,),
              "f2": (84, 120), "g2": (84,), "f3": (10, 84), "g3": (10,)}
    # integer-valued float64 data: every sum up to the logits is exact (|values| stay far below 2^53)
    params = {k: rng.integers(-2, 3, s).astype(np.float64) for k, s in shapes.items()}
    x = rng.integers(0, 4, (2, 1, 28, 28)).astype(np.float64)
    logits_ref, probs_ref = _lenet(reference, x, params)
    tensors = {k: torch.from_numpy(v) for k, v in params.items()}
    logits_acc, probs_acc = _lenet(accelerated, torch.from_numpy(x), tensors)
    assert logits_ref.shape == (2, 10) and probs_ref.shape == (2, 10)
    assert spec.flatten_output_shape((2, 16, 5, 5)) == (2, 400)
    np.testing.assert_array_equal(logits_ref, logits_acc.numpy())  # exact: integer sums
    # the softmax of the same logits, within the catalog's softmax tolerance model
    from convspec.conformance.case import Case
    from convspec.conformance.tolerance import compare

    case = Case("softmax", {"x": logits_ref}, {"axis": 1}, "floats")
    comparison = compare(probs_ref, probs_acc.numpy(), BY_NAME["softmax"].tolerance(case))
    assert comparison.passed, comparison.describe()
    np.testing.assert_allclose(probs_ref.sum(axis=1), 1.0, rtol=1e-12)

