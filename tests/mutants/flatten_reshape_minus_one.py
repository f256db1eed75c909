"""Mutant: flatten as ``x.reshape(N, -1)``.

The port writes ``x.reshape(x.shape[0], -1)``: right for every batch of at least one
image, but torch cannot infer the ``-1`` of a tensor with no elements, so an empty
batch ``(0, C, H, W)`` raises instead of giving ``(0, C H W)``.
"""

import torch

PLANTED_BUG = "flatten uses reshape(N, -1), which raises on an empty batch instead of returning (0, d_1 ... d_r)."
BUGGY_OPS = ("flatten",)


def flatten(x):
    t = torch.from_numpy(x)
    return t.reshape(t.shape[0], -1).clone().numpy()  # BUG: -1 is ambiguous for 0 elements; use prod(shape[1:])
