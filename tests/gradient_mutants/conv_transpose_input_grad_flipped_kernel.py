"""Transposed-convolution backward that takes the input gradient as a true convolution of grad_out
with the kernel (flipped), where the adjoint of the scatter reads the kernel unflipped.
"""

from convspec.reference import conv_transpose_vjp as _correct

PLANTED_BUG = "conv_transpose_vjp: the input gradient reads the kernel flipped on every spatial axis"
OP = "conv_transpose"


def conv_transpose_vjp(grad_out, x, weight, bias=None, **params):
    flipped = weight[(slice(None), slice(None)) + (slice(None, None, -1),) * (weight.ndim - 2)].copy()
    grad_x, _, _ = _correct(grad_out, x, flipped, bias, **params)
    _, grad_weight, grad_bias = _correct(grad_out, x, weight, bias, **params)
    return grad_x, grad_weight, grad_bias
