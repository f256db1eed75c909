"""Calling either implementation on numpy inputs, for the family tests' helpers.

``run("reference", "correlate", x, w, padding=1)`` calls ``convspec.reference.correlate`` as is;
``run("accelerated", ...)`` hands each numpy array to ``convspec.accelerated`` as a fresh tensor of
the same dtype and gives a tensor result back as numpy (bfloat16, which numpy cannot hold, as float32).
"""

from __future__ import annotations

import numpy as np
import torch

from convspec import accelerated, reference

IMPLEMENTATIONS = ("reference", "accelerated")


def to_torch(value):
    """numpy -> torch (same dtype, fresh memory); anything else unchanged."""
    return torch.from_numpy(value.copy()) if isinstance(value, np.ndarray) else value


def to_numpy(value) -> np.ndarray:
    """torch -> numpy (bfloat16 as float32); anything else unchanged."""
    if isinstance(value, torch.Tensor):
        value = value.detach()
        return value.float().numpy() if value.dtype == torch.bfloat16 else value.numpy()
    return value


def run(implementation: str, op: str, *arrays, **params) -> np.ndarray:
    """Call ``convspec.<implementation>.<op>`` on numpy inputs and return a numpy result."""
    if implementation == "reference":
        return getattr(reference, op)(*arrays, **params)
    return to_numpy(getattr(accelerated, op)(*(to_torch(a) for a in arrays), **params))
