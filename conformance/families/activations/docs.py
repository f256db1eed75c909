"""The ``activations`` family's docs data: the definitions, framework names and closed forms the pages of ``relu``, ``sigmoid``, ``softmax``, ``flatten``, ``dense`` show.

Read by ``docs/definitions.py``, ``docs/framework_names.py`` and ``docs/formulas.py`` (see
:mod:`convspec.conformance.family_docs` for the shapes); the prose of each definition and the rules for edge
cases are the reference's and the spec's docstrings, shown on the same page. Framework rows hold only facts
we are sure of; "—" (``NONE``) means the framework has no such argument (or no such operation).
"""

from __future__ import annotations

import sympy

from convspec.spec import activations
from convspec.conformance.family_docs import SHAPE_ELEMENTWISE, Formula, Mapping


# op -> [(caption, LaTeX)]; one spatial axis is shown
DEFINITIONS: dict[str, list[tuple[str, str]]] = {
    # activations and dense layers (spec/activations.py)
    "relu": [("element-wise; NaN stays NaN", r"y = \max(0, x)")],
    "sigmoid": [("element-wise, evaluated without overflow", r"y = \frac{1}{1 + e^{-x}} = \frac{e^{x}}{1 + e^{x}}")],
    "softmax": [
        ("along the axis, for each slice", r"y_i = \frac{e^{x_i - m}}{\sum_{j=0}^{n-1} e^{x_j - m}}, \quad m = \max_j x_j"),
        ("subtracting m changes nothing", r"\frac{e^{x_i - c}}{\sum_j e^{x_j - c}} = \frac{e^{x_i}}{\sum_j e^{x_j}} \quad \text{for every } c"),
    ],
    "flatten": [("row-major over the non-batch axes", r"y_{b,\; i_1 d_2 \cdots d_r + i_2 d_3 \cdots d_r + \dots + i_r} = x_{b, i_1, \dots, i_r}")],
    "dense": [("", r"y_{b,o} = \mathrm{bias}_o + \sum_{i=0}^{n_{\mathrm{in}}-1} x_{b,i}\, w_{o,i}")],
}

# what "per axis" means on each page with windows (shown under the definition)
PER_AXIS: dict[str, str] = {}

# op -> its parameters' names and defaults in PyTorch, ONNX, TF/Keras and JAX, and where they differ
FRAMEWORK_NAMES: dict[str, Mapping] = {
    # activations and dense layers
    "relu": Mapping(
        rows={"operation": ("`torch.relu`, `F.relu`, `nn.ReLU`", "`Relu`", "`tf.nn.relu`, `activation=\"relu\"`", "`jax.nn.relu`")},
    ),
    "sigmoid": Mapping(
        rows={"operation": ("`torch.sigmoid`, `nn.Sigmoid`", "`Sigmoid`", "`tf.math.sigmoid`, `activation=\"sigmoid\"`", "`jax.nn.sigmoid`")},
    ),
    "softmax": Mapping(
        rows={
            "operation": ("`torch.softmax`, `F.softmax`, `nn.Softmax`", "`Softmax`", "`tf.nn.softmax`, `activation=\"softmax\"`", "`jax.nn.softmax`"),
            "axis": ("`dim` (required)", "`axis=-1` (opset 13; earlier opsets flatten from `axis=1`)", "`axis=-1`", "`axis=-1`"),
        },
        differences=("ONNX before opset 13 normalises over all axes from `axis` on (a flattened 2-D view), not one axis.",),
    ),
    "flatten": Mapping(
        rows={
            "operation": ("`torch.flatten(x, 1)`, `nn.Flatten()`", "`Flatten` (`axis=1`)", "`Flatten()`", "`x.reshape(x.shape[0], -1)`"),
            "layout": ("row-major over `(C, H, W)`", "row-major over `(C, H, W)`", "row-major over channels-last `(H, W, C)`", "as the array is laid out"),
        },
        differences=("Keras flattens channels-last tensors: the feature order is `(h, w, c)`, so a dense layer's weights do not carry over to a channels-first model unpermuted.",),
    ),
    "dense": Mapping(
        rows={
            "operation": ("`F.linear`, `nn.Linear`", "`Gemm` (`transB=1`) or `MatMul` + `Add`", "`Dense`", "`x @ w.T + b`; flax `nn.Dense`"),
            "weight": ("`weight` `(out, in)`", "`B` with `transB=1`", "`kernel` `(in, out)`", "flax `kernel` `(in, out)`"),
            "bias": ("`bias=None`", "`C` (optional)", "`use_bias=True`", "flax `use_bias=True`"),
        },
        differences=("Keras and flax store the kernel as `(n_in, n_out)`, the transpose of PyTorch's and convspec's `(n_out, n_in)`.",),
    ),
}


# Names in Python libraries outside the four columns above, as convspec's conformance adapters call them
# (conformance/adapters/): op -> ((library, name, how it maps), ...). Read by docs/docs_frameworks.py (the
# framework index and the "Other libraries" list under each page's framework table).
OTHER_NAMES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "relu": (("tinygrad", "Tensor.relu", "`x.relu()`"),),
    "sigmoid": (("tinygrad", "Tensor.sigmoid", "`x.sigmoid()`"),),
    "softmax": (("tinygrad", "Tensor.softmax", "`x.softmax(axis)`"),),
}


def formulas(op: str) -> list[Formula]:
    """The spec's closed forms shown on ``op``'s page, in order."""
    return (
        (
        [
            Formula("Output shape", r"\mathrm{shape}", activations.flatten_output_shape, expr=lambda: sympy.Tuple(activations.batch, sympy.Symbol("d_1") * sympy.Symbol(r"\cdots") * sympy.Symbol("d_r")))
        ]
        if op == "flatten"
        else [
            Formula("Parameters", "P", activations.dense_parameter_count),
            Formula("Multiply-adds", "M", activations.dense_multiply_adds),
        ]
        if op == "dense"
        else [
            Formula("Definition", "y", getattr(activations, op), expr=(lambda: getattr(activations, op)()) if op != "softmax" else (lambda: activations.softmax(sympy.symbols("x_0:3"), 0))),
        ]
        + ([Formula("Derivative", r"\sigma'(x)", activations.sigmoid_derivative)] if op == "sigmoid" else [])
    )
    + [Formula("Parameters", "P", activations.activation_parameter_count)] * (op != "dense")
    )


# The rest of what the operation pages need (read by docs/docs_pages.py and docs/docs_opsections.py) -----

TITLE = "Activations"

SHAPES: dict[str, str] = {
    "relu": f"x {SHAPE_ELEMENTWISE}",
    "sigmoid": f"x {SHAPE_ELEMENTWISE}",
    "softmax": "x → the same shape (normalised along `axis`)",
    "flatten": "x `(N, d_1, …, d_r)` → `(N, d_1 · … · d_r)`",
    "dense": "x `(N, n_in)`, weight `(n_out, n_in)`, bias `(n_out,)` → `(N, n_out)`",
}
