"""Fast classic filters: Sobel, sharpen, curve detector, Gabor kernels (torch).

Same names, signatures and semantics as :mod:`convspec.reference.filters`; rules in
:mod:`convspec.spec.filters`. ``sobel`` takes and returns ``torch.Tensor`` on the
input's device (float16, bfloat16, float32, float64, autograd flowing through); it is
one :func:`convspec.accelerated.convolve` with the two kernels stacked, then
``torch.hypot``. The kernel constructors return float64 CPU tensors (``.to(x)`` them).
"""

from __future__ import annotations

import functools
import math

import torch

from convspec.spec import filters as spec
from convspec.spec.conv import conv_output_length, resolve_padding
from convspec.spec.conventions import dtype_error
from convspec.spec.limits import check_output_size

from . import _plans
from .conv import convolve


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
    """``(K_x, K_y)`` as one ``(2, 1, 3, 3)`` weight, built from the spec's matrices once per dtype and device
    (0.4 ms a call otherwise); only :func:`sobel` sees it, and ``convolve`` does not write to its weight."""
    kx, ky = sobel_kernels()
    return torch.stack([kx, ky])[:, None].to(dtype=dtype, device=device)


def sobel(x, *, padding="valid"):
    """``(G_x, G_y, sqrt(G_x^2 + G_y^2))`` stacked as channels; see :func:`convspec.reference.filters.sobel`."""
    outputs = _sobel_plan(x, padding)
    outputs.check(x.dtype)
    gradients = convolve(x, _sobel_weight(x.dtype, x.device), padding=padding)
    magnitude = torch.hypot(gradients[:, 0:1], gradients[:, 1:2])
    return torch.cat([gradients, magnitude], dim=1)


def _sobel_plan(x, padding) -> _plans.Outputs:
    """The checks of :func:`sobel`, once per (shape, dtype, padding) (:mod:`._plans`): its output's shape, whose
    size is checked against the limit at every call (``convolve`` checks its own)."""
    op = "sobel"
    key = None
    if isinstance(x, torch.Tensor):
        try:
            key = (op, x.shape, x.dtype, _plans.params_key((padding,)))
        except _plans.Uncacheable:
            key = None
    outputs = None if key is None else _plans.get(key)
    if outputs is None:
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"{op}: x must be a torch.Tensor, got {type(x).__name__}; wrap it with torch.as_tensor(x)")
        if not x.dtype.is_floating_point:
            raise dtype_error(op, "x", str(x.dtype).removeprefix("torch."))
        args = spec.check_sobel_arguments(op, tuple(x.shape), padding)
        pads = resolve_padding(args.padding, args.input_size, args.kernel_size, args.stride, args.dilation)
        out_size = (conv_output_length(n, 3, 1, lo, hi, 1) for n, (lo, hi) in zip(args.input_size, pads))
        outputs = _plans.Outputs(op, [((x.shape[0], 3, *out_size), "output")])
        if key is not None:
            _plans.store(key, outputs)
    return outputs
