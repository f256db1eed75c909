"""Detection: box_iou, nms, batched_nms; and seed 004's sliding windows as a fully convolutional network.

1. the spec: doctests, the symbolic IoU against exact rational evaluation;
2. literal rules in both implementations: degenerate and touching boxes, formats, strict
   suppression, ties by lower index, the score threshold, per-class suppression;
3. nms and batched_nms: reference and accelerated against the spec's exact greedy loop on drawn cases;
4. dtypes and autograd of box_iou;
5. bad input: the same error from both implementations; inputs never modified;
6. seed 004: a network of convolutions, a pool and 1x1 convolutions slid over a larger
   image gives, at each output position, exactly the network's output on that window.
"""

from __future__ import annotations

import doctest
from fractions import Fraction

import numpy as np
import pytest
import sympy
import torch
from hypothesis import given

from convspec import accelerated, reference
from convspec.conformance.catalog import BY_NAME
from convspec.conformance.families.detection.strategies import nms_inputs
from convspec.spec import detection as spec

IMPLEMENTATIONS = ("reference", "accelerated")


def _t(a):
    return None if a is None else torch.from_numpy(np.array(a))


def run(implementation, op, *arrays, **params):
    if implementation == "reference":
        return getattr(reference, op)(*arrays, **params)
    return getattr(accelerated, op)(*map(_t, arrays), **params).numpy()


# 1. The spec --------------------------------------------------------------------------


def test_spec_doctests():
    assert doctest.testmod(spec).failed == 0


def test_symbolic_iou_matches_exact_evaluation():
    expr = spec.iou()
    symbols = (spec.x1, spec.y1, spec.x2, spec.y2, spec.x1b, spec.y1b, spec.x2b, spec.y2b)
    rng = np.random.default_rng(0)
    for _ in range(50):
        a = sorted(rng.integers(0, 6, 2)), sorted(rng.integers(0, 6, 2))
        b = sorted(rng.integers(0, 6, 2)), sorted(rng.integers(0, 6, 2))
        box_a = (int(a[0][0]), int(a[1][0]), int(a[0][1]), int(a[1][1]))
        box_b = (int(b[0][0]), int(b[1][0]), int(b[0][1]), int(b[1][1]))
        exact = spec.iou(box_a, box_b)
        union = spec.box_area(box_a) + spec.box_area(box_b) - spec.intersection_area(box_a, box_b)
        if union:
            value = expr.subs(dict(zip(symbols, box_a + box_b)))
            assert sympy.Rational(exact.numerator, exact.denominator) == value
        else:
            assert exact == 0


def test_seed_004_cxcywh_is_the_centre_and_size():
    assert spec.to_xyxy((spec.cx, spec.cy, spec.w, spec.h), "cxcywh") == (
        spec.cx - spec.w / 2, spec.cy - spec.h / 2, spec.cx + spec.w / 2, spec.cy + spec.h / 2)
    assert spec.to_xyxy((3, 3, 2, 4), "cxcywh") == (2, 1, 4, 5)


# 2. Literal rules ---------------------------------------------------------------------


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_box_iou_worked_examples(implementation):
    for example in BY_NAME["box_iou"].examples:
        got = run(implementation, "box_iou", *example.inputs.values(), **example.params)
        np.testing.assert_allclose(got, example.expected, rtol=1e-15, atol=0, err_msg=example.title)
        assert not np.isnan(got).any()


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_box_iou_of_empty_sets(implementation):
    empty = np.zeros((0, 4), dtype=np.float32)
    one = np.array([[0, 0, 1, 1]], dtype=np.float32)
    assert run(implementation, "box_iou", empty, one).shape == (0, 1)
    assert run(implementation, "box_iou", one, empty).shape == (1, 0)


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_nms_suppresses_strictly_above_the_threshold(implementation):
    # box 1 lies inside box 0: intersection 2, union 3, IoU 2/3; kept at threshold 2/3, discarded at 0.6
    boxes = np.array([[0, 0, 3, 1], [1, 0, 3, 1]], dtype=np.float64)
    scores = np.array([0.9, 0.8])
    assert run(implementation, "nms", boxes, scores, iou_threshold=2 / 3).tolist() == [0, 1]
    assert run(implementation, "nms", boxes, scores, iou_threshold=0.6).tolist() == [0]


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_nms_ties_take_the_lower_index_first(implementation):
    boxes = np.array([[0, 0, 2, 2], [5, 5, 6, 6], [0, 0, 2, 2], [5, 5, 6, 6]], dtype=np.float32)
    scores = np.array([0.5, 0.7, 0.5, 0.7], dtype=np.float32)
    assert run(implementation, "nms", boxes, scores, iou_threshold=0.5).tolist() == [1, 0]
    assert run(implementation, "nms", boxes, scores, iou_threshold=1.0).tolist() == [1, 3, 0, 2]


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_nms_seed_004_steps(implementation):
    # step 2 drops the 0.2 box; step 3 keeps 0.9; step 4 discards 0.8 (IoU 0.8); step 5 keeps 0.7 (far away)
    boxes = np.array([[0, 0, 2, 2], [0, 0, 2, 2.5], [5, 5, 6, 6], [5, 5, 6, 6]], dtype=np.float32)
    scores = np.array([0.9, 0.8, 0.7, 0.2], dtype=np.float32)
    assert run(implementation, "nms", boxes, scores, iou_threshold=0.5, score_threshold=0.5).tolist() == [0, 2]
    assert run(implementation, "nms", boxes, scores, iou_threshold=0.5).tolist() == [0, 2]
    assert run(implementation, "nms", boxes, scores, iou_threshold=-1.0).tolist() == [0]
    empty = run(implementation, "nms", boxes, scores, iou_threshold=0.5, score_threshold=0.95)
    assert empty.dtype == np.int64 and empty.shape == (0,)


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_batched_nms_never_suppresses_across_classes(implementation):
    boxes = np.array([[0, 0, 2, 2], [0, 0, 2, 2], [0, 0, 2, 2]], dtype=np.float32)
    scores = np.array([0.6, 0.9, 0.8], dtype=np.float32)
    classes = np.array([0, 1, 1])
    got = run(implementation, "batched_nms", boxes, scores, classes, iou_threshold=0.5)
    assert got.tolist() == [1, 0] and got.dtype == np.int64


