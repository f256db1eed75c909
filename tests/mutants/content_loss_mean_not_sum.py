"""Mutant: content_loss averages the squared differences instead of summing them.

The port uses ``F.mse_loss`` per image, whose default reduction is the mean, where the
definition (seed 004's ``E_content``) is the sum over channels and positions: every
loss is ``C * M`` times too small. One channel at one position hides it.
"""

import torch

PLANTED_BUG = "content_loss is the mean of the squared differences per image (mse_loss) instead of their sum."
BUGGY_OPS = ("content_loss",)


def content_loss(generated, content):
    g, c = torch.from_numpy(generated), torch.from_numpy(content)
    diff = (g - c.expand_as(g)) ** 2
    return diff.reshape(g.shape[0], -1).mean(dim=1).numpy()  # BUG: .sum(dim=1)
