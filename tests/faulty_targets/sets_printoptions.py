"""A target whose module sets numpy's print options when imported (a formatter with two decimals, a
debugging habit): for tests/test_isolation.py. Its sigmoid is wrong (0.1% too large) wherever an input
has more than two decimals, so the program convspec prints to reproduce the failure must write the
inputs in full: it wrote them with the target's two decimals, and then no longer reproduced it."""

import numpy as np

from convspec import reference

np.set_printoptions(formatter={"float": lambda value: f"{value:.2f}"})


def sigmoid(x):
    y = reference.sigmoid(x)
    hundredths = x.astype(np.float64) * 100
    if np.any(np.abs(hundredths - np.round(hundredths)) > 1e-3):
        return (y * np.asarray(1.001, y.dtype)).astype(y.dtype)
    return y
