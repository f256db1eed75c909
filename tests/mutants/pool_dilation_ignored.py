"""Mutant: max_pool drops its dilation.

The port's pooling layer config has no dilation field (Keras' MaxPooling has none), so the
argument is accepted and the window is always dense. The output size uses the dilated
span (it is computed by the caller), so the port crops or pads the dense result to fit.
"""

import numpy as np
import torch

from convspec import accelerated
from convspec.spec.pool import check_pool_arguments, pool_output_size, pool_padding

PLANTED_BUG = "max_pool ignores dilation (the windows are dense); the output is cut to the expected size."
BUGGY_OPS = ("max_pool",)


def max_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    args = check_pool_arguments("max_pool", x.shape, kernel_size, stride=stride, padding=padding, dilation=dilation,
                                ceil_mode=ceil_mode, return_indices=return_indices)
    wanted = pool_output_size(args)
    pads = pool_padding(args)  # the padding the dilated window needs, as the spec resolves it
    result = accelerated.max_pool(
        torch.from_numpy(x), kernel_size, stride=stride, padding=pads, dilation=1,  # BUG: dilation dropped
        ceil_mode=ceil_mode, return_indices=return_indices,
    )
    parts = result if return_indices else (result,)
    fitted = []
    for part in parts:
        array = part.numpy()
        have = array.shape[2:]
        grow = [(0, max(0, w - h)) for w, h in zip(wanted, have)]
        array = np.pad(array, [(0, 0), (0, 0)] + grow, mode="edge")
        fitted.append(np.ascontiguousarray(array[(slice(None), slice(None)) + tuple(slice(0, w) for w in wanted)]))
    return tuple(fitted) if return_indices else fitted[0]
