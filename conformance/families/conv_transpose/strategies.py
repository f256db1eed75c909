"""Hypothesis strategies for ``conv_transpose``.

:func:`conv_transpose_cases` draws *valid* calls directly (no filtering): kernel,
stride, dilation, ``output_padding`` below ``max(stride, dilation)`` (0 for the
``"same"`` modes), an input long enough for ``"full"`` to leave a cell, then a crop
no larger than the scatter buffer allows, then the data. Sizes keep the reference's
loops in the low milliseconds.

Its tolerance model and output shape (the catalog's two hooks) are in ``tolerances.py``.
"""

from __future__ import annotations

from hypothesis import strategies as st

from convspec.conformance.case import Case
from convspec.conformance.strategies import built_once, data_settings, random_array, sampled_from

PADDING_FORMS = ("int", "per_axis", "per_side", "valid", "same", "same_lower", "full")

# per spatial rank: (max kernel, max dilation, max stride, max extra input length, max crop per side)
LIMITS = {1: (4, 3, 3, 4, 3), 2: (3, 2, 3, 3, 2), 3: (2, 2, 2, 2, 1), 4: (2, 2, 2, 1, 1)}


def _collapse(values: tuple[int, ...]):
    """One int when every axis agrees (the int form), else one int per axis."""
    return values[0] if len(set(values)) == 1 else values


@built_once
@st.composite
def transposed_geometry(draw, spatial_dims: int | None = None, forms=PADDING_FORMS):
    """Input size, kernel and the keyword parameters of a valid transposed convolution (groups aside)."""
    if spatial_dims is None:
        spatial_dims = draw(sampled_from((1, 2, 2, 3)))
    max_k, max_d, max_s, max_extra, max_crop = LIMITS[spatial_dims]
    axes = range(spatial_dims)
    kernel = tuple(draw(st.integers(1, max_k)) for _ in axes)
    dilation = tuple(draw(st.integers(1, max_d)) for _ in axes)
    stride = tuple(draw(st.integers(1, max_s)) for _ in axes)
    form = draw(sampled_from(forms))
    if form in ("same", "same_lower"):
        output_padding = (0,) * spatial_dims  # these modes fix the length themselves
    else:
        output_padding = tuple(draw(st.integers(0, max(s_, d_) - 1)) for s_, d_ in zip(stride, dilation))
    size, full = [], []
    for k_, d_, s_, a_ in zip(kernel, dilation, stride, output_padding):
        edge = d_ * (k_ - 1)  # span - 1
        # "full" crops span - 1 per side: (n - 1) s + a must reach span - 1 for one cell to remain
        least = 1 + (-(-max(edge - a_, 0) // s_) if form == "full" else 0)
        n_ = least + draw(st.integers(0, max_extra))
        size.append(n_)
        full.append((n_ - 1) * s_ + edge + 1 + a_)  # buffer plus output padding: at most this is cropped
    if form == "int":
        padding = draw(st.integers(0, min(max_crop, min((length - 1) // 2 for length in full))))
    elif form == "per_axis":
        padding = tuple(draw(st.integers(0, min(max_crop, (length - 1) // 2))) for length in full)
    elif form == "per_side":
        pairs = []
        for length in full:
            lo = draw(st.integers(0, min(max_crop, length - 1)))
            pairs.append((lo, draw(st.integers(0, min(max_crop, length - 1 - lo)))))
        padding = tuple(pairs)
    else:
        padding = form
    params = {
        "stride": _collapse(stride),
        "padding": padding,
        "output_padding": _collapse(output_padding),
        "dilation": _collapse(dilation),
    }
    return tuple(size), kernel, params


@st.composite
def conv_transpose_cases(draw, op: str = "conv_transpose", spatial_dims: int | None = None, forms=PADDING_FORMS,
                         data=None):
    """A valid ``conv_transpose`` call: groups, channels, bias, every padding form, output padding.

    ``data`` fixes ``(dtype, kind, rng)``; by default it is drawn with :func:`data_settings`.
    """
    size, kernel, params = draw(transposed_geometry(spatial_dims, forms))
    small = len(size) >= 3
    groups = draw(st.integers(1, 2 if small else 3))
    in_channels = groups * draw(st.integers(1, 2 if small else 3))
    out_per_group = draw(st.integers(1, 2 if small else 3))
    batch = draw(st.integers(1, 2))
    with_bias = draw(st.booleans())
    dtype, kind, rng = draw(data_settings()) if data is None else data
    x = random_array((batch, in_channels, *size), dtype, kind, rng)
    weight = random_array((in_channels, out_per_group, *kernel), dtype, kind, rng)
    bias = random_array((groups * out_per_group,), dtype, kind, rng) if with_bias else None
    return Case(op, {"x": x, "weight": weight, "bias": bias}, {**params, "groups": groups}, kind)


