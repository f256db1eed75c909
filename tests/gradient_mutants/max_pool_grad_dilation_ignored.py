"""Max-pool backward that finds each window's winner among dense cells (dilation 1), though the
forward's windows were dilated: the gradient goes to a cell the forward never compared.
"""

from itertools import product

import numpy as np

from convspec.reference.arrays import accumulator, zeros
from convspec.reference.windows import pool_window_starts, resolve_padding, span
from convspec.spec.pool import check_pool_arguments

PLANTED_BUG = "max_pool_vjp: the winning cell is searched in an undilated window (dilation ignored in the backward)"
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
        start = [a[i] for a, i in zip(starts, o)]
        taps = product(*(range(k) for k in args.kernel_size))
        cells = [c for c in (tuple(s0 + t for s0, t in zip(start, tap)) for tap in taps)  # BUG: s0 + d * t
                 if all(0 <= i < n for i, n in zip(c, args.input_size))]
        if not cells:
            continue
        window = np.stack([x[every + c] for c in cells], axis=-1)
        nan = np.isnan(window)
        first_max = np.argmax(window == np.max(window, axis=-1)[..., None], axis=-1)
        last_nan = nan.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
        winner = np.where(nan.any(axis=-1), last_nan, first_max)
        for position, c in enumerate(cells):
            grad_x[every + c] += np.where(winner == position, g[every + o], 0)
    return (grad_x.astype(x.dtype),)
