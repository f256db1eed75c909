"""Mutant: softmax without subtracting the slice maximum, in the input's precision.

``exp(x) / sum(exp(x))`` is softmax in real arithmetic, but ``exp`` overflows once a
logit exceeds the dtype's largest exponent (about 11.1 in float16, 88.7 in float32):
the slice becomes ``inf / inf = NaN``. Subtracting the maximum first keeps every
exponent at most 0.
"""

import torch

from convspec.spec.activations import check_softmax_axis

PLANTED_BUG = "softmax computes exp(x) / sum(exp(x)) in the input dtype, without subtracting the maximum: it overflows."
BUGGY_OPS = ("softmax",)


def softmax(x, *, axis=-1):
    axis = check_softmax_axis("softmax", x.shape, axis)
    e = torch.exp(torch.from_numpy(x))  # BUG: exp(x - max) needed
    return (e / e.sum(dim=axis, keepdim=True)).numpy()
