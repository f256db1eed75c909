"""The ``pool`` family's docs data: the definitions, framework names and closed forms the pages of ``max_pool``, ``avg_pool``, ``global_max_pool``, ``global_avg_pool`` show.

Read by ``docs/definitions.py``, ``docs/framework_names.py`` and ``docs/formulas.py`` (see
:mod:`convspec.conformance.family_docs` for the shapes); the prose of each definition and the rules for edge
cases are the reference's and the spec's docstrings, shown on the same page. Framework rows hold only facts
we are sure of; "—" (``NONE``) means the framework has no such argument (or no such operation).
"""

from __future__ import annotations

from collections.abc import Callable

import sympy

from convspec.spec import conv, pool
from convspec.conformance.family_docs import L, SHAPE_POOL, SQUARE_COUNTS, Formula, Mapping


def _ceiling_named():
    """pool_output_length(ceil_mode=True) as the spec returns it, its one ceiling named c."""
    full = pool.pool_output_length(ceil_mode=True)
    ceilings = full.atoms(sympy.ceiling)
    if len(ceilings) != 1:
        raise AssertionError(f"pool_output_length(ceil_mode=True) = {full}: expected one ceiling to name c")
    (ceiling,) = ceilings
    return [(sympy.Symbol("c", integer=True), ceiling)]


def _valid_ceil_call(point) -> bool:
    n_, k_, s_, lo, hi, d_ = (point[x] for x in _CEIL_SYMBOLS)
    try:
        pool.check_pool_arguments("max_pool", (1, 1, n_), k_, stride=s_, padding=((lo, hi),), dilation=d_, ceil_mode=True)
    except ValueError:
        return False
    return True


_CEIL_SYMBOLS = (pool.n, pool.k, pool.s, pool.p_lo, pool.p_hi, pool.d)
# the symbolic ceil-mode length against the spec's integer evaluation on every small valid call
_CEIL_AGREES = (
    lambda n, k, s, p_lo, p_hi, d: pool.pool_output_length(n, k, s, p_lo, p_hi, d, ceil_mode=True),
    _CEIL_SYMBOLS, _valid_ceil_call, "pool_output_length(ceil_mode=True)",
)

# op -> [(caption, LaTeX)]; one spatial axis is shown
DEFINITIONS: dict[str, list[tuple[str, str]]] = {
    "max_pool": [
        ("the taps that land in the input", r"y_{b,c,o} = \max_{t \in T(o)} x_{b,\,c,\,s o - p_{\mathrm{lo}} + d t}"),
        ("T(o): the taps of window o that fall on input cells", r"T(o) = \{ t : 0 \le t < k,\; 0 \le s o - p_{\mathrm{lo}} + d t < n \}"),
        ("the index: the first maximum in scan order (the last NaN if there is one)", r"\mathrm{index}_{b,c,o} = s o - p_{\mathrm{lo}} + d\, t^{*}, \quad t^{*} = \min \{ t \in T(o) : x_{b,c,s o - p_{\mathrm{lo}} + d t} = y_{b,c,o} \}"),
    ],
    "avg_pool": [
        ("padding adds nothing to the sum", r"y_{b,c,o} = \frac{1}{D(o)} \sum_{\substack{0 \le t < k \\ 0 \le s o - p_{\mathrm{lo}} + d t < n}} x_{b,\,c,\,s o - p_{\mathrm{lo}} + d t}"),
        ("the divisor: a count of taps", r"D(o) = \begin{cases} \mathrm{divisor\_override} & \text{if given} \\ |\hat{T}(o)| & \text{count_include_pad} \\ |T(o)| & \text{otherwise} \end{cases}"),
        ("the taps on the padded input", r"\hat{T}(o) = \{ t : 0 \le t < k,\; -p_{\mathrm{lo}} \le s o - p_{\mathrm{lo}} + d t < n + p_{\mathrm{hi}} \}"),
        ("the taps on the input", r"T(o) = \{ t : 0 \le t < k,\; 0 \le s o - p_{\mathrm{lo}} + d t < n \}"),
    ],
    "global_max_pool": [
        ("", r"y_{b,c,0,\dots,0} = \max_{p \in [0, n_1) \times \dots \times [0, n_D)} x_{b,c,p}"),
    ],
    "global_avg_pool": [
        ("", r"y_{b,c,0,\dots,0} = \frac{1}{n_1 n_2 \cdots n_D} \sum_{p \in [0, n_1) \times \dots \times [0, n_D)} x_{b,c,p}"),
    ],
}

