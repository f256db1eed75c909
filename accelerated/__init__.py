"""convspec.accelerated: fast torch implementations, same names and signatures as the reference.

Requires torch (``pip install 'convspec[torch]'``). Functions take and return
``torch.Tensor`` and run on the device their inputs live on.
"""

from .activations import dense, flatten, relu, sigmoid, softmax
from .conv import convolve, correlate, depthwise_separable
from .conv_transpose import conv_transpose
from .detection import batched_nms, box_iou, nms
from .fft import circular_convolve, fft_convolve, fft_correlate
from .filters import curve_kernel, gabor_kernel, sharpen_kernel, sobel, sobel_kernels
from .pool import avg_pool, global_avg_pool, global_max_pool, max_pool
from .style import content_loss, gram_matrix, style_loss
from .unpool import avg_unpool, first_unpool, max_unpool
from .upsample import upsample

__all__ = [
    "avg_pool",
    "avg_unpool",
    "batched_nms",
    "box_iou",
    "circular_convolve",
    "content_loss",
    "conv_transpose",
    "convolve",
    "correlate",
    "curve_kernel",
    "dense",
    "depthwise_separable",
    "fft_convolve",
    "fft_correlate",
    "first_unpool",
    "flatten",
    "gabor_kernel",
    "global_avg_pool",
    "global_max_pool",
    "gram_matrix",
    "max_pool",
    "max_unpool",
    "nms",
    "relu",
    "sharpen_kernel",
    "sigmoid",
    "sobel",
    "sobel_kernels",
    "softmax",
    "style_loss",
    "upsample",
]
