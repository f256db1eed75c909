"""Reference style-transfer losses: gram_matrix, style_loss, content_loss (numpy, loops).

Rules (per-image grams, the four normalisations and their constants, batch
broadcasting): :mod:`convspec.spec.style`. Sums in float64 (or exactly for
``dtype=object``), rounded once to the input dtype.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product

import numpy as np

from convspec.spec.limits import check_output_size
from convspec.spec.style import check_features_shape, check_layers, check_normalization, check_pair_shapes

from .arrays import accumulator, check_array, check_same_dtype, zeros


def gram_matrix(features, *, normalization="none"):
    """The style matrix of each image: ``gram[b, k, k'] = c * sum_p a[b, k, p] * a[b, k', p]``.

    ``p`` runs over every spatial position (seed 004: ``F_kk' = sum_i sum_j a_ijk a_ijk'``);
    ``c`` is the normalisation's scale: ``"none"`` 1, ``"gatys"`` and ``"seed_004"``
    ``1/(2 C M)``, ``"per_element"`` ``1/(C M)`` (``M`` the number of positions).

    Args:
        features: ``(N, C, *spatial)`` floating array, one layer's feature maps.
        normalization: ``"none"`` (default), ``"seed_004"``, ``"gatys"`` or ``"per_element"``.

    Returns:
        ``(N, C, C)`` array of ``features``' dtype, symmetric per image.

    Example: channels ``[[1, 2], [3, 0]]`` and ``[[0, 1], [1, 1]]`` give
    ``F = [[14, 5], [5, 3]]`` (``1+4+9+0``, ``0+2+3+0``, ``0+1+1+1``).
    """
    op = "gram_matrix"
    features = check_array(op, "features", features)
    check_features_shape(op, "features", features.shape)
    check_normalization(op, normalization)
    check_output_size(op, (features.shape[0], features.shape[1], features.shape[1]), features.dtype)
    return _gram(features, normalization).astype(features.dtype)


def style_loss(generated, style, *, weights=None, normalization="gatys"):
    """``sum_l lambda_l sum_kk' (gram_l(generated) - gram_l(style))^2``, per image.

    With the default ``normalization="gatys"`` each layer's term is Gatys et al.'s
    ``E_l = 1/(4 N_l^2 M_l^2) sum (G - A)^2`` (and seed 004's ``1/(2IJK)^2``, the same).

    Args:
        generated: ``(N, C, *spatial)`` features of the generated image, or a list of them (one per layer).
        style: the style image's features, the same shapes (batch 1 or ``N``), or a list.
        weights: ``None`` (every ``lambda_l = 1``), a real number (one layer) or one real per layer.
        normalization: the gram matrices' normalisation, as in :func:`gram_matrix`.

    Returns:
        ``(N,)`` array of ``generated``'s dtype.

    Example: grams ``[[14, 5], [5, 3]]`` and ``[[1, 0], [0, 1]]`` of two 2x2 maps differ by
    ``[[13, 5], [5, 2]]``: ``169 + 25 + 25 + 4 = 223``; with ``"gatys"`` ``223 / 256``.
    """
    op = "style_loss"
    gen, sty, lambdas = check_layers(op, generated, style, weights, lambda a: isinstance(a, np.ndarray))
    check_normalization(op, normalization)
    first = None
    for layer, (g, s) in enumerate(zip(gen, sty)):
        where = None if len(gen) == 1 else layer
        g = check_array(op, "generated", g)
        s = check_array(op, "style", s)
        first = g if first is None else first
        check_same_dtype(op, first, generated=g, style=s)
        check_features_shape(op, "generated", g.shape)
        check_pair_shapes(op, "style", s.shape, g.shape, where)
        if g.shape[0] != first.shape[0]:
            raise ValueError(f"{op}: generated layer {layer} has batch {g.shape[0]} but layer 0 has {first.shape[0]}")
    for g in gen:  # the loss is (N,), but each layer's gram matrices are (N, C, C)
        check_output_size(op, (g.shape[0], g.shape[1], g.shape[1]), g.dtype, what="gram matrices")
    total = zeros((first.shape[0],), like=first)
    for g, s, lam in zip(gen, sty, lambdas):
        g_gram, s_gram = _gram(g, normalization), _gram(s, normalization)
        for b in range(g.shape[0]):
            a = s_gram[b if s.shape[0] > 1 else 0]
            layer_sum = 0
            for k, k2 in product(range(g.shape[1]), repeat=2):
                layer_sum = layer_sum + (g_gram[b, k, k2] - a[k, k2]) ** 2
            total[b] = total[b] + (layer_sum if lam == 1 else lam * layer_sum)
    return total.astype(first.dtype)


def content_loss(generated, content):
    """``sum_{k, p} (a_kp(generated) - a_kp(content))^2`` per image (seed 004's ``E_content``, constant 1).

    Args:
        generated: ``(N, C, *spatial)`` features of the generated image at the content layer.
        content: the content image's features, the same shape (batch 1 or ``N``).

    Returns:
        ``(N,)`` array of ``generated``'s dtype. (Gatys et al.'s loss is half of it.)

    Example: ``[[1, 2], [3, 0]]`` and ``[[0, 1], [1, 1]]`` against all ones differ by
    ``0, 1, 2, -1`` and ``-1, 0, 0, 0``: ``0 + 1 + 4 + 1 + 1 = 7``.
    """
    op = "content_loss"
    generated = check_array(op, "generated", generated)
    content = check_array(op, "content", content)
    check_same_dtype(op, generated, content=content)
    check_features_shape(op, "generated", generated.shape)
    check_pair_shapes(op, "content", content.shape, generated.shape, None)
    g, c = accumulator(generated), accumulator(content)
    total = zeros((g.shape[0],), like=g)
    for b in range(g.shape[0]):
        target = c[b if c.shape[0] > 1 else 0]
        for position in np.ndindex(g.shape[1:]):
            total[b] = total[b] + (g[(b, *position)] - target[position]) ** 2
    return total.astype(generated.dtype)


def _gram(features: np.ndarray, normalization: str) -> np.ndarray:
    a = accumulator(features)
    batch, channels = a.shape[:2]
    positions = list(np.ndindex(a.shape[2:]))
    out = zeros((batch, channels, channels), like=a)
    for b, k, k2 in product(range(batch), range(channels), range(channels)):
        out[b, k, k2] = sum((a[(b, k, *p)] * a[(b, k2, *p)] for p in positions), start=0)
    count = channels * len(positions)
    divisor = {"none": 1, "seed_004": 2 * count, "gatys": 2 * count, "per_element": count}[normalization]
    if divisor == 1:
        return out
    if a.dtype == object:
        return out * Fraction(1, divisor)
    return out / divisor
