"""The ``conv`` family's docs data: the definitions, framework names and closed forms the pages of ``correlate``, ``convolve``, ``depthwise_separable`` show.

Read by ``docs/definitions.py``, ``docs/framework_names.py`` and ``docs/formulas.py`` (see
:mod:`convspec.conformance.family_docs` for the shapes); the prose of each definition and the rules for edge
cases are the reference's and the spec's docstrings, shown on the same page. Framework rows hold only facts
we are sure of; "—" (``NONE``) means the framework has no such argument (or no such operation).
"""

from __future__ import annotations

from collections.abc import Callable

from convspec.spec import conv, conventions
from convspec.conformance.family_docs import L, NONE, SHAPE_CONV, SQUARE_COUNTS, Formula, Mapping


_PADDED = r"\tilde{x}_{b,\,q,\,s o + d t}"
# x~: the input with its padding, the convolution family's windows read it.
_PADDED_DEFINITION = (
    "x̃ is x with p_lo zeros before and p_hi zeros after the axis",
    r"\tilde{x}_{b,q,i} = \begin{cases} x_{b,\,q,\,i - p_{\mathrm{lo}}} & \text{if } 0 \le i - p_{\mathrm{lo}} < n \\ 0 & \text{otherwise} \end{cases}",
)
_GROUPS = r"G(c) = \left\{ q_0(c), \dots, q_0(c) + \frac{C_{\mathrm{in}}}{g} - 1 \right\}, \quad q_0(c) = \left\lfloor \frac{c\, g}{C_{\mathrm{out}}} \right\rfloor \frac{C_{\mathrm{in}}}{g}"

_CONV_LAYOUT = (
    "NCHW (`x`), weight `(C_out, C_in/groups, kH, kW)`",
    "NCHW, `W` is `(M, C/group, kH, kW)`",
    "NHWC by default (`data_format=\"channels_last\"`), kernel `(kH, kW, C_in/groups, C_out)`",
    "`dimension_numbers`; `None` means NCHW / OIHW (as convspec)",
)

_CONV_ROWS = {
    "layout": _CONV_LAYOUT,
    "bias": ("`bias=None` (`nn.Conv2d(bias=True)`)", "input `B` (optional)", "`use_bias=True`", "— (add it yourself)"),
    "stride": ("`stride=1`", "`strides` (default 1 per axis)", "`strides=(1, 1)`", "`window_strides` (required)"),
    "padding": (
        "`padding=0`: int or one int per axis (both sides), or `\"valid\"` / `\"same\"` (`\"same\"` only with stride 1)",
        "`pads=[b_1, ..., b_n, e_1, ..., e_n]` (default 0) or `auto_pad` = `VALID`, `SAME_UPPER`, `SAME_LOWER` (default `NOTSET`)",
        "`padding=\"valid\"` (default) or `\"same\"`; `tf.nn.conv2d` also takes explicit pairs",
        "`padding`: `\"SAME\"`, `\"VALID\"`, `\"SAME_LOWER\"` or `(low, high)` pairs (required)",
    ),
    "dilation": ("`dilation=1`", "`dilations` (default 1)", "`dilation_rate=(1, 1)`", "`rhs_dilation=None` (1)"),
    "groups": ("`groups=1`", "`group=1`", "`groups=1`", "`feature_group_count=1`"),
}

_CONV_DIFFERENCES = (
    "convspec's `\"same\"` works with any stride, with the odd zero on the high side, as TensorFlow, "
    "JAX `\"SAME\"` and ONNX `SAME_UPPER`; PyTorch raises for `padding=\"same\"` with a stride > 1.",
    "Per-side padding `((lo, hi), ...)` is ONNX `pads`, JAX pairs and `tf.nn.conv2d`'s explicit padding; "
    "PyTorch's `padding` is symmetric (use `F.pad` first), Keras layers have only `\"valid\"`/`\"same\"`.",
    "`\"full\"` has no keyword anywhere but numpy/scipy/`jax.numpy.convolve`; elsewhere it is padding "
    "`d (k - 1)` on both sides.",
    "Keras and TensorFlow default to channels-last; convspec, PyTorch, ONNX and `jax.lax` (by default) are channels-first.",
)

_CONV = [
    Formula("Output length", "L", conv.conv_output_length, condition=conv.conv_output_length_condition),
    Formula("Span of a dilated kernel", r"k_{\mathrm{eff}}", conv.effective_kernel_size),
    Formula('Output length with "same" / "same_lower"', "L", conv.same_output_length),
    Formula('Total padding of "same" (odd zero high; "same_lower": low)', r"p_{\mathrm{lo}} + p_{\mathrm{hi}}", conv.same_total_padding),
    Formula('Padding of "full" on each side', r"p_{\mathrm{lo}} = p_{\mathrm{hi}}", conv.full_padding, expr=lambda: conv.full_padding()[0]),
]

