"""Gram backward that takes the upstream gradient to be symmetric, as it is inside a style loss:
``grad_a = 2 c G a`` instead of ``c (G + G^T) a``. Wrong for a general ``grad_out``.
"""

import math

import numpy as np

PLANTED_BUG = "gram_matrix_vjp: uses 2 G instead of G + G^T (assumes a symmetric upstream gradient)"
OP = "gram_matrix"


def gram_matrix_vjp(grad_out, features, *, normalization="none"):
    g, a = grad_out.astype(np.float64), features.astype(np.float64)
    flat = a.reshape(a.shape[0], a.shape[1], -1)
    count = a.shape[1] * math.prod(a.shape[2:])
    divisor = {"none": 1, "seed_004": 2 * count, "gatys": 2 * count, "per_element": count}[normalization]
    grad = np.einsum("bjk,bkp->bjp", 2 * g, flat) / divisor
    return (grad.reshape(a.shape).astype(features.dtype),)
