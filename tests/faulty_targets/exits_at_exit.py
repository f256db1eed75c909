"""A target that registers, when imported, an exit handler ending the process with status 0: for
tests/test_isolation.py. Its relu is wrong (off by one), so the check must exit 1 all the same."""

import atexit
import os

import numpy as np

from convspec import reference

atexit.register(lambda: os._exit(0))


def relu(x):
    return reference.relu(x) + np.asarray(1, x.dtype)
