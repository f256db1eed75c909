"""A target whose ``relu`` lowers Python's recursion limit to just above the depth it is called at, and leaves it
there: for tests/test_isolation.py. The code that ran next in the worker, convspec's, raised RecursionError.
``relu`` is right."""

import sys

import numpy as np


def _depth() -> int:
    """How many frames are on the stack here."""
    frame, count = sys._getframe(), 0
    while frame is not None:
        frame, count = frame.f_back, count + 1
    return count


def relu(x):
    sys.setrecursionlimit(_depth() + 15)
    return np.maximum(x, np.zeros((), x.dtype))
