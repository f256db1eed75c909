"""How PyTorch, ONNX, TensorFlow/Keras and JAX name and default each operation's parameters.

One small record per catalog operation, read by the generated operation pages. The
build fails when a catalog operation has no record here, or when a row names a
parameter that the reference function does not have (so a renamed parameter cannot
leave a stale row). Only facts we are sure of; "—" means the framework has no such
argument (or no such operation).

Conventions of the table: ``torch`` is ``torch.nn.functional`` (``F``), ``nn`` is
``torch.nn``; ONNX names are operator attributes or inputs; TF/Keras names are the
Keras layer arguments (``tf.nn`` where noted); JAX names are ``jax.lax`` arguments
(``flax`` where noted).
"""

from __future__ import annotations

from dataclasses import dataclass, field

FRAMEWORKS = ("PyTorch", "ONNX", "TF / Keras", "JAX")

# Rows that are not parameters of the reference function.
EXTRA_ROWS = ("operation", "layout")


@dataclass(frozen=True)
class Mapping:
    rows: dict[str, tuple[str, str, str, str]]  # convspec name -> (PyTorch, ONNX, TF/Keras, JAX)
    differences: tuple[str, ...] = field(default_factory=tuple)


NONE = "—"

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

MAPPINGS: dict[str, Mapping] = {
    "correlate": Mapping(
        rows={
            "operation": ("`F.conv1d/2d/3d`, `nn.Conv2d`", "`Conv`", "`Conv1D/2D/3D`, `tf.nn.convolution`", "`lax.conv_general_dilated`"),
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
    "conv_transpose": Mapping(
        rows={
            "operation": ("`F.conv_transpose1d/2d/3d`, `nn.ConvTranspose2d`", "`ConvTranspose`", "`Conv1DTranspose/2D/3D`, `tf.nn.conv_transpose`", "`lax.conv_transpose`"),
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
            "ceil_mode": ("`ceil_mode=False`", "`ceil_mode=0`", "—", "—"),
            "count_include_pad": ("`count_include_pad=True`", "`count_include_pad=0` (False)", "— (padding is never counted)", "`count_include_pad=True`"),
            "divisor_override": ("`divisor_override=None`", "—", "—", "—"),
        },
        differences=(
            "`count_include_pad` defaults differ: True in PyTorch and flax, False in ONNX; Keras `\"same\"` never counts padding.",
            "The stride default differs: PyTorch and Keras use the window size, ONNX and flax use 1.",
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
    "upsample": Mapping(
        rows={
            "operation": ("`F.interpolate`, `nn.Upsample`", "`Resize`", "`UpSampling2D`, `tf.image.resize`", "`jax.image.resize`"),
            "scale_factor": ("`scale_factor=None`", "input `scales`", "`UpSampling2D(size=(2, 2))` (integers only)", "— (give the output shape)"),
            "size": ("`size=None`", "input `sizes`", "`tf.image.resize(images, size)`", "`shape` (the whole output shape)"),
            "mode": (
                "`mode=\"nearest\"`; also `\"nearest-exact\"`, `\"linear\"`, `\"bilinear\"`, `\"trilinear\"`",
                "`mode=\"nearest\"` with `nearest_mode=\"round_prefer_floor\"`; `\"linear\"`",
                "`UpSampling2D(interpolation=\"nearest\")`; `tf.image.resize(method=\"bilinear\")` by default",
                "`method` (required): `\"nearest\"`, `\"linear\"`, ...",
            ),
            "align_corners": (
                "`align_corners=None` (False)",
                "`coordinate_transformation_mode=\"half_pixel\"` (default) or `\"align_corners\"`",
                "— (TF2 `tf.image.resize` is half-pixel)",
                "— (no `align_corners`)",
            ),
        },
        differences=(
            "convspec spells PyTorch's `\"nearest-exact\"` as `\"nearest_exact\"`.",
            "With a scale factor, PyTorch (with `recompute_scale_factor` unset) and ONNX step by `1 / scale`; "
            "TensorFlow takes a size only and steps by `n / o`.",
            "Antialiasing: off by default in PyTorch (`antialias=False`) and `tf.image.resize`; on by default in "
            "`jax.image.resize` (`antialias=True`), which changes linear downsampling.",
            "ONNX `Resize`'s default nearest rounds (`round_prefer_floor`) where PyTorch's `\"nearest\"` floors.",
        ),
    ),
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
    "box_iou": Mapping(
        rows={
            "operation": ("`torchvision.ops.box_iou` (torchvision, not torch)", "— (no operator)", "`tfa.losses.GIoULoss` (giou); no plain op", "— (write it)"),
            "fmt": ("`torchvision.ops.box_convert(in_fmt=...)` first; `box_iou` takes `xyxy`", NONE, NONE, NONE),
        },
        differences=(
            "torchvision returns NaN (0/0) for two zero-area boxes; convspec returns 0.",
            "torchvision does not check that x1 <= x2; convspec raises a ValueError naming the box.",
            "torchvision's `nms` keeps boxes with IoU <= threshold as convspec's `nms`, but its tie order between equal scores is unspecified; convspec takes the lower index first.",
        ),
    ),
    "gram_matrix": Mapping(
        rows={
            "operation": ("`f = x.flatten(2); f @ f.transpose(1, 2)` (no op; the tutorial's `gram_matrix`)", "— (`MatMul` of a reshape)", "`tf.linalg.einsum('bijc,bijd->bcd', x, x)` (Keras example)", "`jnp.einsum('bcp,bdp->bcd', f, f)`"),
            "normalization": ("the tutorial divides by `a*b*c*d` (`\"per_element\"` for one image)", NONE, "the Keras example divides by `H*W` (num locations)", NONE),
        },
        differences=(
            "The PyTorch tutorial's `features.view(a * b, c * d)` mixes the images of a batch into one matrix; convspec keeps one gram per image.",
            "The Keras example divides by the number of positions only (`M`), and its style loss by `4 C^2 M^2` again.",
        ),
    ),
    "style_loss": Mapping(
        rows={
            "operation": ("`F.mse_loss(gram(G), gram(S))` in the tutorial (a mean: 1/C^2 of `\"per_element\"`)", NONE, "Keras example `style_loss`: `sum((S - C)^2) / (4 * 3^2 * M^2)`", NONE),
        },
        differences=("Every source puts a different constant in front; `convspec.spec.style.conversion_factor` gives the factor between any two.",),
    ),
    "content_loss": Mapping(
        rows={
            "operation": ("`F.mse_loss(G, C)` in the tutorial (a mean: 1/(C M) of this)", NONE, "Keras example `content_loss`: `sum((G - C)^2)` (this)", NONE),
        },
        differences=("Gatys et al. write 1/2 sum (F - P)^2: half of convspec's (and seed 004's) value.",),
    ),
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


def mapping_for(op_name: str, parameters: list[str]) -> Mapping:
    """The record of one operation; fails if it is missing or names a parameter the reference lacks."""
    try:
        mapping = MAPPINGS[op_name]
    except KeyError:
        raise KeyError(f"docs/framework_names.py has no record for catalog operation {op_name!r}") from None
    for row in mapping.rows:
        if row not in parameters and row not in EXTRA_ROWS:
            raise KeyError(f"docs/framework_names.py: {op_name} row {row!r} is not a parameter of the reference {parameters}")
        if len(mapping.rows[row]) != len(FRAMEWORKS):
            raise ValueError(f"docs/framework_names.py: {op_name} row {row!r} needs one entry per framework")
    return mapping
