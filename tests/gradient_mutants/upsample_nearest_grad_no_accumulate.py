"""Nearest-upsampling backward with numpy fancy-index ``+=``: ``grad_x[..., src] += grad_out`` does not
accumulate repeated indices (each input cell read by several outputs keeps only one of their gradients);
``np.add.at`` was needed. The linear modes are right.
"""

import numpy as np

from convspec.reference import upsample_vjp as _correct
from convspec.reference.upsample import axis_taps
from convspec.spec.upsample import LINEAR_MODES, check_upsample_arguments

PLANTED_BUG = "upsample_vjp: nearest modes scatter grad_out with fancy-index += (repeated sources not accumulated)"
OP = "upsample"


def upsample_vjp(grad_out, x, *, scale_factor=None, size=None, mode="nearest", align_corners=False):
    if mode in LINEAR_MODES:
        return _correct(grad_out, x, scale_factor=scale_factor, size=size, mode=mode, align_corners=align_corners)
    args = check_upsample_arguments(OP, x.shape, scale_factor=scale_factor, size=size, mode=mode,
                                    align_corners=align_corners)
    g = grad_out.astype(np.float64)
    for axis in range(args.spatial_dims):  # one axis at a time: the nearest map is separable
        sources = [pairs[0][0] for _, pairs in axis_taps(args, axis)]
        shape = list(g.shape)
        shape[2 + axis] = args.input_size[axis]
        folded = np.zeros(shape)
        index = [slice(None)] * g.ndim
        index[2 + axis] = sources
        folded[tuple(index)] += g  # BUG: np.add.at(folded, tuple(index), g)
        g = folded
    return (g.astype(x.dtype),)
