"""The ``unpool`` family's docs data: the definitions, framework names and closed forms the pages of ``max_unpool``, ``avg_unpool``, ``first_unpool`` show.

Read by ``docs/definitions.py``, ``docs/framework_names.py`` and ``docs/formulas.py`` (see
:mod:`convspec.conformance.family_docs` for the shapes); the prose of each definition and the rules for edge
cases are the reference's and the spec's docstrings, shown on the same page. Framework rows hold only facts
we are sure of; "—" (``NONE``) means the framework has no such argument (or no such operation).
"""

from __future__ import annotations

from collections.abc import Callable

import sympy

from convspec.spec import unpool
from convspec.conformance.family_docs import NONE, Formula, Mapping


# op -> [(caption, LaTeX)]; one spatial axis is shown
DEFINITIONS: dict[str, list[tuple[str, str]]] = {
    "max_unpool": [
        ("each value back to its recorded cell (flat per plane), zeros elsewhere", r"y_{b,c,j} = \begin{cases} x_{b,c,o} & \text{if } j = \mathrm{indices}_{b,c,o} \\ 0 & \text{if no } o \text{ records } j \end{cases}, \quad 0 \le j < L"),
    ],
    "avg_unpool": [
        ("each value copied into its whole block; overlaps add up", r"y_{b,c,j} = \sum_{o \,:\, s o \le j < s o + k} x_{b,c,o}, \quad 0 \le j < L"),
    ],
    "first_unpool": [
        ("each value into the first cell of its block", r"y_{b,c,j} = \begin{cases} x_{b,c,o} & \text{if } j = s o \\ 0 & \text{otherwise} \end{cases}, \quad 0 \le j < L"),
    ],
}

# what "per axis" means on each page with windows (shown under the definition)
PER_AXIS: dict[str, str] = {
    "max_unpool": "`j` is the flat position in the output plane, as the indices record it",
    "avg_unpool": "`j`, `o`, `s`, `k` and `L` are per axis",
    "first_unpool": "`j`, `o`, `s` and `L` are per axis",
}

# op -> [(what, why)]: semantics other frameworks have that convspec refuses (the page's "Not supported, and why")
NOT_SUPPORTED: dict[str, list[tuple[str, str]]] = {
    "max_unpool": [
        ("Max-pool indices numbered over the whole tensor (ONNX `MaxPool`'s `Indices`, TensorFlow's `max_pool_with_argmax(include_batch_in_index=True)`).", "Not new semantics but a relabelling of convspec's index `i`, which is flat within each `(n, c)` plane (row-major over the unpadded spatial axes, as PyTorch's `max_pool` returns and `max_unpool` takes). ONNX numbers `n*C*H*W + c*H*W + i` (in general `(n*C + c)*P + i`, `P` the product of the spatial sizes); TensorFlow's NHWC argmax is `((n*H + h)*W + w)*C + c = (n*H*W + i)*C + c` with `include_batch_in_index=True` and `i*C + c` without. convspec keeps one numbering so that `max_unpool` can take it; convert with these formulas (the onnxruntime adapter subtracts `(n*C + c)*P`)."),
        ("ONNX's column-major `storage_order=1`.", "Also a relabelling: the per-plane index with the spatial axes read in reverse order (2-D: `w*H + h` instead of convspec's `h*W + w`). convspec's indices are row-major only (PyTorch's, and ONNX's default `storage_order=0`); `np.ravel_multi_index(np.unravel_index(i, (H, W)), (H, W), order='F')` converts."),
    ],
}

