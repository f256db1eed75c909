"""Gram backward without the normalisation's scale: ``grad = (G + G^T) a`` whatever ``normalization``
the forward divided by (right only for ``"none"``).
"""

import numpy as np

PLANTED_BUG = "gram_matrix_vjp: the normalisation's scale c (1/(2CM) or 1/(CM)) is left out of the gradient"
OP = "gram_matrix"


def gram_matrix_vjp(grad_out, features, *, normalization="none"):
    g, a = grad_out.astype(np.float64), features.astype(np.float64)
    flat = a.reshape(a.shape[0], a.shape[1], -1)
    grad = np.einsum("bjk,bkp->bjp", g + np.swapaxes(g, 1, 2), flat)  # BUG: times the normalisation's scale
    return (grad.reshape(a.shape).astype(features.dtype),)