# op -> [(caption, LaTeX)]; one spatial axis is shown
DEFINITIONS: dict[str, list[tuple[str, str]]] = {
    # op -> [(caption, LaTeX)]
    "correlate": [
        ("", r"y_{b,c,o} = \mathrm{bias}_c + \sum_{q \in G(c)} \sum_{t=0}^{k-1} " + _PADDED + r"\; w_{c,\,q - q_0(c),\,t}"),
        ("for every output position 0 ≤ o < L; G(c) the input channels of output channel c's group", _GROUPS),
        _PADDED_DEFINITION,
    ],
    "convolve": [
        ("", r"y_{b,c,o} = \mathrm{bias}_c + \sum_{q \in G(c)} \sum_{t=0}^{k-1} " + _PADDED + r"\; w_{c,\,q - q_0(c),\,k - 1 - t}"),
        ("the kernel flipped: the same as", r"\mathrm{convolve}(x, w) = \mathrm{correlate}(x, w_{:,\,:,\,k-1-t})"),
        ("for every output position 0 ≤ o < L; G(c) the input channels of output channel c's group", _GROUPS),
        _PADDED_DEFINITION,
    ],
    "depthwise_separable": [
        ("depthwise stage (channel multiplier m)", r"z_{b,\,q m + j,\,o} = \sum_{t=0}^{k-1} \tilde{x}_{b,\,q,\,s o + d t}\; w^{\mathrm{dw}}_{q m + j,\,0,\,t}, \quad 0 \le j < m"),
        ("pointwise stage", r"y_{b,c,o} = \mathrm{bias}_c + \sum_{r=0}^{C_{\mathrm{in}} m - 1} w^{\mathrm{pw}}_{c,\,r}\; z_{b,\,r,\,o}"),
        _PADDED_DEFINITION,
    ],
}

# what "per axis" means on each page with windows (shown under the definition)
PER_AXIS: dict[str, str] = {
    "correlate": "`o`, `t`, `s`, `d`, `k`, `p_lo`, `p_hi`, `n` and `L` are per axis",
    "convolve": "`o`, `t`, `s`, `d`, `k`, `p_lo`, `p_hi`, `n` and `L` are per axis",
    "depthwise_separable": "`o`, `t`, `s`, `d`, `k`, `p_lo`, `p_hi`, `n` and `L` are per axis",
}

# op -> its parameters' names and defaults in PyTorch, ONNX, TF/Keras and JAX, and where they differ
FRAMEWORK_NAMES: dict[str, Mapping] = {
    "correlate": Mapping(
        rows={
            "operation": ("`F.conv1d/2d/3d`, `nn.Conv2d`", "`Conv`", "`Conv1D/2D/3D`, `tf.nn.conv1d/2d/3d`, `tf.nn.convolution`", "`lax.conv_general_dilated`"),
            **_CONV_ROWS,
        },
        differences=(
            "Every framework's \"convolution\" is this cross-correlation: the kernel is not flipped.",
            *_CONV_DIFFERENCES,
        ),
    ),
    "convolve": Mapping(
        rows={
            "operation": (
                "`F.conv2d(x, w.flip(dims))` (no native op)",
                "`Conv` with a flipped `W`",
                "— (flip the kernel, then `Conv2D`)",
                "`jax.scipy.signal.convolve`, `jnp.convolve` (1-D); `lax.conv_general_dilated` with a flipped kernel",
            ),
            **_CONV_ROWS,
        },
        differences=(
            "True convolution exists natively only in signal-processing APIs (`numpy.convolve`, `scipy.signal.convolve`, "
            "`jax.scipy.signal.convolve`), whose default mode is `\"full\"` and which take no stride, groups or channels.",
            "A deep-learning framework computes it as a correlation with the kernel reversed on every spatial axis.",
            *_CONV_DIFFERENCES,
        ),
    ),
    "depthwise_separable": Mapping(
        rows={
            "operation": (
                "two calls: `F.conv2d(x, dw, groups=C_in)`, then `F.conv2d(., pw, bias)`",
                "two `Conv` nodes (`group=C` for the first)",
                "`SeparableConv1D/2D`, `tf.nn.separable_conv2d`",
                "two `lax.conv_general_dilated` calls (`feature_group_count=C_in`)",
            ),
            "layout": (
                "depthwise `(C_in*m, 1, kH, kW)`, pointwise `(C_out, C_in*m, 1, 1)`",
                "as PyTorch",
                "`depthwise_kernel` `(kH, kW, C_in, m)`, `pointwise_kernel` `(1, 1, C_in*m, C_out)`; channel `i*m + j`",
                "as PyTorch with the default dimension numbers",
            ),
            "bias": ("`bias` of the second call", "`B` of the second `Conv`", "`use_bias=True` (one bias, after the pointwise stage)", NONE),
            "stride": ("`stride` of the first call", "`strides` of the first `Conv`", "`strides=(1, 1)`", "`window_strides` of the first call"),
            "padding": ("`padding` of the first call", "`pads`/`auto_pad` of the first `Conv`", "`padding=\"valid\"`", "`padding` of the first call"),
            "dilation": ("`dilation` of the first call", "`dilations` of the first `Conv`", "`dilation_rate=(1, 1)`", "`rhs_dilation` of the first call"),
            "depthwise_weight": ("weight of the first call", "`W` of the first `Conv`", "`depthwise_kernel`; `depth_multiplier=1` is m", "rhs of the first call"),
            "pointwise_weight": ("weight of the second call", "`W` of the second `Conv`", "`pointwise_kernel`; `filters` is C_out", "rhs of the second call"),
        },
        differences=(
            "Only Keras/TensorFlow have it as one operation; elsewhere it is a grouped correlation followed by a 1x1 one.",
            "Intermediate map `i*m + j` comes from input channel `i` and its `j`-th filter in convspec, PyTorch "
            "(`groups=C_in`) and TensorFlow (`k * channel_multiplier + q`).",
        ),
    ),
}