# 3. Drawn cases against the spec's exact greedy loop -------------------------------------


@given(nms_inputs())
def test_nms_matches_the_exact_definition(drawn):
    boxes, scores, _, params = drawn
    want = spec.nms_exact(boxes.astype(np.float64).tolist(), scores.astype(np.float64).tolist(), params["iou_threshold"],
                          params.get("score_threshold"), params["fmt"])
    for implementation in IMPLEMENTATIONS:
        got = run(implementation, "nms", boxes, scores, **params)
        assert got.dtype == np.int64 and got.tolist() == want, (implementation, params)


@given(nms_inputs(batched=True))
def test_batched_nms_matches_the_exact_definition(drawn):
    boxes, scores, classes, params = drawn
    want = spec.batched_nms_exact(boxes.astype(np.float64).tolist(), scores.astype(np.float64).tolist(), classes.tolist(),
                                  params["iou_threshold"], params.get("score_threshold"), params["fmt"])
    for implementation in IMPLEMENTATIONS:
        assert run(implementation, "batched_nms", boxes, scores, classes, **params).tolist() == want, implementation


# 4. dtypes and autograd ---------------------------------------------------------------


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
def test_box_iou_dtypes(dtype):
    a = torch.tensor([[0, 0, 2, 2]], dtype=dtype)
    b = torch.tensor([[1, 1, 3, 3], [1, 1, 1, 1]], dtype=dtype)
    out = accelerated.box_iou(a, b)
    assert out.dtype == dtype
    assert out[0, 1] == 0
    assert abs(float(out[0, 0]) - 1 / 7) <= 2 ** -7


