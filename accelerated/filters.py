"""Fast classic filters: Sobel, sharpen, curve detector, Gabor kernels (torch).

Same names, signatures and semantics as :mod:`convspec.reference.filters`; rules in
:mod:`convspec.spec.filters`. ``sobel`` takes and returns ``torch.Tensor`` on the
input's device (float16, bfloat16, float32, float64, autograd flowing through); it is
one convolution with the two kernels stacked (:func:`convspec.accelerated.correlate` with them flipped), then
``torch.hypot``. The kernel constructors return float64 CPU tensors (``.to(x)`` them).
"""

from __future__ import annotations

import functools
import math

import torch

from convspec.spec import filters as spec
from convspec.spec.conv import conv_output_length, resolve_padding
from convspec.spec.limits import check_output_size

from . import _plans
from ._tensors import check_tensor, key_of
from .conv import correlate


def _matrix(matrix) -> torch.Tensor:
    return torch.tensor(matrix.tolist(), dtype=torch.float64)


def sobel_kernels():
    """Seed 002's Sobel kernels ``(K_x, K_y)`` for convolution; see :func:`convspec.reference.filters.sobel_kernels`."""
    return torch.tensor(spec.SOBEL_X, dtype=torch.float64), torch.tensor(spec.SOBEL_Y, dtype=torch.float64)


def sharpen_kernel():
    """Seed 002's sharpen kernel; see :func:`convspec.reference.filters.sharpen_kernel`."""
    return _matrix(spec.sharpen_kernel())


def curve_kernel():
    """Seed 002's curve detector (for correlation); see :func:`convspec.reference.filters.curve_kernel`."""
    return _matrix(spec.curve_kernel())


def gabor_kernel(size, *, A=1.0, alpha, beta, omega, phi=0.0, theta=0.0, x0=None, y0=None):
    """Seed 004's Gabor filter on a pixel grid (float64); see :func:`convspec.reference.filters.gabor_kernel`."""
    (rows, cols), p = spec.check_gabor_arguments(
        "gabor_kernel", size, A=A, alpha=alpha, beta=beta, omega=omega, phi=phi, theta=theta, x0=x0, y0=y0
    )
    check_output_size("gabor_kernel", (rows, cols), torch.float64)
    y, x = torch.meshgrid(torch.arange(rows, dtype=torch.float64), torch.arange(cols, dtype=torch.float64), indexing="ij")
    c, s = math.cos(p["theta"]), math.sin(p["theta"])
    xt = (x - p["x0"]) * c + (y - p["y0"]) * s
    yt = -(x - p["x0"]) * s + (y - p["y0"]) * c
    return p["A"] * torch.exp(-p["alpha"] * xt**2 - p["beta"] * yt**2) * torch.sin(p["omega"] * xt + p["phi"])


@functools.lru_cache(maxsize=None)
def _sobel_weight(dtype, device):
    """``(K_x, K_y)`` flipped on both axes, as one ``(2, 1, 3, 3)`` weight for :func:`correlate`: built from the
    spec's matrices once per dtype and device (0.4 ms a call otherwise); only :func:`sobel` sees it, and
    ``correlate`` does not write to its weight."""
    kx, ky = sobel_kernels()
    return torch.stack([kx, ky])[:, None].flip(-2, -1).to(dtype=dtype, device=device)


def sobel(x, *, padding="valid"):
    """``(G_x, G_y, sqrt(G_x^2 + G_y^2))`` stacked as channels; see :func:`convspec.reference.filters.sobel`."""
    outputs = _sobel_plan(x, padding)
    outputs.check(x.dtype)
    # a convolution with K is the correlation with K flipped (spec/identities.py), the flip exact: correlating
    # with the flipped pair, built once, spares convolve's flip of the weight at every call (about 1 us)
    gradients = correlate(x, _sobel_weight(x.dtype, x.device), padding=padding)
    magnitude = torch.hypot(gradients[:, 0:1], gradients[:, 1:2])
    return torch.cat([gradients, magnitude], dim=1)


def _sobel_plan(x, padding) -> _plans.Outputs:
    """The checks of :func:`sobel`, once per (shape, dtype, padding) (:mod:`._plans`): its output's shape, whose
    size is checked against the limit at every call (``correlate`` checks its own)."""
    op = "sobel"
    key = None
    if isinstance(x, torch.Tensor):
        try:
            key = (op, key_of(x), _plans.params_key((padding,)))
        except _plans.Uncacheable:
            key = None
    outputs = None if key is None else _plans.get(key)
    if outputs is None:
        check_tensor(op, "x", x)
        args = spec.check_sobel_arguments(op, tuple(x.shape), padding)
        pads = resolve_padding(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
        out_size = (conv_output_length(n, 3, 1, lo, hi, 1) for n, (lo, hi) in zip(args.input_size, pads))
        outputs = _plans.Outputs(op, [((x.shape[0], 3, *out_size), "output")])
        if key is not None:
            _plans.store(key, outputs)
    return outputs
