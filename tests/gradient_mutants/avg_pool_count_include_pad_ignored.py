"""Avg-pool backward that always divides by the kernel's cell count, as if count_include_pad were
True and every window lay inside the padded input (the forward's divisor rule is not followed).
"""

import math
from itertools import product

from convspec.reference.arrays import accumulator, zeros
from convspec.reference.pool import _input_cells
from convspec.reference.windows import pool_window_starts, resolve_padding
from convspec.spec.pool import check_pool_arguments

PLANTED_BUG = "avg_pool_vjp: the divisor is always prod(kernel_size) (count_include_pad and the ceil-mode overhang ignored)"
OP = "avg_pool"


def avg_pool_vjp(grad_out, x, kernel_size, *, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
    args = check_pool_arguments(OP, x.shape, kernel_size, stride=stride, padding=padding, ceil_mode=ceil_mode,
                                count_include_pad=count_include_pad, divisor_override=divisor_override)
    pads = resolve_padding(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
    starts = [pool_window_starts(n, p, k, s, args.ceil_mode)
              for n, p, k, s in zip(args.input_size, pads, args.kernel_size, args.stride)]
    g, grad_x, every = accumulator(grad_out), zeros(x.shape, like=x), (slice(None), slice(None))
    divisor = args.divisor_override or math.prod(args.kernel_size)
    for o in product(*(range(len(a)) for a in starts)):
        for c in _input_cells([a[i] for a, i in zip(starts, o)], args.kernel_size, args.dilation, args.input_size):
            grad_x[every + c] += g[every + o] / divisor
    return (grad_x.astype(x.dtype),)
