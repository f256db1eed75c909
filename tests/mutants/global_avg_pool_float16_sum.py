"""Mutant: global average pooling divides a sum held in the input dtype.

The port writes the mean as ``x.sum(spatial) / count``. The sum is rounded to the
input dtype before the division: in float16 a plane of large values (each below
65504, their mean too) sums past float16's range to ``inf``, and the "mean" is
``inf``. ``torch.mean`` (and the spec: sum in float64, round once) keeps it finite.
Float32 and float64 inputs, and small float16 values, are right to within rounding.
"""

import math

import torch

PLANTED_BUG = "global_avg_pool computes sum / count with the sum rounded to the input dtype (float16 overflows to inf)."
BUGGY_OPS = ("global_avg_pool",)


def global_avg_pool(x):
    t = torch.from_numpy(x)
    dims = tuple(range(2, t.dim()))
    total = t.sum(dim=dims, keepdim=True)  # BUG: a float16 sum above 65504 is inf
    return (total / math.prod(t.shape[2:])).numpy()
