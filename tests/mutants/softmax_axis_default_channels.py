"""Mutant: softmax's axis defaults to 1 (the channel axis).

The port's signature follows a framework whose softmax layer normalises over the
channels of an ``(N, C, ...)`` tensor by default; convspec (and NumPy/SciPy/JAX)
default to the last axis. Calls that pass ``axis`` are right; calls that leave it
out normalise over axis 1 (and fail on 1-D input).
"""

import torch

from convspec import accelerated

PLANTED_BUG = "softmax's axis defaults to 1 instead of -1."
BUGGY_OPS = ("softmax",)


def softmax(x, *, axis=1):  # BUG: default -1
    return accelerated.softmax(torch.from_numpy(x), axis=axis).numpy()
