"""Classic filters: Sobel, sharpen, seed 002's curve detector, Gabor kernels.

1. the spec: doctests, the Sobel kernels' separability and antisymmetry under the flip, the Gabor formula;
2. kernel constructors, directly: the same numbers from spec, reference and accelerated;
3. convolution vs correlation: Sobel G_x flips sign under correlate; the symmetric sharpen kernel does not;
4. seed 002's worked examples: sharpen 320 (the correlate example's kernel), the curve detector's 6600 and 0;
5. sobel's worked examples in both implementations, dtypes, autograd;
6. bad input: the same error from both; inputs never modified.
"""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
import sympy
import torch

from convspec import accelerated, reference
from convspec.conformance.families.conv import examples as examples_conv
from convspec.conformance.catalog import BY_NAME
from convspec.conformance.tolerance import compare
from convspec.conformance.case import Case
from convspec.spec import filters as spec

IMPLEMENTATIONS = ("reference", "accelerated")


def run(implementation: str, op: str, *arrays, **params):
    if implementation == "reference":
        return getattr(reference, op)(*arrays, **params)
    tensors = [torch.from_numpy(np.array(a)) for a in arrays]
    return getattr(accelerated, op)(*tensors, **params).numpy()


# 1. the spec ---------------------------------------------------------------------------


def test_spec_doctests():
    assert doctest.testmod(spec).failed == 0


def test_sobel_kernels_are_separable_and_antisymmetric_under_the_flip():
    smooth, difference = spec.sobel_separable_factors()
    assert smooth * difference == spec.sobel_x_kernel()
    assert (smooth * difference).T == spec.sobel_y_kernel()
    assert spec.sobel_x_kernel().rank() == 1
    assert spec.flip(spec.sobel_x_kernel()) == -spec.sobel_x_kernel()
    assert spec.sobel_correlation_sign() == -1
    assert spec.flip(spec.sharpen_kernel()) == spec.sharpen_kernel()
    assert spec.flip(spec.curve_kernel()) != spec.curve_kernel()  # so the curve detector's mode matters


def test_gabor_formula_is_seed_004s():
    x, y = spec.x, spec.y
    G = spec.gabor()
    xt = (x - spec.x0) * sympy.cos(spec.theta) + (y - spec.y0) * sympy.sin(spec.theta)
    yt = -(x - spec.x0) * sympy.sin(spec.theta) + (y - spec.y0) * sympy.cos(spec.theta)
    seed = spec.A * sympy.exp(-spec.alpha * xt**2 - spec.beta * yt**2) * sympy.sin(spec.omega * xt + spec.phi)
    assert sympy.simplify(G - seed) == 0
    # theta = 0: x~ = x - x0, y~ = y - y0; the envelope is 1 at the centre and the sine's phase is phi
    assert sympy.simplify(spec.gabor(spec.x0, spec.y0) - spec.A * sympy.sin(spec.phi)) == 0
    # turning by pi swaps the sign of x~ and y~: G(theta + pi) with phi = 0 is -G(theta)
    assert sympy.simplify(spec.gabor(phi=0, theta=spec.theta + sympy.pi) + spec.gabor(phi=0)) == 0


# 2. kernel constructors ----------------------------------------------------------------


def test_kernel_constructors_agree_across_layers():
    for name, matrix in (("sharpen_kernel", spec.sharpen_kernel()), ("curve_kernel", spec.curve_kernel())):
        ref, acc = getattr(reference, name)(), getattr(accelerated, name)()
        np.testing.assert_array_equal(ref, np.array(matrix.tolist(), dtype=np.float64))
        np.testing.assert_array_equal(ref, acc.numpy())
        assert ref.dtype == np.float64 and acc.dtype == torch.float64
    (kx, ky), (tx, ty) = reference.sobel_kernels(), accelerated.sobel_kernels()
    np.testing.assert_array_equal(kx, [[1, 0, -1], [2, 0, -2], [1, 0, -1]])  # seed 002, as printed
    np.testing.assert_array_equal(ky, [[1, 2, 1], [0, 0, 0], [-1, -2, -1]])
    np.testing.assert_array_equal(kx, tx.numpy())
    np.testing.assert_array_equal(ky, ty.numpy())


def test_sharpen_kernel_is_the_seed_002_correlate_examples_kernel():
    np.testing.assert_array_equal(reference.sharpen_kernel(), examples_conv.SHARPEN_KERNEL[0, 0])


