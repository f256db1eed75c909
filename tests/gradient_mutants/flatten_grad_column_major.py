"""Flatten backward that folds grad_out back with a column-major reshape (``order="F"``), while the
forward flattened row-major: the gradient of each feature lands on another element.
"""

import numpy as np

PLANTED_BUG = "flatten_vjp: grad_out is reshaped to x's shape in column-major order instead of row-major"
OP = "flatten"


def flatten_vjp(grad_out, x):
    folded = np.stack([np.reshape(row, x.shape[1:], order="F") for row in grad_out])  # BUG: order="C"
    return (folded.reshape(x.shape).astype(x.dtype),)
