"""Mutant: style_loss's normalization defaults to 'none'.

The port gave ``style_loss`` the keyword default of ``gram_matrix`` (whose raw sums
``F = a a^T`` are the gram's default): a call that leaves ``normalization`` out compares
unnormalised grams, ``(2 C M)^2`` times Gatys's loss. Calls that pass it are right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "style_loss's normalization defaults to 'none' (gram_matrix's default) instead of 'gatys'."
BUGGY_OPS = ("style_loss",)


def _t(a):
    return [torch.from_numpy(x) for x in a] if isinstance(a, (list, tuple)) else torch.from_numpy(a)


def style_loss(generated, style, *, weights=None, normalization="none"):  # BUG: default "gatys"
    return accelerated.style_loss(_t(generated), _t(style), weights=weights, normalization=normalization).numpy()