# Names in Python libraries outside the four columns above, as convspec's conformance adapters call them
# (conformance/adapters/): op -> ((library, name, how it maps), ...). Read by docs/docs_frameworks.py (the
# framework index and the "Other libraries" list under each page's framework table).
OTHER_NAMES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "correlate": (
        ("SciPy", "scipy.signal.correlate", "one channel, N-D, no stride or dilation; `mode=\"valid\"`, `\"same\"` or `\"full\"` (its `\"same\"` puts an even kernel's extra zero low: convspec's `\"same_lower\"`)"),
        ("NumPy", "numpy.correlate", "1-D, one channel; `mode=\"valid\"` by default; its `\"same\"` is convspec's `\"same_lower\"`"),
        ("tinygrad", "Tensor.conv2d", "`x.conv2d(w, b, groups, stride, dilation, padding)`, any number of spatial axes; explicit padding is flat, last axis first"),
    ),
    "convolve": (
        ("SciPy", "scipy.signal.convolve", "one channel, N-D, no stride or dilation; the kernel flipped, `mode` as `scipy.signal.correlate`"),
        ("NumPy", "numpy.convolve", "1-D, one channel; `mode=\"full\"` by default; its `\"same\"` is convspec's `\"same_lower\"`"),
        ("tinygrad", "Tensor.conv2d", "on the kernel flipped along its spatial axes (tinygrad's `conv2d` is a correlation)"),
    ),
    "depthwise_separable": (
        ("tinygrad", "Tensor.conv2d", "two calls: `conv2d(groups=C_in)`, then a 1x1 `conv2d` with the bias"),
    ),
}


def formulas(op: str) -> list[Formula]:
    """The spec's closed forms shown on ``op``'s page, in order."""
    return (
        _CONV + (
        [
            Formula("Parameters", "P", conv.depthwise_separable_parameter_count, expr=lambda: conv.depthwise_separable_parameter_count(multiplier=conv.multiplier)),
            Formula("Multiply-adds", "M", conv.depthwise_separable_multiply_adds, expr=lambda: conv.depthwise_separable_multiply_adds(output_size=(L, L), multiplier=conv.multiplier, batch=conv.batch)),
        ]
        if op == "depthwise_separable"
        else [
            Formula("Parameters", "P", conv.conv_parameter_count, expr=lambda: conv.conv_parameter_count(groups=conv.groups)),
            Formula("Multiply-adds", "M", conv.conv_multiply_adds, expr=lambda: conv.conv_multiply_adds(output_size=(L, L), groups=conv.groups, batch=conv.batch)),
        ]
    )
    )


# The rest of what the operation pages need (read by docs/docs_pages.py and docs/docs_opsections.py) -----

TITLE = "Convolution"

SHAPES: dict[str, str] = {
    "correlate": f"x {SHAPE_CONV}, weight `(C_out, C_in / groups, k_H, k_W)`, bias `(C_out,)`",
    "convolve": f"x {SHAPE_CONV}, weight `(C_out, C_in / groups, k_H, k_W)`, bias `(C_out,)`",
    "depthwise_separable": f"x {SHAPE_CONV}, depthwise `(C_in · m, 1, k_H, k_W)`, pointwise `(C_out, C_in · m, 1, 1)`",
}

ARGUMENT_CHECKERS: dict[str, Callable] = {
    "correlate": conventions.check_conv_arguments,
    "convolve": conventions.check_conv_arguments,
    "depthwise_separable": conventions.check_depthwise_separable_arguments,
}

COUNTS_SHOWN_FOR: dict[str, str] = dict.fromkeys(("correlate", "convolve", "depthwise_separable"), SQUARE_COUNTS)