# what "per axis" means on each page with windows (shown under the definition)
PER_AXIS: dict[str, str] = {
    "max_pool": "`o`, `t`, `s`, `d`, `k`, `p_lo`, `n` and `T(o)` are per axis (a window's taps are the product of each axis' taps)",
    "avg_pool": "`o`, `t`, `s`, `d`, `k`, `p_lo`, `p_hi` and `n` are per axis; `D(o)` is the product of each axis' count",
}

# op -> [(what, why)]: semantics other frameworks have that convspec refuses (the page's "Not supported, and why")
NOT_SUPPORTED: dict[str, list[tuple[str, str]]] = {
    "max_pool": [
        ("Max-pool indices numbered over the whole tensor (ONNX `MaxPool`'s `Indices`, TensorFlow's `max_pool_with_argmax(include_batch_in_index=True)`).", "Not new semantics but a relabelling of convspec's index `i`, which is flat within each `(n, c)` plane (row-major over the unpadded spatial axes, as PyTorch's `max_pool` returns and `max_unpool` takes). ONNX numbers `n*C*H*W + c*H*W + i` (in general `(n*C + c)*P + i`, `P` the product of the spatial sizes); TensorFlow's NHWC argmax is `((n*H + h)*W + w)*C + c = (n*H*W + i)*C + c` with `include_batch_in_index=True` and `i*C + c` without. convspec keeps one numbering so that `max_unpool` can take it; convert with these formulas (the onnxruntime adapter subtracts `(n*C + c)*P`)."),
        ("ONNX's column-major `storage_order=1`.", "Also a relabelling: the per-plane index with the spatial axes read in reverse order (2-D: `w*H + h` instead of convspec's `h*W + w`). convspec's indices are row-major only (PyTorch's, and ONNX's default `storage_order=0`); `np.ravel_multi_index(np.unravel_index(i, (H, W)), (H, W), order='F')` converts."),
        ("Windows made only of padding.",
         "PyTorch 2.13 returns `-inf` for `nn.MaxPool1d(2, padding=1, dilation=2)` on a length-1 input: the one "
         "window's taps are at -1 (padding) and 1 (past the input), none on the input, and its index (2) names no "
         "input cell. convspec refuses such calls (a `ValueError` naming the window and its taps): a maximum over "
         "no input element is undefined, and an index that names no input cell cannot be unpooled. Every window "
         "must hold at least one input cell (`spec/pool.py`, `check_pool_arguments`)."),
    ],
}