# op -> its parameters' names and defaults in PyTorch, ONNX, TF/Keras and JAX, and where they differ
FRAMEWORK_NAMES: dict[str, Mapping] = {
    "max_unpool": Mapping(
        rows={
            "operation": ("`F.max_unpool1d/2d/3d`, `nn.MaxUnpool2d`", "`MaxUnpool`", "—", "—"),
            "indices": ("`indices` from `max_pool(..., return_indices=True)`, per plane", "input `I`, flat over the whole tensor", NONE, NONE),
            "kernel_size": ("`kernel_size`", "`kernel_shape`", NONE, NONE),
            "stride": ("`stride=None` = `kernel_size`", "`strides` (default 1)", NONE, NONE),
            "padding": ("`padding=0`", "`pads`", NONE, NONE),
            "output_size": ("`output_size=None`", "optional input `output_shape`", NONE, NONE),
        },
        differences=(
            "PyTorch accepts `output_size` values that pool back to one value fewer than `x` has; convspec refuses them.",
            "ONNX indices count over the whole tensor, PyTorch's and convspec's within each `(n, c)` plane.",
        ),
    ),
    "avg_unpool": Mapping(
        rows={
            "operation": (
                "`F.interpolate(x, scale_factor=k, mode=\"nearest\")` when stride = kernel; in general `F.conv_transpose2d` with a ones kernel per channel",
                "`Upsample`/`Resize` (nearest) when stride = kernel",
                "`UpSampling2D(size=k)` when stride = kernel",
                "`jnp.repeat` along each axis when stride = kernel",
            ),
            "kernel_size": ("the scale factor", "`scales`", "`size=(2, 2)`", "the repeat count"),
        },
        differences=("No framework has it under this name; with overlapping blocks it is a transposed convolution with an all-ones kernel.",),
    ),
    "first_unpool": Mapping(
        rows={
            "operation": (
                "`F.max_unpool2d` with indices pointing at each block's first cell",
                "`MaxUnpool` with such indices",
                "—",
                "`jnp.zeros(...).at[..., ::s, ::s].set(x)`",
            ),
        },
        differences=("No framework has it as an operation (seed 004's \"unpooling without switches\").",),
    ),
}


# Names in Python libraries outside the four columns above, as convspec's conformance adapters call them
# (conformance/adapters/): op -> ((library, name, how it maps), ...). Read by docs/docs_frameworks.py (the
# framework index and the "Other libraries" list under each page's framework table).
OTHER_NAMES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "max_unpool": (
        ("tinygrad", "Tensor.max_unpool2d", "`x.max_unpool2d(indices, k, stride, 1, padding, output_size)`, indices per `(n, c)` plane as PyTorch's"),
    ),
}


def formulas(op: str) -> list[Formula]:
    """The spec's closed forms shown on ``op``'s page, in order."""
    return (
        [
        Formula("The shortest length that pools to n", "D", unpool.unpool_formula_length),
        Formula("Default output length", "L", unpool.unpool_default_length),
        Formula("Every valid output length", "", unpool.unpool_valid_lengths,  # a relation: no "L =" in front
                expr=lambda: sympy.And(sympy.Le(sympy.Max(sympy.Symbol("D"), 1), unpool.L), sympy.Lt(unpool.L, sympy.Symbol("D") + unpool.s)),
                condition=unpool.unpool_valid_lengths_condition),
        Formula("Pooling a length L gives back n", "n", unpool.pooled_length),
    ]
    + ([Formula("Most blocks covering one cell", r"\mathrm{overlap}", unpool.unpool_overlap)] if op == "avg_unpool" else [])
    + [Formula("Parameters", "P", unpool.unpool_parameter_count)]
    )


# The rest of what the operation pages need (read by docs/docs_pages.py and docs/docs_opsections.py) -----

TITLE = "Unpooling"

SHAPES: dict[str, str] = {
    "max_unpool": "x and indices `(N, C, H, W)` → `(N, C, H_out, W_out)`",
    "avg_unpool": "x `(N, C, H, W)` → `(N, C, H_out, W_out)`",
    "first_unpool": "x `(N, C, H, W)` → `(N, C, H_out, W_out)`",
}

ARGUMENT_CHECKERS: dict[str, Callable] = dict.fromkeys(("max_unpool", "avg_unpool", "first_unpool"), unpool.check_unpool_arguments)

PARAMETER_HELP: dict[str, str] = {
    "indices": "int64 flat positions per `(n, c)` plane of the output, as `max_pool(..., return_indices=True)` records them; the shape of `x`.",
}
