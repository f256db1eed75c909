"""convspec.accelerated: fast torch implementations, same names and signatures as the reference.

Requires torch (``pip install 'convspec[torch]'``). Functions take and return
``torch.Tensor`` and run on the device their inputs live on.
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
