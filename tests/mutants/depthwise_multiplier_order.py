"""Mutant: depthwise filters read the wrong input channels when the channel multiplier is > 1.

Depthwise filter ``j`` must read input channel ``j // m`` (filters ``i*m .. i*m+m-1``
belong to channel ``i``). The port expands the input to ``C_in * m`` channels with
``repeat`` (``[c0, c1, c0, c1]``) where ``repeat_interleave`` (``[c0, c0, c1, c1]``)
is needed, so filter ``j`` reads channel ``j % C_in``. One input channel or
``m == 1`` hides it.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "depthwise filter j reads input channel j % C_in (x.repeat) instead of j // m (x.repeat_interleave)."
BUGGY_OPS = ("depthwise_separable",)


def _t(a):
    return None if a is None else torch.from_numpy(a)


def depthwise_separable(x, depthwise_weight, pointwise_weight, bias=None, *, stride=1, padding=0, dilation=1):
    xt, channels = torch.from_numpy(x), x.shape[1] * (depthwise_weight.shape[0] // x.shape[1])
    expanded = xt.repeat(1, channels // x.shape[1], *(1,) * (x.ndim - 2))  # BUG: repeat_interleave(m, dim=1)
    intermediate = accelerated.correlate(
        expanded, _t(depthwise_weight), stride=stride, padding=padding, dilation=dilation, groups=channels
    )
    return accelerated.correlate(intermediate, _t(pointwise_weight), _t(bias)).numpy()
