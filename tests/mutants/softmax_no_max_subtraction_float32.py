"""Mutant: softmax without the max subtraction, computed in float32.

The port casts to float32 (so float16 inputs no longer overflow at 11) and computes
``exp(x) / sum(exp(x))``: right to rounding for logits up to about 88, but a slice
holding a logit above ``log(FLT_MAX) = 88.7`` becomes ``inf / inf = NaN``, where
subtracting the maximum first gives a valid distribution. float64 inputs stay float64.
"""

import numpy as np
import torch

from convspec.spec.activations import check_softmax_axis

PLANTED_BUG = "softmax computes exp(x) / sum(exp(x)) in float32 without subtracting the maximum: NaN for logits above ~88."
BUGGY_OPS = ("softmax",)


def softmax(x, *, axis=-1):
    axis = check_softmax_axis("softmax", x.shape, axis)
    t = torch.from_numpy(x)
    t = t if t.dtype == torch.float64 else t.float()
    e = torch.exp(t)  # BUG: exp(x - max) needed
    return (e / e.sum(dim=axis, keepdim=True)).numpy().astype(x.dtype)
