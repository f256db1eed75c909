"""Named regions of the style family: ``gram_matrix``, ``style_loss``, ``content_loss``.

Each normalisation, and the keyword left at its default (``"none"`` for the gram,
``"gatys"`` for the style loss); per-image grams over a batch > 1; the style loss's
per-layer weights as a number and as a list; a style or content batch of ``N`` (paired
image by image) and of 1 (shared by every image); the sum (not the mean) of the content
loss; 1 to 3 spatial axes, one channel, an empty batch, non-finite data, every dtype.
See :mod:`.regions` for what a region is and how a check uses it.

Not covered: lists of layers (``generated`` and ``style`` as lists of arrays). A
:class:`~.case.Case` holds one array per input, and the style loss's tolerance model
(:func:`.strategies_style.style_tolerance`) takes one array per input, so such calls
cannot be checked here yet.
"""

from __future__ import annotations

import math

import numpy as np

from convspec.spec.style import NORMALIZATIONS

from convspec.conformance.case import Case
from convspec.conformance.regions import Region, data_kind, distinct_integers, general_floats, has_nonfinite, rng_for, with_nonfinite

OPS = ("gram_matrix", "style_loss", "content_loss")

SECOND = {"style_loss": "style", "content_loss": "content"}


def gram_case(tag: str, shape=(1, 3, 2, 3), params: dict | None = None, *, dtype: str = "float32",
              fill=distinct_integers, nonfinite=()) -> Case:
    """``gram_matrix(features (shape))``; ``nonfinite``: values put at random positions of the features."""
    rng = rng_for("gram_matrix", tag)
    x = fill(shape, dtype, rng)
    if nonfinite:
        x = with_nonfinite(x, rng, nonfinite)
    return Case("gram_matrix", {"features": x}, dict(params or {}), data_kind(x))


def pair_case(op: str, tag: str, shape=(1, 2, 3, 2), params: dict | None = None, *, other_batch: int | None = None,
              dtype: str = "float32", fill=distinct_integers, nonfinite=()) -> Case:
    """``op(generated (shape), style/content (other_batch, *shape[1:]))``; ``other_batch`` defaults to ``shape[0]``."""
    rng = rng_for(op, tag)
    generated = fill(shape, dtype, rng)
    other = fill((shape[0] if other_batch is None else other_batch, *shape[1:]), dtype, rng)
    if nonfinite:
        generated = with_nonfinite(generated, rng, nonfinite)
    inputs = {"generated": generated, SECOND[op]: other}
    return Case(op, inputs, dict(params or {}), data_kind(generated, other))


def _first(case: Case) -> np.ndarray:
    return next(iter(case.inputs.values()))


def _other(case: Case) -> np.ndarray:
    return list(case.inputs.values())[1]


def _batch(case: Case) -> int:
    return _first(case).shape[0]


def _spatial_rank(case: Case) -> int:
    return _first(case).ndim - 2


def _common(op: str, build, default_shape) -> list[Region]:
    """Ranks, one channel, an empty batch, non-finite data and the dtypes: the same for the three ops.

    Left out: content_loss with an empty batch (its tolerance model,
    :func:`.strategies_style.content_tolerance`, cannot reshape a batch of 0), and ±inf in gram_matrix's
    features (its backward: the reference VJP forms ``(U + U^T) a``, torch's autograd ``U a + U^T a``, so
    ``inf`` there is ``inf`` in one and ``inf - inf = NaN`` in the other; the spec says neither)."""
    normalised = {} if op == "content_loss" else {"normalization": "gatys"}
    nonfinite = (np.nan,) if op == "gram_matrix" else (np.nan, np.inf, -np.inf)
    empty = [] if op == "content_loss" else [
        Region("empty batch", "a batch of 0 gives an empty result of the right shape", lambda case: _batch(case) == 0,
               (build("empty-batch", (0, 2, 3, 2), normalised),))]
    return empty + [
        Region("1 spatial axis", "(N, C, L): positions along one axis", lambda case: _spatial_rank(case) == 1,
               (build("1d", (2, 3, 5), normalised),)),
        Region("3 spatial axes", "(N, C, D, H, W): every position of all three axes",
               lambda case: _spatial_rank(case) == 3, (build("3d", (1, 2, 2, 3, 2), normalised),)),
        Region("one channel", "C = 1", lambda case: _first(case).shape[1] == 1,
               (build("one-channel", (2, 1, 3, 2), normalised),)),
        Region("NaN" if op == "gram_matrix" else "NaN and ±inf in generated",
               "a non-finite value reaches exactly its own image's result (its row and column of the gram)",
               (lambda case: bool(np.isnan(_first(case)).any())) if op == "gram_matrix" else has_nonfinite,
               (build("nonfinite", (3, 2, 3, 2), {}, nonfinite=nonfinite),)),
        Region("float16", "float16 in, float16 out (computed wider, rounded once)", lambda case: case.dtype == "float16",
               (build("float16", default_shape, normalised, dtype="float16", fill=general_floats),)),
        Region("float32, general data", "float32 accuracy: no float16 or bfloat16 computation inside",
               lambda case: case.dtype == "float32" and case.data_kind == "floats" and not has_nonfinite(case),
               (build("float32-floats", default_shape, normalised, fill=general_floats),)),
        Region("float64", "float64 in, float64 out, float64 accuracy", lambda case: case.dtype == "float64",
               (build("float64", default_shape, normalised, dtype="float64", fill=general_floats),)),
    ]


