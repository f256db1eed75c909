"""The ``filters`` family's docs data: the definitions, framework names and closed forms the pages of ``sobel`` show.

Read by ``docs/definitions.py``, ``docs/framework_names.py`` and ``docs/formulas.py`` (see
:mod:`convspec.conformance.family_docs` for the shapes); the prose of each definition and the rules for edge
cases are the reference's and the spec's docstrings, shown on the same page. Framework rows hold only facts
we are sure of; "—" (``NONE``) means the framework has no such argument (or no such operation).
"""

from __future__ import annotations

import sympy

from convspec.spec import filters
from convspec.conformance.family_docs import Formula, Mapping


def _gabor_parts():
    xt, yt = filters.gabor_coordinates()
    return [(sympy.Symbol(r"\tilde{x}"), xt), (sympy.Symbol(r"\tilde{y}"), yt)]


# op -> [(caption, LaTeX)]; one spatial axis is shown
DEFINITIONS: dict[str, list[tuple[str, str]]] = {
    # classic filters (spec/filters.py); A the zero-padded image, K_x and K_y seed 002's kernels
    "sobel": [
        ("convolutions (the kernels flipped), channels 0 and 1; G_y likewise with K_y", r"G_x[i, j] = \sum_{u,v=0}^{2} K_x[u, v]\, A[i + 2 - u,\, j + 2 - v]"),
        ("seed 002's kernels", r"K_x = \begin{pmatrix} 1 & 0 & -1 \\ 2 & 0 & -2 \\ 1 & 0 & -1 \end{pmatrix}, \quad K_y = K_x^{T}"),
        ("channel 2", r"M[i, j] = \sqrt{G_x[i, j]^2 + G_y[i, j]^2}"),
    ],
}

# what "per axis" means on each page with windows (shown under the definition)
PER_AXIS: dict[str, str] = {}

# op -> its parameters' names and defaults in PyTorch, ONNX, TF/Keras and JAX, and where they differ
FRAMEWORK_NAMES: dict[str, Mapping] = {
    "sobel": Mapping(
        rows={
            "operation": ("— (`F.conv2d` with the flipped kernels stacked)", "— (`Conv` with the kernels)", "`tf.image.sobel_edges` (NHWC, reflect padding, `[dy, dx]` order)", "— (`lax.conv` with the kernels)"),
            "padding": ("`padding=0` of `F.conv2d`", "`pads` / `auto_pad`", "— (always reflect, same size)", "`padding`"),
        },
        differences=(
            "convspec zero-pads; OpenCV `cv2.Sobel`, `skimage.filters.sobel` and `tf.image.sobel_edges` reflect the border.",
            "`tf.image.sobel_edges` returns `[dy, dx]` last; convspec channels are `G_x, G_y, magnitude`.",
        ),
    ),
}


def formulas(op: str) -> list[Formula]:
    """The spec's closed forms shown on ``op``'s page, in order."""
    return (
        [
        Formula("Magnitude", "M", filters.sobel_magnitude),
        Formula("Gabor filter (seed 004), applied by correlation", "G(x, y)", filters.gabor, parts=_gabor_parts),
    ]
    )


# The rest of what the operation pages need (read by docs/docs_pages.py and docs/docs_opsections.py) -----

TITLE = "Filters"

SHAPES: dict[str, str] = {"sobel": "x `(N, 1, H, W)` → `(N, 3, H_out, W_out)` (G_x, G_y, magnitude)"}
