"""convspec.accelerated caches its checked arguments per configuration; no check may be weakened by it.

The plans (``convspec.accelerated._plans``) are keyed on the tensors' shapes and dtypes
and on the other arguments' types and values. These tests make a configuration hot,
then call again with one thing changed -- a parameter, a type that compares equal
(``True`` for ``1``, ``1.0`` for ``1``), a dtype, the output limit, the values of
``max_unpool``'s indices -- and require the error an uncached call raises, with the
same message (and the reference's message, where the reference has the operation).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from convspec import accelerated, reference
from convspec.accelerated import _backend, _plans
from convspec.spec import limits


def _error(call):
    with pytest.raises(Exception) as info:
        call()
    return info.value


def _x(*shape, dtype=torch.float32):
    return torch.arange(float(np.prod(shape)), dtype=dtype).reshape(shape) % 7 - 3


# op, a good call, the same call with one argument changed so that a check must fail, what changed
X2, W2 = _x(1, 2, 6, 6), _x(4, 2, 3, 3)
X1 = _x(1, 2, 9)
GREY = _x(1, 1, 6, 6)
POOLED, INDICES = torch.nn.functional.max_pool2d(_x(1, 2, 4, 4), 2, 2, return_indices=True)


def _with_index(value, position=(0, 1, 1, 0)):
    indices = INDICES.clone()
    indices[position] = value
    return indices


CASES = [
    ("correlate", lambda: accelerated.correlate(X2, W2, padding=1), lambda: accelerated.correlate(X2, W2, padding=-1), "padding < 0"),
    ("correlate", lambda: accelerated.correlate(X2, W2, stride=1), lambda: accelerated.correlate(X2, W2, stride=True), "bool stride"),
    ("correlate", lambda: accelerated.correlate(X2, W2, padding=1), lambda: accelerated.correlate(X2, W2, padding=1.0), "float padding"),
    ("correlate", lambda: accelerated.correlate(X2, W2, padding=(1, 1)), lambda: accelerated.correlate(X2, W2, padding=(1, True)), "bool in a tuple"),
    ("correlate", lambda: accelerated.correlate(X2, W2, padding="same"), lambda: accelerated.correlate(X2, _x(4, 2, 7, 7), padding=0), "kernel no longer fits"),
    ("correlate", lambda: accelerated.correlate(X2, W2, groups=1), lambda: accelerated.correlate(X2, W2, groups=2), "groups"),
    ("correlate", lambda: accelerated.correlate(X2, W2), lambda: accelerated.correlate(X2, W2.double()), "dtype mismatch"),
    ("correlate", lambda: accelerated.correlate(X2, W2), lambda: accelerated.correlate(X2.int(), W2.int()), "integer dtype"),
    ("correlate", lambda: accelerated.correlate(X2, W2), lambda: accelerated.correlate(X2, W2, _x(3)), "bias shape"),
    ("convolve", lambda: accelerated.convolve(X2, W2, dilation=2), lambda: accelerated.convolve(X2, W2, dilation=4), "dilation too wide"),
    ("convolve", lambda: accelerated.convolve(X2, W2, stride=(1, 2)), lambda: accelerated.convolve(X2, W2, stride=[1, 0]), "stride 0 in a list"),
    ("depthwise_separable",
     lambda: accelerated.depthwise_separable(X2, _x(2, 1, 3, 3), _x(3, 2, 1, 1), padding=1),
     lambda: accelerated.depthwise_separable(X2, _x(2, 1, 3, 3), _x(3, 2, 1, 1), padding="bogus"), "padding mode"),
    ("conv_transpose",
     lambda: accelerated.conv_transpose(X2, _x(2, 3, 3, 3), stride=2, output_padding=1),
     lambda: accelerated.conv_transpose(X2, _x(2, 3, 3, 3), stride=1, output_padding=1), "output_padding >= stride"),
    ("conv_transpose",
     lambda: accelerated.conv_transpose(X2, _x(2, 3, 3, 3), padding=1),
     lambda: accelerated.conv_transpose(X2, _x(2, 3, 3, 3), padding=((1, 9), (0, 0))), "crops everything"),
    ("max_pool", lambda: accelerated.max_pool(X2, 2), lambda: accelerated.max_pool(X2, 2, padding=2), "padding past the window"),
    ("max_pool", lambda: accelerated.max_pool(X2, 2), lambda: accelerated.max_pool(X2, 2, ceil_mode=1), "int flag"),
    ("max_pool", lambda: accelerated.max_pool(X1, 3), lambda: accelerated.max_pool(X1, 3, return_indices="yes"), "str flag"),
    ("avg_pool", lambda: accelerated.avg_pool(X2, 3, divisor_override=2), lambda: accelerated.avg_pool(X2, 3, divisor_override=0), "divisor 0"),
    ("avg_pool", lambda: accelerated.avg_pool(X2, 3), lambda: accelerated.avg_pool(X2.half().int(), 3), "integer dtype"),
    ("global_avg_pool", lambda: accelerated.global_avg_pool(X2), lambda: accelerated.global_avg_pool(X2.long()), "integer dtype"),
    ("global_max_pool", lambda: accelerated.global_max_pool(X2), lambda: accelerated.global_max_pool(X2[:, :0]), "no channels"),
    ("max_unpool",
     lambda: accelerated.max_unpool(POOLED, INDICES, 2),
     lambda: accelerated.max_unpool(POOLED, INDICES, 2, output_size=(5, 6)), "output_size invalid"),
    ("max_unpool",
     lambda: accelerated.max_unpool(POOLED, INDICES, 2),
     lambda: accelerated.max_unpool(POOLED, INDICES.float(), 2), "float indices"),
    ("max_unpool", lambda: accelerated.max_unpool(POOLED, INDICES, 2), lambda: accelerated.max_unpool(POOLED, _with_index(-1), 2), "index -1 (a value)"),
    ("max_unpool", lambda: accelerated.max_unpool(POOLED, INDICES, 2), lambda: accelerated.max_unpool(POOLED, _with_index(16), 2), "index past the plane"),
    ("avg_unpool", lambda: accelerated.avg_unpool(X2, 2), lambda: accelerated.avg_unpool(X2, 2, stride=0), "stride 0"),
    ("first_unpool", lambda: accelerated.first_unpool(X2, 2), lambda: accelerated.first_unpool(X2, 2, output_size=(99, 99)), "output_size"),
    ("upsample", lambda: accelerated.upsample(X2, scale_factor=2), lambda: accelerated.upsample(X2, scale_factor=2, mode="area"), "mode"),
    ("upsample", lambda: accelerated.upsample(X2, scale_factor=2), lambda: accelerated.upsample(X2, scale_factor=True), "bool scale"),
    ("sobel", lambda: accelerated.sobel(GREY), lambda: accelerated.sobel(GREY, padding=-1), "padding < 0"),
    ("sobel", lambda: accelerated.sobel(GREY), lambda: accelerated.sobel(GREY.int()), "integer dtype"),
    ("sobel", lambda: accelerated.sobel(GREY, padding="same"), lambda: accelerated.sobel(X2, padding="same"), "two channels"),
    ("sobel", lambda: accelerated.sobel(GREY), lambda: accelerated.sobel(_x(1, 1, 2, 6)), "kernel no longer fits"),
    ("dense", lambda: accelerated.dense(_x(2, 3), _x(4, 3)), lambda: accelerated.dense(_x(2, 3), _x(4, 5)), "features"),
    ("dense", lambda: accelerated.dense(_x(2, 3), _x(4, 3)), lambda: accelerated.dense(_x(2, 3), _x(4, 3).double()), "dtype mismatch"),
]
IDS = [f"{op}: {what}" for op, _, _, what in CASES]


@pytest.mark.parametrize("op, good, bad, what", CASES, ids=IDS)
def test_a_hot_configuration_still_refuses_a_changed_bad_argument(op, good, bad, what):
    _plans.clear()
    uncached = _error(bad)  # nothing cached: every check runs
    good()
    good()  # the configuration is hot
    cached = _error(bad)
    assert type(cached) is type(uncached) and str(cached) == str(uncached), (op, what, cached, uncached)
    assert str(cached).startswith(f"{op}: "), cached
    again = _error(bad)  # a failed call is never cached: the same error every time
    assert type(again) is type(cached) and str(again) == str(cached)


def test_a_failed_call_stores_nothing():
    _plans.clear()
    _error(lambda: accelerated.correlate(X2, W2, stride=0))
    assert not _plans._PLANS
    accelerated.correlate(X2, W2, stride=1)
    assert len(_plans._PLANS) == 1


def test_same_shapes_different_parameters_are_checked_and_planned_apart():
    _plans.clear()
    a = accelerated.correlate(X2, W2, padding=1)
    b = accelerated.correlate(X2, W2, padding=0)
    c = accelerated.correlate(X2, W2, padding=((0, 2), (2, 0)))
    assert a.shape == (1, 4, 6, 6) and b.shape == (1, 4, 4, 4) and c.shape == (1, 4, 6, 6)
    assert len(_plans._PLANS) == 3
    for out, padding in ((a, 1), (b, 0), (c, ((0, 2), (2, 0)))):
        expected = reference.correlate(X2.numpy(), W2.numpy(), padding=padding)
        np.testing.assert_array_equal(out.numpy(), expected)


def test_a_list_mutated_between_calls_is_keyed_by_its_new_contents():
    _plans.clear()
    padding = [1, 1]
    assert accelerated.correlate(X2, W2, padding=padding).shape == (1, 4, 6, 6)
    padding[0] = 0
    assert accelerated.correlate(X2, W2, padding=padding).shape == (1, 4, 4, 6)
    padding[1] = -1
    assert "padding must be >= 0" in str(_error(lambda: accelerated.correlate(X2, W2, padding=padding)))


def test_equal_values_of_other_types_have_their_own_entries():
    assert _plans.freeze(1) != _plans.freeze(True) != _plans.freeze(1.0)
    assert _plans.freeze((1, 2)) != _plans.freeze([1, 2])
    assert _plans.freeze(np.int64(2)) != _plans.freeze(2)
    assert _plans.params_key((1, "same", 2)) == (1, "same", 2)
    assert _plans.params_key((1, True)) != _plans.params_key((1, 1))


class _Index:
    """An int-like object whose value may change: never a key."""

    def __init__(self, value):
        self.value = value

    def __index__(self):
        return self.value


def test_other_objects_are_not_cached_and_checked_on_every_call():
    _plans.clear()
    padding = _Index(1)
    assert accelerated.correlate(X2, W2, padding=padding).shape == (1, 4, 6, 6)
    assert not _plans._PLANS
    padding.value = -1
    assert "padding must be >= 0" in str(_error(lambda: accelerated.correlate(X2, W2, padding=padding)))
    with pytest.raises(_plans.Uncacheable):
        _plans.freeze(padding)
    with pytest.raises(_plans.Uncacheable):
        _plans.freeze(np.zeros(2))


def test_not_a_tensor_is_refused_after_the_tensor_call_was_cached():
    _plans.clear()
    accelerated.correlate(X2, W2)
    error = _error(lambda: accelerated.correlate(X2.numpy(), W2))
    assert type(error) is TypeError and "x must be a torch.Tensor" in str(error)


def test_the_output_limit_is_checked_on_every_call():
    _plans.clear()
    accelerated.upsample(X2, scale_factor=2)
    accelerated.correlate(X2, W2, padding=1)
    accelerated.max_unpool(POOLED, INDICES, 2)
    accelerated.sobel(GREY)
    with limits.output_limit(10):
        for call in (
            lambda: accelerated.upsample(X2, scale_factor=2),
            lambda: accelerated.correlate(X2, W2, padding=1),
            lambda: accelerated.max_unpool(POOLED, INDICES, 2),
            lambda: accelerated.sobel(GREY),
        ):
            error = _error(call)
            assert type(error) is ValueError and "convspec refuses results over 10 elements" in str(error)
    accelerated.correlate(X2, W2, padding=1)  # the limit is back


def test_the_output_limit_from_the_environment_is_read_on_every_call(monkeypatch):
    _plans.clear()
    accelerated.max_pool(X2, 2)
    monkeypatch.setenv(limits.ENVIRONMENT_VARIABLE, "5")
    assert "refuses results over 5 elements" in str(_error(lambda: accelerated.max_pool(X2, 2)))
    monkeypatch.delenv(limits.ENVIRONMENT_VARIABLE)
    assert accelerated.max_pool(X2, 2).shape == (1, 2, 3, 3)


@pytest.mark.parametrize("value", [-1, 16, -100, 2**40])
def test_max_unpool_index_range_matches_the_reference_on_a_hot_configuration(value):
    _plans.clear()
    accelerated.max_unpool(POOLED, INDICES, 2)
    bad = _with_index(value)
    from_accelerated = _error(lambda: accelerated.max_unpool(POOLED, bad, 2))
    from_reference = _error(lambda: reference.max_unpool(POOLED.numpy(), bad.numpy(), 2))
    assert type(from_accelerated) is ValueError
    assert str(from_accelerated) == str(from_reference)
    assert from_accelerated.__context__ is None  # the torch error it explains is not chained to it


def test_backend_flags_are_set_for_float32_on_cuda():
    state = _backend.current()
    assert state["cuda.matmul.allow_tf32"] is False
    assert state["cudnn.allow_tf32"] is False
    assert state["cudnn.deterministic"] is True
    assert state["cudnn.benchmark"] is False
    for key in ("cuda.matmul.fp32_precision", "cudnn.conv.fp32_precision"):
        # torch >= 2.9: "ieee" as set, or "none" (inherit: not TF32) once the old flag was written again,
        # e.g. by torch.backends.cudnn.flags(allow_tf32=False) in the conformance runner; never "tf32"
        assert state[key] in (None, "ieee", "none"), (key, state[key])
