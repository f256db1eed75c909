"""Avg-pool backward that recomputes each window's divisor from count_include_pad and forgets
``divisor_override``, which the forward divided by.
"""

from convspec.reference import avg_pool_vjp as _correct

PLANTED_BUG = "avg_pool_vjp: divisor_override is ignored in the backward pass (the count rule's divisor is used)"
OP = "avg_pool"


def avg_pool_vjp(grad_out, x, kernel_size, *, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
    return _correct(grad_out, x, kernel_size, stride=stride, padding=padding, ceil_mode=ceil_mode,
                    count_include_pad=count_include_pad, divisor_override=None)  # BUG: divisor_override dropped
