"""The ``fft`` family's docs data: the definitions, framework names and closed forms the pages of ``fft_convolve``, ``fft_correlate`` show.

Read by ``docs/definitions.py``, ``docs/framework_names.py`` and ``docs/formulas.py`` (see
:mod:`convspec.conformance.family_docs` for the shapes); the prose of each definition and the rules for edge
cases are the reference's and the spec's docstrings, shown on the same page. Framework rows hold only facts
we are sure of; "—" (``NONE``) means the framework has no such argument (or no such operation).
"""

from __future__ import annotations

from collections.abc import Callable

from convspec.spec import fft
from convspec.conformance.family_docs import NONE, Formula, Mapping


# op -> [(caption, LaTeX)]; one spatial axis is shown
DEFINITIONS: dict[str, list[tuple[str, str]]] = {
    # the convolution theorem (spec/fft.py); L >= n + k - 1 per axis, s the mode's crop start
    "fft_convolve": [
        ("per batch entry b and output channel c", r"y_{b,c} = \mathrm{crop}_s\!\left( \mathcal{F}^{-1}_L \left[ \sum_{q} \mathcal{F}_L(x_{b,q})\, \mathcal{F}_L(w_{c,q}) \right] \right), \quad s = \begin{cases} 0 & \text{full} \\ \lceil (k-1)/2 \rceil & \text{same} \\ k - 1 & \text{valid} \end{cases}"),
        ("the product of length-L DFTs is the circular convolution; with L >= n + k - 1 nothing wraps", r"\mathcal{F}^{-1}_L\left[\mathcal{F}_L(a)\, \mathcal{F}_L(b)\right]_j = \sum_{t} a_{(j - t) \bmod L}\, b_t"),
    ],
    "fft_correlate": [
        ("fft_convolve with the kernel flipped", r"\mathrm{fft\_correlate}(x, w) = \mathrm{fft\_convolve}(x, w_{:,\,:,\,k-1-t})"),
    ],
}

# what "per axis" means on each page with windows (shown under the definition)
PER_AXIS: dict[str, str] = {
    "fft_convolve": "the transforms are multi-dimensional, and `L`, `k` and `s` are per axis",
    "fft_correlate": "the transforms are multi-dimensional, and `k` is per axis",
}

# op -> its parameters' names and defaults in PyTorch, ONNX, TF/Keras and JAX, and where they differ
FRAMEWORK_NAMES: dict[str, Mapping] = {
    "fft_convolve": Mapping(
        rows={
            "operation": ("— (`torch.fft.rfftn` / `irfftn` by hand)", NONE, "— (`tf.signal.rfft2d` by hand)", "`jax.scipy.signal.fftconvolve` (single signal, no channels)"),
            "mode": ("—", NONE, NONE, "`mode=\"full\"` (`\"same\"`: scipy's centring)"),
        },
        differences=(
            "`scipy.signal.fftconvolve(mode=\"same\")` starts the crop at `(k - 1) // 2`; convspec's `\"same\"` (as its convolve) at `ceil((k - 1) / 2)`: one sample apart for even kernels.",
            "scipy and JAX convolve two arrays of the same rank; convspec sums over input channels, `(N, C_in, ...)` with `(C_out, C_in, ...)`.",
        ),
    ),
    "fft_correlate": Mapping(
        rows={
            "operation": ("—", NONE, NONE, "`jax.scipy.signal.correlate(method=\"fft\")`"),
            "mode": ("—", NONE, NONE, "`mode=\"full\"`"),
        },
        differences=("`scipy.signal.correlate` conjugates complex inputs; convspec's inputs are real.",),
    ),
}


def formulas(op: str) -> list[Formula]:
    """The spec's closed forms shown on ``op``'s page, in order."""
    return (
        [
        Formula("Output length, full", "L", fft.fft_output_length),
        Formula("Output length, same", "L", fft.fft_output_length, expr=lambda: fft.fft_output_length(mode="same")),
        Formula("Output length, valid", "L", fft.fft_output_length, expr=lambda: fft.fft_output_length(mode="valid")),
        Formula("Crop start of \"same\" in the full result", "s", fft.crop_start, expr=lambda: fft.crop_start(mode="same")),
        Formula("Shortest transform without wrap-around", r"L_{\min}", fft.fft_length),
    ]
    )


# The rest of what the operation pages need (read by docs/docs_pages.py and docs/docs_opsections.py) -----

TITLE = "FFT"

SHAPES: dict[str, str] = {
    "fft_convolve": "x `(N, C_in, H, W)`, weight `(C_out, C_in, k_H, k_W)` → `(N, C_out, H_out, W_out)`",
    "fft_correlate": "x `(N, C_in, H, W)`, weight `(C_out, C_in, k_H, k_W)` → `(N, C_out, H_out, W_out)`",
}

ARGUMENT_CHECKERS: dict[str, Callable] = dict.fromkeys(("fft_convolve", "fft_correlate"), fft.check_fft_arguments)


def axis_values(op: str, case) -> dict[str, object]:
    """The length formulas' symbols at the case's first spatial axis: ``n`` and ``k``."""
    return {"n": case.inputs["x"].shape[2], "k": case.inputs["weight"].shape[2]}
