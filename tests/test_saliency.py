"""Seed 004's techniques on a tiny network: reference (chained VJPs) against accelerated (torch.autograd).

* Integer-valued images and weights make every forward and backward value of the tiny
  network a dyadic rational that float32 holds exactly (the only division is the global
  average over 4 x 4 = 16 positions, a power of two; steps and ``l2`` are powers of two):
  Grad-CAM maps, input gradients and class-score steps are compared **bit for bit**.
* FGSM's gradient goes through a softmax: compared within a derived bound, and the sign
  wherever ``|gradient|`` exceeds that bound (``sign`` is discontinuous at 0; a pixel with
  no path to the loss has gradient exactly 0 in both and is not moved).
* DeepDream divides by ``mean |g|``: a derived bound on four roundings.
* Golden checks on a hand-computed case: one channel, a 4 x 4 image, one 2 x 2 filter.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from convspec.accelerated import saliency as fast  # noqa: E402
from convspec.conformance import catalog  # noqa: E402
from convspec.conformance.case import Case  # noqa: E402
from convspec.conformance.tolerance import SMALLEST_SUBNORMAL, UNIT_ROUNDOFF, gamma  # noqa: E402
from convspec.reference import saliency as slow  # noqa: E402
from convspec.spec.saliency import TINY_NET, TINY_NET_WEIGHTS, last_conv_activation  # noqa: E402

U32 = UNIT_ROUNDOFF["float32"]
U64 = UNIT_ROUNDOFF["float64"]
ETA32 = SMALLEST_SUBNORMAL["float32"]


def _examples(at_most: int) -> int:
    return min(settings.default.max_examples, at_most)


@st.composite
def problems(draw):
    """Integer images ``(N, 1, 8, 8)`` in [-2, 2] (sometimes [0, 3]), integer weights in [-2, 2] (sometimes the fixed ones)."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    batch = draw(st.integers(1, 2))
    low, high = draw(st.sampled_from(((-2, 2), (0, 3))))
    x = rng.integers(low, high + 1, size=(batch, 1, 8, 8)).astype(np.float32)
    if draw(st.booleans()):
        weights = slow.tiny_net_weights("float32")
    else:
        weights = {name: rng.integers(-2, 3, size=np.shape(values)).astype(np.float32)
                   for name, values in TINY_NET_WEIGHTS.items()}
    target = [int(c) for c in rng.integers(0, 3, size=batch)]
    return x, weights, target


def _torch(x, weights):
    return torch.from_numpy(x.copy()), {name: torch.from_numpy(w.copy()) for name, w in weights.items()}


def _where(x, weights, target):
    return f"x = np.array({x.tolist()!r}, dtype=np.float32)\nweights = {{{', '.join(f'{k!r}: np.array({v.tolist()!r})' for k, v in weights.items())}}}\ntarget = {target!r}"


# ---------------------------------------------------------------------------
# Bit for bit on integer-valued data


def test_forward_and_grad_cam_agree_bit_for_bit():
    @settings(max_examples=_examples(12), deadline=None)
    @given(problems(), st.booleans())
    def check(problem, pre_activation):
        x, weights, target = problem
        tx, tw = _torch(x, weights)
        np.testing.assert_array_equal(fast.forward(tx, tw).numpy(), slow.forward(x, weights), err_msg=_where(*problem))
        layer = last_conv_activation() - 1 if pre_activation else None  # the conv's output: seed 004's reading
        ours = slow.grad_cam(x, target, weights, layer=layer, relu=not pre_activation)
        theirs = fast.grad_cam(tx, target, tw, layer=layer, relu=not pre_activation).numpy()
        assert ours.shape == (x.shape[0], 4, 4) and ours.dtype == np.float32
        np.testing.assert_array_equal(theirs, ours, err_msg=_where(*problem))

    check()


def test_input_gradients_and_class_score_steps_agree_bit_for_bit():
    @settings(max_examples=_examples(12), deadline=None)
    @given(problems(), st.sampled_from((0.0, 0.25, 0.5)), st.sampled_from((0.5, 1.0, 2.0)))
    def check(problem, l2, step):
        x, weights, target = problem
        tx, tw = _torch(x, weights)
        np.testing.assert_array_equal(fast.input_gradient_of_score(tx, target, tw).numpy(),
                                      slow.input_gradient_of_score(x, target, weights), err_msg=_where(*problem))
        np.testing.assert_array_equal(fast.class_score_step(tx, target, step, tw, l2=l2).numpy(),
                                      slow.class_score_step(x, target, step, weights, l2=l2), err_msg=_where(*problem))

    check()


