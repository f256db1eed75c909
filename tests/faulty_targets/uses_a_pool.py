"""A right target that computes relu with multiprocessing Pools, one process per row, started by fork for
2-D inputs and by spawn otherwise: for tests/test_isolation.py. The checker's workers were daemonic
processes, which multiprocessing forbids to start processes of their own: the check reported
"AssertionError: daemonic processes are not allowed to have children" as a failure of this target. And
they ignored SIGTERM, which the Pool's processes inherited: the Pool could not terminate them at its end,
and the check timed out."""

import multiprocessing

import numpy as np

from convspec import reference


def relu(x):
    if x.ndim < 2 or x.shape[0] == 0:
        return reference.relu(x)
    start = "fork" if x.ndim == 2 else "spawn"
    with multiprocessing.get_context(start).Pool(2) as pool:
        rows = pool.map(reference.relu, list(x))
    return np.stack(rows).reshape(x.shape)
