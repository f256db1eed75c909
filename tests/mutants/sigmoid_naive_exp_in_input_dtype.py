"""Mutant: sigmoid as ``1 / (1 + exp(-x))`` evaluated in the input's precision.

The textbook formula overflows: ``exp(-x)`` is infinite once ``-x`` exceeds the
largest exponent of the dtype (about 11.1 in float16, 88.7 in float32), and the result
becomes exactly 0 where the sigmoid is still a representable positive number
(``sigmoid(-12) = 6.1e-6`` in float16).
"""

import torch

PLANTED_BUG = "sigmoid computes 1 / (1 + exp(-x)) in the input dtype: exp overflows for large negative x and the result is 0."
BUGGY_OPS = ("sigmoid",)


def sigmoid(x):
    t = torch.from_numpy(x)
    return (1 / (1 + torch.exp(-t))).numpy()  # BUG: no stable branch for x < 0
