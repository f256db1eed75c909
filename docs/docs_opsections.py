"""Sections of an operation page read from the spec and the reference: shapes, backward rule, NaN and infinity.

* :func:`shapes_markdown`: the shape line of the operation (``SHAPES`` of its family's docs module,
  ``conformance/families/<family>/docs.py``) and one numeric instance, the first worked example's input shapes through the spec's
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
from convspec.conformance import family_docs
from convspec.conformance.case import Case
from convspec.spec import conv as spec_conv
from convspec.spec import non_finite

import docs_examples
import docs_math
import docs_rst
import formulas

# The anchor of the overflow rule on the conventions page (its heading there).
OVERFLOW_ANCHOR = "../conventions.md#nan-infinity-and-overflow"

def _shape_text(value) -> str:
    if isinstance(value, (list, tuple)) and value and not np.isscalar(value[0]) and np.ndim(value[0]) > 0:
        return "[" + ", ".join(_shape_text(v) for v in value) + "]"  # a list of arrays (style_loss's layers)
    return str(tuple(np.shape(value)))


def shapes_markdown(op) -> str:
    """The shape line and one numeric instance of it, from the first worked example."""
    shape_line = family_docs.shapes(op.name, op.family)
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
        f"{shape_line}.\n\n"
        f"For [worked example 1](#example-1) ({inputs}{', ' + params if params else ''}): output `{spec_shape}`, "
        f"from the spec's closed form (the catalog's `output_shape` of `{op.name}`), which is the shape the "
        "reference returns (checked when these pages are built).\n\n" + instance
    )


def _axis_values(op, case) -> dict[str, object]:
    """The symbols of the length formulas (``n``, ``k``, ``s``, ``d``, ``p_lo``, ``p_hi``, ``a``, ``sigma``) for the first
    spatial axis of a case: the family docs' ``axis_values`` where it has one, else as the operation's argument
    checker normalises them; {} where the operation has no checker or no window (a global pool)."""
    docs = family_docs.family_docs(op.family)
    if hasattr(docs, "axis_values"):
        return docs.axis_values(op.name, case)
    checker = family_docs.argument_checker(op.name, op.family)
    if checker is None:
        return {}
    parameters = inspect.signature(checker).parameters
    positional = [p for p in parameters.values() if p.kind is p.POSITIONAL_OR_KEYWORD and p.name != "op"]
    shapes = [None if v is None else np.shape(v) for v in case.inputs.values()][:len(positional)]
    args = checker(op.name, *shapes, **{k: v for k, v in case.params.items() if k in parameters})
    if not hasattr(args, "kernel_size"):  # no window: nothing for a length formula
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


def not_supported_markdown(op) -> str:
    """The family docs' ``NOT_SUPPORTED`` statements of the operation, one bullet each; "" where it has none."""
    items = family_docs.not_supported(op.name, op.family)
    return "\n".join(f"- **{what}** {why}" for what, why in items) + "\n" if items else ""


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
