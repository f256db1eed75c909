"""Mutant: max_unpool reads the switches as flat positions in the whole tensor.

ONNX's MaxPool/MaxUnpool count indices over the whole ``(N, C, *spatial)`` tensor;
convspec's (and PyTorch's) count within each ``(n, c)`` plane. A port that mixes the two
conventions subtracts nothing and scatters into one flat buffer: every plane but the first
receives its values in the first plane's cells.
"""

import numpy as np

from convspec.spec.unpool import check_unpool_arguments, unpool_output_size

PLANTED_BUG = "max_unpool treats per-plane indices as indices into the whole flattened tensor."
BUGGY_OPS = ("max_unpool",)


def max_unpool(x, indices, kernel_size, *, stride=None, padding=0, output_size=None):
    args = check_unpool_arguments("max_unpool", x.shape, kernel_size=kernel_size, stride=stride, padding=padding,
                                  output_size=output_size, indices_shape=indices.shape)
    size = unpool_output_size(args)
    out = np.zeros(x.shape[:2] + tuple(size), dtype=x.dtype)
    flat = out.reshape(-1)
    for value, index in zip(x.reshape(-1), indices.reshape(-1)):  # in order: the last write wins, as the spec says
        flat[index] = value  # BUG: no (n * C + c) * plane offset
    return out
