"""The ``conv_transpose`` family's docs data: the definitions, framework names and closed forms the pages of ``conv_transpose`` show.

Read by ``docs/definitions.py``, ``docs/framework_names.py`` and ``docs/formulas.py`` (see
:mod:`convspec.conformance.family_docs` for the shapes); the prose of each definition and the rules for edge
cases are the reference's and the spec's docstrings, shown on the same page. Framework rows hold only facts
we are sure of; "—" (``NONE``) means the framework has no such argument (or no such operation).
"""

from __future__ import annotations

from collections.abc import Callable

from convspec.spec import conv, conv_transpose
from convspec.conformance.family_docs import L, NONE, SHAPE_CONV, SQUARE_COUNTS, Formula, Mapping


# op -> [(caption, LaTeX)]; one spatial axis is shown
DEFINITIONS: dict[str, list[tuple[str, str]]] = {
    "conv_transpose": [
        ("scatter: each input adds a weighted copy of the kernel", r"u_{b,c,j} = \sum_{q \in G(c)} \sum_{i s + d t = j} x_{b,q,i}\; w_{q,\,c - c_0(c),\,t}"),
        ("over the whole scatter buffer", r"0 \le j < (n - 1) s + d (k - 1) + 1 + a"),
        ("then crop p_lo cells at the start and p_hi at the end", r"y_{b,c,o} = \mathrm{bias}_c + u_{b,\,c,\,o + p_{\mathrm{lo}}}, \quad 0 \le o < L"),
        ("the groups (weight is (C_in, C_out/g, k))", r"\gamma(c) = \left\lfloor \frac{c\, g}{C_{\mathrm{out}}} \right\rfloor, \quad c_0(c) = \gamma(c) \frac{C_{\mathrm{out}}}{g}, \quad G(c) = \left\{ \gamma(c) \frac{C_{\mathrm{in}}}{g}, \dots, (\gamma(c) + 1) \frac{C_{\mathrm{in}}}{g} - 1 \right\}"),
    ],
}

# what "per axis" means on each page with windows (shown under the definition)
PER_AXIS: dict[str, str] = {
    "conv_transpose": "`i`, `j`, `o`, `t`, `s`, `d`, `k`, `a`, `p_lo`, `p_hi`, `n` and `L` are per axis",
}

# op -> its parameters' names and defaults in PyTorch, ONNX, TF/Keras and JAX, and where they differ
FRAMEWORK_NAMES: dict[str, Mapping] = {
    "conv_transpose": Mapping(
        rows={
            "operation": ("`F.conv_transpose1d/2d/3d`, `nn.ConvTranspose2d`", "`ConvTranspose`", "`Conv1DTranspose/2D/3D`, `tf.nn.conv1d_transpose/2d/3d`, `tf.nn.conv_transpose`", "`lax.conv_transpose`"),
            "layout": (
                "weight `(C_in, C_out/groups, kH, kW)` (as convspec)",
                "`W` is `(C, M/group, kH, kW)` (as convspec)",
                "kernel `(kH, kW, C_out, C_in)`, channels-last data",
                "default dimension numbers are TensorFlow's (channels-last); the kernel is not flipped unless `transpose_kernel=True`",
            ),
            "bias": ("`bias=None`", "input `B`", "`use_bias=True`", NONE),
            "stride": ("`stride=1`", "`strides`", "`strides=(1, 1)`", "`strides` (required)"),
            "padding": (
                "`padding=0`: int or one per axis, cropped from both sides",
                "`pads` (per side) or `auto_pad` `SAME_UPPER`/`SAME_LOWER`/`VALID`; or `output_shape`",
                "`padding=\"valid\"` or `\"same\"` (output `n * s`)",
                "`\"SAME\"`, `\"VALID\"` or pairs, applied to the dilated input (not a crop)",
            ),
            "output_padding": ("`output_padding=0`, must be `< max(stride, dilation)`", "`output_padding` (default 0)", "`output_padding=None` (inferred)", "— (choose the padding pairs)"),
            "dilation": ("`dilation=1`", "`dilations`", "`dilation_rate=(1, 1)`", "`rhs_dilation=None`"),
            "groups": ("`groups=1`", "`group=1`", "—", "—"),
        },
        differences=(
            "PyTorch's argument order is `(input, weight, bias, stride, padding, output_padding, groups, dilation)`: "
            "`groups` comes before `dilation`; convspec takes them as keywords.",
            "convspec's `padding` is the forward convolution's padding, cropped from the output (PyTorch, ONNX `pads`). "
            "`jax.lax.conv_transpose` pads the dilated input instead, unless asked for the PyTorch behaviour.",
            "Keras `\"valid\"` differs from PyTorch `padding=0` when the kernel span is shorter than the stride "
            "(it appends cells); convspec's `\"valid\"` is PyTorch's.",
            "`\"same\"` gives `n * s` outputs (TensorFlow, ONNX `SAME_UPPER`); PyTorch has no `\"same\"` here.",
        ),
    ),
}


# Names in Python libraries outside the four columns above, as convspec's conformance adapters call them
# (conformance/adapters/): op -> ((library, name, how it maps), ...). Read by docs/docs_frameworks.py (the
# framework index and the "Other libraries" list under each page's framework table).
OTHER_NAMES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "conv_transpose": (
        ("tinygrad", "Tensor.conv_transpose2d", "`x.conv_transpose2d(w, b, groups, stride, dilation, padding, output_padding)`: a symmetric crop per axis; no `\"same\"`"),
    ),
}


def formulas(op: str) -> list[Formula]:
    """The spec's closed forms shown on ``op``'s page, in order."""
    return (
        [
        Formula("Output length", "L", conv_transpose.conv_transpose_output_length, condition=conv_transpose.conv_transpose_output_length_condition),
        Formula("Length of the scatter buffer", r"L_{\mathrm{full}}", conv_transpose.full_length),
        Formula('Output length with "same" / "same_lower"', "L", conv_transpose.same_output_length),
        Formula("The output_padding that restores a convolution's input length m", "a", conv_transpose.restoring_output_padding),
        Formula("Parameters", "P", conv_transpose.conv_transpose_parameter_count, expr=lambda: conv_transpose.conv_transpose_parameter_count(groups=conv.groups)),
        Formula("Multiply-adds (the real cost)", "M", conv_transpose.conv_transpose_multiply_adds, expr=lambda: conv_transpose.conv_transpose_multiply_adds(groups=conv.groups, batch=conv.batch)),
        Formula("Products of the zero-insertion view (not the cost)", r"M_{0}", conv_transpose.zero_insertion_multiply_adds, expr=lambda: conv_transpose.zero_insertion_multiply_adds(output_size=(L, L), groups=conv.groups, batch=conv.batch)),
    ]
    )


# The rest of what the operation pages need (read by docs/docs_pages.py and docs/docs_opsections.py) -----

TITLE = "Transposed convolution"

SHAPES: dict[str, str] = {
    "conv_transpose": f"x {SHAPE_CONV}, weight `(C_in, C_out / groups, k_H, k_W)`, bias `(C_out,)`",
}

ARGUMENT_CHECKERS: dict[str, Callable] = {"conv_transpose": conv_transpose.check_conv_transpose_arguments}

COUNTS_SHOWN_FOR: dict[str, str] = {"conv_transpose": SQUARE_COUNTS}
