"""Backward passes, checked: the reference VJPs against autograd, finite differences and the adjoint identity.

Three independent checks of ``convspec.reference.<op>_vjp`` (the gradients of
``L = sum(grad_out * <op>(*inputs))``), over the catalog's own strategies:

1. **autograd**: ``torch.autograd.grad`` through ``convspec.accelerated.<op>`` with
   ``grad_outputs=grad_out`` equals the reference VJP within a rounding-error bound derived
   per operation (:func:`gradient_tolerances`): bit for bit where every gradient is a sum
   of integer products and the data are integer-valued; ``γ_n · Σ|terms|`` otherwise.
2. **finite differences** in float64: every operation is affine in each single input
   element (multilinear, or piecewise linear for max pooling away from ties), so the
   central difference has *no* truncation error; what is left is rounding, bounded in
   :func:`finite_difference_bound`.
3. **adjoint identity** ``<J v, u> == <v, Jᵀ u>`` for the linear operations, in exact
   rational arithmetic (integer-valued ``fractions.Fraction`` arrays, which the reference
   computes with exactly), so divisions (average pooling) and interpolation weights
   (upsampling) are exact too.

And a meta-test: every planted bug in ``tests/gradient_mutants/`` is caught by check 1,
while the real reference passes the same search.
"""

from __future__ import annotations

import importlib.util
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from convspec import reference  # noqa: E402
from convspec.conformance import catalog  # noqa: E402
from convspec.conformance.case import Case  # noqa: E402
# the shared machinery: the gradient tolerance models, autograd as a VJP, the disagreement check
from convspec.conformance.gradients import (  # noqa: E402
    GRADIENT_OPS,
    autograd_vjp,
    draw_grad_out,
    reference_vjp,
    search_for_disagreement,
)
from convspec.conformance.gradients import magnitudes as _magnitudes  # noqa: E402
from convspec.conformance.gradients import style_magnitudes as _style_magnitudes  # noqa: E402
from convspec.conformance.tolerance import UNIT_ROUNDOFF, gamma  # noqa: E402
from convspec.reference.windows import resolve_padding, span  # noqa: E402
from convspec.spec import style as spec_style  # noqa: E402
from convspec.spec.activations import check_softmax_axis  # noqa: E402
from convspec.spec.conventions import check_conv_arguments  # noqa: E402

MUTANTS = Path(__file__).parent / "gradient_mutants"
MUTANT_FILES = sorted(path for path in MUTANTS.glob("*.py") if not path.name.startswith("_"))
U64 = UNIT_ROUNDOFF["float64"]

LINEAR_OPS = (
    "correlate", "convolve", "depthwise_separable", "conv_transpose", "avg_pool", "global_avg_pool",
    "max_unpool", "avg_unpool", "first_unpool", "upsample", "flatten", "dense",
)
# not affine in a single element: checked by the five-point stencil (exact up to degree 4)
POLYNOMIAL_OPS = ("gram_matrix", "content_loss", "style_loss")  # degree 2, 2 and 4 in one element
SMOOTH_OPS = ("sigmoid", "softmax")  # a sigmoid of the element: truncation bounded below


def _examples(at_most: int) -> int:
    """The profile's number of examples, capped: the reference is slow Python."""
    return min(settings.default.max_examples, at_most)


def with_arrays(case: Case, make, kind: str | None = None) -> Case:
    """The case with every floating input replaced by ``make(name, array)`` (integer inputs kept)."""
    inputs = {
        name: (a if a is None or a.dtype.kind != "f" else make(name, a)) for name, a in case.inputs.items()
    }
    return Case(case.op, inputs, case.params, kind or case.data_kind)


