"""Global-average-pool backward that spreads grad_out over the cells but divides by the last axis's
length only (a 1-D port's ``/ x.shape[-1]``) instead of the number of spatial cells.
"""

import numpy as np

PLANTED_BUG = "global_avg_pool_vjp: divides by x.shape[-1] instead of prod(x.shape[2:])"
OP = "global_avg_pool"


def global_avg_pool_vjp(grad_out, x):
    share = grad_out.astype(np.float64) / x.shape[-1]  # BUG: / prod(spatial)
    return (np.broadcast_to(share, x.shape).astype(x.dtype),)
