"""Hypothesis strategies that draw valid unpooling calls directly (no filtering).

Per axis: kernel, stride (or ``None``: the kernel size), the pooling's padding
(``max_unpool`` only, each side at most ``k - 1`` so every window touches the
input), then a pooled length long enough for some output length to pool back to
it, then one of the valid output lengths (or the default). ``max_unpool``'s
indices are drawn in one of three ways: inside each pooling window (what a
max-pool records; overlapping windows sometimes record one cell twice), anywhere
in the plane (any valid switches), or among a few cells (many duplicates, to pin
down the "last write wins" rule).
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

from convspec.spec import unpool as spec_unpool

from convspec.conformance.case import Case
from convspec.conformance.strategies import built_once, data_settings, random_array, sampled_from

# per spatial rank: (max kernel, max stride, max pooled length, max padding per side)
_LIMITS = {1: (4, 3, 6, 3), 2: (3, 3, 4, 2), 3: (2, 2, 3, 1)}
INDEX_MODES = ("window", "window", "anywhere", "collide")


@built_once
@st.composite
def unpool_config(draw, *, with_padding: bool):
    """Rank, kernel, stride, padding, pooled size and a valid output size (or None)."""
    spatial_dims = draw(sampled_from((1, 2, 2, 3)))
    max_k, max_s, max_n, max_pad = _LIMITS[spatial_dims]
    kernel = tuple(draw(st.integers(1, max_k)) for _ in range(spatial_dims))
    stride_given = draw(st.booleans())
    stride = tuple(draw(st.integers(1, max_s)) for _ in range(spatial_dims)) if stride_given else kernel
    pairs = [(0, 0)] * spatial_dims
    padding = 0
    if with_padding:
        form = draw(sampled_from(("int", "per_axis", "per_side", "valid")))
        if form == "int":
            p = draw(st.integers(0, min(min(kernel) - 1, max_pad)))
            padding, pairs = p, [(p, p)] * spatial_dims
        elif form == "per_axis":
            per_axis = tuple(draw(st.integers(0, min(k - 1, max_pad))) for k in kernel)
            padding, pairs = per_axis, [(p, p) for p in per_axis]
        elif form == "per_side":
            pairs = [
                (draw(st.integers(0, min(k - 1, max_pad))), draw(st.integers(0, min(k - 1, max_pad))))
                for k in kernel
            ]
            padding = tuple(pairs)
        else:
            padding = "valid"
    input_size, lengths = [], []
    for k, s, (lo, hi) in zip(kernel, stride, pairs):
        # some length >= 1 pools to n iff n*s + k >= lo + hi + 2 (spec.unpool.unpool_valid_lengths_condition)
        least = max(1, math.ceil((lo + hi + 2 - k) / s))
        n = draw(st.integers(least, max(least, max_n)))
        input_size.append(n)
        lengths.append(spec_unpool.unpool_valid_lengths(n, k, s, lo, hi))
    size_form = draw(sampled_from(("default", "spatial", "spatial", "full")))
    chosen = tuple(draw(sampled_from(valid)) for valid in lengths)
    return {
        "spatial_dims": spatial_dims,
        "input_size": tuple(input_size),
        "kernel": kernel if len(set(kernel)) > 1 else kernel[0],
        "kernel_tuple": kernel,
        "stride": (stride if len(set(stride)) > 1 else stride[0]) if stride_given else None,
        "stride_tuple": stride,
        "padding": padding,
        "pairs": tuple(pairs),
        "output_size": None if size_form == "default" else chosen,
        "output_size_full": size_form == "full",
        "resolved_size": tuple(valid[0] for valid in lengths) if size_form == "default" else chosen,
    }


def _window_indices(rng, batch, channels, config) -> np.ndarray:
    """One cell per pooling window, inside the window and the unpadded plane (as max-pool records)."""
    per_axis = []
    for n, k, s, (lo, _), length in zip(
        config["input_size"], config["kernel_tuple"], config["stride_tuple"], config["pairs"], config["resolved_size"]
    ):
        first = np.maximum(np.arange(n) * s - lo, 0)
        last = np.minimum(np.arange(n) * s - lo + k - 1, length - 1)
        per_axis.append((first, last))
    shape = (batch, channels, *config["input_size"])
    flat = np.zeros(shape, dtype=np.int64)
    for axis, ((first, last), length) in enumerate(zip(per_axis, config["resolved_size"])):
        view = (None, None) + tuple(slice(None) if a == axis else None for a in range(len(per_axis)))
        lo_b, hi_b = np.broadcast_to(first[view], shape), np.broadcast_to(last[view], shape)
        coordinate = lo_b + np.floor(rng.random(shape) * (hi_b - lo_b + 1)).astype(np.int64)
        flat = flat * length + coordinate
    return flat


@st.composite
def max_unpool_cases(draw, op: str = "max_unpool"):
    """A valid ``max_unpool`` call: switches, the pooling's padding, a valid output size."""
    config = draw(unpool_config(with_padding=True))
    batch, channels = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    dtype, kind, rng = draw(data_settings())
    x = random_array((batch, channels, *config["input_size"]), dtype, kind, rng)
    plane = math.prod(config["resolved_size"])
    mode = draw(sampled_from(INDEX_MODES))
    if mode == "window":
        indices = _window_indices(rng, batch, channels, config)
    elif mode == "anywhere":
        indices = rng.integers(0, plane, size=x.shape, dtype=np.int64)
    else:
        indices = rng.integers(0, min(plane, 3), size=x.shape, dtype=np.int64)
    params = {"kernel_size": config["kernel"], "stride": config["stride"], "padding": config["padding"]}
    params["output_size"] = _output_size_param(config, batch, channels)
    return Case(op, {"x": x, "indices": indices}, params, kind)


@st.composite
def block_unpool_cases(draw, op: str):
    """A valid ``avg_unpool`` / ``first_unpool`` call: no padding, any stride, a valid output size."""
    config = draw(unpool_config(with_padding=False))
    batch, channels = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    dtype, kind, rng = draw(data_settings())
    x = random_array((batch, channels, *config["input_size"]), dtype, kind, rng)
    params = {"kernel_size": config["kernel"], "stride": config["stride"]}
    params["output_size"] = _output_size_param(config, batch, channels)
    return Case(op, {"x": x}, params, kind)


def _output_size_param(config, batch, channels):
    if config["output_size"] is None:
        return None
    if config["output_size_full"]:
        return (batch, channels, *config["output_size"])
    return config["output_size"]
