"""Closed forms and argument checks for neural style transfer: gram_matrix, style_loss, content_loss.

Seed 004 ("Style transfer"): the style matrix of one convolutional layer with ``K``
channels of ``I x J`` feature maps is ``F_kk' = sum_ij a_ijk a_ijk'``; the style error
is ``E_style = 1/(2IJK)^2 sum_kk' (F_kk'(G) - F_kk'(S))^2``, summed over layers with
weights ``lambda_l``; the content error is ``E_content = sum_ijk (a_ijk(G) - a_ijk(C))^2``.

Every function here is a formula: called with sympy symbols it returns the sympy
expression.

Symbols: ``C`` the channels of a layer (seed 004's ``K``, Gatys et al.'s ``N_l``), ``M``
the number of spatial positions (``I J``; Gatys's ``M_l``), ``I``, ``J`` the map's height
and width, ``c`` a normalisation's scale of the gram matrix.

Conventions (RFC 2119 words; layout, dtypes and errors: :mod:`convspec.spec.conventions`)
------------------------------------------------------------------------------------------
* Features are ``(N, C, *spatial)``, any number of spatial axes. The gram matrix is
  taken **per image**: ``gram[b, k, k'] = c * sum_p a[b, k, p] a[b, k', p]`` over the
  spatial positions ``p``; images are never mixed (the PyTorch tutorial's
  ``features.view(a * b, c * d)`` mixes the images of a batch into one
  ``(a b) x (a b)`` matrix; with ``a = 1`` it is the same as here).
* ``normalization`` picks the scale ``c`` (:func:`gram_scale`):
  ``"none"``: ``c = 1``, seed 004's ``F``; ``"gatys"``: ``c = 1/(2 C M)``, so that
  ``sum (c G - c A)^2 = 1/(4 C^2 M^2) sum (G - A)^2`` is exactly Gatys et al.'s
  per-layer loss ``E_l = 1/(4 N_l^2 M_l^2) sum_ij (G_ij - A_ij)^2`` (Gatys, Ecker,
  Bethge, *Image Style Transfer Using CNNs*, CVPR 2016, eq. 4; the constant belongs to the
  loss, the gram itself is unnormalised there); ``"seed_004"``: ``c = 1/(2 I J K)``, seed
  004's constant, which **is** Gatys's (:func:`seed_004_is_gatys`); ``"per_element"``:
  ``c = 1/(C M)``, the PyTorch tutorial's ``G.div(a * b * c * d)`` for one image.
* ``style_loss(generated, style)`` is ``sum_l lambda_l sum_kk' (gram_l(G) - gram_l(S))^2``
  per image, both grams with the same ``normalization`` (default ``"gatys"``): one array
  per argument is one layer, a list is several (``weights``: one ``lambda_l`` per layer,
  default all 1). The PyTorch tutorial's ``F.mse_loss(G, A)`` is the **mean** over the
  ``C^2`` entries: ``style_loss(..., normalization="per_element") / C^2``
  (:func:`tutorial_style_loss_factor`).
* ``content_loss(generated, content) = sum_{k,p} (a_kp(G) - a_kp(C))^2`` per image:
  seed 004's constant 1. Gatys et al. write ``1/2 sum (F - P)^2`` (eq. 1): half of this;
  the PyTorch tutorial's ``F.mse_loss`` is the mean, ``1/(C M)`` of this.
* ``style`` and ``content`` **must** have the shape of ``generated``, except that their
  batch **may** be 1 (one style or content image for every generated image).
* Both losses return one value per image: shape ``(N,)``; sum them for a batch total.
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import Sequence

from .symbolic import Symbol, is_symbolic, symbols, sympy

from .conventions import check_size, check_sizes

C, M, I, J, K = symbols("C M I J K", integer=True, positive=True)
NORMALIZATIONS = ("none", "seed_004", "gatys", "per_element")


def _scale_args(op, normalization, channels, positions):
    return check_normalization(op, normalization), check_size(op, "channels", channels), check_size(op, "positions", positions)


def gram_scale(normalization: str = "gatys", channels=C, positions=M):
    """The factor ``c`` of ``gram = c * F`` for each normalisation.

    >>> gram_scale("none"), gram_scale("gatys"), gram_scale("per_element")
    (1, 1/(2*C*M), 1/(C*M))
    >>> gram_scale("seed_004", 3, 4)  # numbers: an exact fraction
    Fraction(1, 24)
    """
    normalization = check_normalization("gram_scale", normalization)
    channels, positions = check_size("gram_scale", "channels", channels), check_size("gram_scale", "positions", positions)
    exact = sympy.Integer if is_symbolic(channels, positions) else Fraction
    if normalization == "none":
        return exact(1)
    if normalization in ("gatys", "seed_004"):
        return exact(1) / (2 * channels * positions)
    if normalization == "per_element":
        return exact(1) / (channels * positions)
    raise ValueError(f"gram_scale: normalization must be one of {NORMALIZATIONS}, got {normalization!r}")


def style_loss_constant(normalization: str = "gatys", channels=C, positions=M):
    """The constant in front of ``sum (G - A)^2`` (raw grams): ``c^2``.

    >>> style_loss_constant("gatys")
    1/(4*C**2*M**2)
    """
    normalization, channels, positions = _scale_args("style_loss_constant", normalization, channels, positions)
    return gram_scale(normalization, channels, positions) ** 2


def seed_004_is_gatys() -> bool:
    """Seed 004's ``1/(2IJK)^2`` with ``K = C``, ``IJ = M`` minus Gatys's ``1/(4 N^2 M^2)``: 0.

    >>> seed_004_is_gatys()
    True
    """
    seed = 1 / (2 * I * J * K) ** 2
    gatys = 1 / (4 * C**2 * M**2)
    return sympy.simplify(seed.subs(K, C) - gatys.subs(M, I * J)) == 0


def conversion_factor(source: str, target: str, channels=C, positions=M):
    """The constant that turns a style loss with ``source`` normalisation into ``target``'s.

    ``E_target = factor * E_source``: ``(c_target / c_source)^2``.

    >>> conversion_factor("gatys", "per_element"), conversion_factor("none", "gatys")
    (4, 1/(4*C**2*M**2))
    """
    check_normalization("conversion_factor", source)
    target, channels, positions = _scale_args("conversion_factor", target, channels, positions)
    return sympy.simplify((gram_scale(target, channels, positions) / gram_scale(source, channels, positions)) ** 2)


def tutorial_style_loss_factor(channels=C):
    """PyTorch tutorial's ``F.mse_loss(G, A)`` (a mean over ``C^2`` entries) ``= factor * style_loss(per_element)``.

    >>> tutorial_style_loss_factor()
    C**(-2)
    """
    channels = check_size("tutorial_style_loss_factor", "channels", channels)
    return 1 / sympy.sympify(channels) ** 2


def content_loss_constants(channels=C, positions=M) -> dict:
    """The constant in front of ``sum (a(G) - a(C))^2`` in each source.

    >>> content_loss_constants()
    {'seed_004': 1, 'gatys': 1/2, 'pytorch_tutorial': 1/(C*M)}
    """
    channels = check_size("content_loss_constants", "channels", channels)
    positions = check_size("content_loss_constants", "positions", positions)
    return {"seed_004": sympy.Integer(1), "gatys": sympy.Rational(1, 2), "pytorch_tutorial": 1 / (sympy.sympify(channels) * positions)}


def style_gradient_factor(normalization: str = "gatys", channels=C, positions=M):
    """``dE/da = factor * (G - A) a`` for one layer and one image (``a`` the ``C x M`` features, raw grams).

    ``E = c^2 sum_kk' (G_kk' - A_kk')^2`` and ``dG_kk'/da_jp = [k=j] a_k'p + [k'=j] a_kp``; ``G``, ``A``
    symmetric, so ``dE/da_jp = 4 c^2 sum_k' (G - A)_jk' a_k'p``. With Gatys's ``c``: ``1/(N^2 M^2)``, their
    eq. 6 (without the ReLU mask, which belongs to the network below the layer).

    >>> style_gradient_factor("gatys")
    1/(C**2*M**2)
    """
    normalization, channels, positions = _scale_args("style_gradient_factor", normalization, channels, positions)
    return 4 * style_loss_constant(normalization, channels, positions)


def gram_output_shape(shape: Sequence[int]) -> tuple[int, int, int]:
    """``(N, C, C)``.

    >>> gram_output_shape((2, 64, 7, 7))
    (2, 64, 64)
    """
    shape = check_sizes("gram_output_shape", "shape", shape, minimum=0)
    check_features_shape("gram_output_shape", "shape", shape)
    return (shape[0], shape[1], shape[1])


def gram_multiply_adds(channels=C, positions=M, batch=Symbol("N", integer=True, positive=True)):
    """``N C^2 M`` (``N C (C+1) M / 2`` using the symmetry).

    >>> gram_multiply_adds(64, 49, 1)
    200704
    """
    op = "gram_multiply_adds"
    channels, positions, batch = check_size(op, "channels", channels), check_size(op, "positions", positions), check_size(op, "batch", batch)
    return batch * channels**2 * positions


def check_normalization(op: str, normalization: object) -> str:
    if not isinstance(normalization, str) or normalization not in NORMALIZATIONS:
        raise ValueError(f"{op}: normalization must be one of {', '.join(map(repr, NORMALIZATIONS))}, got {normalization!r}")
    return normalization


def check_features_shape(op: str, name: str, shape: Sequence[int]) -> None:
    if len(shape) < 3:
        raise ValueError(f"{op}: {name} must have shape (N, C, *spatial) with at least one spatial axis, got shape {tuple(shape)!r}")
    if any(s < 1 for s in shape[1:]):
        axis = next(a for a, s in enumerate(shape[1:], start=1) if s < 1)
        raise ValueError(
            f"{op}: {name} has an empty axis {axis} in shape {tuple(shape)!r}; channels and spatial sizes must be >= 1"
        )


def check_pair_shapes(op: str, name: str, shape: Sequence[int], generated_shape: Sequence[int], layer: int | None) -> None:
    """``shape`` equals ``generated_shape`` except that its batch may be 1."""
    where = "" if layer is None else f" (layer {layer})"
    if len(shape) != len(generated_shape) or tuple(shape[1:]) != tuple(generated_shape[1:]) or shape[0] not in (1, generated_shape[0]):
        raise ValueError(
            f"{op}: {name}{where} has shape {tuple(shape)!r} but generated{where} has {tuple(generated_shape)!r}; "
            f"they must match, except that {name}'s batch may be 1"
        )


def _kind(value, is_array) -> str:
    """``"array"`` (of the implementation's own kind) or the type's name, for a message both implementations share."""
    return "array" if is_array(value) else type(value).__name__


def check_layers(op: str, generated, style, weights, is_array) -> tuple[list, list, list[float]]:
    """One array per argument (one layer) or two lists of the same length; ``weights`` one finite real per layer."""
    single = is_array(generated)
    if single != is_array(style) or not single and not (
        isinstance(generated, (list, tuple)) and isinstance(style, (list, tuple))
    ):
        raise TypeError(
            f"{op}: generated and style must both be arrays (one layer) or both be lists of arrays (one per layer), "
            f"got {_kind(generated, is_array)} and {_kind(style, is_array)}"
        )
    gen, sty = ([generated], [style]) if single else (list(generated), list(style))
    if not gen:
        raise ValueError(f"{op}: generated must hold at least one layer, got an empty list")
    if len(gen) != len(sty):
        raise ValueError(f"{op}: generated has {len(gen)} layers but style has {len(sty)}; give one style array per layer")
    if weights is None:
        return gen, sty, [1.0] * len(gen)
    values = [weights] if isinstance(weights, numbers.Real) else list(weights) if isinstance(weights, (list, tuple)) else None
    if values is None or any(isinstance(v, bool) or not isinstance(v, numbers.Real) for v in values):
        raise TypeError(f"{op}: weights must be None, a real number or a list of real numbers, got {weights!r}")
    if len(values) != len(gen):
        raise ValueError(f"{op}: weights has {len(values)} entries for {len(gen)} layers; give one weight per layer")
    if not all(math.isfinite(float(v)) for v in values):
        raise ValueError(f"{op}: weights must be finite, got {weights!r}")
    return gen, sty, [float(v) for v in values]


# NaN and ±inf (vocabulary and the overflow rule: :mod:`convspec.spec.non_finite`) -----------------

NON_FINITE: dict[str, str] = {
    "gram_matrix": (
        "A NaN at ``features[b, k, p]`` **must** make NaN exactly row ``k`` and column ``k`` of "
        "``gram[b]`` (``0 · NaN`` included); other images and entries stay finite. A ±inf there makes "
        "``gram[b, k, k] = +inf`` and ``gram[b, k, k']`` ±inf by the sign of ``features[b, k', p]``, "
        "NaN where that is 0 or where opposite infinities meet. Finite inputs: the sums **may** "
        "overflow (:data:`convspec.spec.non_finite.OVERFLOW`)."
    ),
    "style_loss": (
        "Per image: a NaN in ``generated[b]`` (any layer) **must** make ``loss[b]`` NaN; a NaN in a "
        "style layer with batch 1 makes every image's loss NaN, with batch ``N`` image ``b``'s. A "
        "±inf makes the loss ``+inf`` (a square) or NaN (``inf - inf`` between the two grams, or "
        "``0 · inf`` inside a gram). Other images' losses stay finite. Finite inputs: the grams and "
        "the sum of squares **may** overflow (:data:`convspec.spec.non_finite.OVERFLOW`)."
    ),
    "content_loss": (
        "Per image: a NaN in ``generated[b]`` or in ``content[b]`` (``content[0]`` when its batch is "
        "1: every image) **must** make ``loss[b]`` NaN; a ±inf makes it ``+inf``, or NaN where the "
        "two inputs hold the same infinity at one position (``inf - inf``). Other images' losses stay "
        "finite. Finite inputs: the sum of squares **may** overflow "
        "(:data:`convspec.spec.non_finite.OVERFLOW`)."
    ),
}
