# myconv.py -- a 2-D cross-correlation in plain numpy, to check with:  convspec check myconv.py
#
# It handles what a first version usually handles: 2-D inputs, groups=1, and a
# padding given as one int (the same on every side). Everything else is left out on
# purpose, so that the report shows what a conformance check finds.
import numpy as np


def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    n, c_in, h, w = x.shape  # 2-D only
    c_out, _, kh, kw = weight.shape
    p = padding  # an int: the same on every side
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    oh = (h + 2 * p - dilation * (kh - 1) - 1) // stride + 1
    ow = (w + 2 * p - dilation * (kw - 1) - 1) // stride + 1
    out = np.zeros((n, c_out, oh, ow), dtype=x.dtype)
    for i in range(oh):
        for j in range(ow):
            window = xp[:, :, i * stride : i * stride + dilation * (kh - 1) + 1 : dilation,
                              j * stride : j * stride + dilation * (kw - 1) + 1 : dilation]
            out[:, :, i, j] = np.einsum("ncij,ocij->no", window, weight)
    if bias is not None:
        out += bias[None, :, None, None]
    return out
