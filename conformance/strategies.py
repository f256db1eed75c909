"""Hypothesis strategies that draw *valid* calls directly (no filtering).

Each strategy draws the structural parameters first (rank, kernel, stride,
dilation, padding form), then an input just long enough for at least one window
to fit, then the data. Sizes are kept small enough for the reference loops.
Data are drawn from a seeded numpy generator (fast); hypothesis shrinks the
shapes, the parameters and the seed.

A target's declared limits (:mod:`.draws`, ``SUPPORTS_DRAWS``) narrow the rank, padding form,
dtype and data kind drawn here; with none, the draws are the unconstrained ones.
"""

from __future__ import annotations

import functools

import numpy as np
from hypothesis import strategies as st

from convspec.conformance.draws import allowed

DTYPES = ("float32", "float32", "float64", "float16")  # float32 most often
DATA_KINDS = ("integers", "floats")

# per spatial rank: (max kernel, max dilation, max stride, max extra input length, max explicit pad)
_LIMITS = {1: (5, 3, 3, 8, 3), 2: (3, 3, 3, 5, 2), 3: (2, 2, 2, 2, 1)}


def random_array(shape, dtype: str, kind: str, rng: np.random.Generator) -> np.ndarray:
    """Integer-valued data in [-4, 4], or floats in [-2, 2) with full mantissas."""
    if kind == "integers":
        values = rng.integers(-4, 5, size=shape).astype(np.float64)
    else:
        values = rng.uniform(-2.0, 2.0, size=shape)
    return values.astype(dtype)


@st.composite
def spatial_config(draw, spatial_dims: int | None = None):
    """Rank, kernel, stride, dilation, padding and an input size that admits a window."""
    if spatial_dims is None:
        spatial_dims = draw(sampled_from(allowed("ranks", (1, 2, 2, 3))))
    max_k, max_d, max_s, max_extra, max_pad = _LIMITS[spatial_dims]
    kernel = tuple(draw(st.integers(1, max_k)) for _ in range(spatial_dims))
    dilation = tuple(draw(st.integers(1, max_d)) for _ in range(spatial_dims))
    stride = tuple(draw(st.integers(1, max_s)) for _ in range(spatial_dims))
    form = draw(sampled_from(allowed("padding", ("int", "per_axis", "per_side", "valid", "same", "same_lower", "full"))))
    if form == "int":
        p = draw(st.integers(0, max_pad))
        padding, pairs = p, [(p, p)] * spatial_dims
    elif form == "per_axis":
        per_axis = tuple(draw(st.integers(0, max_pad)) for _ in range(spatial_dims))
        padding, pairs = per_axis, [(p, p) for p in per_axis]
    elif form == "per_side":
        pairs = [(draw(st.integers(0, max_pad)), draw(st.integers(0, max_pad))) for _ in range(spatial_dims)]
        padding = tuple(pairs)
    else:
        padding, pairs = form, [(0, 0)] * spatial_dims
    input_size = []
    for k, d, (lo, hi) in zip(kernel, dilation, pairs):
        span = d * (k - 1) + 1
        needed = 1 if form in ("same", "same_lower", "full") else max(1, span - lo - hi)
        input_size.append(needed + draw(st.integers(0, max_extra)))
    return {
        "input_size": tuple(input_size),
        "kernel": kernel,
        "stride": stride if len(set(stride)) > 1 else stride[0],
        "dilation": dilation if len(set(dilation)) > 1 else dilation[0],
        "padding": padding,
    }


@st.composite
def data_settings(draw):
    dtype = draw(sampled_from(allowed("dtypes", DTYPES)))
    kind = draw(sampled_from(allowed("data", DATA_KINDS)))
    seed = draw(st.integers(0, 2**32 - 1))
    return dtype, kind, np.random.default_rng(seed)


def _typed(value: object) -> object:
    """``value`` with its type, through tuples: ``1``, ``1.0`` and ``True`` are equal but draw differently."""
    if type(value) is tuple:
        return (tuple, tuple(_typed(item) for item in value))
    return (type(value), value)


#: the strategy objects built so far, per (definition, typed arguments); see :func:`built_once`
_BUILT: dict = {}


def built_once(make):
    """``make(*args, **kwargs)`` (a composite, or any function returning a strategy) returning one strategy object
    per distinct arguments instead of a new one per call.

    A family strategy calls ``draw(data_settings())``, ``draw(_shape(min_dims=1))`` or
    ``draw(sampled_from(...))`` once or more a case; hypothesis validates each new strategy object and works
    out its properties (``is_empty``, its label) before its first draw: a fifth of the drawing time, measured
    here, when every draw built its strategies afresh. The object returned is the one the call would build
    (same definition, same arguments, same label), so the draws are unchanged; a composite's body still runs
    at every draw (so :func:`.draws.allowed` reads the limits active then). Arguments are keyed with their
    types (``1``, ``1.0`` and ``True`` are different keys); a call with an unhashable argument is built afresh.
    """

    @functools.wraps(make)
    def once(*args, **kwargs):
        try:
            key = (make, _typed(args), _typed(tuple(sorted(kwargs.items()))))
            strategy = _BUILT.get(key)
        except TypeError:  # an unhashable argument (a list): built afresh
            return make(*args, **kwargs)
        if strategy is None:
            if len(_BUILT) > 4096:  # bounded: drawn bounds could make many keys
                _BUILT.clear()
            strategy = _BUILT[key] = make(*args, **kwargs)
        return strategy

    return once


@built_once
def sampled_from(values) -> st.SearchStrategy:
    """``st.sampled_from(values)``, built once per tuple of values (:func:`built_once`)."""
    return st.sampled_from(values)


spatial_config = built_once(spatial_config)
data_settings = built_once(data_settings)
