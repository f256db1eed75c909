"""Mutant: style_loss ignores the per-layer weights.

The port sums the layers' terms with every ``lambda_l = 1``: the ``weights`` argument
is accepted (so configurations load) but never read. One layer without weights, the
common call, is right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "style_loss accepts weights (one per layer, or a number) but sums the layers with weight 1."
BUGGY_OPS = ("style_loss",)


def _t(a):
    return [torch.from_numpy(x) for x in a] if isinstance(a, (list, tuple)) else torch.from_numpy(a)


def style_loss(generated, style, *, weights=None, normalization="gatys"):
    return accelerated.style_loss(_t(generated), _t(style), weights=None,  # BUG: weights dropped
                                  normalization=normalization).numpy()
