"""Mutant: max-pool indices count over the padded input.

The port pads the input with -inf itself and pools without padding, then returns
the native indices as they are: flat over the *padded* ``(n, c)`` plane instead of
the unpadded one. Values are right; indices are wrong whenever there is padding.
"""

import numpy as np
import torch

from convspec import accelerated
from convspec.spec.pool import check_pool_arguments, pool_padding

PLANTED_BUG = "max_pool indices are flat positions in the padded input, not in the unpadded input."
BUGGY_OPS = ("max_pool",)


def max_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    params = dict(stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode, return_indices=return_indices)
    result = accelerated.max_pool(torch.from_numpy(x), kernel_size, **params)
    if not return_indices:
        return result.numpy()
    values, indices = (part.numpy() for part in result)
    pads = pool_padding(check_pool_arguments("max_pool", x.shape, kernel_size, **params))
    coordinates = np.unravel_index(indices, x.shape[2:])
    padded_size = tuple(lo + n + hi for n, (lo, hi) in zip(x.shape[2:], pads))
    shifted = tuple(c + lo for c, (lo, _) in zip(coordinates, pads))
    return values, np.ravel_multi_index(shifted, padded_size).astype(np.int64)  # BUG: the padded plane
