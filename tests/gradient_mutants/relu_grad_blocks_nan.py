"""ReLU backward as a mask ``x > 0``: a NaN input (which the forward passes through) gets no gradient,
where the spec (and torch's threshold_backward, which zeroes only where ``x <= 0``) passes grad_out.
"""

import numpy as np

PLANTED_BUG = "relu_vjp: grad_out is masked with x > 0, so NaN inputs get gradient 0 instead of grad_out"
OP = "relu"


def relu_vjp(grad_out, x):
    return (np.where(x > 0, grad_out, 0).astype(x.dtype),)
