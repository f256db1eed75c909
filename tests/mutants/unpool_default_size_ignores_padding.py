"""Mutant: max_unpool's default output size leaves out the pooling's padding.

Without ``output_size`` the output length is ``(n - 1) s - p_lo - p_hi + k`` per axis,
the length the pooling read. The port computes ``(n - 1) s + k`` (the formula for
unpadded pooling), so with padding the output is too long and every flat index lands
in the wrong row of a 2-D plane. ``output_size`` given, or no padding, is right.
"""

import torch

from convspec import accelerated

PLANTED_BUG = "max_unpool without output_size returns (n-1)*s + k per axis, ignoring the padding (p_lo + p_hi)."
BUGGY_OPS = ("max_unpool",)


def max_unpool(x, indices, kernel_size, *, stride=None, padding=0, output_size=None):
    if output_size is None:
        n_axes = x.ndim - 2
        k = kernel_size if isinstance(kernel_size, (tuple, list)) else (kernel_size,) * n_axes
        s = k if stride is None else (stride if isinstance(stride, (tuple, list)) else (stride,) * n_axes)
        output_size = tuple((n - 1) * s_ + k_ for n, s_, k_ in zip(x.shape[2:], s, k))  # BUG: - p_lo - p_hi
        flat = torch.zeros((x.shape[0], x.shape[1], *output_size), dtype=torch.from_numpy(x).dtype)
        plane = flat.reshape(x.shape[0], x.shape[1], -1)
        plane.scatter_(2, torch.from_numpy(indices).reshape(x.shape[0], x.shape[1], -1),
                       torch.from_numpy(x).reshape(x.shape[0], x.shape[1], -1))
        return flat.numpy()
    return accelerated.max_unpool(torch.from_numpy(x), torch.from_numpy(indices), kernel_size, stride=stride,
                                  padding=padding, output_size=output_size).numpy()
