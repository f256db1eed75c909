"""A target whose module replaces a numpy function when imported (a "faster" drop-in, here one that is wrong by
one): for tests/test_isolation.py. The reference computes with numpy in the same process, so it computed with
the target's function: convspec's own drawing of cases broke on it and reported its internal error (exit 3,
"please report it"); an oracle that agrees with the target on a wrong answer would have been worse."""

import numpy as np

_numpy_maximum = np.maximum


def _maximum(a, b, *args, **kwargs):
    return _numpy_maximum(a, b, *args, **kwargs) + 1


np.maximum = _maximum


def relu(x):
    return np.maximum(x, np.asarray(0, x.dtype))