# op -> its parameters' names and defaults in PyTorch, ONNX, TF/Keras and JAX, and where they differ
FRAMEWORK_NAMES: dict[str, Mapping] = {
    "max_pool": Mapping(
        rows={
            "operation": ("`F.max_pool1d/2d/3d`, `nn.MaxPool2d`", "`MaxPool`", "`MaxPooling1D/2D/3D`, `tf.nn.max_pool2d`", "`lax.reduce_window(x, -inf, lax.max, ...)`, `flax.linen.max_pool`"),
            "layout": ("NCHW", "NCHW", "NHWC by default", "any (window per axis); flax: channels-last"),
            "kernel_size": ("`kernel_size` (required)", "`kernel_shape` (required)", "`pool_size=(2, 2)`", "`window_dimensions`; flax `window_shape`"),
            "stride": ("`stride=None` = `kernel_size`", "`strides` (default 1)", "`strides=None` = `pool_size`", "`window_strides`; flax `strides=None` = 1"),
            "padding": ("`padding=0`, symmetric, at most half the window", "`pads` or `auto_pad`", "`padding=\"valid\"` or `\"same\"`", "`padding` (`\"SAME\"`, `\"VALID\"`, pairs)"),
            "dilation": ("`dilation=1`", "`dilations` (default 1)", "—", "`window_dilation`; flax —"),
            "ceil_mode": ("`ceil_mode=False`", "`ceil_mode=0`", "—", "—"),
            "return_indices": ("`return_indices=False`, per-plane flat indices", "optional output `Indices`, flat over the whole tensor", "`tf.nn.max_pool_with_argmax`", "—"),
        },
        differences=(
            "The stride default differs: PyTorch and Keras use the window size, ONNX and flax use 1.",
            "Indices: PyTorch (and convspec) count within each `(n, c)` plane; ONNX `MaxPool`'s `Indices` count over "
            "the whole `N x C x ...` tensor.",
            "Padding never wins in any of them (it acts as -inf).",
        ),
    ),
    "avg_pool": Mapping(
        rows={
            "operation": ("`F.avg_pool1d/2d/3d`, `nn.AvgPool2d`", "`AveragePool`", "`AveragePooling1D/2D/3D`, `tf.nn.avg_pool2d`", "`flax.linen.avg_pool`"),
            "layout": ("NCHW", "NCHW", "NHWC by default", "flax: channels-last"),
            "kernel_size": ("`kernel_size`", "`kernel_shape`", "`pool_size=(2, 2)`", "`window_shape`"),
            "stride": ("`stride=None` = `kernel_size`", "`strides` (default 1)", "`strides=None` = `pool_size`", "`strides=None` = 1"),
            "padding": ("`padding=0`, symmetric", "`pads` or `auto_pad`", "`padding=\"valid\"` or `\"same\"`", "`padding=\"VALID\"`, `\"SAME\"` or pairs"),
            "dilation": ("— (no dilation)", "`dilations` (default 1, opset 19)", "—", "`lax.reduce_window(..., window_dilation)`; flax —"),
            "ceil_mode": ("`ceil_mode=False`", "`ceil_mode=0`", "—", "—"),
            "count_include_pad": ("`count_include_pad=True`", "`count_include_pad=0` (False)", "— (padding is never counted)", "`count_include_pad=True`"),
            "divisor_override": ("`divisor_override=None`", "—", "—", "—"),
        },
        differences=(
            "`count_include_pad` defaults differ: True in PyTorch and flax, False in ONNX; Keras `\"same\"` never counts padding.",
            "The stride default differs: PyTorch and Keras use the window size, ONNX and flax use 1.",
            "Dilation: only ONNX `AveragePool` (opset 19) has it among the four; its divisor counts the window's "
            "taps (inside the padded input, or the input), never the cells between them, as convspec's.",
        ),
    ),
    "global_max_pool": Mapping(
        rows={
            "operation": ("`F.adaptive_max_pool2d(x, 1)` or `x.amax(dim=(2, 3), keepdim=True)`", "`GlobalMaxPool`", "`GlobalMaxPooling2D`", "`jnp.max(x, axis=(2, 3), keepdims=True)`"),
            "layout": ("keeps `(N, C, 1, 1)`", "output `(N, C, 1, 1)`", "`keepdims=False` by default: `(N, C)`, channels-last", "as you choose `keepdims`"),
        },
        differences=("Keras drops the spatial axes unless `keepdims=True`; convspec keeps them with length 1, as ONNX.",),
    ),
    "global_avg_pool": Mapping(
        rows={
            "operation": ("`F.adaptive_avg_pool2d(x, 1)` or `x.mean(dim=(2, 3), keepdim=True)`", "`GlobalAveragePool`", "`GlobalAveragePooling2D`", "`jnp.mean(x, axis=(2, 3), keepdims=True)`"),
            "layout": ("keeps `(N, C, 1, 1)`", "output `(N, C, 1, 1)`", "`keepdims=False` by default: `(N, C)`, channels-last", "as you choose `keepdims`"),
        },
        differences=("Keras drops the spatial axes unless `keepdims=True`; convspec keeps them with length 1, as ONNX.",),
    ),
}


# Names in Python libraries outside the four columns above, as convspec's conformance adapters call them
# (conformance/adapters/): op -> ((library, name, how it maps), ...). Read by docs/docs_frameworks.py (the
# framework index and the "Other libraries" list under each page's framework table).
OTHER_NAMES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "max_pool": (
        ("SciPy", "scipy.ndimage.maximum_filter", "every stride-1 window (`mode=\"constant\", cval=-inf`), then every stride-th one kept; a NaN in a window is skipped, not propagated"),
        ("scikit-image", "skimage.measure.block_reduce", "`func=np.max`: non-overlapping blocks (stride = kernel), no padding; the end of an axis is padded with `cval` to whole blocks"),
        ("tinygrad", "Tensor.max_pool2d", "`x.max_pool2d(k, stride, dilation, padding, ceil_mode, return_indices)`, any number of spatial axes"),
    ),
    "avg_pool": (
        ("scikit-image", "skimage.measure.block_reduce", "`func=np.mean`: non-overlapping blocks (stride = kernel), no padding; a partial block is padded with `cval` and divided by the whole block"),
        ("tinygrad", "Tensor.avg_pool2d", "`x.avg_pool2d(k, stride, dilation=1, padding, ceil_mode, count_include_pad)`; no `divisor_override`"),
    ),
    "global_max_pool": (
        ("tinygrad", "Tensor.max", "`x.max(axis=(2, 3), keepdim=True)` over the spatial axes"),
    ),
    "global_avg_pool": (
        ("tinygrad", "Tensor.mean", "`x.mean(axis=(2, 3), keepdim=True)` over the spatial axes"),
    ),
}


