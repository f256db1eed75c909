"""``correlate``/``convolve`` with ``method="fft"`` (torch.fft): see :mod:`convspec.reference.conv_fft`.

The zero-padded input and the dilated kernel are transformed at the power-of-two lengths
``L = transform_length(n_pad, span)`` of :mod:`convspec.spec.fft`; the spectra of each group's
channels are multiplied and summed (one ``einsum`` for every group), transformed back, and the
``"valid"`` windows read at every ``stride``-th start; then the bias. float32 and float64 are
transformed in their own precision, float16 and bfloat16 in float32 (``torch.fft`` has neither
on CPU), rounded once to the input dtype. Autograd flows through ``torch.fft``.

Non-finite values: a NaN or ±inf in the group's channels of ``x[b]`` or in ``weight[c]`` makes the
whole row ``y[b, c]`` NaN, as in the reference (the FFT's rule, :data:`convspec.spec.fft.NON_FINITE`).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from convspec.spec.fft import transform_length


def correlate_fft(x: torch.Tensor, weight: torch.Tensor, bias, args, pads, out_size) -> torch.Tensor:
    """The correlation of checked arguments (``pads``: resolved ``(lo, hi)`` per axis) through the FFT."""
    n, groups, rank = x.shape[0], args.groups, len(out_size)
    if n == 0:  # no batch entry: MKL refuses an empty transform
        return x.new_zeros((0, args.out_channels, *out_size))
    compute = x.dtype if x.dtype in (torch.float32, torch.float64) else torch.float32
    spans = [d * (k - 1) + 1 for k, d in zip(args.kernel_size, args.dilation)]
    padded = F.pad(x.to(compute), [side for lo, hi in reversed(pads) for side in (lo, hi)])
    w = weight.to(compute)
    if any(d > 1 for d in args.dilation):
        dilated = w.new_zeros((*w.shape[:2], *spans))
        dilated[(slice(None), slice(None), *(slice(None, None, d) for d in args.dilation))] = w
        w = dilated
    dims = tuple(range(2, 2 + rank))
    lengths = [transform_length(length, s) for length, s in zip(padded.shape[2:], spans)]
    X = torch.fft.rfftn(padded, s=lengths, dim=dims)  # (N, C_in, *freq)
    W = torch.fft.rfftn(torch.flip(w, dims=dims), s=lengths, dim=dims)  # correlate = convolve with the flip
    per_in, per_out = args.in_channels // groups, args.out_channels // groups
    Y = torch.einsum(
        "bgq...,goq...->bgo...", X.reshape(n, groups, per_in, *X.shape[2:]), W.reshape(groups, per_out, per_in, *W.shape[2:])
    ).reshape(n, args.out_channels, *X.shape[2:])
    full = torch.fft.irfftn(Y, s=lengths, dim=dims)
    # the valid windows start at span - 1 of the full convolution; every stride-th one
    out = full[(slice(None), slice(None), *(
        slice(s - 1, s - 1 + stride * (o - 1) + 1, stride) for s, stride, o in zip(spans, args.stride, out_size)
    ))]
    if bias is not None:
        out = out + bias.to(compute).reshape((1, -1) + (1,) * rank)
    # the FFT's non-finite rule: a NaN or ±inf in x[b]'s group channels or in weight[c] makes row (b, c) NaN
    bad_x = ~torch.isfinite(x).reshape(n, groups, -1).all(dim=2)  # (N, groups)
    bad_w = ~torch.isfinite(weight).reshape(args.out_channels, -1).all(dim=1)  # (C_out,)
    if bool(bad_x.any()) or bool(bad_w.any()):
        bad = bad_x.repeat_interleave(per_out, dim=1) | bad_w[None, :]
        out = torch.where(bad.reshape(n, args.out_channels, *(1,) * rank),
                          torch.full((), float("nan"), dtype=out.dtype, device=out.device), out)
    return out.to(x.dtype).contiguous()
