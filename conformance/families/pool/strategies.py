"""Hypothesis strategies for the pooling family: valid calls drawn directly (no filtering).

The structural parameters come first (rank, kernel, dilation, stride or the
default, padding form, ceil mode), then an input just long enough, then the data.
A call is valid when every window holds an input cell (:mod:`convspec.spec.pool`);
the strategy guarantees it by construction: each side's padding is at most the
window's reach ``d(k-1)`` and the input is at least ``d`` long. Then the first
window reaches the input, every floor-mode window starts before the input's end
(``hi <= d(k-1)``), and a ceil-mode window does by definition. The padding modes
stay within those limits too ("full" is exactly ``d(k-1)``).

max_pool data are integer-valued (many ties: the tie rule is exercised), or
general floats; both sometimes carry infinities (``-inf`` ties against the
padding, which must never win) and the float data sometimes NaNs (several per
window: the last-NaN rule).
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from convspec.conformance.case import Case
from convspec.conformance.strategies import built_once, data_settings, random_array, sampled_from

# per spatial rank: (max kernel, max dilation, max stride, max extra input length, max explicit pad)
_LIMITS = {1: (4, 3, 3, 6, 3), 2: (3, 2, 3, 4, 2), 3: (2, 2, 2, 2, 1), 4: (2, 1, 2, 1, 1)}
_RANKS = (1, 1, 2, 2, 2, 3, 4)
_FORMS = ("int", "int", "per_axis", "per_side", "per_side", "valid", "same", "same_lower", "full")


def _one_or_per_axis(values: tuple[int, ...], as_tuple: bool):
    return values if as_tuple or len(set(values)) > 1 else values[0]


@built_once
@st.composite
def pool_config(draw, *, dilated: bool, spatial_dims: int | None = None):
    """Input size and the keyword parameters of a valid max_pool (``dilated``) or avg_pool call."""
    rank = draw(sampled_from(_RANKS)) if spatial_dims is None else spatial_dims
    max_k, max_d, max_s, max_extra, max_pad = _LIMITS[rank]
    axes = range(rank)
    kernel = tuple(draw(st.integers(1, max_k)) for _ in axes)
    dilation = tuple(draw(st.integers(1, max_d)) if dilated else 1 for _ in axes)
    reach = [d * (k - 1) for k, d in zip(kernel, dilation)]  # the most padding a side may have
    form = draw(sampled_from(_FORMS))
    if form == "int":
        p = draw(st.integers(0, min(min(reach), max_pad)))
        padding, pairs = p, [(p, p)] * rank
    elif form == "per_axis":
        per_axis = tuple(draw(st.integers(0, min(r, max_pad))) for r in reach)
        padding, pairs = per_axis, [(p, p) for p in per_axis]
    elif form == "per_side":
        pairs = [(draw(st.integers(0, min(r, max_pad))), draw(st.integers(0, min(r, max_pad)))) for r in reach]
        padding = tuple(pairs)
    else:
        padding, pairs = form, [(0, 0)] * rank
    size = []
    for k, d, (lo, hi) in zip(kernel, dilation, pairs):
        span = d * (k - 1) + 1
        needed = max(1, d) if form in ("same", "same_lower", "full") else max(1, d, span - lo - hi)
        size.append(needed + draw(st.integers(0, max_extra)))
    as_tuple = draw(st.booleans())
    params = {"kernel_size": _one_or_per_axis(kernel, as_tuple)}
    if draw(st.integers(0, 2)):  # a third of the calls keep the default stride (= kernel_size)
        params["stride"] = _one_or_per_axis(tuple(draw(st.integers(1, max_s)) for _ in axes), as_tuple)
    params["padding"] = padding
    if dilated:
        params["dilation"] = _one_or_per_axis(dilation, as_tuple)
    params["ceil_mode"] = draw(st.booleans())
    return tuple(size), params


def _with_specials(draw, x: np.ndarray, kind: str, rng: np.random.Generator) -> np.ndarray:
    """Sometimes put infinities (and, in float data, NaNs) into a fifth to a half of the cells."""
    if draw(st.integers(0, 2)):
        return x
    choices = [np.inf, -np.inf, -np.inf] + ([np.nan, np.nan] if kind == "floats" else [])
    share = draw(sampled_from((0.2, 0.5)))
    mask = rng.random(x.shape) < share
    x = x.copy()
    x[mask] = rng.choice(choices, size=int(mask.sum()))
    return x


def _channels(draw, rank: int) -> tuple[int, int]:
    return draw(st.integers(1, 2)), draw(st.integers(1, 3 if rank < 3 else 2))


@st.composite
def max_pool_cases(draw):
    """A valid ``max_pool`` call: any padding form, dilation, ceil mode, with or without indices."""
    size, params = draw(pool_config(dilated=True))
    params["return_indices"] = draw(st.booleans())
    batch, channels = _channels(draw, len(size))
    dtype, kind, rng = draw(data_settings())
    x = _with_specials(draw, random_array((batch, channels, *size), dtype, kind, rng), kind, rng)
    return Case("max_pool", {"x": x}, params, kind)


@st.composite
def avg_pool_cases(draw):
    """A valid ``avg_pool`` call: any padding form, ceil mode, count_include_pad, divisor_override; a quarter
    dilated (ONNX AveragePool's dilations; ``dilation`` is passed only when some axis has ``d > 1``, so a
    target without it sees the undilated calls as before)."""
    size, params = draw(pool_config(dilated=not draw(st.integers(0, 3))))
    dilation = params.get("dilation", 1)
    if all(d == 1 for d in (dilation if isinstance(dilation, tuple) else (dilation,))):
        params.pop("dilation", None)
    params["count_include_pad"] = draw(st.booleans())
    if not draw(st.integers(0, 3)):
        params["divisor_override"] = draw(st.integers(1, 6))
    batch, channels = _channels(draw, len(size))
    dtype, kind, rng = draw(data_settings())
    x = random_array((batch, channels, *size), dtype, kind, rng)
    return Case("avg_pool", {"x": x}, params, kind)


@st.composite
def global_pool_cases(draw, op: str):
    """A valid ``global_max_pool``/``global_avg_pool`` call: 1 to 4 spatial axes of small sizes."""
    rank = draw(sampled_from(_RANKS))
    largest = {1: 12, 2: 6, 3: 4, 4: 3}[rank]
    size = tuple(draw(st.integers(1, largest)) for _ in range(rank))
    batch, channels = _channels(draw, rank)
    dtype, kind, rng = draw(data_settings())
    x = random_array((batch, channels, *size), dtype, kind, rng)
    if op == "global_max_pool":
        x = _with_specials(draw, x, kind, rng)
    return Case(op, {"x": x}, {}, kind)
