"""Max-unpool backward that reads the gradient at the right flat index of the wrong flattening:
grad_out is raveled column-major (Fortran order), while the indices are row-major positions.
"""

from itertools import product

import numpy as np

PLANTED_BUG = "max_unpool_vjp: the flat indices are read in a column-major flattening of grad_out"
OP = "max_unpool"


def max_unpool_vjp(grad_out, x, indices, kernel_size, *, stride=None, padding=0, output_size=None):
    n, c = x.shape[:2]
    grad_x = np.zeros(x.shape, dtype=x.dtype)
    for b, ch in product(range(n), range(c)):
        plane = grad_out[b, ch].ravel(order="F")
        last = {}
        for o in product(*(range(m) for m in x.shape[2:])):
            last[int(indices[(b, ch) + o])] = o
        for cell, o in last.items():
            grad_x[(b, ch) + o] = plane[cell]
    return grad_x, None
