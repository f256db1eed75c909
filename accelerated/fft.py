"""Fast convolution and correlation through the FFT (torch.fft), and the circular convolution.

Same names, signatures and semantics as :mod:`convspec.reference.fft`; rules in
:mod:`convspec.spec.fft`. Takes and returns ``torch.Tensor`` on the input's device,
autograd flowing through ``torch.fft``. float32 and float64 are transformed in their
own precision; float16 and bfloat16 in float32 (``torch.fft`` has no bfloat16, and no
float16 on CPU), the result rounded once to the input dtype.

Non-finite values follow the reference's rule (:mod:`convspec.reference.fft`): in
``fft_convolve``/``fft_correlate`` a NaN or an infinity in ``x[b]`` or ``weight[c]`` makes
every output of the row ``y[b, c]`` NaN. ``circular_convolve`` is computed directly, a sum
of products over the kernel taps with wrap-around (``torch.roll``), not by the FFT, so its
NaN and infinities land exactly where the definition's sum puts them.
"""

from __future__ import annotations

from itertools import product

import torch

from convspec.spec import fft as spec
from convspec.spec.conventions import dtype_mismatch_error
from convspec.spec.limits import check_output_size

from ._tensors import check_same_device as _check_same_device
from ._tensors import check_tensor as _check_tensor
from ._tensors import dtype_name as _name


def _check(op: str, x, weight) -> None:
    for name, value in (("x", x), ("weight", weight)):
        _check_tensor(op, name, value)
    if weight.dtype != x.dtype:
        raise dtype_mismatch_error(op, "weight", _name(weight.dtype), _name(x.dtype))
    _check_same_device(op, "weight", weight, "x", x)


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


def _fft_convolve(op: str, x: torch.Tensor, weight: torch.Tensor, mode: str) -> torch.Tensor:
    sizes, kernel = tuple(x.shape[2:]), tuple(weight.shape[2:])
    out_size = tuple(int(spec.fft_output_length(n, k, mode)) for n, k in zip(sizes, kernel))
    check_output_size(op, (x.shape[0], weight.shape[0], *out_size), x.dtype)
    if x.shape[0] == 0:  # no batch entry: MKL refuses an empty transform
        return x.new_zeros((0, weight.shape[0], *out_size))
    lengths = tuple(spec.transform_length(n, k) for n, k in zip(sizes, kernel))
    full = _spectral_product(x, weight, lengths)
    crop = tuple(slice(int(spec.crop_start(k, mode)), int(spec.crop_start(k, mode)) + o) for k, o in zip(kernel, out_size))
    out = full[(slice(None), slice(None), *crop)]
    # the non-finite rule: a NaN or an infinity in x[b] or weight[c] makes the whole row (b, c) NaN
    bad_x = ~torch.isfinite(x).flatten(1).all(dim=1)  # (N,)
    bad_w = ~torch.isfinite(weight).flatten(1).all(dim=1)  # (C_out,)
    bad = (bad_x[:, None] | bad_w[None, :]).reshape(*bad_x.shape, *bad_w.shape, *(1,) * len(out_size))
    out = torch.where(bad, torch.full((), float("nan"), dtype=out.dtype, device=out.device), out)
    return out.to(x.dtype).contiguous()


def fft_convolve(x, weight, *, mode="full"):
    """Convolution by the convolution theorem; see :func:`convspec.reference.fft.fft_convolve`."""
    op = "fft_convolve"
    _check(op, x, weight)
    mode = spec.check_fft_arguments(op, tuple(x.shape), tuple(weight.shape), mode)
    return _fft_convolve(op, x, weight, mode)


def fft_correlate(x, weight, *, mode="full"):
    """Correlation by the convolution theorem (kernel flipped); see :func:`convspec.reference.fft.fft_correlate`."""
    op = "fft_correlate"
    _check(op, x, weight)
    mode = spec.check_fft_arguments(op, tuple(x.shape), tuple(weight.shape), mode)
    return _fft_convolve(op, x, torch.flip(weight, dims=tuple(range(2, weight.dim()))), mode)


def circular_convolve(x, weight):
    """Circular convolution, ``y[j] = sum_q sum_t x[(j - t) mod n] w[t]``; see :func:`convspec.reference.fft.circular_convolve`.

    Computed directly, one rolled copy of ``x`` per kernel tap (it equals the product of
    length-``n`` DFTs, but a NaN or infinity stays where the sum puts it instead of
    spreading over the row).
    """
    op = "circular_convolve"
    _check(op, x, weight)
    spec.check_circular_arguments(op, tuple(x.shape), tuple(weight.shape))
    dims = tuple(range(2, x.dim()))
    check_output_size(op, (x.shape[0], weight.shape[0], *x.shape[2:]), x.dtype)
    compute = _compute_dtype(x.dtype)
    xc, wc = x.to(compute), weight.to(compute)
    out = None
    for tap in product(*(range(k) for k in weight.shape[2:])):
        shifted = torch.roll(xc, shifts=tap, dims=dims) if any(tap) else xc  # shifted[j] = x[(j - t) mod n]
        term = torch.einsum("bq...,cq->bc...", shifted, wc[(slice(None), slice(None)) + tap])
        out = term if out is None else out + term
    return out.to(x.dtype).contiguous()
