"""Dense backward whose bias gradient averages grad_out over the batch (as if the loss were a batch
mean) instead of summing it: right for a batch of one, too small by N otherwise.
"""

from convspec.reference import dense_vjp as _correct

PLANTED_BUG = "dense_vjp: the bias gradient is the mean of grad_out over the batch instead of the sum"
OP = "dense"


def dense_vjp(grad_out, x, weight, bias=None):
    grad_x, grad_weight, grad_bias = _correct(grad_out, x, weight, bias)
    if grad_bias is not None:
        grad_bias = (grad_out.astype("float64").mean(axis=0)).astype(bias.dtype)  # BUG: sum(axis=0)
    return grad_x, grad_weight, grad_bias
