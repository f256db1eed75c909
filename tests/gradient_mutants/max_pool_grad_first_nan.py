"""Max-pool backward that routes a NaN window's gradient to its first NaN, while the forward's
index rule (and PyTorch's recorded index) names the last NaN in scan order.
"""

from itertools import product

import numpy as np

from convspec.reference.arrays import accumulator, zeros
from convspec.reference.pool import _input_cells
from convspec.reference.windows import pool_window_starts, resolve_padding, span
from convspec.spec.pool import check_pool_arguments

PLANTED_BUG = "max_pool_vjp: a window holding NaNs sends its gradient to the first NaN instead of the last"
OP = "max_pool"
EXAMPLES = 600  # windows with two NaNs are rare in the catalog strategy: the first shows near case 420


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
        nan = np.isnan(window)
        first_max = np.argmax(window == np.max(window, axis=-1)[..., None], axis=-1)
        winner = np.where(nan.any(axis=-1), np.argmax(nan, axis=-1), first_max)
        for position, c in enumerate(cells):
            grad_x[every + c] += np.where(winner == position, g[every + o], 0)
    return (grad_x.astype(x.dtype),)
