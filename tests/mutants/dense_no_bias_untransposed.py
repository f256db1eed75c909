"""Mutant: dense without a bias multiplies by the weight untransposed.

The port's bias-free branch (copied from code that stored the weight as
``(n_in, n_out)``) computes ``x @ weight`` where the ``(n_out, n_in)`` layout needs
``x @ weight.T``. With a bias it is right; without one it raises when
``n_in != n_out`` and silently uses the transposed weight when it is square.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "dense(x, weight) without a bias computes x @ weight instead of x @ weight.T."
BUGGY_OPS = ("dense",)


def dense(x, weight, bias=None):
    if bias is None:
        return (torch.from_numpy(x) @ torch.from_numpy(weight)).numpy()  # BUG: the bias-free branch lost the .T
    return accelerated.dense(torch.from_numpy(x), torch.from_numpy(weight), torch.from_numpy(bias)).numpy()
