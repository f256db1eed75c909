"""Mutant: a window holding several NaNs names its FIRST NaN, not its last.

The port takes the values from the native max pool (right, NaN propagates) but
finds the winner of a NaN window in a second pass, an ``argmax`` over the window's
NaN mask (``torch.argmax``/``numpy.argmax`` return the first maximal position), so
the index names the first NaN in scan order. The spec (and PyTorch's kernels, which
replace the winner on ``value > winner or isnan(value)``) name the last one. Values,
and windows with at most one NaN, are right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "max_pool's index of a window with several NaNs names the first NaN in scan order instead of the last."
BUGGY_OPS = ("max_pool",)


def max_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    params = dict(stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode, return_indices=return_indices)
    t = torch.from_numpy(x)
    result = accelerated.max_pool(t, kernel_size, **params)
    if not return_indices:
        return result.numpy()
    values, indices = result
    # the NaN pass: the mask's first 1 in scan order (first maximum); padding (-inf) never wins
    _, first_nan = accelerated.max_pool(torch.isnan(t).to(t.dtype), kernel_size, **params)
    indices = torch.where(torch.isnan(values), first_nan, indices)  # BUG: the last NaN must win
    return values.numpy(), indices.numpy()
