"""Mutant: style_loss compares every image with the first style image.

The port assumes one style image shared by the batch (the usual set-up) and indexes
``style[0]``; a style batch of ``N`` (one style per generated image) must be paired
image by image. A style batch of 1, or a batch of 1, is right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "style_loss uses style[0] for every generated image, also when the style batch has N images."
BUGGY_OPS = ("style_loss",)


def style_loss(generated, style, *, weights=None, normalization="gatys"):
    first = torch.from_numpy(style[:1])  # BUG: style[b] for image b when the style batch is N
    return accelerated.style_loss(torch.from_numpy(generated), first, weights=weights,
                                  normalization=normalization).numpy()
