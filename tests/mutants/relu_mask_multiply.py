"""Mutant: ReLU as ``x * (x > 0)``.

A branch-free port multiplies by the mask. For finite values it is right (a
negative times 0 is -0.0, which equals 0), but ``-inf * 0`` is NaN: ``relu(-inf)``
must be 0.
"""

import numpy as np

PLANTED_BUG = "relu is x * (x > 0), so relu(-inf) = -inf * 0 = NaN instead of 0."
BUGGY_OPS = ("relu",)


def relu(x):
    with np.errstate(invalid="ignore"):
        return x * (x > 0).astype(x.dtype)  # BUG: -inf * 0 is NaN
