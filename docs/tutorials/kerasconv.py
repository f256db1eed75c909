"""A Keras 3 Conv2D layer wrapped for `convspec check` (the tutorial "Check your own implementation").

Keras is channels-last (N, H, W, C) with kernels (kH, kW, C_in, C_out); convspec is channels-first
(N, C, H, W) with weights (C_out, C_in, kH, kW). The wrapper converts at the boundary and declares
what a Conv2D layer can express: 2-D inputs, padding "valid" or "same", no groups.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # any backend; torch is already installed with convspec

import keras
import numpy as np

from convspec.conformance import Unsupported

VERSIONS = {"keras": keras.__version__, "keras backend": keras.backend.backend()}

# what a Conv2D layer can express: the draws stay inside it, so every example counts
SUPPORTS_DRAWS = {"correlate": {"ranks": (2,), "padding": ("valid", "same"), "groups": (1,),
                                "dtypes": ("float32", "float64")}}


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    if max(np.atleast_1d(stride)) > 1 and max(np.atleast_1d(dilation)) > 1:
        raise Unsupported("Conv2D refuses strides > 1 together with dilation > 1")
    layer = keras.layers.Conv2D(
        filters=weight.shape[0], kernel_size=weight.shape[2:], strides=stride, padding=padding,
        dilation_rate=dilation, use_bias=bias is not None, dtype=str(x.dtype),
    )
    layer.build((None, *x.shape[2:], x.shape[1]))
    kernel = np.transpose(weight, (2, 3, 1, 0))  # (C_out, C_in, kH, kW) -> (kH, kW, C_in, C_out)
    layer.set_weights([kernel] if bias is None else [kernel, bias])
    out = layer(np.transpose(x, (0, 2, 3, 1)))  # NCHW -> NHWC
    return np.transpose(keras.ops.convert_to_numpy(out), (0, 3, 1, 2)).astype(x.dtype)
