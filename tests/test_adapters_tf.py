"""The ``tensorflow`` and ``keras-*`` adapters: a few operations each over the catalog (derandomized, small
example counts), and the conventions they declare, worked by hand.

The libraries are the ``tensorflow`` and ``keras`` extras (pinned in requirements-dev.txt). Without them
these tests skip, except under CI (``CI`` set), where the pinned environment must have them: there a
missing library fails, as the docs' browser test does for Chromium.

The operations run here are the ones where each library agrees with the specification on the drawn
cases; the divergences ``convspec check`` finds elsewhere (TensorFlow's oneDNN convolutions on an
empty batch, max_pool dropping NaN and -inf, float16 averages summed in float16) are library bugs,
left failing in the check and listed in the conformance matrix, not hidden here.
"""

from __future__ import annotations

import importlib.util
import os

import numpy as np
import pytest

from convspec import reference
from convspec.conformance import catalog
from convspec.conformance.case import Case
from convspec.conformance.runner import run_operation
from convspec.conformance.targets import load_target

EXAMPLES = 8
NEEDS = {"tensorflow": ("tensorflow",), "keras-tensorflow": ("keras", "tensorflow"), "keras-jax": ("keras", "jax"),
         "keras-torch": ("keras", "torch")}
OPS = {
    "tensorflow": ("conv_transpose", "avg_pool", "upsample"),
    "keras-tensorflow": ("conv_transpose", "avg_pool", "sigmoid"),
    "keras-jax": ("correlate", "max_pool", "upsample"),
    "keras-torch": ("correlate", "conv_transpose", "upsample", "softmax"),
}
CASES = [(name, op) for name, ops in OPS.items() for op in ops]


def require(*libraries: str) -> None:
    """Skip when a library is missing, or fail under CI, whose environment pins it."""
    for library in libraries:
        if importlib.util.find_spec(library) is None:
            if os.environ.get("CI"):
                raise RuntimeError(f"CI is set but {library} is missing (requirements-dev.txt pins it)")
            pytest.skip(f"{library} is not installed (pip install 'convspec[tensorflow,keras]')")


@pytest.fixture(scope="module")
def targets():
    return {}


def _target(targets, name):
    require(*NEEDS[name])
    if name not in targets:
        targets[name] = load_target(name)
    return targets[name]


def _declared(target, case) -> bool:
    return any(d.applies_to(case.op) and d.matches(case, "") for d in target.known_divergences)


@pytest.mark.parametrize("name, op", CASES, ids=[f"{n}-{o}" for n, o in CASES])
def test_adapter_agrees_where_it_claims_support(targets, name, op):
    target = _target(targets, name)
    result = run_operation(catalog.get(op), target, examples=EXAMPLES, derandomize=True,
                           divergences=target.known_divergences)
    assert result.status in ("passed", "expected divergence"), (
        f"{target.name}: {op}: {result.status}: "
        + (f"{result.failure.case.describe()}: {result.failure.reason}" if result.failure else "")
    )
    assert result.examples > 0, f"{target.name}: no supported {op} case drawn: {dict(result.unsupported_reasons)}"
    for reason in result.unsupported_reasons:
        assert isinstance(reason, str) and reason, f"{target.name}: {op}: an unsupported case needs a reason"


@pytest.mark.parametrize("name", ["tensorflow", "keras-torch"])
def test_unsupported_cases_are_refused(targets, name):
    """A case the adapter calls unsupported raises when called anyway: 'full' padding (keras.ops takes
    'valid'/'same'; tf.nn.conv1d takes no explicit pads)."""
    target = _target(targets, name)
    x, w = np.ones((1, 1, 5), np.float32), np.ones((1, 1, 3), np.float32)
    case = Case("correlate", {"x": x, "weight": w, "bias": None}, {"padding": "full"}, "integers")
    assert target.unsupported_reason("correlate", case)
    with pytest.raises(ValueError, match="unsupported"):
        target.functions["correlate"](x, w, padding="full")


@pytest.mark.parametrize("name", ["tensorflow", "keras-tensorflow", "keras-jax"])
def test_subnormals_flush_to_zero_and_are_declared(targets, name):
    """TensorFlow's CPU kernels and XLA:CPU set flush-to-zero: relu of six copies of 1e-40 (a float32
    subnormal; the smallest normal is 1.18e-38) gives 0, where convspec keeps 1e-40."""
    target = _target(targets, name)
    x = np.full(6, 1e-40, np.float32)
    assert target.functions["relu"](x).tolist() == [0.0] * 6
    assert reference.relu(x).tolist() == x.tolist()
    assert _declared(target, Case("relu", {"x": x}, {}, "floats"))
    normal = np.full(6, 1e-30, np.float32)  # a normal float: nothing declared, and the library agrees
    assert not _declared(target, Case("relu", {"x": normal}, {}, "floats"))
    assert target.functions["relu"](normal).tolist() == normal.tolist()


