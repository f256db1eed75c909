"""Fast convolution and correlation through the FFT (torch.fft), and the circular convolution.

Same names, signatures and semantics as :mod:`convspec.reference.fft`; rules in
:mod:`convspec.spec.fft`. Takes and returns ``torch.Tensor`` on the input's device,
autograd flowing through ``torch.fft``. float32 and float64 are transformed in their
own precision; float16 and bfloat16 in float32 (``torch.fft`` has no bfloat16, and no
float16 on CPU), the result rounded once to the input dtype.
"""

from __future__ import annotations

import torch

from convspec.spec import fft as spec
from convspec.spec.conventions import dtype_error, dtype_mismatch_error


def _name(dtype) -> str:
    return str(dtype).removeprefix("torch.")


def _check(op: str, x, weight) -> None:
    for name, value in (("x", x), ("weight", weight)):
        if not isinstance(value, torch.Tensor):
            raise TypeError(
                f"{op}: {name} must be a torch.Tensor, got {type(value).__name__}; wrap it with torch.as_tensor({name})"
            )
        if not value.dtype.is_floating_point:
            raise dtype_error(op, name, _name(value.dtype))
    if weight.dtype != x.dtype:
        raise dtype_mismatch_error(op, "weight", _name(weight.dtype), _name(x.dtype))


def _compute_dtype(dtype: torch.dtype) -> torch.dtype:
    return dtype if dtype in (torch.float32, torch.float64) else torch.float32


def _spectral_product(x: torch.Tensor, weight: torch.Tensor, lengths) -> torch.Tensor:
    """``irfftn(sum_q rfftn(x_q) rfftn(w_q))`` at the given transform lengths, in the compute dtype."""
    compute = _compute_dtype(x.dtype)
    dims = tuple(range(2, x.dim()))
    X = torch.fft.rfftn(x.to(compute), s=lengths, dim=dims)
    W = torch.fft.rfftn(weight.to(compute), s=lengths, dim=dims)
    Y = torch.einsum("bq...,cq...->bc...", X, W)
    return torch.fft.irfftn(Y, s=lengths, dim=dims)


def _fft_convolve(x: torch.Tensor, weight: torch.Tensor, mode: str) -> torch.Tensor:
    sizes, kernel = tuple(x.shape[2:]), tuple(weight.shape[2:])
    lengths = tuple(spec.transform_length(n, k) for n, k in zip(sizes, kernel))
    full = _spectral_product(x, weight, lengths)
    crop = tuple(
        slice(int(spec.crop_start(k, mode)), int(spec.crop_start(k, mode)) + int(spec.fft_output_length(n, k, mode)))
        for n, k in zip(sizes, kernel)
    )
    return full[(slice(None), slice(None), *crop)].to(x.dtype).contiguous()


def fft_convolve(x, weight, *, mode="full"):
    """Convolution by the convolution theorem; see :func:`convspec.reference.fft.fft_convolve`."""
    op = "fft_convolve"
    _check(op, x, weight)
    mode = spec.check_fft_arguments(op, tuple(x.shape), tuple(weight.shape), mode)
    return _fft_convolve(x, weight, mode)


def fft_correlate(x, weight, *, mode="full"):
    """Correlation by the convolution theorem (kernel flipped); see :func:`convspec.reference.fft.fft_correlate`."""
    op = "fft_correlate"
    _check(op, x, weight)
    mode = spec.check_fft_arguments(op, tuple(x.shape), tuple(weight.shape), mode)
    return _fft_convolve(x, torch.flip(weight, dims=tuple(range(2, weight.dim()))), mode)


def circular_convolve(x, weight):
    """Circular convolution: the product of length-``n`` DFTs; see :func:`convspec.reference.fft.circular_convolve`."""
    op = "circular_convolve"
    _check(op, x, weight)
    spec.check_circular_arguments(op, tuple(x.shape), tuple(weight.shape))
    return _spectral_product(x, weight, tuple(x.shape[2:])).to(x.dtype).contiguous()
