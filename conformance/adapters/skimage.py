"""Target ``skimage``: ``skimage.measure.block_reduce`` as non-overlapping pooling.

``block_reduce(x, block_size=(1, 1, *k), func=np.max | np.mean, cval=...)`` reduces each
``k``-block; it pads the end of every axis with ``cval`` up to a multiple of ``k``. So:

* ``max_pool`` / ``avg_pool`` with ``stride == kernel_size`` (or the default), no padding
  (``0`` or ``"valid"``), dilation 1, no indices, no ``divisor_override``;
* ``ceil_mode=False``: the input is cut to whole blocks first (floor mode drops the partial block);
* ``ceil_mode=True``: the partial block is kept, padded with ``cval`` (``-inf`` for the max,
  ``0`` for the mean: the mean then divides by the whole block, see the known divergence).

Docs: https://scikit-image.org/docs/stable/api/skimage.measure.html#skimage.measure.block_reduce
"""

from __future__ import annotations

import numpy as np

from convspec.conformance.adapters.common import first_reason, pool_args, pool_pads, safely
from convspec.conformance.case import Case
from convspec.conformance.divergences import Divergence
from convspec.conformance.targets import Target, _base_versions, adapter_setup

DOCS = "https://scikit-image.org/docs/stable/api/skimage.measure.html#skimage.measure.block_reduce"


def _partial_block(case: Case) -> bool:
    args = pool_args(case)
    return args.ceil_mode and any(n % k for n, k in zip(args.input_size, args.kernel_size))


KNOWN_DIVERGENCES = (
    Divergence(
        "avg_pool", "block_reduce pads a partial block with cval and np.mean divides by the whole block; "
        "convspec's ceil-mode window that overhangs the input (and its padding) divides by the cells it "
        f"covers ({DOCS})", predicate=_partial_block,
    ),
)


def _supports(case: Case) -> bool | str:
    args = pool_args(case)
    return first_reason(
        (args.stride != args.kernel_size, "stride != kernel_size (block_reduce's blocks do not overlap or skip)"),
        (any(p != (0, 0) for p in pool_pads(args)), "padding (block_reduce pads only the end, to whole blocks)"),
        (any(d != 1 for d in args.dilation), "dilation > 1"),
        (args.return_indices, "return_indices (block_reduce returns values only)"),
        (args.divisor_override is not None, "divisor_override"),
    )


def target(device: str | None = None) -> Target:
    if device not in (None, "cpu"):
        raise ValueError("target 'skimage' runs on the CPU only")
    import skimage
    from skimage.measure import block_reduce

    def _pool(x, args, func, cval):
        if not args.ceil_mode:
            x = x[(slice(None), slice(None)) + tuple(slice(0, n - n % k) for n, k in zip(args.input_size, args.kernel_size))]
        y = block_reduce(x, block_size=(1, 1) + tuple(args.kernel_size), func=func, cval=cval)
        return np.ascontiguousarray(y).astype(x.dtype, copy=False)

    def max_pool(x, kernel_size, *, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
        case = Case("max_pool", {"x": x}, dict(kernel_size=kernel_size, stride=stride, padding=padding,
                                               dilation=dilation, ceil_mode=ceil_mode,
                                               return_indices=return_indices), "floats")
        verdict = _supports(case)
        if verdict is not True:
            raise ValueError(f"skimage adapter: unsupported: {verdict}")
        return _pool(x, pool_args(case), np.max, -np.inf)

    def avg_pool(x, kernel_size, *, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        case = Case("avg_pool", {"x": x}, dict(kernel_size=kernel_size, stride=stride, padding=padding,
                                               ceil_mode=ceil_mode, count_include_pad=count_include_pad,
                                               divisor_override=divisor_override), "floats")
        verdict = _supports(case)
        if verdict is not True:
            raise ValueError(f"skimage adapter: unsupported: {verdict}")
        return _pool(x, pool_args(case), np.mean, 0)

    return Target(
        "skimage", {"max_pool": max_pool, "avg_pool": avg_pool},
        adapter_setup("skimage", None, "skimage.measure.block_reduce"),
        supports={"max_pool": safely(_supports), "avg_pool": safely(_supports)},
        versions={**_base_versions(), "scikit-image": skimage.__version__}, known_divergences=KNOWN_DIVERGENCES,
    )