# ---------------------------------------------------------------------------
# Derived bounds where a softmax or a division enters


def _chain_terms(weights) -> int:
    """Roundings a product passes on its way back from the logits: dense (n_out), the average (1),
    conv2 (C_out · 9), max pool (1, non-overlapping), conv1 (C_out · 9), and the logit gradient (2)."""
    return (weights["fc.weight"].shape[0] + 1 + weights["conv2.weight"].shape[0] * 9 + 1
            + weights["conv1.weight"].shape[0] * 9 + 2)


def fgsm_gradient_bound(x, weights, target) -> np.ndarray:
    """``|ĝ - g|`` for torch's float32 ``grad_x E`` against the reference's float64 one.

    The logit gradient ``s - onehot(t)``: torch's ``ŝ`` is within ``ε s`` of ``s`` (the catalog's
    softmax bound on these logits) and the subtraction adds ``u |s - onehot|``, so elementwise
    ``|ĝ_y - g_y| <= (ε + u)(s + onehot)``. The rest of the chain is linear in it, with the relu
    masks and max-pool winners of the data: running the reference backward with ``|weights|`` on
    ``s + onehot`` gives ``M``, which bounds both the propagated error and Σ|terms| of every
    sum, whose roundings add ``γ_K`` (:func:`_chain_terms`)::

        bound = ((ε + u)(1 + γ_K) + γ_K(u) + γ_K(u64) + u) · M + (K + T) η

    (``η`` the smallest subnormal: products and softmax values that underflow.)
    """
    trace = slow._forward(x, slow._weights(weights, x), TINY_NET)
    logits = trace[-1]
    softmax = catalog.get("softmax")
    case = Case("softmax", {"x": logits.astype(np.float32)}, {"axis": 1}, "floats")
    tolerance = softmax.tolerance(case)
    epsilon = gamma(tolerance.terms, U32) + gamma(tolerance.terms, U64) + U32
    s = slow.softmax(logits, axis=1)
    upstream = s + slow._class_upstream(logits, target)
    absolute = {name: np.abs(w.astype(np.float64)) for name, w in weights.items()}
    magnitude = slow._backward(trace, absolute, TINY_NET, upstream)
    k = _chain_terms(weights)
    relative = (epsilon + U32) * (1 + gamma(k, U32)) + gamma(k, U32) + gamma(k, U64) + U32
    return relative * magnitude + (k + tolerance.terms) * ETA32 * (magnitude > 0)


def test_fgsm_agrees_where_the_gradient_is_clear_of_zero():
    @settings(max_examples=_examples(12), deadline=None)
    @given(problems(), st.sampled_from((0.125, 0.5, 1.0)))
    def check(problem, epsilon):
        x, weights, target = problem
        tx, tw = _torch(x, weights)
        ours = slow.input_gradient_of_loss(x, target, weights).astype(np.float64)
        exact = slow.input_gradient_of_loss(x.astype(np.float64), target,
                                            {k: v.astype(np.float64) for k, v in weights.items()})
        theirs = fast.input_gradient_of_loss(tx, target, tw).numpy().astype(np.float64)
        bound = fgsm_gradient_bound(x, weights, target)
        assert np.all(np.abs(theirs - exact) <= bound), _where(*problem)
        assert np.all(np.abs(ours - exact) <= U32 * np.abs(exact) + ETA32), "the reference rounds once"
        clear = np.abs(exact) > bound  # here the sign is determined; where bound == 0 both are exactly 0
        np.testing.assert_array_equal(theirs[bound == 0], 0.0)
        x_ours = slow.fgsm(x, target, epsilon, weights)
        x_theirs = fast.fgsm(tx, target, epsilon, tw).numpy()
        np.testing.assert_array_equal(x_theirs[clear | (bound == 0)], x_ours[clear | (bound == 0)],
                                      err_msg=_where(*problem))
        np.testing.assert_array_equal(x_ours - x, epsilon * np.sign(exact).astype(np.float32))

    check()


