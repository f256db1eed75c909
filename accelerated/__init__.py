"""convspec.accelerated: fast torch implementations, same names and signatures as the reference.

Requires torch (``pip install 'convspec[torch]'``). Functions take and return
``torch.Tensor`` and run on the device their inputs live on.

Float32 on CUDA is float32
--------------------------
Importing this package sets torch's backend flags, process-wide, once
(:mod:`convspec.accelerated._backend`):

* ``torch.backends.cuda.matmul.allow_tf32 = False`` and
  ``torch.backends.cudnn.allow_tf32 = False`` (and, on torch >= 2.9,
  ``fp32_precision = "ieee"`` for ``cuda.matmul`` and ``cudnn.conv``): float32
  convolutions and matrix products run in IEEE float32, never in TF32, whose 10-bit
  mantissa would break the float32 error bounds the conformance checks use
  (torch's own default for cuDNN convolutions is TF32 on Ampere and later);
* ``torch.backends.cudnn.deterministic = True`` and ``torch.backends.cudnn.benchmark =
  False``: the same convolution algorithm, and the same bits, on every run, so that a
  failing check reproduces. The rules the spec states as deterministic (max_pool's
  tie and NaN rules, max_unpool's "last write wins" for duplicate switches) are kept
  by the implementations themselves, on every device; ``torch.use_deterministic_algorithms``
  is left as it is (it would make some unrelated torch operations raise).

Set them back after the import if other work in the process wants TF32;
``convspec.accelerated._backend.current()`` shows what is in force.

Argument checks
---------------
Every function runs the spec's shared argument checks (the reference's rules and
messages), once per configuration of shapes, dtypes and parameters: the checked plan
is cached (:mod:`convspec.accelerated._plans`), so a repeated call pays a dictionary
look-up, the output-size limit and the checks on values (``max_unpool``'s indices),
nothing more. A call that fails a check is never cached and raises every time.
"""

from ._backend import configure as _configure_backend

_configure_backend()

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
