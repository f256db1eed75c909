"""A target whose module lowers Python's recursion limit to just above the depth it is imported at (a leftover of
someone's debugging): for tests/test_isolation.py. The limit is the process's: convspec's own code (hypothesis,
rich) then raised RecursionError, reported as convspec's internal error (exit 3, "please report it").
``relu`` is right."""

import sys

import numpy as np


def _depth() -> int:
    """How many frames are on the stack here."""
    frame, count = sys._getframe(), 0
    while frame is not None:
        frame, count = frame.f_back, count + 1
    return count

sys.setrecursionlimit(_depth() + 15)


def relu(x):
    return np.maximum(x, np.zeros((), x.dtype))