def test_deep_dream_step_within_four_roundings():
    """``x' = x + t``, ``t = step g / mean|g|``: the integer ``g`` and ``Σ|g|`` are exact; the mean, the
    quotient and the product round (``t̂ = t (1 + θ_3)``), the sum once more, the reference once:
    ``|x̂' - x'| <= γ_3 |t| + 2u (|x| + |t|)(1 + γ_3)``."""

    @settings(max_examples=_examples(12), deadline=None)
    @given(problems(), st.sampled_from((1, 2, 4)), st.sampled_from((0.25, 1.0)))
    def check(problem, layer, step):
        x, weights, _ = problem
        tx, tw = _torch(x, weights)
        ours = slow.deep_dream_step(x, layer, step, weights)
        theirs = fast.deep_dream_step(tx, layer, step, tw).numpy()
        moved = ours.astype(np.float64) - x
        t = np.abs(moved)
        bound = gamma(3, U32) * t + 2 * U32 * (np.abs(x) + t) * (1 + gamma(3, U32))
        assert np.all(np.abs(theirs.astype(np.float64) - ours) <= bound), _where(*problem)

    check()


# ---------------------------------------------------------------------------
# Golden: one channel, a 4 x 4 image, one 2 x 2 filter (computed by hand)

HAND_X = np.array([[[[1, 2, 0, 1], [0, 1, 3, 0], [2, 0, 1, 1], [1, 1, 0, 2]]]], dtype=np.float32)
HAND_LAYERS = (("conv", "conv", {}), ("relu",), ("global_avg_pool",), ("flatten",), ("dense", "fc"))
HAND_WEIGHTS = {
    "conv.weight": np.array([[[[2, 1], [0, -1]]]], dtype=np.float32),  # C = 2 x[i,j] + x[i,j+1] - x[i+1,j+1] - 2
    "conv.bias": np.array([-2], dtype=np.float32),
    "fc.weight": np.array([[9]], dtype=np.float32),  # score = 9 * mean(A) = sum(A)
    "fc.bias": np.array([0], dtype=np.float32),
}
# conv + bias: [[1, -1, -1], [-1, 2, 3], [1, -1, -1]]; relu: A = [[1, 0, 0], [0, 2, 3], [1, 0, 0]]; score 7
HAND_PRE = np.array([[1, -1, -1], [-1, 2, 3], [1, -1, -1]], dtype=np.float32)
HAND_A = np.array([[1, 0, 0], [0, 2, 3], [1, 0, 0]], dtype=np.float32)
# d score / dx: the filter (2, 1 / 0, -1) added at each active position (0,0), (1,1), (1,2), (2,0)
HAND_GRAD = np.array([[2, 1, 0, 0], [0, 1, 3, 1], [2, 1, -1, -1], [0, -1, 0, 0]], dtype=np.float32)


@pytest.mark.parametrize("module", ["reference", "accelerated"])
def test_golden_grad_cam_by_hand(module):
    def run(fn, *args, **kwargs):
        if module == "reference":
            return np.asarray(fn(slow)(HAND_X, *args, HAND_WEIGHTS, HAND_LAYERS, **kwargs))
        tx, tw = _torch(HAND_X, HAND_WEIGHTS)
        return fn(fast)(tx, *args, tw, HAND_LAYERS, **kwargs).numpy()

    np.testing.assert_array_equal(run(lambda m: m.forward), [[7]])
    # post-activation (the paper): dS/dA = 9 * 1/9 = 1 everywhere, alpha = 1, map = ReLU(A) = A
    np.testing.assert_array_equal(run(lambda m: m.grad_cam, 0), HAND_A[None])
    # pre-activation, no final ReLU (seed 004's wording): dS/da = [a > 0], alpha = 4/9, L = 4/9 (conv + bias)
    np.testing.assert_allclose(run(lambda m: m.grad_cam, 0, layer=0, relu=False), (4 / 9 * HAND_PRE)[None],
                               rtol=2 * U32)
    np.testing.assert_array_equal(run(lambda m: m.input_gradient_of_score, 0), HAND_GRAD[None, None])
    # one class-score step, step 1/2, l2 1/2: x + (grad - x) / 2 = (x + grad) / 2
    np.testing.assert_array_equal(run(lambda m: m.class_score_step, 0, 0.5, l2=0.5),
                                  ((HAND_X[0, 0] + HAND_GRAD) / 2)[None, None])


FGSM_LAYERS = (("flatten",), ("dense", "fc"))
FGSM_WEIGHTS = {"fc.weight": np.array([[1, -1, 0], [0, 0, 0]], dtype=np.float32)}


