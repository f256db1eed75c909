"""A target whose ``relu`` sets flush-to-zero and denormals-are-zero at the end of each call and never sets them
back (a kernel library that sets them for its own speed): for tests/test_isolation.py. Its first call is right;
every later one runs under flush-to-zero and reads a subnormal input as 0. On the checker's thread the
reference ran under it too, computed the same zeros, and the check passed."""

import numpy as np
import torch


def relu(x):
    y = np.maximum(x, np.zeros((), x.dtype))
    torch.set_flush_denormal(True)
    return y
