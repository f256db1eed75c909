"""Softmax backward that reduces ``sum_i grad_out_i s_i`` over the last axis, whatever axis the forward
normalised (the forward honours ``axis``; the hand-written backward was only tested with the default).
"""

import numpy as np

from convspec.reference import softmax

PLANTED_BUG = "softmax_vjp: the Jacobian's sum runs over the last axis instead of the given axis"
OP = "softmax"


def softmax_vjp(grad_out, x, *, axis=-1):
    s = softmax(x.astype(np.float64), axis=axis)
    inner = np.sum(grad_out * s, axis=-1, keepdims=True)  # BUG: axis=axis
    return ((s * (grad_out - inner)).astype(x.dtype),)