def test_curve_kernel_is_seed_002s_pixel_representation():
    expected = np.zeros((7, 7))
    for i, j in [(0, 5), (1, 4), (2, 3), (3, 3), (4, 3), (5, 3)]:
        expected[i, j] = 30
    np.testing.assert_array_equal(reference.curve_kernel(), expected)


GABOR_PARAMETERS = [
    dict(size=5, alpha=0.1, beta=0.2, omega=1.3, phi=0.4, theta=0.7),
    dict(size=(3, 6), A=2.5, alpha=0.0, beta=0.5, omega=0.5, theta=-1.0, x0=1.0, y0=0.5),
    dict(size=1, alpha=1.0, beta=1.0, omega=2.0, phi=math.pi / 2),
]


@pytest.mark.parametrize("params", GABOR_PARAMETERS)
def test_gabor_kernel_evaluates_the_spec_formula(params):
    params = dict(params)
    size = params.pop("size")
    ref = reference.gabor_kernel(size, **params)
    acc = accelerated.gabor_kernel(size, **params).numpy()
    rows, cols = (size, size) if isinstance(size, int) else size
    assert ref.shape == acc.shape == (rows, cols)
    full = {"A": 1.0, "phi": 0.0, "theta": 0.0, "x0": (cols - 1) / 2, "y0": (rows - 1) / 2, **params}
    for i in range(rows):
        for j in range(cols):
            exact = spec.gabor(j, i, **{k: sympy.nsimplify(v) if k != "A" else v for k, v in full.items()})
            assert math.isclose(ref[i, j], float(exact), rel_tol=1e-12, abs_tol=1e-14)
    np.testing.assert_allclose(acc, ref, rtol=1e-12, atol=1e-14)


def test_gabor_kernel_by_hand():
    # alpha = beta = 0 (no envelope), omega = pi/2, theta = 0: sin(pi/2 (j - 1)) per column
    np.testing.assert_allclose(reference.gabor_kernel(3, alpha=0, beta=0, omega=math.pi / 2), [[-1, 0, 1]] * 3, atol=1e-15)
    # theta = pi/2 turns x~ onto the rows (downwards): sin(pi/2 (i - 1)) per row
    turned = reference.gabor_kernel(3, alpha=0, beta=0, omega=math.pi / 2, theta=math.pi / 2)
    np.testing.assert_allclose(turned, [[-1] * 3, [0] * 3, [1] * 3], atol=1e-15)
    # the envelope: phi = pi/2, omega = 0, alpha = ln 2: exp(-ln2 (j-1)^2) = 1/2 off centre in a row
    env = reference.gabor_kernel((1, 3), alpha=math.log(2), beta=0, omega=0, phi=math.pi / 2)
    np.testing.assert_allclose(env, [[0.5, 1, 0.5]], rtol=1e-15)


# 3. convolution vs correlation -----------------------------------------------------------


def test_sobel_is_a_convolution_and_correlating_flips_the_sign():
    rng = np.random.default_rng(3)
    x = rng.integers(-4, 5, (2, 1, 6, 7)).astype(np.float64)
    kx, ky = reference.sobel_kernels()
    out = reference.sobel(x)
    np.testing.assert_array_equal(out[:, 0:1], reference.convolve(x, kx[None, None]))
    np.testing.assert_array_equal(out[:, 1:2], reference.convolve(x, ky[None, None]))
    np.testing.assert_array_equal(reference.correlate(x, kx[None, None]), -out[:, 0:1])
    np.testing.assert_array_equal(reference.correlate(x, ky[None, None]), -out[:, 1:2])
    sharpen = reference.sharpen_kernel()[None, None]
    np.testing.assert_array_equal(reference.correlate(x, sharpen), reference.convolve(x, sharpen))
    # a ramp brighter to the right: G_x > 0 by convolution
    ramp = np.tile(np.arange(5.0), (1, 1, 4, 1))
    assert (reference.sobel(ramp)[:, 0] == 8).all() and (reference.sobel(ramp)[:, 1] == 0).all()


# 4. seed 002's worked examples ----------------------------------------------------------------

SEED_IMAGE_5x5 = np.array(
    [[105, 102, 100, 97, 96], [103, 99, 103, 101, 102], [101, 98, 104, 102, 100], [99, 101, 106, 104, 99], [104, 104, 104, 100, 98]],
    dtype=np.float32,
)[None, None]


_SHARPEN_EXAMPLE = next(e for e in examples_conv.CORRELATE_EXAMPLES if "320" in e.title)