def test_box_iou_gradient_against_the_closed_form():
    # IoU = I / (A1 + A2 - I); for a = (0, 0, 2, 2) moving its x2 over b = (1, 1, 3, 3):
    # I = (x2 - 1) * 1, A1 = 2 x2, U = 2 x2 + 4 - (x2 - 1) = x2 + 5; d/dx2 (x2 - 1)/(x2 + 5) = 6 / (x2 + 5)^2
    a = torch.tensor([[0.0, 0.0, 2.0, 2.0]], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([[1.0, 1.0, 3.0, 3.0], [5.0, 5.0, 5.0, 5.0]], dtype=torch.float64)
    out = accelerated.box_iou(a, b)
    (grad,) = torch.autograd.grad(out[0, 0], a)
    assert float(grad[0, 2]) == pytest.approx(6 / 49, rel=1e-14)
    (grad,) = torch.autograd.grad(accelerated.box_iou(a, b)[0, 1], a)  # zero union with nothing: finite, zero
    assert torch.isfinite(grad).all()
    z = torch.tensor([[1.0, 1.0, 1.0, 3.0]], dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad(accelerated.box_iou(z, z.detach()).sum(), z)
    assert torch.isfinite(grad).all()


# 5. Bad input -------------------------------------------------------------------------

_B = np.array([[0, 0, 1, 1]], dtype=np.float32)
_S = np.array([0.5], dtype=np.float32)
BAD = [
    ("box_iou", (np.array([[0, 0, 1, 1], [2, 0, 1, 1]], dtype=np.float32), _B), {}, ValueError, "boxes1[1] = (2.0, 0.0, 1.0, 1.0)"),
    ("box_iou", (_B, np.array([[0, 0, -1, 1]], dtype=np.float32)), {"fmt": "cxcywh"}, ValueError, "w >= 0"),
    ("box_iou", (_B, np.array([[0, np.nan, 1, 1]], dtype=np.float32)), {}, ValueError, "finite"),
    ("box_iou", (_B, _B), {"fmt": "yxyx"}, ValueError, "fmt must be one of"),
    ("box_iou", (np.zeros((2, 3), dtype=np.float32), _B), {}, ValueError, "boxes1 must have shape (M, 4)"),
    ("box_iou", (_B, _B.astype(np.float64)), {}, TypeError, "boxes2 has dtype float64"),
    ("box_iou", (_B.astype(np.int64), _B), {}, TypeError, "floating-point"),
    ("nms", (_B, np.array([np.nan], dtype=np.float32)), {"iou_threshold": 0.5}, ValueError, "scores[0] is NaN"),
    ("nms", (_B, np.zeros(2, dtype=np.float32)), {"iou_threshold": 0.5}, ValueError, "scores must have shape (1,)"),
    ("nms", (_B, _S), {"iou_threshold": "0.5"}, TypeError, "iou_threshold must be a real number"),
    ("nms", (_B, _S), {"iou_threshold": float("nan")}, ValueError, "iou_threshold must be finite"),
    ("nms", (_B, _S), {"iou_threshold": 0.5, "score_threshold": True}, TypeError, "score_threshold must be a real number"),
    ("batched_nms", (_B, _S, np.array([0.0])), {"iou_threshold": 0.5}, TypeError, "classes must have an integer dtype"),
    ("batched_nms", (_B, _S, np.array([0, 1])), {"iou_threshold": 0.5}, ValueError, "classes must have shape (1,)"),
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
    rng = np.random.default_rng(3)
    boxes = np.array([[1, 1, 2, 2], [0, 0, 4, 4], [1, 1, 2.5, 2]], dtype=np.float32)
    scores = rng.uniform(0, 1, 3).astype(np.float32)
    classes = np.array([0, 0, 1])
    before = [boxes.copy(), scores.copy(), classes.copy()]
    for implementation in IMPLEMENTATIONS:
        for fmt in spec.BOX_FORMATS:
            run(implementation, "box_iou", boxes, boxes, fmt=fmt)
            run(implementation, "nms", boxes, scores, iou_threshold=0.3, fmt=fmt)
            run(implementation, "batched_nms", boxes, scores, classes, iou_threshold=0.3, fmt=fmt)
    for a, b in zip((boxes, scores, classes), before):
        np.testing.assert_array_equal(a, b)


# 6. Seed 004: sliding windows are a fully convolutional network ---------------------------


def _network(lib, x, p):
    """Seed 004's 'simple convolutional network' for 6x6 windows: 3x3 conv, 2x2 max pool, then the
    'fully connected' layers as convolutions: a 2x2 conv (the window's whole 2x2 map) and a 1x1 conv."""
    h = lib.relu(lib.correlate(x, p["w1"], p["b1"]))  # 6x6 -> 4x4
    h = lib.max_pool(h, 2)  # -> 2x2
    h = lib.relu(lib.correlate(h, p["w2"], p["b2"]))  # -> 1x1: a dense layer over the 2x2x4 map
    return lib.correlate(h, p["w3"], p["b3"])  # 1x1 conv: a dense layer applied at every position


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_network_slid_over_a_larger_image_equals_every_window(implementation):
    rng = np.random.default_rng(4)
    shapes = {"w1": (4, 1, 3, 3), "b1": (4,), "w2": (5, 4, 2, 2), "b2": (5,), "w3": (3, 5, 1, 1), "b3": (3,)}
    p = {k: rng.integers(-2, 3, s).astype(np.float32) for k, s in shapes.items()}
    image = rng.integers(-3, 4, (1, 1, 10, 12)).astype(np.float32)
    lib = reference if implementation == "reference" else accelerated
    wrap = (lambda a: a) if implementation == "reference" else _t
    unwrap = (lambda a: a) if implementation == "reference" else (lambda t: t.numpy())
    params = {k: wrap(v) for k, v in p.items()}
    whole = unwrap(_network(lib, wrap(image), params))
    # one output per window position: windows 6x6 at stride 2 (the pool's stride): (10-6)/2+1 x (12-6)/2+1
    assert whole.shape == (1, 3, 3, 4)
    for i in range(3):
        for j in range(4):
            window = np.ascontiguousarray(image[:, :, 2 * i: 2 * i + 6, 2 * j: 2 * j + 6])
            single = unwrap(_network(lib, wrap(window), params))
            assert single.shape == (1, 3, 1, 1)
            np.testing.assert_array_equal(whole[:, :, i, j], single[:, :, 0, 0])  # integer data: exact
    # on the 6x6 training window itself the network gives one 1x1 output (seed 004's 6x6 figure)
    assert unwrap(_network(lib, wrap(np.ascontiguousarray(image[:, :, :6, :6])), params)).shape == (1, 3, 1, 1)
