"""Tolerance models and output shapes of gram_matrix, style_loss and content_loss (the backward models:
:func:`gradient_tolerances`).

Tolerance models (per output element, :class:`~convspec.conformance.tolerance.SumOfProducts`):

* ``gram_matrix``: a sum of ``M`` products (``M`` positions), one more rounding for the
  division by ``2 C M`` or ``C M``: ``T = M (+1)``, magnitude ``c · gram(|a|)``; exact for
  integer data without normalisation.
* ``content_loss``: ``C M`` squared differences: a rounded difference and a rounded square
  each, then ``C M - 1`` additions: ``T = C M + 2``, magnitude ``Σ (|g| + |c|)²``.
* ``style_loss`` (one layer): let ``E = gram(|g|) + gram(|s|)`` (raw). Each normalised gram
  entry is within ``γ_{M+1} c E``, their difference within ``γ_{M+3} c E`` of ``c (G - A)``
  (``|G - A| <= E``); squaring and summing the ``C²`` entries changes the exact sum by at most
  ``3 γ_{M+3} c² Σ E²`` (``|D̂² - D²| <= |D̂ - D| (|D̂| + |D|)``) plus ``γ_{C²}`` of the computed
  squares (``<= 4 c² Σ E²``): ``T = 3 (M + 3) + 4 C² + 1``, magnitude ``c² Σ E²``; exact for
  integer data without normalisation while that stays below ``2^precision`` (it bounds every
  product and partial sum).
"""

from __future__ import annotations

import math

import numpy as np

from convspec import reference
from convspec.spec import style as spec_style

from convspec.conformance.case import Case
from convspec.conformance.tolerance import SumOfProducts


def output_shape(case: Case) -> tuple[int, ...]:
    first = next(iter(case.inputs.values()))
    if case.op == "gram_matrix":
        return spec_style.gram_output_shape(first.shape)
    return (first.shape[0],)


def _abs64(a: np.ndarray) -> np.ndarray:
    return np.abs(a.astype(np.float64))


def gram_tolerance(case: Case) -> SumOfProducts:
    features = case.inputs["features"]
    normalization = case.params.get("normalization", "none")
    positions = math.prod(features.shape[2:])
    magnitude = reference.gram_matrix(_abs64(features), normalization=normalization)
    exact = case.data_kind == "integers" and normalization == "none"
    return SumOfProducts(positions + (normalization != "none"), magnitude, case.dtype, exact)


def content_tolerance(case: Case) -> SumOfProducts:
    g, c = _abs64(case.inputs["generated"]), _abs64(case.inputs["content"])
    magnitude = ((g + c) ** 2).reshape(g.shape[0], -1).sum(axis=1)
    return SumOfProducts(math.prod(g.shape[1:]) + 2, magnitude, case.dtype, case.data_kind == "integers")


def style_tolerance(case: Case) -> SumOfProducts:
    g, s = _abs64(case.inputs["generated"]), _abs64(case.inputs["style"])
    normalization = case.params.get("normalization", "gatys")
    channels, positions = g.shape[1], math.prod(g.shape[2:])
    scale = float(spec_style.gram_scale(normalization, channels, positions))
    both = reference.gram_matrix(g) + reference.gram_matrix(s)  # broadcasts a style batch of 1
    magnitude = scale**2 * (both**2).sum(axis=(1, 2))
    terms = 3 * (positions + 3) + 4 * channels**2 + 1
    weight = _layer_weight(case.params.get("weights"))
    exact = case.data_kind == "integers" and normalization == "none" and weight == 1
    if weight != 1:  # lambda * E: the sum's bound scaled by |lambda|, and one more rounding
        magnitude, terms = abs(weight) * magnitude, terms + 1
    return SumOfProducts(terms, magnitude, case.dtype, exact)


