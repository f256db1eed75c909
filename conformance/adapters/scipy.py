"""Target ``scipy``: ``scipy.signal.correlate``/``convolve`` (N-D, one channel) and
``scipy.ndimage.maximum_filter``/``minimum``-free max pooling where it matches.

* ``correlate``/``convolve``: ``scipy.signal.correlate(x[0, 0], w[0, 0], mode, method="direct")``
  on one channel and batch 1, any number of spatial axes, no bias, stride 1, dilation 1.
  Modes map as for numpy (:mod:`.adapter_numpy`): scipy's ``"same"`` is "centered with respect
  to the 'full' output" and so, for an even kernel, convspec's ``"same_lower"``.
  ``method="direct"`` keeps the sums exact for integer data (``"auto"`` may pick an FFT,
  whose rounding the sum-of-products tolerance does not describe).
  Docs: https://docs.scipy.org/doc/scipy/reference/generated/scipy.signal.correlate.html
* ``max_pool``: ``scipy.ndimage.maximum_filter(x, footprint, mode="constant", cval=-inf)``
  (over the spatial axes only) sampled every ``stride`` cells: the filter's window at cell ``c``
  covers ``c - k//2 .. c - k//2 + k - 1``, so the pooling window starting at ``o*s - lo`` is the
  filter's value at ``o*s - lo + k//2``; supported while every such cell lies in the input,
  dilation 1, no indices.
  Docs: https://docs.scipy.org/doc/scipy/reference/generated/scipy.ndimage.maximum_filter.html
"""

from __future__ import annotations

import numpy as np

from convspec.conformance.adapters.common import (
    first_reason, pool_args, pool_pads, safely, single_channel_conv_cases, single_channel_supports,
)
from convspec.conformance.adapters.numpy import library_mode
from convspec.conformance.case import Case
from convspec.conformance.divergences import Divergence
from convspec.conformance.targets import Target, _base_versions, adapter_setup

SCIPY_SAME_DOCS = "https://docs.scipy.org/doc/scipy/reference/generated/scipy.signal.correlate.html"
NDIMAGE_DOCS = "https://docs.scipy.org/doc/scipy/reference/generated/scipy.ndimage.maximum_filter.html"

KNOWN_DIVERGENCES = tuple(
    Divergence(
        op, "scipy.signal's mode='same' is centred on the 'full' output: an even kernel's extra zero goes on "
        f"the low side, as convspec's 'same_lower' ({SCIPY_SAME_DOCS})",
        when={"padding": "same"}, expression="any(k % 2 == 0 for k in inputs['weight'].shape[2:])",
    )
    for op in ("correlate", "convolve")
) + (
    Divergence(
        "max_pool", "scipy.ndimage.maximum_filter does not propagate NaN: a NaN in a window is skipped by its "
        f"comparisons (the result depends on where the NaN sits); convspec's max propagates NaN ({NDIMAGE_DOCS})",
        expression="bool(np.isnan(inputs['x']).any())",
    ),
)


def _conv_supports(case: Case) -> bool | str:
    _, reason = library_mode(case)
    return first_reason(
        *single_channel_supports(case), (reason is not None, reason),
        (case.dtype == "float16" and case.inputs["x"].ndim > 3,
         "float16 in more than 1-D (scipy.signal's direct N-D correlation raises 'Unsupported type')"),
    )


def _filter_origin(args, pads):
    """Per axis: the filter cell ``k//2 - lo`` whose window is the first pooling window."""
    return [k // 2 - lo for k, (lo, _) in zip(args.kernel_size, pads)]


def _max_pool_supports(case: Case) -> bool | str:
    args = pool_args(case)
    pads = pool_pads(args)
    from convspec.spec.pool import pool_output_size

    out = pool_output_size(args)
    first = _filter_origin(args, pads)
    inside = all(
        0 <= f and f + (o - 1) * s <= n - 1
        for f, o, s, n in zip(first, out, args.stride, args.input_size)
    )
    return first_reason(
        (case.dtype == "float16", "float16 (scipy.ndimage refuses it: 'array type dtype(float16) not supported')"),
        (any(d != 1 for d in args.dilation), "dilation > 1 (maximum_filter has a footprint, not a dilation)"),
        (args.return_indices, "return_indices (maximum_filter returns values only)"),
        (not inside, "a window the filter cannot centre inside the input (padding beyond k // 2 on a side)"),
    )


def target(device: str | None = None) -> Target:
    if device not in (None, "cpu"):
        raise ValueError("target 'scipy' runs on the CPU only")
    import scipy
    from scipy import ndimage, signal

    def _call(fn, x, weight, bias, stride, padding, dilation, groups):
        case = Case("correlate", {"x": x, "weight": weight, "bias": bias},
                    dict(stride=stride, padding=padding, dilation=dilation, groups=groups), "floats")
        verdict = _conv_supports(case)
        if verdict is not True:
            raise ValueError(f"scipy adapter: unsupported: {verdict}")
        mode, _ = library_mode(case)
        return np.asarray(fn(x[0, 0], weight[0, 0], mode=mode, method="direct")).astype(x.dtype, copy=False)[None, None]

    def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
        return _call(signal.correlate, x, weight, bias, stride, padding, dilation, groups)

    def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
        return _call(signal.convolve, x, weight, bias, stride, padding, dilation, groups)

    def max_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
        case = Case("max_pool", {"x": x}, dict(kernel_size=kernel_size, stride=stride, padding=padding,
                                               dilation=dilation, ceil_mode=ceil_mode,
                                               return_indices=return_indices), "floats")
        verdict = _max_pool_supports(case)
        if verdict is not True:
            raise ValueError(f"scipy adapter: unsupported: {verdict}")
        from convspec.spec.pool import pool_output_size

        args = pool_args(case)
        pads = pool_pads(args)
        size = (1, 1) + tuple(args.kernel_size)  # no pooling across batch or channels
        filtered = ndimage.maximum_filter(x, size=size, mode="constant", cval=-np.inf)
        first = _filter_origin(args, pads)
        picks = (slice(None), slice(None)) + tuple(
            slice(f, f + (o - 1) * s + 1, s) for f, o, s in zip(first, pool_output_size(args), args.stride)
        )
        return np.ascontiguousarray(filtered[picks]).astype(x.dtype, copy=False)

    strategies = {op: (lambda op=op: single_channel_conv_cases(op)) for op in ("correlate", "convolve")}
    return Target(
        "scipy", {"correlate": correlate, "convolve": convolve, "max_pool": max_pool},
        adapter_setup("scipy", None, "scipy.signal / scipy.ndimage"),
        supports={"correlate": safely(_conv_supports), "convolve": safely(_conv_supports),
                  "max_pool": safely(_max_pool_supports)},
        strategies=strategies, versions={**_base_versions(), "scipy": scipy.__version__},
        known_divergences=KNOWN_DIVERGENCES,
    )