# --------------------------------------------------------------------------- gram_matrix


def _gram() -> list[Region]:
    def normalization(name: str):
        return lambda case: case.params.get("normalization") == name

    def large(shape, dtype, rng):  # raw grams far beyond 65504, normalised ones within float16
        return (distinct_integers(shape, "float64", rng) * 32).astype(dtype)

    return [
        Region("normalization left at its default", "'none' when not passed: the raw sums F = a a^T",
               lambda case: "normalization" not in case.params,
               (gram_case("default", (1, 3, 2, 3)), gram_case("default-batch", (2, 2, 4)))),
    ] + [
        Region(f"normalization={name!r}", rule, normalization(name),
               (gram_case(name, (2, 3, 2, 2), {"normalization": name}),))
        for name, rule in (("none", "c = 1"), ("seed_004", "c = 1 / (2 C M): seed 004's 1/(2IJK)"),
                           ("gatys", "c = 1 / (2 C M) (not 1/(C M), not 1/M)"),
                           ("per_element", "c = 1 / (C M): the batch is not counted (not 1 / numel)"))
    ] + [
        Region("batch > 1, normalised", "one gram per image (never mixed), each divided by its own C M",
               lambda case: _batch(case) > 1 and case.params.get("normalization", "none") != "none",
               (gram_case("batch-per-element", (3, 2, 2, 3), {"normalization": "per_element"}),
                gram_case("batch-gatys", (2, 3, 4), {"normalization": "gatys"}))),
        Region("float16, raw grams beyond 65504", "normalised float16 grams are computed wider: the raw sums "
               "overflow float16, the normalised result does not",
               lambda case: case.dtype == "float16" and case.params.get("normalization", "none") != "none"
               and float(np.abs(_first(case).astype(np.float64)).max(initial=0)) ** 2 > 65504,
               (gram_case("float16-large", (1, 2, 4, 4), {"normalization": "gatys"}, dtype="float16", fill=large),)),
    ] + _common("gram_matrix", lambda tag, shape, params, **kw: gram_case(tag, shape, params, **kw), (2, 3, 2, 3))


# --------------------------------------------------------------------------- style_loss