def test_seed_002_sharpen_320_with_padding_1():
    """The seed's image matrix is the 5x5 image with its zero border (padding 1); the first output is 320."""
    sharpen = reference.sharpen_kernel().astype(np.float32)[None, None]
    for fn in (reference.correlate, reference.convolve):
        out = fn(SEED_IMAGE_5x5, sharpen, padding=1)
        assert out[0, 0, 0, 0] == 320
        np.testing.assert_array_equal(out[0, 0, :4, :4], _SHARPEN_EXAMPLE.expected[0, 0])


RECEPTIVE_FIELD_EDGE = np.array(
    [[0, 0, 0, 0, 0, 0, 30], [0, 0, 0, 0, 50, 50, 50], [0, 0, 0, 20, 50, 0, 0]] + [[0, 0, 0, 50, 50, 0, 0]] * 4,
    dtype=np.float64,
)[None, None]
RECEPTIVE_FIELD_NO_EDGE = np.array(
    [[0] * 7, [0, 40, 0, 0, 0, 0, 0], [40, 0, 40, 0, 0, 0, 0], [40, 20, 0, 0, 0, 0, 0], [0, 50, 0, 0, 0, 0, 0],
     [0, 0, 50, 0, 0, 0, 0], [25, 25, 0, 50, 0, 0, 0]],
    dtype=np.float64,
)[None, None]


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_seed_002_curve_detector_6600_and_0_by_correlation(implementation):
    curve = reference.curve_kernel()[None, None]
    assert run(implementation, "correlate", RECEPTIVE_FIELD_EDGE, curve)[0, 0, 0, 0] == 6600
    assert run(implementation, "correlate", RECEPTIVE_FIELD_NO_EDGE, curve)[0, 0, 0, 0] == 0
    # as a convolution the kernel is flipped and the edge is missed
    assert run(implementation, "convolve", RECEPTIVE_FIELD_EDGE, curve)[0, 0, 0, 0] != 6600
    # seed 002 reprints the filter over the no-edge field with an 8th row and a 30 at (6, 3); with that
    # misprint the sum would be 50 * 30 = 1500, not the 0 it states
    misprinted = np.zeros((1, 1, 8, 7))
    misprinted[0, 0, :7] = curve[0, 0]
    misprinted[0, 0, 6, 3] = 30
    field = np.zeros((1, 1, 8, 7))
    field[0, 0, :7] = RECEPTIVE_FIELD_NO_EDGE[0, 0]
    assert run(implementation, "correlate", field, misprinted)[0, 0, 0, 0] == 1500


# 5. sobel -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_sobel_worked_examples(implementation):
    for example in BY_NAME["sobel"].examples:
        got = run(implementation, "sobel", *example.inputs.values(), **example.params)
        assert got.dtype == example.expected.dtype, example.title
        eps = np.finfo(got.dtype).eps
        np.testing.assert_allclose(got, example.expected, rtol=4 * eps, atol=4 * eps, err_msg=example.title)


@pytest.mark.parametrize("padding", ["valid", "same", "full", 1, ((2, 0), (0, 1))])
def test_sobel_shape_is_the_spec_closed_form(padding):
    x = np.ones((2, 1, 4, 5), dtype=np.float32)
    assert reference.sobel(x, padding=padding).shape == spec.sobel_output_shape(x.shape, padding)
    assert accelerated.sobel(torch.from_numpy(x), padding=padding).shape == spec.sobel_output_shape(x.shape, padding)


def test_sobel_symbolic():
    x = np.array(sympy.symbols("a0:9"), dtype=object).reshape(1, 1, 3, 3)
    out = reference.sobel(x)
    a = sympy.symbols("a0:9")
    assert sympy.expand(out[0, 0, 0, 0] - ((a[2] + 2 * a[5] + a[8]) - (a[0] + 2 * a[3] + a[6]))) == 0
    assert sympy.expand(out[0, 2, 0, 0] ** 2 - out[0, 0, 0, 0] ** 2 - out[0, 1, 0, 0] ** 2) == 0


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
def test_sobel_dtypes(dtype):
    rng = np.random.default_rng(4)
    x = rng.integers(-4, 5, (1, 1, 5, 6)).astype(np.float64)
    out = accelerated.sobel(torch.from_numpy(x).to(dtype), padding="same")
    assert out.dtype == dtype and out.shape == (1, 3, 5, 6)
    ref = reference.sobel(x, padding="same")
    np.testing.assert_array_equal(out[:, :2].double().numpy(), ref[:, :2])  # small integer sums are exact
    if dtype != torch.bfloat16:  # bfloat16 is torch-only: compare against the float64 result under the model
        return
    case = Case("sobel", {"x": x.astype(np.float32)}, {"padding": "same"}, "integers")
    model = BY_NAME["sobel"].tolerance(case)
    from convspec.conformance.tolerance import Derived, UNIT_ROUNDOFF

    scale = UNIT_ROUNDOFF["bfloat16"] / UNIT_ROUNDOFF["float32"]
    comparison = compare(ref, out.double().numpy(), Derived(model.bound() * scale))
    assert comparison.passed, comparison.describe()


