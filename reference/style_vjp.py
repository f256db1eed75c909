"""Reference backward passes of the style-transfer losses (numpy, loops): vector-Jacobian products.

Convention of :mod:`convspec.reference.conv_vjp`: ``<op>_vjp(grad_out, *inputs, **params)``
returns the gradients of ``L = sum(grad_out * <op>(*inputs, **params))`` with respect to
each array argument in argument order, each of its input's shape and dtype, computed in
float64 (or exactly for ``dtype=object``) and rounded once. The style and content targets
are differentiable inputs like the generated features and get their gradients too; a target
of batch 1, broadcast over the ``N`` generated images, collects the sum over the batch.
For ``style_loss`` called with lists of layers the gradients are lists, one per layer.

The derivative of a gram entry is written once (:func:`_gram_vjp`)::

    gram[b, k, k'] = c * sum_p a[b, k, p] a[b, k', p]
    d gram[b, k, k'] / d a[b, j, p] = c ([k = j] a[b, k', p] + [k' = j] a[b, k, p])

so ``grad_a[b, j, p] = c * sum_k' (G[b, j, k'] + G[b, k', j]) a[b, k', p]`` for an
upstream ``G`` (not assumed symmetric).
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product

import numpy as np

from convspec.spec.style import check_features_shape, check_layers, check_normalization, check_pair_shapes

from .arrays import accumulator, check_array, check_same_dtype, zeros
from .conv_vjp import check_grad_out
from .style import _gram


def gram_matrix_vjp(grad_out, features, *, normalization="none"):
    """Gradient of ``sum(grad_out * gram_matrix(features, normalization=...))``: ``(grad_features,)``.

    ``grad_features[b, j, p] = c * sum_k' (grad_out[b, j, k'] + grad_out[b, k', j]) * features[b, k', p]``
    with ``c`` the normalisation's scale (1, ``1/(2 C M)`` or ``1/(C M)``).

    Example: one image, one channel ``a = [1, 2]``, ``gram = [[5]]``, ``grad_out = [[1]]``:
    ``grad = 2 a = [2, 4]``.
    """
    op = "gram_matrix_vjp"
    features = check_array(op, "features", features)
    check_features_shape("gram_matrix", "features", features.shape)
    check_normalization("gram_matrix", normalization)
    batch, channels = features.shape[:2]
    grad = accumulator(check_grad_out(op, grad_out, (batch, channels, channels)))
    return (_gram_vjp(grad, accumulator(features), normalization).astype(features.dtype),)


def style_loss_vjp(grad_out, generated, style, *, weights=None, normalization="gatys"):
    """Gradients of ``sum(grad_out * style_loss(generated, style, ...))``: ``(grad_generated, grad_style)``.

    Per layer ``l`` and image ``b`` the loss is ``lambda_l sum_kk' D[b, k, k']^2`` with
    ``D = gram_l(generated)[b] - gram_l(style)[b or 0]`` (normalised grams). So the
    upstream of the generated gram is ``2 lambda_l grad_out[b] D[b]``, that of the style
    gram its negative (summed over ``b`` when the style has batch 1), and each goes through
    :func:`gram_matrix_vjp`. For one image and Gatys's normalisation this is their eq. 6,
    ``dE/da = (1 / (C^2 M^2)) (G - A) a`` (``convspec.spec.style.style_gradient_factor``).

    Returns:
        ``(grad_generated, grad_style)``: arrays, or lists of arrays when called with lists.
    """
    op = "style_loss_vjp"
    single = isinstance(generated, np.ndarray)
    gen, sty, lambdas = check_layers("style_loss", generated, style, weights, lambda a: isinstance(a, np.ndarray))
    check_normalization("style_loss", normalization)
    first = None
    for layer, (g, s) in enumerate(zip(gen, sty)):
        g, s = check_array(op, "generated", g), check_array(op, "style", s)
        first = g if first is None else first
        check_same_dtype(op, first, generated=g, style=s)
        check_features_shape("style_loss", "generated", g.shape)
        check_pair_shapes("style_loss", "style", s.shape, g.shape, None if single else layer)
        if g.shape[0] != first.shape[0]:
            raise ValueError(f"{op}: generated layer {layer} has batch {g.shape[0]} but layer 0 has {first.shape[0]}")
    upstream = accumulator(check_grad_out(op, grad_out, (first.shape[0],)))
    grads_generated, grads_style = [], []
    for g, s, lam in zip(gen, sty, lambdas):
        ga, sa = accumulator(g), accumulator(s)
        g_gram, s_gram = _gram(ga, normalization), _gram(sa, normalization)
        batch, channels = g.shape[:2]
        upstream_generated = zeros((batch, channels, channels), like=ga)
        upstream_style = zeros((s.shape[0], channels, channels), like=ga)
        for b, k, k2 in product(range(batch), range(channels), range(channels)):
            target = b if s.shape[0] > 1 else 0
            d = g_gram[b, k, k2] - s_gram[target, k, k2]
            term = 2 * upstream[b] * d if lam == 1 else 2 * lam * upstream[b] * d
            upstream_generated[b, k, k2] = term
            upstream_style[target, k, k2] = upstream_style[target, k, k2] - term
        grads_generated.append(_gram_vjp(upstream_generated, ga, normalization).astype(g.dtype))
        grads_style.append(_gram_vjp(upstream_style, sa, normalization).astype(s.dtype))
    if single:
        return grads_generated[0], grads_style[0]
    return grads_generated, grads_style


def content_loss_vjp(grad_out, generated, content):
    """Gradients of ``sum(grad_out * content_loss(generated, content))``: ``(grad_generated, grad_content)``.

    ``L_b = sum_{k,p} (g[b, k, p] - c[b or 0, k, p])^2``, so
    ``grad_generated[b] = 2 grad_out[b] (g[b] - c[b])`` and ``grad_content`` its negative
    (summed over ``b`` when the content has batch 1).

    Example: ``g = [[[1, 2]]]``, ``c = [[[0, 0]]]``, ``grad_out = [1]``: ``([[[2, 4]]], [[[-2, -4]]])``.
    """
    op = "content_loss_vjp"
    generated = check_array(op, "generated", generated)
    content = check_array(op, "content", content)
    check_same_dtype(op, generated, content=content)
    check_features_shape("content_loss", "generated", generated.shape)
    check_pair_shapes("content_loss", "content", content.shape, generated.shape, None)
    upstream = accumulator(check_grad_out(op, grad_out, (generated.shape[0],)))
    g, c = accumulator(generated), accumulator(content)
    grad_generated, grad_content = zeros(g.shape, like=g), zeros(c.shape, like=g)
    for b in range(g.shape[0]):
        target = b if c.shape[0] > 1 else 0
        for position in np.ndindex(g.shape[1:]):
            term = 2 * upstream[b] * (g[(b, *position)] - c[(target, *position)])
            grad_generated[(b, *position)] = term
            grad_content[(target, *position)] = grad_content[(target, *position)] - term
    return grad_generated.astype(generated.dtype), grad_content.astype(content.dtype)


def _gram_vjp(upstream: np.ndarray, a: np.ndarray, normalization: str) -> np.ndarray:
    """``grad_a[b, j, p] = c sum_k' (G[b, j, k'] + G[b, k', j]) a[b, k', p]`` on accumulators."""
    batch, channels = a.shape[:2]
    positions = list(np.ndindex(a.shape[2:]))
    grad = zeros(a.shape, like=a)
    for b, j, p in product(range(batch), range(channels), positions):
        grad[(b, j, *p)] = sum(((upstream[b, j, k2] + upstream[b, k2, j]) * a[(b, k2, *p)] for k2 in range(channels)),
                               start=0)
    count = channels * len(positions)
    divisor = {"none": 1, "seed_004": 2 * count, "gatys": 2 * count, "per_element": count}[normalization]
    if divisor == 1:
        return grad
    if a.dtype == object:
        return grad * Fraction(1, divisor)
    return grad / divisor
