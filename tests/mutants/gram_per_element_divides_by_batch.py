"""Mutant: the per-element Gram normalisation divides by the batch size too.

The PyTorch style-transfer tutorial flattens the features to ``(a*b, c*d)`` and divides
the Gram matrix by ``a*b*c*d``, with ``a`` the batch size (1 there). A port that keeps
the whole ``features.numel()`` as the divisor but computes one Gram matrix per image
divides every image's matrix by ``N`` times too much. Batch 1 and the other
normalisations are right.
"""

import math

import torch

from convspec import accelerated

PLANTED_BUG = "gram_matrix normalization='per_element' divides by N*C*M (features.numel()) instead of C*M."
BUGGY_OPS = ("gram_matrix",)


def gram_matrix(features, *, normalization="none"):
    t = torch.from_numpy(features)
    if normalization != "per_element":
        return accelerated.gram_matrix(t, normalization=normalization).numpy()
    g = accelerated.gram_matrix(t, normalization="none")
    return (g / math.prod(features.shape)).numpy()  # BUG: features.numel() includes the batch