def test_tensorflow_max_pool_indices_are_per_plane(targets):
    """max_pool_with_argmax numbers (y * W + x) * C + c over NHWC; the adapter divides by C: per-plane y * W + x."""
    target = _target(targets, "tensorflow")
    x = np.arange(2 * 3 * 4, dtype=np.float32).reshape(1, 2, 3, 4)  # channel 1 is channel 0 plus 12
    values, indices = target.functions["max_pool"](x, 2, return_indices=True)
    assert values.tolist() == [[[[5.0, 7.0]], [[17.0, 19.0]]]]
    assert indices.tolist() == [[[[5, 7]], [[5, 7]]]]


def test_tensorflow_max_pool_float64_numpy_input_comes_back_float32():
    """A TensorFlow 2.21 finding, by hand (why the adapter hands TensorFlow tensors, not numpy arrays):
    tf.nn.max_pool given a numpy float64 array returns float64 the first time in a process and float32 from
    then on (a float32 result already by the second call); given a float64 tensor it stays float64."""
    require("tensorflow")
    import tensorflow as tf

    x = np.linspace(-1.0, 1.0, 2 * 5 * 5 * 2).reshape(2, 5, 5, 2)
    first, second = tf.nn.max_pool(x, 2, 1, "VALID"), tf.nn.max_pool(x, 2, 1, "VALID")
    assert first.dtype in (tf.float64, tf.float32) and second.dtype == tf.float32
    assert tf.nn.max_pool(tf.constant(x), 2, 1, "VALID").dtype == tf.float64


def test_keras_backends_live_side_by_side(targets):
    """Each keras-* target imports its own copy of keras under its KERAS_BACKEND and leaves sys.modules as it
    was: after loading the three, 'keras' is still absent (or the user's own)."""
    import sys

    before = sys.modules.get("keras")
    names = ("keras-tensorflow", "keras-jax", "keras-torch")
    loaded = [_target(targets, name) for name in names]
    assert sys.modules.get("keras") is before
    from convspec.conformance.adapters.keras import load_keras

    assert [load_keras(name.split("-")[1])[0].backend.backend() for name in names] == ["tensorflow", "jax", "torch"]
    x = np.array([[-1.0, 0.5, 2.0]], dtype=np.float32)
    for target in loaded:  # the same op through the three backends
        assert target.functions["relu"](x).tolist() == [[0.0, 0.5, 2.0]]


def test_keras_nearest_resize_is_half_pixel(targets):
    """keras.ops.image.resize's 'nearest' reads (t + 1/2) * n/out: 3 -> 2 cells reads cells 0 and 2
    (0.75 and 2.25 floored), which is convspec's nearest_exact; convspec's 'nearest' (t * n/out: 0, 1.5)
    reads 0 and 1, so the adapter calls it unsupported."""
    target = _target(targets, "keras-jax")
    x = np.array([[[[10.0, 20.0, 30.0]]]], dtype=np.float32)
    assert target.functions["upsample"](x, size=(1, 2), mode="nearest_exact").tolist() == [[[[10.0, 30.0]]]]
    assert reference.upsample(x, size=(1, 2), mode="nearest").tolist() == [[[[10.0, 20.0]]]]
    case = Case("upsample", {"x": x}, {"size": (1, 2), "mode": "nearest"}, "integers")
    assert "half-pixel" in target.unsupported_reason("upsample", case)


def test_tensorflow_bicubic_renormalises_at_the_edge_and_is_declared(targets):
    """Keys' a = -1/2 on [0, 0, 0, 256] resized to 8 (worked by hand in tests/test_adapters.py, CUBIC_ROW):
    tf.image.resize drops the taps past the edge and renormalises: 256 * 29/131, 256 * 111/137, 256 * 111/102
    at t = 5..7 where convspec reads the edge sample (52, 204, 274)."""
    target = _target(targets, "tensorflow")
    x = np.array([[[[0.0, 0.0, 0.0, 256.0]]]], dtype=np.float32)
    params = {"size": (1, 8), "mode": "bicubic", "align_corners": False, "cubic_coefficient": -0.5}
    got = np.asarray(target.functions["upsample"](x, **params))[0, 0, 0]
    assert np.allclose(got, [0, 0, 0, -6, -18, 256 * 29 / 131, 256 * 111 / 137, 256 * 111 / 102], atol=1e-4), got
    assert reference.upsample(x, **params)[0, 0, 0].tolist() == [0, 0, 0, -6, -18, 52, 204, 274]
    case = Case("upsample", {"x": x}, params, "integers")
    assert any(d.applies_to("upsample") and d.matches(case, "") for d in target.known_divergences)
    assert target.unsupported_reason("upsample", Case("upsample", {"x": x}, {**params, "cubic_coefficient": -0.75},
                                                      "integers"))
