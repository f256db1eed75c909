"""Mutant: max_pool's ceil_mode defaults to True.

The port copies the signature from a framework whose pooling layers round the
window count up by default (Caffe), while convspec (and PyTorch) default to
``ceil_mode=False``. A call that leaves the keyword out may get one more window
per axis; passing it explicitly is right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "max_pool's ceil_mode defaults to True instead of False."
BUGGY_OPS = ("max_pool",)


def max_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=True,  # BUG: default False
             return_indices=False):
    result = accelerated.max_pool(
        torch.from_numpy(x), kernel_size, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode,
        return_indices=return_indices,
    )
    return tuple(part.numpy() for part in result) if return_indices else result.numpy()
