"""Mutant: flatten in Keras' channels-last order.

The port moves the channel axis last before flattening (``(N, *spatial, C)``, as a
Keras model's ``Flatten`` sees it), so the features come out position by position
instead of channel by channel: a dense layer after it reads a permuted vector.
One channel, or no spatial axes, hides it.
"""

import numpy as np

PLANTED_BUG = "flatten orders the features channels-last (N, *spatial, C) instead of row-major over (C, *spatial)."
BUGGY_OPS = ("flatten",)


def flatten(x):
    return np.ascontiguousarray(np.moveaxis(x, 1, -1)).reshape(x.shape[0], -1)  # BUG: torch.flatten(x, 1) order
