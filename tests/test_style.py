"""Style transfer: gram_matrix, style_loss, content_loss.

1. the spec: doctests; seed 004's constant is Gatys's; the conversion factors between normalisations;
2. literal examples in both implementations; per-image grams (images never mixed); several layers
   with weights; the PyTorch tutorial's numbers from convspec's;
3. gradients w.r.t. the generated features: accelerated autograd against the closed forms
   ``4 c^2 (G - A) a`` and ``2 (g - c)``;
4. dtypes; bad input gives the same error from both; inputs never modified.
"""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import sympy
import torch
import torch.nn.functional as F

from convspec import accelerated, reference
from convspec.conformance.families.style import examples as examples_style
from convspec.conformance.catalog import BY_NAME
from convspec.spec import style as spec

IMPLEMENTATIONS = ("reference", "accelerated")


def _t(a):
    return [torch.from_numpy(np.array(v)) for v in a] if isinstance(a, list) else torch.from_numpy(np.array(a))


def run(implementation, op, *arrays, **params):
    if implementation == "reference":
        return getattr(reference, op)(*arrays, **params)
    return getattr(accelerated, op)(*map(_t, arrays), **params).numpy()


# 1. The spec --------------------------------------------------------------------------


def test_spec_doctests():
    assert doctest.testmod(spec).failed == 0


def test_seed_004_constant_is_gatys_and_the_conversions():
    assert spec.seed_004_is_gatys()
    assert spec.gram_scale("seed_004") == spec.gram_scale("gatys")
    assert spec.conversion_factor("gatys", "per_element") == 4
    assert spec.conversion_factor("per_element", "gatys") == sympy.Rational(1, 4)
    assert spec.conversion_factor("none", "per_element") == 1 / (spec.C**2 * spec.M**2)
    # style_loss_constant(gatys) is Gatys's 1/(4 N^2 M^2) with N = C
    assert sympy.simplify(spec.style_loss_constant("gatys") - 1 / (4 * spec.C**2 * spec.M**2)) == 0


def test_gradient_factor_is_the_derivative_of_the_loss():
    """d/da of c^2 sum (a a^T - A)^2 is 4 c^2 (a a^T - A) a, for a symbolic 2x2 feature map."""
    a = sympy.Matrix(2, 2, sympy.symbols("a0:4", real=True))
    target = sympy.Matrix(2, 2, sympy.symbols("t0 t1 t1 t3", real=True))  # a gram is symmetric
    c = sympy.Symbol("c", positive=True)
    loss = c**2 * sum(e**2 for e in (a * a.T - target))
    closed = 4 * c**2 * (a * a.T - target) * a
    for i in range(2):
        for p in range(2):
            assert sympy.expand(sympy.diff(loss, a[i, p]) - closed[i, p]) == 0


# 2. Examples and rules ----------------------------------------------------------------


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("op", ("gram_matrix", "style_loss", "content_loss"))
def test_worked_examples(op, implementation):
    for example in BY_NAME[op].examples:
        got = run(implementation, op, *example.inputs.values(), **example.params)
        np.testing.assert_array_equal(got, example.expected, err_msg=example.title)  # short binary fractions: exact


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_grams_are_per_image(implementation):
    rng = np.random.default_rng(0)
    x = rng.integers(-3, 4, (3, 2, 4, 5)).astype(np.float32)
    batch = run(implementation, "gram_matrix", x)
    for b in range(3):
        np.testing.assert_array_equal(batch[b], run(implementation, "gram_matrix", x[b: b + 1])[0])
        f = x[b].reshape(2, -1)
        np.testing.assert_array_equal(batch[b], f @ f.T)


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_several_layers_with_weights_and_a_style_batch_of_one(implementation):
    layer1, style1 = examples_style.FEATURES, examples_style.STYLE  # 223 unnormalised
    layer2 = np.ones((1, 1, 3), dtype=np.float32)  # gram [[3]]
    style2 = np.zeros((1, 1, 3), dtype=np.float32)  # gram [[0]]: (3 - 0)^2 = 9
    got = run(implementation, "style_loss", [layer1, layer2], [style1, style2], weights=[2.0, 0.5], normalization="none")
    np.testing.assert_array_equal(got, np.array([2 * 223 + 0.5 * 9], dtype=np.float32))
    two = np.concatenate([layer1, style1])  # two generated images against one style image
    got = run(implementation, "style_loss", two, style1, normalization="none")
    np.testing.assert_array_equal(got, np.array([223, 0], dtype=np.float32))


def test_pytorch_tutorial_numbers_from_convspec():
    """The tutorial: G = f f^T / (a b c d), loss = F.mse_loss(G, A) and content F.mse_loss(g, c)."""
    rng = np.random.default_rng(1)
    g = rng.uniform(-1, 1, (1, 3, 4, 4))
    s = rng.uniform(-1, 1, (1, 3, 4, 4))

    def tutorial_gram(x):
        a, b, c, d = x.shape
        f = x.view(a * b, c * d)
        return f @ f.t() / (a * b * c * d)

    tg, ts = torch.from_numpy(g), torch.from_numpy(s)
    tutorial = F.mse_loss(tutorial_gram(tg), tutorial_gram(ts)).item()
    ours = reference.style_loss(g, s, normalization="per_element")[0] * float(spec.tutorial_style_loss_factor(3))
    assert ours == pytest.approx(tutorial, rel=1e-12)
    content = F.mse_loss(tg, ts).item()
    assert reference.content_loss(g, s)[0] * float(spec.content_loss_constants(3, 16)["pytorch_tutorial"]) == pytest.approx(content, rel=1e-12)


