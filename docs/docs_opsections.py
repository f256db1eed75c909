"""Sections of an operation page read from the spec and the reference: shapes, backward rule, NaN and infinity.

* :func:`shapes_markdown`: the shape line of the operation (``SHAPES``, symbolic, one per catalog
  operation) and one numeric instance, the first worked example's input shapes through the spec's
  closed form (``op.output_shape``), checked against the shape the reference returns; where the page
  shows an output-length formula, that formula evaluated at the example's first spatial axis
  (:func:`size_instance_markdown`, checked against the same shape);
* :func:`backward_markdown`: which reference VJP exists (``convspec.reference.<op>_vjp``) and the first
  sentence of its docstring (what it computes);
* :func:`non_finite_markdown`: the operation's NaN/±inf rule, ``convspec.spec.non_finite.non_finite_rule``;
* :func:`overflow_markdown`: the shared overflow rule (``convspec.spec.non_finite.OVERFLOW``), shown once,
  on the conventions page, and linked from each rule that names it.

Example: for ``correlate`` the shapes section reads ``(N, C_in, H, W) → (N, C_out, H_out, W_out)`` then
"x (1, 1, 6, 6), weight (1, 1, 3, 3), stride=1, padding=0: output (1, 1, 4, 4)" for its first worked
example, and ``n = 6, k = 3, s = 1, d = 1, p_lo = 0, p_hi = 0 ⇒ L = 4``.
"""

from __future__ import annotations

import inspect
import re

import numpy as np

from convspec import reference
from convspec.conformance.case import Case
from convspec.spec import conv as spec_conv
from convspec.spec import non_finite

import docs_examples
import docs_math
import docs_rst
import formulas

# The anchor of the overflow rule on the conventions page (its heading there).
OVERFLOW_ANCHOR = "../conventions.md#nan-infinity-and-overflow"

_CONV = "`(N, C_in, H, W)` → `(N, C_out, H_out, W_out)`"
_POOL = "`(N, C, H, W)` → `(N, C, H_out, W_out)`"
_SAME = "`(N, C, H, W)` → `(N, C, H, W)` (any shape: element-wise)"

# Each catalog operation's shapes, 2-D shown where the operation takes any number of spatial axes.
SHAPES = {
    "correlate": f"x {_CONV}, weight `(C_out, C_in / groups, k_H, k_W)`, bias `(C_out,)`",
    "convolve": f"x {_CONV}, weight `(C_out, C_in / groups, k_H, k_W)`, bias `(C_out,)`",
    "depthwise_separable": f"x {_CONV}, depthwise `(C_in · m, 1, k_H, k_W)`, pointwise `(C_out, C_in · m, 1, 1)`",
    "conv_transpose": f"x {_CONV}, weight `(C_in, C_out / groups, k_H, k_W)`, bias `(C_out,)`",
    "max_pool": f"x {_POOL} (and the int64 indices of the same shape with `return_indices=True`)",
    "avg_pool": f"x {_POOL}",
    "global_max_pool": "x `(N, C, H, W)` → `(N, C, 1, 1)`",
    "global_avg_pool": "x `(N, C, H, W)` → `(N, C, 1, 1)`",
    "max_unpool": "x and indices `(N, C, H, W)` → `(N, C, H_out, W_out)`",
    "avg_unpool": "x `(N, C, H, W)` → `(N, C, H_out, W_out)`",
    "first_unpool": "x `(N, C, H, W)` → `(N, C, H_out, W_out)`",
    "upsample": "x `(N, C, H, W)` → `(N, C, H_out, W_out)` (`H_out = ⌊H · scale⌋` or the given size)",
    "relu": f"x {_SAME}",
    "sigmoid": f"x {_SAME}",
    "softmax": "x → the same shape (normalised along `axis`)",
    "flatten": "x `(N, d_1, …, d_r)` → `(N, d_1 · … · d_r)`",
    "dense": "x `(N, n_in)`, weight `(n_out, n_in)`, bias `(n_out,)` → `(N, n_out)`",
    "box_iou": "boxes1 `(M, 4)`, boxes2 `(K, 4)` → `(M, K)`",
    "gram_matrix": "features `(N, C, H, W)` → `(N, C, C)`",
    "style_loss": "generated and style: lists of feature maps `(N, C_l, H_l, W_l)`, one per layer → `(N,)`",
    "content_loss": "generated and content `(N, C, H, W)` → `(N,)`",
    "sobel": "x `(N, 1, H, W)` → `(N, 3, H_out, W_out)` (G_x, G_y, magnitude)",
    "fft_convolve": "x `(N, C_in, H, W)`, weight `(C_out, C_in, k_H, k_W)` → `(N, C_out, H_out, W_out)`",
    "fft_correlate": "x `(N, C_in, H, W)`, weight `(C_out, C_in, k_H, k_W)` → `(N, C_out, H_out, W_out)`",
}