def test_sobel_autograd_is_the_adjoint():
    x = torch.randn(1, 1, 5, 5, dtype=torch.float64, requires_grad=True)
    out = accelerated.sobel(x)
    g = torch.randn_like(out[:, :2])
    (grad,) = torch.autograd.grad((out[:, :2] * g).sum(), x)
    kx, ky = accelerated.sobel_kernels()
    weight = torch.stack([kx, ky])[:, None]
    expected = torch.nn.functional.conv_transpose2d(g, torch.flip(weight, (2, 3)))
    torch.testing.assert_close(grad, expected)
    assert torch.autograd.gradcheck(lambda t: accelerated.sobel(t, padding=1), ((torch.rand(1, 1, 4, 4, dtype=torch.float64) + 1).requires_grad_(),))


# 6. bad input ---------------------------------------------------------------------------------------

BAD_CALLS = [
    ("sobel", (np.zeros((1, 2, 4, 4), dtype=np.float32),), {}, ValueError, "(N, 1, H, W)"),
    ("sobel", (np.zeros((1, 1, 4), dtype=np.float32),), {}, ValueError, "(N, 1, H, W)"),
    ("sobel", (np.zeros((1, 1, 2, 4), dtype=np.float32),), {}, ValueError, "kernel does not fit"),
    ("sobel", (np.zeros((1, 1, 4, 4), dtype=np.float32),), {"padding": "mirror"}, ValueError, "padding must be"),
    ("sobel", (np.zeros((1, 1, 4, 4), dtype=np.float32),), {"padding": -1}, ValueError, ">= 0"),
    ("sobel", (np.zeros((1, 1, 4, 4), dtype=np.int32),), {}, TypeError, "floating-point"),
]


@pytest.mark.parametrize("op, arrays, params, error, words", BAD_CALLS, ids=[c[4] for c in BAD_CALLS])
def test_bad_input_gives_the_same_error_from_both(op, arrays, params, error, words):
    messages = []
    for implementation in IMPLEMENTATIONS:
        with pytest.raises(error) as caught:
            run(implementation, op, *arrays, **params)
        messages.append(str(caught.value))
    assert words in messages[0], messages[0]
    assert messages[0] == messages[1].replace("torch.", ""), messages
    assert messages[0].startswith(op + ":")


GABOR_BAD = [
    (dict(size=0, alpha=1, beta=1, omega=1), ValueError, "size must be positive"),
    (dict(size=(2, 3, 4), alpha=1, beta=1, omega=1), ValueError, "(rows, cols)"),
    (dict(size=2.5, alpha=1, beta=1, omega=1), TypeError, "size must be an int"),
    (dict(size=3, alpha=-1, beta=1, omega=1), ValueError, "alpha is a decay rate"),
    (dict(size=3, alpha=1, beta=1, omega="1"), TypeError, "omega must be a real number"),
    (dict(size=3, alpha=1, beta=1, omega=math.inf), ValueError, "omega must be finite"),
    (dict(size=3, alpha=1, beta=1, omega=1, theta=True), TypeError, "theta must be a real number"),
]


@pytest.mark.parametrize("params, error, words", GABOR_BAD, ids=[c[2] for c in GABOR_BAD])
def test_gabor_bad_arguments_same_error_from_both(params, error, words):
    params = dict(params)
    size = params.pop("size")
    messages = []
    for module in (reference, accelerated):
        with pytest.raises(error) as caught:
            module.gabor_kernel(size, **params)
        messages.append(str(caught.value))
    assert words in messages[0] and messages[0] == messages[1] and messages[0].startswith("gabor_kernel:")


def test_inputs_are_never_modified():
    x = np.random.default_rng(5).uniform(-2, 2, (1, 1, 5, 5)).astype(np.float32)
    before = x.copy()
    reference.sobel(x, padding="same")
    t = torch.from_numpy(x)
    accelerated.sobel(t, padding="same").add_(1)
    np.testing.assert_array_equal(x, before)
