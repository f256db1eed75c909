"""The ``upsample`` family's docs data: the definitions, framework names and closed forms the pages of ``upsample`` show.

Read by ``docs/definitions.py``, ``docs/framework_names.py`` and ``docs/formulas.py`` (see
:mod:`convspec.conformance.family_docs` for the shapes); the prose of each definition and the rules for edge
cases are the reference's and the spec's docstrings, shown on the same page. Framework rows hold only facts
we are sure of; "—" (``NONE``) means the framework has no such argument (or no such operation).
"""

from __future__ import annotations

from collections.abc import Callable

from convspec.spec import upsample
from convspec.conformance.family_docs import Formula, Mapping


# op -> [(caption, LaTeX)]; one spatial axis is shown
DEFINITIONS: dict[str, list[tuple[str, str]]] = {
    "upsample": [
        ("nearest modes select a sample", r"y_{b,c,t} = x_{b,c,\mathrm{src}(t)}"),
        ("linear modes weigh the two neighbours of the coordinate s(t)", r"y_{b,c,t} = (1 - \lambda)\, x_{b,c,i_0} + \lambda\, x_{b,c,i_1}"),
        ("", r"i_0 = \lfloor s(t) \rfloor, \quad i_1 = \min(i_0 + 1, n - 1), \quad \lambda = s(t) - i_0"),
        ("bicubic weighs four samples, indices clamped to the edge, with Keys' kernel W (coefficient a)",
         r"y_{b,c,t} = \sum_{j = i_0 - 1}^{i_0 + 2} W\big(s(t) - j\big)\, x_{b,c,\min(\max(j, 0), n - 1)}"),
    ],
}

# what "per axis" means on each page with windows (shown under the definition)
PER_AXIS: dict[str, str] = {
    "upsample": "`t`, `src(t)`, `s(t)`, `i_0`, `i_1`, `λ` and `j` are per axis; the linear modes and bicubic multiply the axes' weights",
}

# op -> [(what, why)]: semantics other frameworks have that convspec refuses (the page's "Not supported, and why")
NOT_SUPPORTED: dict[str, list[tuple[str, str]]] = {
    "upsample": [
        ("Antialiasing (PyTorch's `antialias=True`, the default of `jax.image.resize`, `tf.image.resize(antialias=True)`).",
         "When downsampling, these widen the linear or cubic kernel by `1 / scale` and renormalise it (a low-pass "
         "filter whose shape depends on the scale), with each library's own edge rule. convspec's `upsample` samples "
         "the interpolant at the output coordinates only; a filter before sampling is a separate, explicit operation "
         "(`avg_pool`, or a `correlate` with the kernel you choose, then `upsample`), so every output stays a "
         "stated sum of at most 2 or 4 samples per axis."),
        ("Cubic interpolation on 1 or 3 spatial axes (`jax.image.resize(\"cubic\")` takes any rank).",
         "`\"bicubic\"` is defined for 2-D images, as PyTorch's, ONNX's and TensorFlow's cubic modes are; the only "
         "peer for other ranks, JAX, renormalises at the edges where convspec clamps, so no library could confirm "
         "a 1-D or 3-D definition."),
    ],
}

