"""Strategies for the conv family: valid ``correlate``, ``convolve`` and ``depthwise_separable`` calls.

The structural parameters come from :func:`convspec.conformance.strategies.spatial_config` (rank, kernel,
stride, dilation, padding form, an input just long enough), then channels, groups, bias and data.
"""

from __future__ import annotations

from hypothesis import strategies as st

from convspec.conformance.case import Case
from convspec.conformance.draws import allowed, is_limited
from convspec.conformance.strategies import data_settings, random_array, sampled_from, spatial_config


@st.composite
def conv_cases(draw, op: str = "correlate"):
    """A valid ``correlate``/``convolve`` call: groups, channels, bias, any padding form."""
    config = draw(spatial_config())
    groups = draw(st.integers(1, 3) if not is_limited("groups") else sampled_from(allowed("groups", (1, 2, 3))))
    in_channels = groups * draw(st.integers(1, 3 if len(config["kernel"]) < 3 else 2))
    out_channels = groups * draw(st.integers(1, 3))
    batch = draw(st.integers(1, 2))
    with_bias = draw(st.booleans())
    dtype, kind, rng = draw(data_settings())
    x = random_array((batch, in_channels, *config["input_size"]), dtype, kind, rng)
    weight = random_array((out_channels, in_channels // groups, *config["kernel"]), dtype, kind, rng)
    bias = random_array((out_channels,), dtype, kind, rng) if with_bias else None
    params = {
        "stride": config["stride"],
        "padding": config["padding"],
        "dilation": config["dilation"],
        "groups": groups,
    }
    return Case(op, {"x": x, "weight": weight, "bias": bias}, params, kind)


@st.composite
def depthwise_separable_cases(draw, op: str = "depthwise_separable"):
    """A valid ``depthwise_separable`` call: channel multiplier, pointwise channels, optional bias."""
    config = draw(spatial_config())
    in_channels = draw(st.integers(1, 3))
    multiplier = draw(st.integers(1, 2))
    out_channels = draw(st.integers(1, 3))
    batch = draw(st.integers(1, 2))
    with_bias = draw(st.booleans())
    dtype, kind, rng = draw(data_settings())
    spatial_dims = len(config["kernel"])
    x = random_array((batch, in_channels, *config["input_size"]), dtype, kind, rng)
    depthwise = random_array((in_channels * multiplier, 1, *config["kernel"]), dtype, kind, rng)
    pointwise = random_array((out_channels, in_channels * multiplier) + (1,) * spatial_dims, dtype, kind, rng)
    bias = random_array((out_channels,), dtype, kind, rng) if with_bias else None
    params = {"stride": config["stride"], "padding": config["padding"], "dilation": config["dilation"]}
    inputs = {"x": x, "depthwise_weight": depthwise, "pointwise_weight": pointwise, "bias": bias}
    return Case(op, inputs, params, kind)
