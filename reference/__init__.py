"""convspec.reference: the oracle. Slow, readable numpy loops that read like the definitions.

Never uses torch, scipy or a library convolution, and never imports the spec's
closed-form sizes: window positions are enumerated from the definition.
"""

from .conv import convolve, correlate, depthwise_separable
from .conv_transpose import conv_transpose
from .pool import avg_pool, global_avg_pool, global_max_pool, max_pool
from .unpool import avg_unpool, first_unpool, max_unpool
from .upsample import upsample

__all__ = [
    "avg_pool",
    "avg_unpool",
    "conv_transpose",
    "convolve",
    "correlate",
    "depthwise_separable",
    "first_unpool",
    "global_avg_pool",
    "global_max_pool",
    "max_pool",
    "max_unpool",
    "upsample",
]
