"""Softmax backward that keeps only the diagonal of the Jacobian, ``ds_i/dx_i = s_i (1 - s_i)``,
as if each output were a sigmoid of its own logit: the ``-s_i s_j`` cross terms are missing.
"""

import numpy as np

from convspec.reference import softmax

PLANTED_BUG = "softmax_vjp: grad_x_j = g_j s_j (1 - s_j), the -s_i s_j terms (i != j) of the Jacobian left out"
OP = "softmax"


def softmax_vjp(grad_out, x, *, axis=-1):
    s = softmax(x.astype(np.float64), axis=axis)
    return ((grad_out * s * (1 - s)).astype(x.dtype),)
