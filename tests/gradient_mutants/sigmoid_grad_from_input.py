"""Sigmoid backward written as ``s (1 - s)`` but fed the input instead of the saved output:
``grad_x = grad_out * x (1 - x)``, the usual slip when the derivative is expressed through the output.
"""

import numpy as np

PLANTED_BUG = "sigmoid_vjp: grad_out * x * (1 - x) (the input) instead of grad_out * s * (1 - s) (the output)"
OP = "sigmoid"


def sigmoid_vjp(grad_out, x):
    with np.errstate(invalid="ignore", over="ignore"):
        values = x.astype(np.float64)
        return ((grad_out * values * (1 - values)).astype(x.dtype),)
