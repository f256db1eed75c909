"""convspec.reference: the oracle. Slow, readable numpy loops that read like the definitions.

Never uses torch, scipy or a library convolution, and never imports the spec's
closed-form sizes: window positions are enumerated from the definition. Every function
below computes under IEEE 754's default floating-point environment (no flush-to-zero,
round to nearest), whatever its caller's thread has set (:mod:`.ieee_environment`).
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

# backward passes (vector-Jacobian products), one sibling module per family
from .activations_vjp import dense_vjp, flatten_vjp, relu_vjp, sigmoid_vjp, softmax_vjp
from .conv_transpose_vjp import conv_transpose_vjp
from .conv_vjp import convolve_vjp, correlate_vjp, depthwise_separable_vjp
from .pool_vjp import avg_pool_vjp, global_avg_pool_vjp, global_max_pool_vjp, max_pool_vjp
from .style_vjp import content_loss_vjp, gram_matrix_vjp, style_loss_vjp
from .unpool_vjp import avg_unpool_vjp, first_unpool_vjp, max_unpool_vjp
from .upsample_vjp import upsample_vjp

__all__ = [
    "avg_pool",
    "avg_pool_vjp",
    "avg_unpool",
    "avg_unpool_vjp",
    "batched_nms",
    "box_iou",
    "circular_convolve",
    "content_loss",
    "content_loss_vjp",
    "conv_transpose",
    "conv_transpose_vjp",
    "convolve",
    "convolve_vjp",
    "correlate",
    "correlate_vjp",
    "curve_kernel",
    "dense",
    "dense_vjp",
    "depthwise_separable",
    "depthwise_separable_vjp",
    "fft_convolve",
    "fft_correlate",
    "first_unpool",
    "first_unpool_vjp",
    "flatten",
    "flatten_vjp",
    "gabor_kernel",
    "global_avg_pool",
    "global_avg_pool_vjp",
    "global_max_pool",
    "global_max_pool_vjp",
    "gram_matrix",
    "gram_matrix_vjp",
    "max_pool",
    "max_pool_vjp",
    "max_unpool",
    "max_unpool_vjp",
    "nms",
    "relu",
    "relu_vjp",
    "sharpen_kernel",
    "sigmoid",
    "sigmoid_vjp",
    "sobel",
    "sobel_kernels",
    "softmax",
    "softmax_vjp",
    "style_loss",
    "style_loss_vjp",
    "upsample",
    "upsample_vjp",
]

import sys as _sys  # noqa: E402

from .ieee_environment import under_ieee_default  # noqa: E402

# Each public function, here and in the module defining it, becomes the one that computes under the default
# environment: where pickle looks it up by name (a multiprocessing pool), and where a caller imports it from its
# module (``from convspec.reference.conv import correlate``), it finds that one.
for _name in __all__:
    _function = globals()[_name]
    globals()[_name] = under_ieee_default(_function)
    setattr(_sys.modules[_function.__module__], _name, globals()[_name])
del _name, _function