def _style() -> list[Region]:
    def c(tag, shape=(2, 2, 3, 2), params=None, **kw):
        return pair_case("style_loss", tag, shape, params, **kw)

    def weights_are(kind):
        return lambda case: "weights" in case.params and isinstance(case.params["weights"], kind)

    def normalization(name: str):
        return lambda case: case.params.get("normalization") == name

    def style_batch(which: str):
        def contains(case: Case) -> bool:
            n, s = _batch(case), _other(case).shape[0]
            return n > 1 and (s == n if which == "N" else s == 1)
        return contains

    return [
        Region("keywords left at their defaults", "normalization 'gatys', every weight 1 when not passed",
               lambda case: not case.params, (c("defaults"), c("defaults-one", (1, 3, 2, 2)))),
        Region("weights, one number", "the layer's term times lambda (a number stands for [lambda])",
               weights_are((int, float)),
               (c("weight-number", params={"weights": 3.0, "normalization": "none"}),
                c("weight-number-gatys", params={"weights": 0.25}))),
        Region("weights, a list (one per layer)", "lambda_l multiplies layer l's term",
               weights_are((list, tuple)),
               (c("weight-list", params={"weights": [0.5], "normalization": "none"}),
                c("weight-list-gatys", (1, 3, 4), params={"weights": [2.0], "normalization": "per_element"}))),
        Region("weights passed as all ones", "lambda = 1 changes nothing",
               lambda case: case.params.get("weights") in (1, 1.0, [1], [1.0]),
               (c("weight-one", params={"weights": 1.0}),)),
    ] + [
        Region(f"normalization={name!r}", rule, normalization(name), (c(name, params={"normalization": name}),))
        for name, rule in (("none", "raw grams: sum (F(G) - F(S))^2"),
                           ("seed_004", "c = 1/(2 C M): the loss is (2IJK)^-2 sum (F(G) - F(S))^2"),
                           ("gatys", "c = 1/(2 C M): Gatys's 1/(4 N^2 M^2)"),
                           ("per_element", "c = 1/(C M), the sum over the C^2 entries (not their mean)"))
    ] + [
        Region("style batch N", "style[b] is paired with generated[b] (not style[0] for every image)",
               style_batch("N"), (c("style-n", (3, 2, 2, 2), {"normalization": "none"}), c("style-n-gatys", (2, 2, 5)))),
        Region("style batch 1, generated batch > 1", "one style image shared by every generated image",
               style_batch("1"), (c("style-1", (3, 2, 2, 2), {"normalization": "none"}, other_batch=1),
                                  c("style-1-gatys", (2, 3, 4), other_batch=1))),
        Region("generated equals style", "identical features: loss 0",
               lambda case: _first(case).shape == _other(case).shape and np.array_equal(_first(case), _other(case)),
               (Case("style_loss", {"generated": (same := distinct_integers((2, 2, 3), "float32", rng_for("style", "same"))),
                                    "style": same.copy()}, {}, "integers"),)),
    ] + _common("style_loss", lambda tag, shape, params, **kw: c(tag, shape, params, **kw), (2, 2, 3, 2))


# --------------------------------------------------------------------------- content_loss


def _content() -> list[Region]:
    def c(tag, shape=(2, 2, 3, 2), params=None, **kw):
        return pair_case("content_loss", tag, shape, params, **kw)

    def content_batch(which: str):
        def contains(case: Case) -> bool:
            n, s = _batch(case), _other(case).shape[0]
            return n > 1 and (s == n if which == "N" else s == 1)
        return contains

    def sum_differs_from_mean(case: Case) -> bool:
        g, o = _first(case), _other(case)
        if g.size == 0 or math.prod(g.shape[1:]) < 2 or has_nonfinite(case):
            return False
        return bool(np.any(g.astype(np.float64) != o.astype(np.float64)))

    return [
        Region("sum, not mean", "sum_{k,p} (a(G) - a(C))^2 per image: C M > 1 differing features (a mean differs)",
               sum_differs_from_mean, (c("sum"), c("sum-1d", (1, 3, 4)))),
        Region("content batch N", "content[b] is paired with generated[b]", content_batch("N"),
               (c("content-n", (3, 2, 2, 2)),)),
        Region("content batch 1, generated batch > 1", "one content image shared by every generated image",
               content_batch("1"), (c("content-1", (3, 2, 3), other_batch=1),)),
        Region("batch 1", "a single image", lambda case: _batch(case) == 1, (c("batch-1", (1, 3, 2, 2)),)),
        Region("generated equals content", "identical features: loss 0",
               lambda case: _first(case).shape == _other(case).shape and np.array_equal(_first(case), _other(case)),
               (Case("content_loss", {"generated": (same := distinct_integers((2, 2, 3), "float32",
                                                                              rng_for("content", "same"))),
                                      "content": same.copy()}, {}, "integers"),)),
    ] + _common("content_loss", lambda tag, shape, params, **kw: c(tag, shape, params, **kw), (2, 2, 3, 2))


def REGIONS() -> dict[str, list[Region]]:
    return {"gram_matrix": _gram(), "style_loss": _style(), "content_loss": _content()}
