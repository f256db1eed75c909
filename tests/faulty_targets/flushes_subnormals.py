"""A target whose module sets flush-to-zero and denormals-are-zero when imported (``torch.set_flush_denormal(True)``,
advice found in speed guides): for tests/test_isolation.py. The thread's floating-point environment is shared
with convspec's own code, and a forked worker inherits it: the reference read ``1e-40`` as 0 too, agreed with
this target's flushed results, and the check passed. ``relu`` is otherwise right (numpy's own)."""

import numpy as np
import torch

torch.set_flush_denormal(True)


def relu(x):
    return np.maximum(x, np.zeros((), x.dtype))