def distinct_values(case: Case, seed: int, spacing: float = 1.0, dtype=None) -> Case:
    """Tie-free data without NaN or infinities: a permutation of ``spacing * (0, 1, 2, ...)`` per array."""
    rng = np.random.default_rng(seed)

    def make(name, a):
        values = (rng.permutation(a.size) - a.size // 2) * spacing
        return values.reshape(a.shape).astype(dtype or a.dtype)

    return with_arrays(case, make, "integers" if spacing == 1 else "floats")


# ---------------------------------------------------------------------------
# 1. The reference VJPs against autograd


def test_every_differentiable_operation_has_a_vjp():
    names = {op.name for op in GRADIENT_OPS}
    assert {"correlate", "convolve", "depthwise_separable", "conv_transpose", "max_pool", "avg_pool",
            "global_max_pool", "global_avg_pool", "max_unpool", "avg_unpool", "first_unpool", "upsample",
            "relu", "sigmoid", "softmax", "flatten", "dense", "gram_matrix", "style_loss", "content_loss"} <= names


@pytest.mark.parametrize("op", GRADIENT_OPS, ids=lambda op: op.name)
def test_reference_vjp_matches_autograd(op):
    search_for_disagreement(op, reference_vjp(op.name), _examples(60))


def test_max_pool_ties_route_to_the_first_maximum_in_torch_too():
    """Ties: all of grad_out goes to the first maximum (torch's recorded index); overlaps add; NaN: the last NaN."""
    op = catalog.get("max_pool")
    cases = [
        ([[[1.0, 3.0, 3.0, 2.0]]], {"kernel_size": 4}, [[[0.0, 1.0, 0.0, 0.0]]]),
        ([[[1.0, 5.0, 2.0]]], {"kernel_size": 2, "stride": 1}, [[[0.0, 2.0, 0.0]]]),  # won twice: adds up
        ([[[np.nan, 1.0, np.nan, 0.0]]], {"kernel_size": 4}, [[[0.0, 0.0, 1.0, 0.0]]]),
        ([[[[2.0, 2.0], [2.0, 2.0]]]], {"kernel_size": 2}, [[[[1.0, 0.0], [0.0, 0.0]]]]),
    ]
    for x, params, expected in cases:
        x = np.array(x, dtype=np.float32)
        case = Case("max_pool", {"x": x}, params, "floats")
        grad_out = np.ones(op.output_shape(case), dtype=np.float32)
        (ours,) = reference.max_pool_vjp(grad_out, x, **params)
        (torch_grad,) = autograd_vjp(op, case, grad_out)
        np.testing.assert_array_equal(ours, np.array(expected, dtype=np.float32), err_msg=f"reference {params}")
        np.testing.assert_array_equal(torch_grad, ours, err_msg=f"accelerated {params}")


def test_global_max_pool_ties_route_to_the_first_maximum():
    """Regression: accelerated global_max_pool was torch.amax, whose backward shares a tie's gradient."""
    op = catalog.get("global_max_pool")
    x = np.array([[[1.0, 3.0, 3.0]]], dtype=np.float32)
    case = Case("global_max_pool", {"x": x}, {}, "floats")
    grad_out = np.ones((1, 1, 1), dtype=np.float32)
    np.testing.assert_array_equal(reference.global_max_pool_vjp(grad_out, x)[0], [[[0.0, 1.0, 0.0]]])
    np.testing.assert_array_equal(autograd_vjp(op, case, grad_out)[0], [[[0.0, 1.0, 0.0]]])


def test_max_unpool_duplicates_only_the_winning_write_gets_gradient():
    """Two pooled positions write cell 1; the later one (position 2) is in the output and gets its gradient."""
    op = catalog.get("max_unpool")
    x = np.array([[[10.0, 20.0, 30.0]]], dtype=np.float32)
    indices = np.array([[[1, 0, 1]]], dtype=np.int64)
    params = {"kernel_size": 2, "stride": 1, "padding": 0, "output_size": None}
    case = Case("max_unpool", {"x": x, "indices": indices}, params, "floats")
    grad_out = np.array([[[5.0, 7.0, 0.0, 0.0]]], dtype=np.float32)
    grad_x, grad_indices = reference.max_unpool_vjp(grad_out, x, indices, **params)
    np.testing.assert_array_equal(grad_x, [[[0.0, 5.0, 7.0]]])
    assert grad_indices is None
    np.testing.assert_array_equal(autograd_vjp(op, case, grad_out)[0], grad_x)


def test_relu_gradient_at_zero_nan_and_infinities_is_torchs():
    """0 at 0 and -0.0 (the subgradient torch, JAX and TF pick); grad_out passes at NaN and +inf; 0 at -inf."""
    op = catalog.get("relu")
    x = np.array([np.nan, 0.0, -0.0, np.inf, -np.inf, 1.0, -1.0], dtype=np.float32)
    grad_out = np.arange(1, 8, dtype=np.float32)
    expected = np.array([1, 0, 0, 4, 0, 6, 0], dtype=np.float32)  # by hand
    np.testing.assert_array_equal(reference.relu_vjp(grad_out, x)[0], expected)
    np.testing.assert_array_equal(autograd_vjp(op, Case("relu", {"x": x}, {}, "floats"), grad_out)[0], expected)


def test_activation_and_dense_gradients_by_hand():
    # sigmoid'(0) = 1/4; at ±inf 0; NaN stays NaN
    (grad,) = reference.sigmoid_vjp(np.array([4.0, 1.0, 1.0, 1.0]), np.array([0.0, np.inf, -np.inf, np.nan]))
    np.testing.assert_array_equal(grad, [1.0, 0.0, 0.0, np.nan])
    # softmax([0, ln 3]) = [1/4, 3/4]; grad_out [1, 0]: Σ g s = 1/4, grad = [1/4 · 3/4, 3/4 · (-1/4)]
    (grad,) = reference.softmax_vjp(np.array([1.0, 0.0]), np.array([0.0, math.log(3)]))
    np.testing.assert_allclose(grad, [3 / 16, -3 / 16], rtol=1e-15, atol=1e-16)
    # a -inf logit gets 0; along axis 0
    (grad,) = reference.softmax_vjp(np.array([[1.0], [2.0]]), np.array([[0.0], [-np.inf]]), axis=0)
    np.testing.assert_array_equal(grad, [[0.0], [0.0]])
    # a constant grad_out gives 0: the rows of the Jacobian sum to 0
    (grad,) = reference.softmax_vjp(np.full(3, 5.0), np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(grad, 0.0, atol=1e-15)
    # dense([[1, 2]], [[3, 4], [5, 6]]) with grad_out [[1, 10]]
    gx, gw, gb = reference.dense_vjp(np.array([[1.0, 10.0]]), np.array([[1.0, 2.0]]),
                                     np.array([[3.0, 4.0], [5.0, 6.0]]), np.array([0.0, 0.0]))
    np.testing.assert_array_equal(gx, [[53.0, 64.0]])  # 1·3 + 10·5, 1·4 + 10·6
    np.testing.assert_array_equal(gw, [[1.0, 2.0], [10.0, 20.0]])
    np.testing.assert_array_equal(gb, [1.0, 10.0])
    assert reference.dense_vjp(np.ones((1, 2)), np.ones((1, 2)), np.ones((2, 2)))[2] is None
    # flatten: the row-major index read backwards
    (grad,) = reference.flatten_vjp(np.array([[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]]), np.zeros((1, 2, 2, 2)))
    np.testing.assert_array_equal(grad, [[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]])


def test_style_gradients_by_hand_and_gatys_eq_6():
    # gram of one channel [1, 2] is [[5]]; its gradient 2a
    np.testing.assert_array_equal(reference.gram_matrix_vjp(np.array([[[1.0]]]), np.array([[[1.0, 2.0]]]))[0],
                                  [[[2.0, 4.0]]])
    # content: 2 (g - c), and the negative for the content
    gg, gc = reference.content_loss_vjp(np.array([1.0]), np.array([[[1.0, 2.0]]]), np.array([[[0.0, 0.0]]]))
    np.testing.assert_array_equal(gg, [[[2.0, 4.0]]])
    np.testing.assert_array_equal(gc, [[[-2.0, -4.0]]])
    # Gatys et al. eq. 6: dE/da = 1/(C^2 M^2) (G - A) a for raw grams G, A (spec.style.style_gradient_factor)
    rng = np.random.default_rng(4)
    gen, sty = rng.integers(-3, 4, (1, 3, 2, 2)).astype(np.float64), rng.integers(-3, 4, (1, 3, 2, 2)).astype(np.float64)
    factor = float(spec_style.style_gradient_factor("gatys", 3, 4))
    a = gen.reshape(3, 4)
    expected = factor * (reference.gram_matrix(gen)[0] - reference.gram_matrix(sty)[0]) @ a
    grad, _ = reference.style_loss_vjp(np.array([1.0]), gen, sty, normalization="gatys")
    np.testing.assert_allclose(grad.reshape(3, 4), expected, rtol=1e-14)
    # two layers with weights: the gradients are lists, each layer's scaled by its lambda
    grads, _ = reference.style_loss_vjp(np.array([1.0]), [gen, gen], [sty, sty], weights=[1.0, 3.0])
    np.testing.assert_allclose(grads[1], 3 * grads[0], rtol=1e-15)


# ---------------------------------------------------------------------------
# The input gradient of a correlation is a transposed convolution


@pytest.mark.parametrize("name", ["correlate", "convolve"])
def test_input_gradient_is_a_transposed_convolution(name):
    op = catalog.get(name)

    @settings(max_examples=_examples(30))
    @given(op.strategy(), st.integers(0, 2**32 - 1))
    def check(case, seed):
        rng = np.random.default_rng(seed)
        case = with_arrays(case, lambda _, a: rng.integers(-4, 5, size=a.shape).astype(np.float64), "integers")
        x, weight, bias = case.arrays()
        grad_out = draw_grad_out(op, case, seed)
        args = check_conv_arguments(name, x.shape, weight.shape, None, **case.params)
        pads = resolve_padding(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
        # the cells past the last window, which no window reaches: output_padding appends them
        leftover = tuple(
            lo + n + hi - ((o - 1) * s + span(k, d))
            for n, (lo, hi), o, s, k, d in zip(args.input_size, pads, grad_out.shape[2:], args.stride,
                                               args.kernel_size, args.dilation)
        )
        kernel = weight if name == "correlate" else weight[(slice(None), slice(None)) + (slice(None, None, -1),) * args.spatial_dims]
        transposed = reference.conv_transpose(
            grad_out, np.ascontiguousarray(kernel), stride=args.stride, padding=tuple(pads), output_padding=leftover,
            dilation=args.dilation, groups=args.groups,
        )
        grad_x = reference_vjp(name)(grad_out, *case.arrays(), **case.params)[0]
        np.testing.assert_array_equal(grad_x, transposed, err_msg=case.describe())  # integers: exact

    check()


# ---------------------------------------------------------------------------
# 2. The reference VJPs against central finite differences (float64)

FD_STEP = 2.0**-4  # a power of two: dividing by 2h is exact
FD_COORDINATES = 3  # perturbed elements per input, chosen at random


def _forward_terms(op, case: Case) -> int:
    """How many roundings one product passes through in the forward (1 for a selection or copy)."""
    tolerance = op.tolerance(case)
    return getattr(tolerance, "terms", 1)


def finite_difference_bound(terms: int, outputs: int, scale: float, magnitude: float, element: float,
                            derivative: float) -> float:
    """How far the float64 central difference may be from the exact derivative ``d``, from rounding alone.

    ``L(a) = Σ g · f(a)`` is affine in the perturbed element ``a_i`` (no truncation error),
    so ``(L(a + h) - L(a - h)) / 2h = d`` exactly in real arithmetic. In float64:

    * each ``L(a ± h)`` is a sum of ``outputs`` products ``g · f``, each ``f`` a sum of
      ``terms`` products: ``|err| <= γ_K · S`` with ``K = terms + outputs + 1`` and
      ``S = Σ|g| · f(|a| + h)`` (the forward on absolute values, every element raised by
      ``h``, bounds ``|f|`` and Σ|terms| at both points): the two together, over ``2h``,
      give ``γ_K S / h``;
    * ``a_i ± h`` is rounded: the step is ``2h (1 + ε)``, ``|ε| <= u (|a_i| + h) / h``, which
      moves the quotient by ``|d| ε``; the subtraction and the reference VJP's own float64
      sum add ``2u |d|`` and ``γ_K · Σ|terms of d|``.
    """
    k = terms + outputs + 1
    return gamma(k, U64) * (scale / FD_STEP + magnitude) + abs(derivative) * U64 * ((abs(element) + FD_STEP) / FD_STEP + 2)


def _fd_case(op, case: Case, seed: int) -> Case:
    """float64 data: general floats, or tie-free values spaced 4h apart for the max operations."""
    if op.name in ("max_pool", "global_max_pool"):
        return distinct_values(case, seed, spacing=4 * FD_STEP, dtype=np.float64)
    rng = np.random.default_rng(seed)
    if op.name == "relu":  # |x| >= 2h: the kink at 0 stays outside [x - h, x + h]
        return with_arrays(case, lambda _, a: rng.choice((-1.0, 1.0), a.shape) * rng.uniform(2 * FD_STEP, 2.0, a.shape),
                           "floats")
    return with_arrays(case, lambda _, a: rng.uniform(-2.0, 2.0, size=a.shape), "floats")


@pytest.mark.parametrize("op", [op for op in GRADIENT_OPS if op.name not in POLYNOMIAL_OPS + SMOOTH_OPS],
                         ids=lambda op: op.name)
def test_reference_vjp_matches_finite_differences(op):
    @settings(max_examples=_examples(10))
    @given(op.strategy(), st.integers(0, 2**32 - 1))
    def check(case, seed):
        case = _fd_case(op, case, seed)
        rng = np.random.default_rng(seed + 1)
        grad_out = rng.uniform(-2.0, 2.0, size=op.output_shape(case))
        gradients = reference_vjp(op.name)(grad_out, *case.arrays(), **case.params)
        magnitudes = _magnitudes(case, grad_out, absolute_data=op.name not in ("max_pool", "global_max_pool"))
        terms, outputs = _forward_terms(op, case), grad_out.size
        raised = [a if a is None or a.dtype.kind != "f" else np.abs(a) + FD_STEP for a in case.arrays()]
        scale = float(np.sum(np.abs(grad_out) * _values(op.reference(*raised, **case.params))))

        def loss(arrays):
            return float(np.sum(grad_out * _values(op.reference(*arrays, **case.params))))

        for position, (array, gradient, magnitude) in enumerate(zip(case.arrays(), gradients, magnitudes)):
            if gradient is None:
                continue
            for flat in rng.choice(array.size, size=min(FD_COORDINATES, array.size), replace=False):
                index = np.unravel_index(flat, array.shape)
                plus, minus = list(case.copies()), list(case.copies())
                plus[position][index] += FD_STEP
                minus[position][index] -= FD_STEP
                difference = (loss(plus) - loss(minus)) / (2 * FD_STEP)
                derivative = float(gradient[index])
                allowed = finite_difference_bound(terms, outputs, scale, float(magnitude[index]),
                                                  float(array[index]), derivative)
                assert abs(difference - derivative) <= allowed, (
                    f"{op.name}_vjp on {case.describe()}: d/d{list(case.inputs)[position]}{tuple(map(int, index))} "
                    f"is {derivative!r}, the central difference {difference!r} (allowed {allowed:.3g})"
                )

    check()


FD_SMOOTH_STEP = 2.0**-6  # sigmoid, softmax: truncation h^4 / 120 per unit of |B|, ~5e-10


def five_point_bound(terms: int, outputs: int, scale: float, slope: float, element: float, step: float) -> float:
    """Rounding in the five-point stencil ``(f(a-2h) - 8 f(a-h) + 8 f(a+h) - f(a+2h)) / 12h`` (float64).

    As :func:`finite_difference_bound`, with weights ``1 + 8 + 8 + 1 = 18`` over ``12h``: each
    loss within ``γ_K S`` (``S`` bounds Σ|terms| at every point: the forward's tolerance
    magnitude on the data raised by ``2h``) gives ``1.5 γ_K S / h``; each rounded point
    ``a ± kh`` is off by ``u (|a| + 2h)``, which moves ``f`` by at most ``slope`` (a bound on
    ``|f'|`` over ``[a - 2h, a + 2h]``) times that: ``1.5 slope u (|a| + 2h) / h``; the
    reference VJP's own float64 sum and the stencil's arithmetic: ``(γ_K + 4u) slope``.
    """
    k = terms + outputs + 1
    return (1.5 * gamma(k, U64) * scale / step + 1.5 * slope * U64 * (abs(element) + 2 * step) / step
            + (gamma(k, U64) + 4 * U64) * slope)


def _raised(case: Case, by: float) -> Case:
    return with_arrays(case, lambda _, a: np.abs(a) + by, "floats")


def _smooth_slopes(case: Case, grad_out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """sigmoid, softmax: ``L`` as a function of one element is ``A + B σ(x_j - c)`` (softmax: the other
    logits fixed, ``s_j = σ(x_j - ln R)`` and ``s_i = r_i (1 - s_j)`` with ``Σ_{i≠j} r_i = 1``), so
    ``|B| <= |g_j| + max_slice |g|`` (sigmoid: ``|g_j|``); ``|σ'| <= 1/4``, ``|σ^(5)| <= 1/4``: the
    stencil's truncation is at most ``h^4 |B| / 120`` and ``|L'| <= |B| / 4``. Returns ``(|B|, |B|)``-shaped arrays."""
    g = np.abs(grad_out)
    if case.op == "sigmoid":
        return g, g
    axis = check_softmax_axis("softmax", g.shape, case.params.get("axis", -1))
    b = g + np.max(g, axis=axis, keepdims=True)
    return b, b


@pytest.mark.parametrize("op", [op for op in GRADIENT_OPS if op.name in POLYNOMIAL_OPS + SMOOTH_OPS],
                         ids=lambda op: op.name)
def test_reference_vjp_matches_five_point_differences(op):
    """The non-affine operations: the five-point stencil is exact for polynomials of degree <= 4
    (a gram entry and the content loss are quadratic in one element, the style loss quartic);
    for sigmoid and softmax its truncation ``h^4 |f^(5)| / 30`` is bounded (:func:`_smooth_slopes`)."""
    smooth = op.name in SMOOTH_OPS
    step = FD_SMOOTH_STEP if smooth else FD_STEP

    @settings(max_examples=_examples(10))
    @given(op.strategy(), st.integers(0, 2**32 - 1))
    def check(case, seed):
        rng = np.random.default_rng(seed)
        case = with_arrays(case, lambda _, a: rng.uniform(-2.0, 2.0, size=a.shape), "floats")
        grad_out = rng.uniform(-2.0, 2.0, size=op.output_shape(case))
        gradients = reference_vjp(op.name)(grad_out, *case.arrays(), **case.params)
        raised = _raised(case, 2 * step)
        if smooth:  # every output in [0, 1]
            scale = float(np.sum(np.abs(grad_out)))
            terms = _forward_terms(op, raised)
            b, _ = _smooth_slopes(case, grad_out)
            slopes = [b / 4]
            truncations = [step**4 * b / 120]
        else:
            tolerance = op.tolerance(raised)
            magnitude = tolerance.magnitude
            scale = float(np.sum(np.abs(grad_out) * magnitude))
            terms = tolerance.terms
            slopes = list(_style_magnitudes(raised, grad_out))
            truncations = [np.zeros(a.shape) for a in case.arrays()]

        def loss(arrays):
            return float(np.sum(grad_out * op.reference(*arrays, **case.params)))

        for position, (array, gradient) in enumerate(zip(case.arrays(), gradients)):
            for flat in rng.choice(array.size, size=min(FD_COORDINATES, array.size), replace=False):
                index = np.unravel_index(flat, array.shape)
                values = []
                for k in (-2, -1, 1, 2):
                    arrays = case.copies()
                    arrays[position][index] += k * step
                    values.append(loss(arrays))
                difference = (values[0] - 8 * values[1] + 8 * values[2] - values[3]) / (12 * step)
                derivative = float(gradient[index])
                allowed = five_point_bound(terms, grad_out.size, scale, float(slopes[position][index]),
                                           float(array[index]), step) + float(truncations[position][index])
                assert abs(difference - derivative) <= allowed, (
                    f"{op.name}_vjp on {case.describe()}: d/d{list(case.inputs)[position]}{tuple(map(int, index))} "
                    f"is {derivative!r}, the five-point difference {difference!r} (allowed {allowed:.3g})"
                )

    check()


def _values(result):
    return result[0] if isinstance(result, tuple) else result


# ---------------------------------------------------------------------------
# 3. The adjoint identity <J v, u> == <v, Jᵀ u>, exactly


def _fractions(case: Case, seed: int) -> Case:
    """Integer-valued ``Fraction`` object arrays: the reference then computes exactly (divisions and weights too)."""
    rng = np.random.default_rng(seed)

    def make(_, a):
        values = rng.integers(-4, 5, size=a.shape)
        return np.vectorize(Fraction, otypes=[object])(values) if values.size else values.astype(object)

    return with_arrays(case, make, "integers")


def _dot(a, b) -> Fraction:
    return sum((Fraction(p) * Fraction(q) for p, q in zip(np.ravel(a), np.ravel(b))), Fraction(0))


@pytest.mark.parametrize("op", [op for op in GRADIENT_OPS if op.name in LINEAR_OPS], ids=lambda op: op.name)
def test_adjoint_identity(op):
    """For each argument the operation is linear in (the others fixed, bias dropped): <J v, u> == <v, Jᵀ u>."""

    @settings(max_examples=_examples(15))
    @given(op.strategy(), st.integers(0, 2**32 - 1))
    def check(case, seed):
        case = _fractions(case, seed)
        names = list(case.inputs)
        arrays = case.arrays()
        if "bias" in case.inputs:
            arrays[names.index("bias")] = None  # an affine term: J does not see it
        shape = op.output_shape(case)
        u = _fractions(Case(case.op, {"u": np.zeros(shape)}, {}, "floats"), seed + 1).inputs["u"]
        adjoint = reference_vjp(op.name)(u, *arrays, **case.params)
        for position, (array, gradient) in enumerate(zip(arrays, adjoint)):
            if array is None or gradient is None:
                continue
            forward = op.reference(*arrays, **case.params)  # arrays[position] plays v: linear in it
            assert _dot(_values(forward), u) == _dot(array, gradient), (
                f"{op.name}: <J v, u> != <v, J^T u> for {names[position]} on {case.describe()}"
            )

    check()


# ---------------------------------------------------------------------------
# Planted bugs: the checker catches every gradient mutant


def _mutant(path: Path):
    spec = importlib.util.spec_from_file_location(f"convspec_gradient_mutant_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_there_are_at_least_twenty_five_gradient_mutants():
    assert len(MUTANT_FILES) >= 25, [path.name for path in MUTANT_FILES]


MUTANT_EXAMPLES = 100  # per mutant; a mutant may ask for more with EXAMPLES (the search stops at the first catch)


@pytest.mark.parametrize("path", MUTANT_FILES, ids=lambda path: path.stem)
def test_gradient_mutant_is_caught(path):
    module = _mutant(path)
    assert (module.__doc__ or "").strip() and module.PLANTED_BUG.strip(), f"{path.name}: say what is wrong"
    op = catalog.get(module.OP)
    candidate = getattr(module, f"{module.OP}_vjp")
    with pytest.raises(AssertionError, match="differs from autograd"):
        search_for_disagreement(op, candidate, getattr(module, "EXAMPLES", MUTANT_EXAMPLES), shrink=False)
