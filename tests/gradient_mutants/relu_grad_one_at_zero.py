"""ReLU backward with the other subgradient at the kink: the gradient at x == 0 is taken as 1
(the derivative of the identity branch, ``x >= 0``) where the spec, torch, JAX and TensorFlow use 0.
"""

import numpy as np

PLANTED_BUG = "relu_vjp: grad_out passes through where x == 0 (x >= 0 instead of x > 0)"
OP = "relu"


def relu_vjp(grad_out, x):
    passes = (x >= 0) | np.isnan(x)
    return (np.where(passes, grad_out, 0).astype(x.dtype),)