def _shape_text(value) -> str:
    if isinstance(value, (list, tuple)) and value and not np.isscalar(value[0]) and np.ndim(value[0]) > 0:
        return "[" + ", ".join(_shape_text(v) for v in value) + "]"  # a list of arrays (style_loss's layers)
    return str(tuple(np.shape(value)))


def shapes_markdown(op) -> str:
    """The shape line and one numeric instance of it, from the first worked example."""
    if op.name not in SHAPES:
        raise KeyError(f"docs/docs_opsections.py: no SHAPES entry for catalog operation {op.name}")
    example = op.examples[0]
    case = op.complete(Case(op.name, dict(example.inputs), dict(example.params), "general"))
    spec_shape = tuple(int(v) for v in op.output_shape(case))
    results = docs_examples.run(op, example)
    if tuple(np.shape(results[0])) != spec_shape:
        raise AssertionError(f"{op.name}: the spec's output shape {spec_shape} is not the reference's {np.shape(results[0])}")
    inputs = ", ".join(f"{name} {_shape_text(value)}" for name, value in example.inputs.items() if value is not None)
    params = ", ".join(f"{k}={v!r}" for k, v in example.params.items())
    instance = size_instance_markdown(op, case, spec_shape)
    return (
        f"{SHAPES[op.name]}.\n\n"
        f"For [worked example 1](#example-1) ({inputs}{', ' + params if params else ''}): output `{spec_shape}`, "
        f"from the spec's closed form (the catalog's `output_shape` of `{op.name}`), which is the shape the "
        "reference returns (checked when these pages are built).\n\n" + instance
    )


def _axis_values(op, case) -> dict[str, object]:
    """The symbols of the length formulas (``n``, ``k``, ``s``, ``d``, ``p_lo``, ``p_hi``, ``a``, ``sigma``) for the first
    spatial axis of a case, as the family's argument checker normalises them; {} where the family has none."""
    import docs_pages

    params = case.params
    if op.family == "upsample":
        return {"n": case.inputs["x"].shape[2], "sigma": params["scale_factor"]} if params.get("scale_factor") else {}
    if op.family == "fft":
        return {"n": case.inputs["x"].shape[2], "k": case.inputs["weight"].shape[2]}
    checker = docs_pages._argument_checker(op)
    if checker is None or op.name.startswith("global_"):
        return {}
    positional = [p for p in inspect.signature(checker).parameters.values()
                  if p.kind is p.POSITIONAL_OR_KEYWORD and p.name != "op"]
    shapes = [None if v is None else np.shape(v) for v in case.inputs.values()][:len(positional)]
    accepted = {k: v for k, v in params.items() if k in inspect.signature(checker).parameters}
    try:
        args = checker(op.name, *shapes, **accepted)
    except TypeError:  # the family's checker does not take this operation's arguments (a new op, adaptive_avg_pool)
        return {}
    values = {"n": args.input_size[0], "k": args.kernel_size[0], "s": args.stride[0]}
    values["d"] = args.dilation[0] if hasattr(args, "dilation") else 1
    padding = args.padding if isinstance(args.padding, str) else args.padding[0]  # a named form ("valid") or (lo, hi)
    if isinstance(padding, str):
        padding = spec_conv.padding_pair(padding, values["n"], values["k"], values["s"], values["d"])
    values["p_lo"], values["p_hi"] = padding
    if hasattr(args, "output_padding"):
        values["a"] = args.output_padding[0]
    return values


