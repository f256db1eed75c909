"""Max-unpool backward as a plain gather at the indices: every pooled position that wrote a cell
gets that cell's gradient, also the ones a later write overwrote (PyTorch's native backward).
"""

import numpy as np

PLANTED_BUG = "max_unpool_vjp: overwritten duplicates receive gradient too (a plain gather, not only the winning write)"
OP = "max_unpool"


def max_unpool_vjp(grad_out, x, indices, kernel_size, *, stride=None, padding=0, output_size=None):
    n, c = x.shape[:2]
    flat = grad_out.reshape(n, c, -1)
    grad_x = np.take_along_axis(flat, indices.reshape(n, c, -1), axis=2).reshape(x.shape)
    return grad_x.astype(x.dtype), None
