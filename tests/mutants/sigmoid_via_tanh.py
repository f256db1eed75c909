"""Mutant: sigmoid through the identity ``sigmoid(x) = (1 + tanh(x / 2)) / 2``.

Exact in real arithmetic, but ``1 + tanh(x / 2)`` cancels for large negative ``x``:
``tanh`` is ``-1`` to within an ulp, so the small sigmoid values lose all their
relative precision (``sigmoid(-20)`` becomes 0 in float32).
"""

import torch

PLANTED_BUG = "sigmoid computed as (1 + tanh(x/2)) / 2, which cancels catastrophically for large negative x."
BUGGY_OPS = ("sigmoid",)


def sigmoid(x):
    t = torch.from_numpy(x)
    return ((1 + torch.tanh(t / 2)) / 2).numpy()  # BUG: cancellation below about -8
