"""Max-pool backward that hands the full gradient to every cell equal to the window's maximum
(a mask ``x == max`` instead of the recorded first maximum), so ties receive it several times.
"""

from itertools import product

import numpy as np

from convspec.reference.arrays import accumulator, zeros
from convspec.reference.pool import _input_cells
from convspec.reference.windows import pool_window_starts, resolve_padding, span
from convspec.spec.pool import check_pool_arguments

PLANTED_BUG = "max_pool_vjp: every tied maximum receives grad_out, not only the first one"
OP = "max_pool"


def max_pool_vjp(grad_out, x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False,
                 return_indices=False):
    args = check_pool_arguments(OP, x.shape, kernel_size, stride=stride, padding=padding, dilation=dilation,
                                ceil_mode=ceil_mode, return_indices=return_indices)
    pads = resolve_padding(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    starts = [pool_window_starts(n, p, span(k, d), s, args.ceil_mode)
              for n, p, k, d, s in zip(args.input_size, pads, args.kernel_size, args.dilation, args.stride)]
    g, grad_x, every = accumulator(grad_out), zeros(x.shape, like=x), (slice(None), slice(None))
    for o in product(*(range(len(a)) for a in starts)):
        cells = _input_cells([a[i] for a, i in zip(starts, o)], args.kernel_size, args.dilation, args.input_size)
        window = np.stack([x[every + c] for c in cells], axis=-1)
        maximum = np.max(window, axis=-1)
        for c in cells:
            grad_x[every + c] += np.where(x[every + c] == maximum, g[every + o], 0)
    return (grad_x.astype(x.dtype),)