@pytest.mark.parametrize("module", ["reference", "accelerated"])
def test_golden_fgsm_and_deep_dream_by_hand(module):
    """FGSM: logits [x0 - x1, 0] = [0, 0], label 0: dE/dy = s - e_0 = [-1/2, 1/2], grad_x = W^T (that) =
    [-1/2, 1/2, 0]: x' = x + eps (-1, 1, 0), the third pixel (no path to the loss) unmoved (sign(0) = 0).
    DeepDream on y = x0 + 3 x1 at x = (1, 1): a = 4, g = a W = (4, 12), mean|g| = 8: x' = x + 2 (1/2, 3/2) = (2, 4)."""
    x = np.array([[[[0, 0, 5]]]], dtype=np.float32)
    dream_x = np.array([[[[1, 1]]]], dtype=np.float32)
    dream_w = {"fc.weight": np.array([[1, 3]], dtype=np.float32)}
    if module == "reference":
        moved = slow.fgsm(x, 0, 0.25, FGSM_WEIGHTS, FGSM_LAYERS)
        dreamed = slow.deep_dream_step(dream_x, 1, 2.0, dream_w, FGSM_LAYERS)
    else:
        tx, tw = _torch(x, FGSM_WEIGHTS)
        moved = fast.fgsm(tx, 0, 0.25, tw, FGSM_LAYERS).numpy()
        dx, dw = _torch(dream_x, dream_w)
        dreamed = fast.deep_dream_step(dx, 1, 2.0, dw, FGSM_LAYERS).numpy()
    np.testing.assert_array_equal(moved, [[[[-0.25, 0.25, 5.0]]]])
    np.testing.assert_array_equal(dreamed, [[[[2.0, 4.0]]]])


def test_fixed_network_finds_the_vertical_bar():
    """The docs' example: a vertical bar on the left, a horizontal one at the bottom; the 'vertical' map
    lights the left columns, the 'horizontal' map the bottom rows."""
    x = np.zeros((1, 1, 8, 8), dtype=np.float32)
    x[0, 0, 1:7, 2] = 1
    x[0, 0, 6, 4:8] = 1
    vertical, horizontal = slow.grad_cam(x, 0)[0], slow.grad_cam(x, 1)[0]
    assert vertical[:, :2].sum() > vertical[:, 2:].sum()
    assert horizontal[2:, :].sum() > horizontal[:2, :].sum()
    assert np.argmax(slow.forward(x)[0]) == 0


def test_tiny_net_shapes_and_default_layer():
    assert last_conv_activation() == 4
    weights = slow.tiny_net_weights()
    assert weights["conv2.weight"].shape == (3, 2, 3, 3) and weights["fc.weight"].shape == (3, 3)
    shapes = [a.shape for a in slow.activations(np.zeros((2, 1, 8, 8), dtype=np.float32))]
    assert shapes == [(2, 2, 8, 8), (2, 2, 8, 8), (2, 2, 4, 4), (2, 3, 4, 4), (2, 3, 4, 4), (2, 3, 1, 1), (2, 3),
                      (2, 3)]
    with pytest.raises(ValueError, match="out of range"):
        slow.grad_cam(np.zeros((1, 1, 8, 8), dtype=np.float32), 3)
    np.testing.assert_array_equal(fast.forward(torch.zeros(1, 1, 8, 8)).numpy(), [[0, 0, -1]])  # the biases


# (function, the arguments after x) for every public function of both implementations that takes an image
_ENTRY_POINTS = [("activations", ()), ("forward", ()), ("grad_cam", (0,)), ("fgsm", (0, 0.5)),
                 ("input_gradient_of_loss", (0,)), ("deep_dream_step", (0, 0.5)), ("class_score_step", (0, 0.5)),
                 ("input_gradient_of_score", (0,))]


@pytest.mark.parametrize("name, rest", _ENTRY_POINTS, ids=[name for name, _ in _ENTRY_POINTS])
def test_an_image_of_the_wrong_kind_is_refused_up_front(name, rest):
    """accelerated took any x: a numpy array failed inside torch.tensor (``argument 'dtype' must be torch.dtype``), an
    integer tensor inside the first convolution. Both implementations now refuse alike, before the network runs."""
    image = np.zeros((1, 1, 8, 8), dtype=np.float32)
    wrong = {
        slow: [(image.tolist(), "x must be a numpy.ndarray, got list"),
               (image.astype(np.int64), "x must have a floating-point dtype .* got int64")],
        fast: [(image, "x must be a torch.Tensor, got ndarray"),
               (torch.zeros(1, 1, 8, 8, dtype=torch.int64), "x must have a floating-point dtype .* got int64"),
               (torch.zeros(1, 1, 8, 8, dtype=torch.float8_e5m2), "x must have a floating-point dtype .* got float8_e5m2")],
    }
    for module, cases in wrong.items():
        for x, message in cases:
            with pytest.raises(TypeError, match=f"saliency: {message}"):
                getattr(module, name)(x, *rest)
