"""A target whose module replaces entries of ``sys.modules`` that convspec uses (``rich`` by None, ``email`` by a
stand-in module): for tests/test_isolation.py. The table is the process's: convspec's next import from either
failed ("'rich' is not a package"), an internal error (exit 3). ``relu`` is right."""

import sys
import types

import numpy as np

sys.modules["rich"] = None
sys.modules["email"] = types.ModuleType("email")


def relu(x):
    return np.maximum(x, np.zeros((), x.dtype))