# 3. Gradients -------------------------------------------------------------------------


@pytest.mark.parametrize("normalization", spec.NORMALIZATIONS)
def test_style_loss_gradient_is_the_closed_form(normalization):
    rng = np.random.default_rng(2)
    g = torch.from_numpy(rng.uniform(-1, 1, (2, 3, 4, 5))).requires_grad_()
    s = torch.from_numpy(rng.uniform(-1, 1, (1, 3, 4, 5)))
    (grad,) = torch.autograd.grad(accelerated.style_loss(g, s, normalization=normalization).sum(), g)
    c = float(spec.gram_scale(normalization, 3, 20))
    a = g.detach().reshape(2, 3, 20)
    raw_g = a @ a.transpose(1, 2)
    raw_s = (s.reshape(1, 3, 20) @ s.reshape(1, 3, 20).transpose(1, 2))
    factor = float(spec.style_gradient_factor(normalization, 3, 20))
    assert factor == pytest.approx(4 * c**2)
    closed = factor * (raw_g - raw_s) @ a
    torch.testing.assert_close(grad, closed.reshape(g.shape), rtol=1e-12, atol=1e-14)


def test_content_loss_gradient_is_twice_the_difference():
    rng = np.random.default_rng(3)
    g = torch.from_numpy(rng.uniform(-1, 1, (2, 3, 4))).requires_grad_()
    c = torch.from_numpy(rng.uniform(-1, 1, (2, 3, 4)))
    (grad,) = torch.autograd.grad(accelerated.content_loss(g, c).sum(), g)
    torch.testing.assert_close(grad, 2 * (g.detach() - c))


# 4. dtypes, bad input, inputs untouched -------------------------------------------------


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
def test_dtypes(dtype):
    x = torch.from_numpy(examples_style.FEATURES).to(dtype)
    assert accelerated.gram_matrix(x, normalization="gatys").dtype == dtype
    assert accelerated.style_loss(x, x).dtype == dtype and accelerated.style_loss(x, x).shape == (1,)
    assert accelerated.content_loss(x, x).dtype == dtype
    assert float(accelerated.style_loss(x, torch.from_numpy(examples_style.STYLE).to(dtype), normalization="none")) == 223


_X = np.zeros((1, 2, 3), dtype=np.float32)
BAD = [
    ("gram_matrix", (np.zeros((2, 3), dtype=np.float32),), {}, ValueError, "features must have shape (N, C, *spatial)"),
    ("gram_matrix", (_X,), {"normalization": "gram"}, ValueError, "normalization must be one of"),
    ("gram_matrix", (_X.astype(np.int32),), {}, TypeError, "floating-point"),
    ("style_loss", (_X, np.zeros((1, 3, 3), dtype=np.float32)), {}, ValueError, "style has shape (1, 3, 3) but generated has (1, 2, 3)"),
    ("style_loss", (_X, _X.astype(np.float64)), {}, TypeError, "style has dtype float64"),
    ("style_loss", ([_X, _X], [_X]), {}, ValueError, "generated has 2 layers but style has 1"),
    ("style_loss", ([_X], [_X]), {"weights": [1.0, 2.0]}, ValueError, "weights has 2 entries for 1 layers"),
    ("style_loss", ([_X], [_X]), {"weights": ["a"]}, TypeError, "weights must be None"),
    ("style_loss", ([_X], _X), {}, TypeError, "both be arrays"),
    ("content_loss", (_X, np.zeros((2, 2, 3), dtype=np.float32)), {}, ValueError, "content has shape (2, 2, 3)"),
]


@pytest.mark.parametrize("op, arrays, params, error, words", BAD, ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD)])
def test_bad_input_gives_the_same_error_from_both(op, arrays, params, error, words):
    messages = []
    for implementation in IMPLEMENTATIONS:
        with pytest.raises(error) as caught:
            run(implementation, op, *arrays, **params)
        messages.append(str(caught.value))
    assert words in messages[0], messages[0]
    assert messages[0] == messages[1], messages
    assert messages[0].startswith(op + ":")


def test_inputs_are_never_modified():
    rng = np.random.default_rng(4)
    g = rng.uniform(-1, 1, (2, 3, 4)).astype(np.float32)
    s = rng.uniform(-1, 1, (1, 3, 4)).astype(np.float32)
    before = g.copy(), s.copy()
    for implementation in IMPLEMENTATIONS:
        run(implementation, "gram_matrix", g, normalization="gatys")
        run(implementation, "style_loss", [g, g], [s, s], weights=[1.0, 3.0])
        run(implementation, "content_loss", g, s)
    np.testing.assert_array_equal(g, before[0])
    np.testing.assert_array_equal(s, before[1])