def _layer_weight(weights) -> float:
    """The one layer's lambda: ``None`` is 1, a number, or a one-element sequence."""
    if weights is None:
        return 1.0
    if isinstance(weights, (list, tuple, np.ndarray)):
        (weights,) = list(np.ravel(np.asarray(weights, dtype=np.float64)))
    return float(weights)


def style_magnitudes(case: Case, grad_out: np.ndarray) -> tuple:
    """Σ|terms| of every gradient element of gram_matrix, content_loss and style_loss (float64).

    * gram: ``c Σ_k' (|G_jk'| + |G_k'j|) |a_k'p|``: the VJP of the absolute values.
    * content: ``2 |g_b| (|gen| + |content|)`` (a content of batch 1 sums over ``b``).
    * style: ``|D| <= c E`` with ``E = F(|gen|) + F(|style|)`` (raw grams), so the upstream
      ``2 g_b D`` of a gram is at most ``2 |g_b| c E``; through the gram's VJP on ``|a|``:
      ``4 |g_b| c² Σ_k' E_jk' |a_k'p|`` (a style of batch 1 sums over ``b``).
    """
    g = np.abs(grad_out.astype(np.float64))
    absolute = [np.abs(a.astype(np.float64)) for a in case.arrays()]
    if case.op == "gram_matrix":
        return reference.gram_matrix_vjp(g, *absolute, **case.params)
    first, other = absolute
    if case.op == "content_loss":
        both = first + other  # broadcasts a batch of 1
        per_image = 2 * g.reshape((-1,) + (1,) * (first.ndim - 1)) * both
        return per_image, per_image.sum(axis=0, keepdims=True) if other.shape[0] == 1 else per_image
    normalization = case.params.get("normalization", "gatys")
    channels, positions = first.shape[1], math.prod(first.shape[2:])
    c = float(spec_style.gram_scale(normalization, channels, positions))
    upstream = 2 * g[:, None, None] * c * (reference.gram_matrix(first) + reference.gram_matrix(other))
    style_upstream = upstream.sum(axis=0, keepdims=True) if other.shape[0] == 1 else upstream
    return (reference.gram_matrix_vjp(upstream, first, normalization=normalization)[0],
            reference.gram_matrix_vjp(style_upstream, other, normalization=normalization)[0])


def gradient_tolerances(case: Case, grad_out: np.ndarray) -> tuple:
    """Sums of products over :func:`style_magnitudes`; exact for integer data without normalisation.

    * gram: the upstream divided by the divisor (1), two sums of ``C`` products and their sum:
      ``T = 2 C + 2``.
    * content: a rounded difference, a product by ``2 g``: ``T = 3``; plus ``N`` for a
      broadcast content's sum over the batch.
    * style: the computed ``D̂`` is within ``γ_{M+3} c E`` of ``D`` (the forward's model,
      :func:`style_tolerance`); then ``2 g D̂`` and the division (2), the
      gram's two ``C``-term sums and their sum (``C + 1``): ``T = M + C + 8``, plus ``N``
      for a broadcast style.
    """
    if case.op not in ("gram_matrix", "content_loss", "style_loss"):
        raise AssertionError(f"no gradient tolerance model for {case.op!r}")
    default = "gatys" if case.op == "style_loss" else "none"
    integers = case.data_kind == "integers" and case.params.get("normalization", default) == "none"
    first, other = case.arrays()[0], case.arrays()[-1]
    magnitudes = style_magnitudes(case, grad_out)
    if case.op == "gram_matrix":
        terms = (2 * first.shape[1] + 2,)
    elif case.op == "content_loss":
        terms = (3, 3 + (first.shape[0] if other.shape[0] == 1 else 0))
    else:
        base = math.prod(first.shape[2:]) + first.shape[1] + 8
        terms = (base, base + (first.shape[0] if other.shape[0] == 1 else 0))
    return tuple(SumOfProducts(t, m, case.dtype, integers) for t, m in zip(terms, magnitudes))
