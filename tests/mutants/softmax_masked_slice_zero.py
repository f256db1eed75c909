"""Mutant: softmax of a slice holding only ``-inf`` is 0, not NaN.

The port comes from attention code, where a fully masked row is made harmless: the
maximum of an all ``-inf`` slice is replaced by 0, so ``exp(-inf - 0) = 0`` everywhere
and ``0 / 0`` is then replaced by 0. convspec (as ``torch.softmax``) gives NaN for such a
slice. Slices with a finite value are right.
"""

import torch

from convspec.spec.activations import check_softmax_axis

PLANTED_BUG = "softmax returns 0 for a slice of only -inf (masked-attention convention) instead of NaN."
BUGGY_OPS = ("softmax",)


def softmax(x, *, axis=-1):
    axis = check_softmax_axis("softmax", x.shape, axis)
    t = torch.from_numpy(x)
    m = t.amax(dim=axis, keepdim=True)
    m = torch.where(m == -torch.inf, torch.zeros_like(m), m)  # BUG: an all -inf slice must stay NaN
    e = torch.exp(t - m)
    s = e.sum(dim=axis, keepdim=True)
    return torch.where(s == 0, torch.zeros_like(e), e / s).numpy()
