"""Linear-upsampling backward without the border clamp: the second neighbour is always i0 + 1, and
where that falls past the last sample its weight is dropped instead of going to the last sample.
"""

import math
from itertools import product

from convspec.reference.arrays import accumulator, zeros
from convspec.reference.upsample import axis_taps
from convspec.spec.upsample import check_upsample_arguments

PLANTED_BUG = "upsample_vjp: linear modes drop the weight of a neighbour past the border instead of clamping it to n - 1"
OP = "upsample"


def upsample_vjp(grad_out, x, *, scale_factor=None, size=None, mode="nearest", align_corners=False):
    args = check_upsample_arguments(OP, x.shape, scale_factor=scale_factor, size=size, mode=mode,
                                    align_corners=align_corners)
    taps = [axis_taps(args, axis) for axis in range(args.spatial_dims)]
    g, grad_x, every = accumulator(grad_out), zeros(x.shape, like=x), (slice(None), slice(None))
    for position in product(*(range(len(a)) for a in taps)):
        neighbours = []
        for axis, t in enumerate(position):
            pairs = taps[axis][t][1]
            if len(pairs) == 2:  # linear: (i0, 1 - lam), (i1, lam) with i1 = i0 + 1, unclamped
                pairs = ((pairs[0][0], pairs[0][1]), (pairs[0][0] + 1, pairs[1][1]))
            neighbours.append(pairs)
        for corner in product(*neighbours):
            index = tuple(i for i, _ in corner)
            if any(i >= n for i, n in zip(index, args.input_size)):
                continue  # past the border: dropped
            grad_x[every + index] += float(math.prod(w for _, w in corner)) * g[every + position]
    return (grad_x.astype(x.dtype),)
