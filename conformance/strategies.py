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
        spatial_dims = draw(st.sampled_from(allowed("ranks", (1, 2, 2, 3))))
    max_k, max_d, max_s, max_extra, max_pad = _LIMITS[spatial_dims]
    kernel = tuple(draw(st.integers(1, max_k)) for _ in range(spatial_dims))
    dilation = tuple(draw(st.integers(1, max_d)) for _ in range(spatial_dims))
    stride = tuple(draw(st.integers(1, max_s)) for _ in range(spatial_dims))
    form = draw(st.sampled_from(allowed("padding", ("int", "per_axis", "per_side", "valid", "same", "same_lower", "full"))))
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
    dtype = draw(st.sampled_from(allowed("dtypes", DTYPES)))
    kind = draw(st.sampled_from(allowed("data", DATA_KINDS)))
    seed = draw(st.integers(0, 2**32 - 1))
    return dtype, kind, np.random.default_rng(seed)


def _built_once(composite):
    """``composite(*args)`` returning one strategy object per ``args`` instead of a new one per call.

    A family strategy calls ``draw(data_settings())`` once a case; each new strategy object is validated
    and unwrapped by hypothesis before its first draw (about a tenth of the drawing time). The body still
    runs at every draw (so :func:`.draws.allowed` reads the limits active then), and the object is the
    one the call would build (same definition, same label): the draws are unchanged."""
    built: dict = {}

    @functools.wraps(composite)
    def once(*args, **kwargs):
        if kwargs:  # not the families' calls: built afresh, as before
            return composite(*args, **kwargs)
        strategy = built.get(args)
        if strategy is None:
            strategy = built[args] = composite(*args)
        return strategy

    return once


spatial_config = _built_once(spatial_config)
data_settings = _built_once(data_settings)
