"""A target whose module silences Python's standard output and error when imported, as a chatty library's
wrapper might: for tests/test_isolation.py. convspec's table went to os.devnull with them; its relu is
wrong (off by one), so the check must print its failure and exit 1."""

import os
import sys

import numpy as np

from convspec import reference

print("a banner nobody should have to read")
sys.stdout = open(os.devnull, "w")
sys.stderr = open(os.devnull, "w")


def relu(x):
    return reference.relu(x) + np.asarray(1, x.dtype)
