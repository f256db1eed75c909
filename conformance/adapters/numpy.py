"""Target ``numpy``: ``np.correlate`` and ``np.convolve``, one 1-D signal at a time.

numpy's two functions take two 1-D arrays and a ``mode``; so the adapter supports
``correlate``/``convolve`` on ``x`` of shape ``(1, 1, n)`` and ``weight`` ``(1, 1, k)``: batch 1,
one channel, no bias, stride 1, dilation 1. The padding maps through what it resolves to:

* ``(0, 0)`` (``"valid"``, ``0``) -> ``mode="valid"``;
* ``(k-1, k-1)`` (``"full"``, ``k - 1``) -> ``mode="full"``;
* ``"same"`` -> ``mode="same"``, which puts an even kernel's extra zero on the *low* side:
  numpy's ``"same"`` is convspec's ``"same_lower"``, and differs from ``"same"`` for
  even ``k`` (declared as a known divergence below). ``"same_lower"`` -> ``mode="same"``.
  numpy's ``"same"`` returns ``max(n, k)`` samples, so ``k > n`` is unsupported;
* any other padding is unsupported (numpy pads nothing else).

``np.convolve`` is a true convolution (the kernel flipped) and ``np.correlate(a, v)`` is
``sum_n a[n + k] v[n]`` (numpy >= 1.5, for real data): the same orientation as convspec's.
Docs: https://numpy.org/doc/stable/reference/generated/numpy.convolve.html
"""

from __future__ import annotations

import numpy as np

from convspec.conformance.adapters.common import conv_args, conv_pads, first_reason, safely, single_channel_conv_cases, single_channel_supports
from convspec.conformance.case import Case
from convspec.conformance.divergences import Divergence
from convspec.conformance.targets import Target, _base_versions, adapter_setup

NUMPY_SAME_DOCS = "https://numpy.org/doc/stable/reference/generated/numpy.convolve.html"

KNOWN_DIVERGENCES = tuple(
    Divergence(
        op, "numpy's mode='same' centres an even kernel with the extra zero on the low side, as convspec's "
        f"'same_lower'; convspec's 'same' (TensorFlow/JAX/ONNX SAME_UPPER) puts it high ({NUMPY_SAME_DOCS})",
        when={"padding": "same"}, expression="inputs['weight'].shape[-1] % 2 == 0",
    )
    for op in ("correlate", "convolve")
)


def library_mode(case: Case) -> tuple[str | None, str | None]:
    """(numpy/scipy mode, None) for a case whose padding a mode expresses, else (None, the reason)."""
    args = conv_args(case)
    pads = conv_pads(args)
    kernel, size = args.kernel_size, args.input_size
    if args.padding in ("same", "same_lower"):
        if any(k > n for k, n in zip(kernel, size)):
            return None, "'same' with a kernel longer than the input (the library returns max(n, k) samples)"
        return "same", None
    if all(p == (0, 0) for p in pads):
        return "valid", None
    if all(p == (k - 1, k - 1) for p, k in zip(pads, kernel)):
        return "full", None
    return None, "padding other than valid, same or full"


def _supports(case: Case) -> bool | str:
    _, reason = library_mode(case) if case.inputs["x"].ndim == 3 else (None, None)
    return first_reason(*single_channel_supports(case, ranks=(1,)), (reason is not None, reason))


def target(device: str | None = None) -> Target:
    if device not in (None, "cpu"):
        raise ValueError("target 'numpy' runs on the CPU only")

    def _call(fn, x, weight, bias, stride, padding, dilation, groups):
        case = Case("correlate", {"x": x, "weight": weight, "bias": bias},
                    dict(stride=stride, padding=padding, dilation=dilation, groups=groups), "floats")
        verdict = _supports(case)
        if verdict is not True:
            raise ValueError(f"numpy adapter: unsupported: {verdict}")
        mode, _ = library_mode(case)
        return fn(x[0, 0], weight[0, 0], mode=mode).astype(x.dtype, copy=False)[None, None]

    def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
        return _call(np.correlate, x, weight, bias, stride, padding, dilation, groups)

    def convolve(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
        return _call(np.convolve, x, weight, bias, stride, padding, dilation, groups)

    strategies = {op: (lambda op=op: single_channel_conv_cases(op, ranks=(1,))) for op in ("correlate", "convolve")}
    return Target(
        "numpy", {"correlate": correlate, "convolve": convolve}, adapter_setup("numpy", None, "np.correlate/np.convolve"),
        supports={"correlate": safely(_supports), "convolve": safely(_supports)}, strategies=strategies,
        versions=_base_versions(), known_divergences=KNOWN_DIVERGENCES,
    )
