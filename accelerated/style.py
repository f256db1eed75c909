"""Fast style-transfer losses: gram_matrix, style_loss, content_loss (torch).

Same names, signatures and semantics as :mod:`convspec.reference.style`; takes and
returns ``torch.Tensor`` on the input's device, float16, bfloat16, float32 and float64,
differentiable (the losses' gradients w.r.t. ``generated`` are what style transfer
descends). The gram is one batched ``features @ features^T`` per image, divided by the
integer ``2 C M`` or ``C M``; float16/bfloat16 are computed in float32 and rounded once.
Rules: :mod:`convspec.spec.style`.
"""

from __future__ import annotations

import math

import torch

from convspec.spec.conventions import dtype_mismatch_error
from convspec.spec.limits import check_output_size
from convspec.spec.style import check_features_shape, check_layers, check_normalization, check_pair_shapes

from ._tensors import check_same_device as _check_same_device
from ._tensors import check_tensor as _check_tensor
from ._tensors import dtype_name as _name

_HALF = (torch.float16, torch.bfloat16)


def gram_matrix(features, *, normalization="none"):
    """Per-image gram ``(N, C, C)``; see :func:`convspec.reference.style.gram_matrix`."""
    op = "gram_matrix"
    _check_tensor(op, "features", features)
    check_features_shape(op, "features", tuple(features.shape))
    check_normalization(op, normalization)
    check_output_size(op, (features.shape[0], features.shape[1], features.shape[1]), features.dtype)
    return _gram(_compute(features), normalization).to(features.dtype)


def style_loss(generated, style, *, weights=None, normalization="gatys"):
    """Weighted sum over layers of the squared gram differences, per image; see :func:`convspec.reference.style.style_loss`."""
    op = "style_loss"
    gen, sty, lambdas = check_layers(op, generated, style, weights, lambda a: isinstance(a, torch.Tensor))
    check_normalization(op, normalization)
    first = None
    for layer, (g, s) in enumerate(zip(gen, sty)):
        where = None if len(gen) == 1 else layer
        _check_tensor(op, "generated", g)
        _check_tensor(op, "style", s)
        first = g if first is None else first
        for name, other in (("generated", g), ("style", s)):
            if other.dtype != first.dtype:
                raise dtype_mismatch_error(op, name, _name(other.dtype), _name(first.dtype))
            _check_same_device(op, name, other, "generated", first)
        check_features_shape(op, "generated", tuple(g.shape))
        check_pair_shapes(op, "style", tuple(s.shape), tuple(g.shape), where)
        if g.shape[0] != first.shape[0]:
            raise ValueError(f"{op}: generated layer {layer} has batch {g.shape[0]} but layer 0 has {first.shape[0]}")
    for g in gen:  # the loss is (N,), but each layer's gram matrices are (N, C, C)
        check_output_size(op, (g.shape[0], g.shape[1], g.shape[1]), g.dtype, what="gram matrices")
    total = None
    for g, s, lam in zip(gen, sty, lambdas):
        difference = _gram(_compute(g), normalization) - _gram(_compute(s), normalization)  # style batch 1 broadcasts
        term = difference.square().sum(dim=(1, 2))
        term = term if lam == 1 else lam * term
        total = term if total is None else total + term
    return total.to(first.dtype)


def content_loss(generated, content):
    """Sum of squared feature differences per image; see :func:`convspec.reference.style.content_loss`."""
    op = "content_loss"
    _check_tensor(op, "generated", generated)
    _check_tensor(op, "content", content)
    if content.dtype != generated.dtype:
        raise dtype_mismatch_error(op, "content", _name(content.dtype), _name(generated.dtype))
    _check_same_device(op, "content", content, "generated", generated)
    check_features_shape(op, "generated", tuple(generated.shape))
    check_pair_shapes(op, "content", tuple(content.shape), tuple(generated.shape), None)
    difference = _compute(generated) - _compute(content)
    return difference.square().flatten(1).sum(dim=1).to(generated.dtype)


def _compute(x):
    return x.float() if x.dtype in _HALF else x


def _gram(features, normalization: str):
    batch, channels = features.shape[:2]
    flat = features.reshape(batch, channels, math.prod(features.shape[2:]))  # no -1: batch 0 has no elements
    gram = flat @ flat.transpose(1, 2)
    count = channels * flat.shape[2]
    divisor = {"none": 1, "seed_004": 2 * count, "gatys": 2 * count, "per_element": count}[normalization]
    return gram if divisor == 1 else gram / divisor


