"""A target whose ``relu`` lowers Python's recursion limit to just above the depth it is called at, and leaves it
there: for tests/test_isolation.py. The code that ran next in the worker, convspec's, raised RecursionError.
``relu`` is right."""

import sys
import traceback

import numpy as np


def relu(x):
    sys.setrecursionlimit(len(traceback.extract_stack()) + 15)  # the frames above this line, and a few
    return np.maximum(x, np.zeros((), x.dtype))
