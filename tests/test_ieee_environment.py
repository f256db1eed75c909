"""The reference computes under IEEE 754's default floating-point environment, whatever its caller set.

A caller's thread with flush-to-zero set (``torch.set_flush_denormal(True)``, or a library that sets it on the
thread calling it) made the reference flush subnormals too, so that it agreed with an implementation that
breaks gradual underflow; a rounding mode set upward moved its results by an ulp. Each public function now
runs under the default environment and gives the caller's back.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import inspect
import platform

import numpy as np
import pytest
import torch

from convspec import reference
from convspec.reference import ieee_environment

needs_fenv = pytest.mark.skipif(ieee_environment.current() is None, reason="no fegetenv in this C library")


def _bits(a):
    return np.asarray(a, dtype=np.float32).view(np.uint32)


def test_every_public_function_computes_under_the_default():
    for name in reference.__all__:
        function = getattr(reference, name)
        assert inspect.unwrap(function) is not function, f"reference.{name} is not wrapped"
        assert inspect.signature(function) == inspect.signature(inspect.unwrap(function))


@needs_fenv
@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="torch sets flush-to-zero on x86 only")
def test_a_caller_that_flushes_subnormals_gets_them_kept():
    tiny = np.array([1e-40, -1e-40, 3.0], dtype=np.float32)
    x = np.full((1, 1, 2, 2), 1e-40, dtype=np.float32)
    w = np.ones((1, 1, 1, 1), dtype=np.float32)
    want = (_bits(reference.relu(tiny)), _bits(reference.sigmoid(np.array([-95.0], np.float32))),
            _bits(reference.correlate(x, w)))
    assert want[0][0] != 0 and want[1][0] != 0 and want[2].all()  # subnormal results, not 0
    assert torch.set_flush_denormal(True)
    try:
        raw = _bits(inspect.unwrap(reference.relu)(tiny))  # the definition itself, under the caller's flush-to-zero
        got = (_bits(reference.relu(tiny)), _bits(reference.sigmoid(np.array([-95.0], np.float32))),
               _bits(reference.correlate(x, w)))
        still_flushes = _bits(tiny * np.float32(1))[0] == 0
    finally:
        torch.set_flush_denormal(False)
    assert raw[0] == 0  # what the reference computed before
    for a, b in zip(got, want):
        assert np.array_equal(a, b)
    assert still_flushes  # the caller's environment is given back


@needs_fenv
@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="FE_UPWARD's value is x86's here")
def test_a_caller_that_rounds_upward_gets_round_to_nearest():
    libm = ctypes.CDLL(ctypes.util.find_library("m"))
    fe_upward = 0x800
    x = np.full((1, 1, 3, 3), 0.1, dtype=np.float32)
    w = np.full((1, 1, 3, 3), 1 / 3, dtype=np.float32)
    want = _bits(reference.correlate(x, w))
    before = libm.fegetround()
    assert libm.fesetround(fe_upward) == 0
    try:
        raw = _bits(inspect.unwrap(reference.correlate)(x, w))
        got = _bits(reference.correlate(x, w))
    finally:
        libm.fesetround(before)
    assert not np.array_equal(raw, want)  # upward rounding does move this sum
    assert np.array_equal(got, want)


def test_a_public_function_is_the_same_object_in_its_module_and_pickles():
    """The wrapper stands in the defining module too: pickle (a multiprocessing pool) looks a function up by its
    module and name, and found the unwrapped one there ("it's not the same object")."""
    import pickle

    from convspec.reference import conv

    assert conv.correlate is reference.correlate
    for name in reference.__all__:
        assert pickle.loads(pickle.dumps(getattr(reference, name))) is getattr(reference, name)