# op -> its parameters' names and defaults in PyTorch, ONNX, TF/Keras and JAX, and where they differ
FRAMEWORK_NAMES: dict[str, Mapping] = {
    "upsample": Mapping(
        rows={
            "operation": ("`F.interpolate`, `nn.Upsample`", "`Resize`", "`UpSampling2D`, `tf.image.resize`", "`jax.image.resize`"),
            "scale_factor": ("`scale_factor=None`", "input `scales`", "`UpSampling2D(size=(2, 2))` (integers only)", "— (give the output shape)"),
            "size": ("`size=None`", "input `sizes`", "`tf.image.resize(images, size)`", "`shape` (the whole output shape)"),
            "mode": (
                "`mode=\"nearest\"`; also `\"nearest-exact\"`, `\"linear\"`, `\"bilinear\"`, `\"trilinear\"`, `\"bicubic\"`",
                "`mode=\"nearest\"` with `nearest_mode=\"round_prefer_floor\"`; `\"linear\"`, `\"cubic\"`",
                "`UpSampling2D(interpolation=\"nearest\")`; `tf.image.resize(method=\"bilinear\")` by default; `\"bicubic\"`",
                "`method` (required): `\"nearest\"`, `\"linear\"`, `\"cubic\"`, ...",
            ),
            "cubic_coefficient": (
                "— (`\"bicubic\"` is a = -0.75)",
                "`cubic_coeff_a=-0.75` (with `exclude_outside=0`)",
                "— (`\"bicubic\"` is a = -0.5)",
                "— (`\"cubic\"` is a = -0.5)",
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
            "Cubic: PyTorch's `\"bicubic\"` and ONNX `\"cubic\"` (`exclude_outside=0`) read the edge sample for a tap "
            "past the border, as convspec; `jax.image.resize(\"cubic\")` and `tf.image.resize(\"bicubic\")` drop such "
            "taps and renormalise the rest (`exclude_outside=1`), so outputs near an edge differ. PyTorch's half-pixel "
            "cubic coordinate is not clamped at 0 (its linear one is).",
        ),
    ),
}


# Names in Python libraries outside the four columns above, as convspec's conformance adapters call them
# (conformance/adapters/): op -> ((library, name, how it maps), ...). Read by docs/docs_frameworks.py (the
# framework index and the "Other libraries" list under each page's framework table).
OTHER_NAMES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "upsample": (
        ("JAX", "jax.image.scale_and_translate", "a linear `scale_factor` as `scale`, with `translation` 0 and `antialias=False`"),
        ("tinygrad", "Tensor.interpolate", "`x.interpolate(size, mode, align_corners)`: `\"linear\"` (any rank), `\"nearest\"`, `\"nearest-exact\"`; sizes only, so a `scale_factor` must give whole lengths"),
    ),
}


def formulas(op: str) -> list[Formula]:
    """The spec's closed forms shown on ``op``'s page, in order."""
    return (
        [
        Formula("Output length for a scale factor", "o", upsample.output_length),
        Formula("Step with a scale factor", "r", upsample.coordinate_step, expr=lambda: upsample.coordinate_step(sigma=upsample.sigma)),
        Formula("Step with a size", "r", upsample.coordinate_step),
        Formula('"nearest" source', r"\mathrm{src}(t)", upsample.nearest_source),
        Formula('"nearest_exact" source', r"\mathrm{src}(t)", upsample.nearest_exact_source),
        Formula("Linear modes, align_corners=False (half pixel)", "s(t)", upsample.half_pixel_source),
        Formula("Linear modes, align_corners=True", "s(t)", upsample.align_corners_source),
        Formula("Bicubic, align_corners=False (half pixel, not clamped)", "s(t)", upsample.cubic_half_pixel_source),
        Formula("Keys' cubic convolution kernel (bicubic; a = cubic_coefficient)", "W(d)", upsample.cubic_kernel),
        Formula("Multiply-adds, bilinear", "M", upsample.upsample_multiply_adds),
        Formula("Parameters", "P", upsample.upsample_parameter_count),
    ]
    )


# The rest of what the operation pages need (read by docs/docs_pages.py and docs/docs_opsections.py) -----

TITLE = "Upsampling"

SHAPES: dict[str, str] = {
    "upsample": "x `(N, C, H, W)` → `(N, C, H_out, W_out)` (`H_out = ⌊H · scale⌋` or the given size)",
}

ARGUMENT_CHECKERS: dict[str, Callable] = {"upsample": upsample.check_upsample_arguments}

COUNTS_SHOWN_FOR: dict[str, str] = {"upsample": "; the multiply-adds are shown for a 2-D `o x o` output."}


def axis_values(op: str, case) -> dict[str, object]:
    """The length formula's symbols at the case's first spatial axis: ``n`` and ``sigma`` where a scale factor is given."""
    scale = case.params.get("scale_factor")
    return {"n": case.inputs["x"].shape[2], "sigma": scale} if scale else {}
