"""Mutant: ReLU as ``np.fmax(x, 0)``.

``np.fmax`` is the NaN-ignoring maximum: ``fmax(nan, 0) = 0``. The port picked it
(or ``np.nanmax``-style code) where ``np.maximum`` was meant, so a NaN activation
becomes 0 instead of propagating. Every other value, infinities included, is right.
"""

import numpy as np

PLANTED_BUG = "relu is np.fmax(x, 0), which maps NaN to 0 instead of propagating it."
BUGGY_OPS = ("relu",)


def relu(x):
    return np.fmax(x, np.zeros((), dtype=x.dtype))  # BUG: np.maximum propagates NaN, np.fmax drops it