def formulas(op: str) -> list[Formula]:
    """The spec's closed forms shown on ``op``'s page, in order."""
    return (
        (
        [
            Formula("Output shape", r"\mathrm{shape}", pool.global_pool_output_shape, expr=lambda: sympy.Tuple(pool.batch, pool.c, 1, sympy.Symbol(r"\dots"), 1)),
            Formula("Parameters", "P", pool.pool_parameter_count),
        ]
        if op.startswith("global_")
        else [
            Formula("Output length, floor mode", "L", pool.pool_output_length, condition=conv.conv_output_length_condition),
            Formula("Output length, ceil mode", "L", pool.pool_output_length, expr=lambda: pool.pool_output_length(ceil_mode=True),
                    parts=_ceiling_named, agrees_with=_CEIL_AGREES),
            Formula("Most padding one side may have", r"p_{\max}", pool.pool_padding_limit),
            Formula("Where window o starts (negative: in the padding)", r"a(o)", pool.pool_window_start),
        ]
        + (
            [
                Formula("Divisor, count_include_pad=True", "D(o)", pool.avg_pool_window_count),
                Formula("Divisor, count_include_pad=False", "D(o)", pool.avg_pool_window_count, expr=lambda: pool.avg_pool_window_count(count_include_pad=False)),
                Formula("Divisor, dilation d > 1, count_include_pad=True", "D(o)", pool.avg_pool_window_count,
                        expr=lambda: pool.avg_pool_window_count(d=pool.d)),
                Formula("Divisor, dilation d > 1, count_include_pad=False", "D(o)", pool.avg_pool_window_count,
                        expr=lambda: pool.avg_pool_window_count(count_include_pad=False, d=pool.d)),
                Formula("Additions", "A", pool.avg_pool_additions, expr=lambda: pool.avg_pool_additions(output_size=(L, L))),
                Formula("Divisions", r"\mathrm{Div}", pool.avg_pool_divisions, expr=lambda: pool.avg_pool_divisions(output_size=(L, L))),
            ]
            if op == "avg_pool"
            else [Formula("Comparisons", r"\mathrm{Cmp}", pool.max_pool_comparisons, expr=lambda: pool.max_pool_comparisons(output_size=(L, L)))]
        )
        + [Formula("Parameters", "P", pool.pool_parameter_count)]
    )
    )


# The rest of what the operation pages need (read by docs/docs_pages.py and docs/docs_opsections.py) -----

TITLE = "Pooling"

SHAPES: dict[str, str] = {
    "max_pool": f"x {SHAPE_POOL} (and the int64 indices of the same shape with `return_indices=True`)",
    "avg_pool": f"x {SHAPE_POOL}",
    "global_max_pool": "x `(N, C, H, W)` → `(N, C, 1, 1)`",
    "global_avg_pool": "x `(N, C, H, W)` → `(N, C, 1, 1)`",
}

ARGUMENT_CHECKERS: dict[str, Callable] = {
    "max_pool": pool.check_pool_arguments,
    "avg_pool": pool.check_pool_arguments,
    "global_max_pool": pool.check_global_pool_arguments,
    "global_avg_pool": pool.check_global_pool_arguments,
}

COUNTS_SHOWN_FOR: dict[str, str] = dict.fromkeys(("max_pool", "avg_pool"), SQUARE_COUNTS)

PARAMETER_HELP: dict[str, str] = {
    "count_include_pad": "whether the padded cells of a window count in the divisor (`True`, the default, as PyTorch).",
    "divisor_override": "`None`, or a positive int that divides every window's sum instead of its cell count.",
}