_ORDER = ("n", "k", "s", "d", "p_lo", "p_hi", "a", "sigma")  # how the symbols are listed


def size_instance_markdown(op, case, output_shape) -> str:
    """The page's first output-length formula evaluated at worked example 1's first spatial axis (checked
    against the spec's output shape), or "" where the operation has no such formula or the example does not fit it."""
    values = _axis_values(op, case)
    if not values or len(output_shape) < 3:
        return ""
    shown = formulas.formulas_for(op)
    if op.family == "fft":
        shown = [f for f in shown if f.label.endswith(case.params["mode"])]
    for formula in shown:
        expr = formula.unnamed()
        symbols = {str(x): x for x in getattr(expr, "free_symbols", ())}
        if not symbols or not set(symbols) <= set(values):
            continue
        result = expr.subs({symbols[name]: values[name] for name in symbols})
        if result != output_shape[2]:
            raise AssertionError(f"{op.name}: {formula.label} gives {result} at {values}, the spec's shape {output_shape}")
        at = r",\; ".join(f"{docs_math.latex_of(symbols[name])} = {values[name]}" for name in _ORDER if name in symbols)
        return (f"{formula.label} (`{formula.spec.__name__}`, shown below) at the example's first spatial axis:\n\n"
                + docs_math.math_token(f"{at} \\quad\\Rightarrow\\quad {formula.lhs} = {result}") + "\n")
    return ""


def backward_markdown(op) -> str:
    """Which reference VJP the operation has, and what it computes (its docstring's first sentence)."""
    vjp = getattr(reference, f"{op.name}_vjp", None)
    if vjp is None:
        return (f"`convspec.reference` has no `{op.name}_vjp`: no backward rule is specified, and "
                "`convspec check --grad` does not check this operation's gradients.\n")
    first = inspect.getdoc(vjp).split("\n\n", 1)[0]
    return (
        f"`convspec.reference.{op.name}_vjp(grad_out, *inputs, **params)`: {docs_rst.inline(' '.join(first.split()))} "
        "It is checked against autograd, finite differences and the adjoint identity (`tests/test_gradients.py`), "
        "and `convspec check --grad` compares a target's gradients with it.\n"
    )


def _link_overflow(markdown: str) -> str:
    # the rule names the shared overflow rule by its Python name: link it to where it is shown
    return re.sub(r"`convspec\.spec\.non_finite\.OVERFLOW`", f"[the overflow rule]({OVERFLOW_ANCHOR})", markdown)


def non_finite_markdown(op) -> str:
    """The operation's NaN and ±inf rule (``convspec.spec.non_finite.non_finite_rule``)."""
    rule = non_finite.non_finite_rule(op.name)
    return (f"From `convspec.spec.non_finite.non_finite_rule(\"{op.name}\")` (the `NON_FINITE` rules of "
            f"`spec/{op.family}.py`); **must**, **should** and **may** as in RFC 2119.\n\n"
            + _link_overflow(docs_rst.to_markdown(rule)) + "\n")


def overflow_markdown() -> str:
    """The overflow rule shared by every sum of products (``convspec.spec.non_finite.OVERFLOW``)."""
    return ("From `convspec.spec.non_finite.OVERFLOW`:\n\n" + docs_rst.to_markdown(non_finite.OVERFLOW) + "\n")
