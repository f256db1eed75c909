"""Which of the spec's closed forms each operation page shows, by family.

Every formula is *computed* here by calling the spec function with its default
(symbolic) arguments; the page shows the result, the function's name, and the
"Conditions:" line of its docstring. Nothing is retyped. The build fails if a
catalog family has no entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy

from convspec.spec import activations, conv, detection, fft, filters, style, conv_transpose, pool, unpool, upsample

import docs_math

# Sizes are shown for a square 2-D kernel k x k and an L x L output (n x n input).
L = sympy.Symbol("L", integer=True, positive=True)


@dataclass(frozen=True)
class Formula:
    label: str
    lhs: str  # LaTeX left-hand side
    spec: Callable  # the spec function (its name and docstring are shown)
    expr: Callable[[], object] = None  # the expression to show; default: spec() with its symbolic defaults
    condition: Callable[[], object] | None = None  # a sympy relation from the spec, if it has one
    where: str = ""  # LaTeX shown after the formula ("where ...")
    # Subexpressions shown by a name, each on its own line after "where": [(name, subexpression)], or
    # [(name, subexpression, "above")] for one the page has shown just before.
    # The shown expression is the spec's with each subexpression replaced (sympy's subs),
    # and the build checks that putting them back gives the spec's expression exactly.
    parts: Callable[[], list[tuple[object, object]]] | None = None

    def expression(self):
        expr = (self.expr or self.spec)()
        if self.parts is None:
            return expr
        parts = self.parts()
        shown = expr.subs([(sub, name) for name, sub, *_ in parts])
        if shown.xreplace({name: sub for name, sub, *_ in parts}) != expr or shown == expr:
            raise AssertionError(f"docs formula {self.label}: naming its parts does not give back {expr}")
        return shown

    def where_lines(self) -> list[str]:
        lines = [_ceil_where() if self.where == "__ceil_where__" else self.where] if self.where else []
        above = []
        for name, sub, *shown_above in self.parts() if self.parts else []:
            if shown_above:
                above.append(docs_math.latex_of(name))
            else:
                lines.append(f"{docs_math.latex_of(name)} = {docs_math.latex_of(sub)}")
        if above:
            lines.insert(0, ", ".join(above) + r" \text{ as above}")
        return lines


def _intersection_parts():
    width, height = detection.intersection_area().args
    if width.func is not sympy.Max:
        width, height = height, width
    return [(sympy.Symbol("I_w"), width), (sympy.Symbol("I_h"), height)]


def _iou_parts():
    box2 = (detection.x1b, detection.y1b, detection.x2b, detection.y2b)
    return [(sympy.Symbol("I"), detection.intersection_area(), "above"), (sympy.Symbol("A"), detection.box_area(), "above"),
            (sympy.Symbol("A'"), detection.box_area(box2))]


def _gabor_parts():
    xt, yt = filters.gabor_coordinates()
    return [(sympy.Symbol(r"\tilde{x}"), xt), (sympy.Symbol(r"\tilde{y}"), yt)]


def _ceil_mode_length():
    """pool_output_length(ceil_mode=True) as the spec returns it, with its ceiling named c.

    The symbolic form is checked against the spec's integer evaluation on every small valid call
    (the build fails if they disagree), then shown with ``c`` for the ceiling.
    """
    full = pool.pool_output_length(ceil_mode=True)
    ceilings = full.atoms(sympy.ceiling)
    if len(ceilings) != 1:
        raise AssertionError(f"pool_output_length(ceil_mode=True) = {full}: expected one ceiling to name c")
    (ceiling,) = ceilings
    c = sympy.Symbol("c", integer=True)
    symbols = (pool.n, pool.k, pool.s, pool.p_lo, pool.p_hi, pool.d)

    def valid(point):
        n_, k_, s_, lo, hi, d_ = (point[x] for x in symbols)
        try:
            pool.check_pool_arguments("max_pool", (1, 1, n_), k_, stride=s_, padding=((lo, hi),), dilation=d_, ceil_mode=True)
        except ValueError:
            return False
        return True

    docs_math.assert_equal_on(
        full, lambda n, k, s, p_lo, p_hi, d: pool.pool_output_length(n, k, s, p_lo, p_hi, d, ceil_mode=True),
        symbols, valid, "pool_output_length(ceil_mode=True)",
    )
    return full.subs(ceiling, c), rf"c = {docs_math.latex_of(ceiling)}"


_CEIL, _CEIL_WHERE = None, None


def _ceil():
    global _CEIL, _CEIL_WHERE
    if _CEIL is None:
        _CEIL, _CEIL_WHERE = _ceil_mode_length()
    return _CEIL


def _ceil_where():
    _ceil()
    return _CEIL_WHERE


_CONV = [
    Formula("Output length", "L", conv.conv_output_length, condition=conv.conv_output_length_condition),
    Formula("Span of a dilated kernel", r"k_{\mathrm{eff}}", conv.effective_kernel_size),
    Formula('Output length with "same" / "same_lower"', "L", conv.same_output_length),
    Formula('Total padding of "same" (odd zero high; "same_lower": low)', r"p_{\mathrm{lo}} + p_{\mathrm{hi}}", conv.same_total_padding),
    Formula('Padding of "full" on each side', r"p_{\mathrm{lo}} = p_{\mathrm{hi}}", conv.full_padding, expr=lambda: conv.full_padding()[0]),
]

FAMILY_FORMULAS: dict[str, Callable[[str], list[Formula]]] = {
    "conv": lambda op: _CONV + (
        [
            Formula("Parameters", "P", conv.depthwise_separable_parameter_count, expr=lambda: conv.depthwise_separable_parameter_count(multiplier=conv.multiplier)),
            Formula("Multiply-adds", "M", conv.depthwise_separable_multiply_adds, expr=lambda: conv.depthwise_separable_multiply_adds(output_size=(L, L), multiplier=conv.multiplier, batch=conv.batch)),
        ]
        if op == "depthwise_separable"
        else [
            Formula("Parameters", "P", conv.conv_parameter_count, expr=lambda: conv.conv_parameter_count(groups=conv.groups)),
            Formula("Multiply-adds", "M", conv.conv_multiply_adds, expr=lambda: conv.conv_multiply_adds(output_size=(L, L), groups=conv.groups, batch=conv.batch)),
        ]
    ),
    "conv_transpose": lambda op: [
        Formula("Output length", "L", conv_transpose.conv_transpose_output_length, condition=conv_transpose.conv_transpose_output_length_condition),
        Formula("Length of the scatter buffer", r"L_{\mathrm{full}}", conv_transpose.full_length),
        Formula('Output length with "same" / "same_lower"', "L", conv_transpose.same_output_length),
        Formula("The output_padding that restores a convolution's input length m", "a", conv_transpose.restoring_output_padding),
        Formula("Parameters", "P", conv_transpose.conv_transpose_parameter_count, expr=lambda: conv_transpose.conv_transpose_parameter_count(groups=conv.groups)),
        Formula("Multiply-adds (the real cost)", "M", conv_transpose.conv_transpose_multiply_adds, expr=lambda: conv_transpose.conv_transpose_multiply_adds(groups=conv.groups, batch=conv.batch)),
        Formula("Products of the zero-insertion view (not the cost)", r"M_{0}", conv_transpose.zero_insertion_multiply_adds, expr=lambda: conv_transpose.zero_insertion_multiply_adds(output_size=(L, L), groups=conv.groups, batch=conv.batch)),
    ],
    "pool": lambda op: (
        [
            Formula("Output shape", r"\mathrm{shape}", pool.global_pool_output_shape, expr=lambda: sympy.Tuple(pool.batch, pool.c, 1, sympy.Symbol(r"\dots"), 1)),
            Formula("Parameters", "P", pool.pool_parameter_count),
        ]
        if op.startswith("global_")
        else [
            Formula("Output length, floor mode", "L", pool.pool_output_length, condition=conv.conv_output_length_condition),
            Formula("Output length, ceil mode", "L", pool.pool_output_length, expr=_ceil, where="__ceil_where__"),
            Formula("Most padding one side may have", r"p_{\max}", pool.pool_padding_limit),
            Formula("Where window o starts (negative: in the padding)", r"a(o)", pool.pool_window_start),
        ]
        + (
            [
                Formula("Divisor, count_include_pad=True", "D(o)", pool.avg_pool_window_count),
                Formula("Divisor, count_include_pad=False", "D(o)", pool.avg_pool_window_count, expr=lambda: pool.avg_pool_window_count(count_include_pad=False)),
                Formula("Additions", "A", pool.avg_pool_additions, expr=lambda: pool.avg_pool_additions(output_size=(L, L))),
                Formula("Divisions", r"\mathrm{Div}", pool.avg_pool_divisions, expr=lambda: pool.avg_pool_divisions(output_size=(L, L))),
            ]
            if op == "avg_pool"
            else [Formula("Comparisons", r"\mathrm{Cmp}", pool.max_pool_comparisons, expr=lambda: pool.max_pool_comparisons(output_size=(L, L)))]
        )
        + [Formula("Parameters", "P", pool.pool_parameter_count)]
    ),
    "unpool": lambda op: [
        Formula("The shortest length that pools to n", "D", unpool.unpool_formula_length),
        Formula("Default output length", "L", unpool.unpool_default_length),
        Formula("Every valid output length", "", unpool.unpool_valid_lengths,  # a relation: no "L =" in front
                expr=lambda: sympy.And(sympy.Le(sympy.Max(sympy.Symbol("D"), 1), unpool.L), sympy.Lt(unpool.L, sympy.Symbol("D") + unpool.s)),
                condition=unpool.unpool_valid_lengths_condition),
        Formula("Pooling a length L gives back n", "n", unpool.pooled_length),
    ]
    + ([Formula("Most blocks covering one cell", r"\mathrm{overlap}", unpool.unpool_overlap)] if op == "avg_unpool" else [])
    + [Formula("Parameters", "P", unpool.unpool_parameter_count)],
    "upsample": lambda op: [
        Formula("Output length for a scale factor", "o", upsample.output_length),
        Formula("Step with a scale factor", "r", upsample.coordinate_step, expr=lambda: upsample.coordinate_step(sigma=upsample.sigma)),
        Formula("Step with a size", "r", upsample.coordinate_step),
        Formula('"nearest" source', r"\mathrm{src}(t)", upsample.nearest_source),
        Formula('"nearest_exact" source', r"\mathrm{src}(t)", upsample.nearest_exact_source),
        Formula("Linear modes, align_corners=False (half pixel)", "s(t)", upsample.half_pixel_source),
        Formula("Linear modes, align_corners=True", "s(t)", upsample.align_corners_source),
        Formula("Multiply-adds, bilinear", "M", upsample.upsample_multiply_adds),
        Formula("Parameters", "P", upsample.upsample_parameter_count),
    ],
    "activations": lambda op: (
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
    + [Formula("Parameters", "P", activations.activation_parameter_count)] * (op != "dense"),
    "detection": lambda op: [
        Formula("Intersection area", "I", detection.intersection_area, parts=_intersection_parts),
        Formula("Area", "A", detection.box_area),
        Formula("IoU (union > 0); A' the second box's area", r"\mathrm{IoU}", detection.iou, parts=_iou_parts),
        Formula("Output shape", r"\mathrm{shape}", detection.box_iou_output_shape, expr=lambda: sympy.Tuple(sympy.Symbol("M"), sympy.Symbol("K"))),
    ],
    "style": lambda op: [
        Formula("Gram scale, Gatys / seed 004", "c", style.gram_scale),
        Formula("Gram scale, per element (PyTorch tutorial)", "c", style.gram_scale, expr=lambda: style.gram_scale("per_element")),
        Formula("Style loss constant on raw grams, Gatys", r"c^2", style.style_loss_constant),
        Formula("Gradient factor, Gatys", r"4 c^2", style.style_gradient_factor),
        Formula("Multiply-adds of one gram", "M_{\\mathrm{gram}}", style.gram_multiply_adds),
    ],
    "filters": lambda op: [
        Formula("Magnitude", "M", filters.sobel_magnitude),
        Formula("Gabor filter (seed 004), applied by correlation", "G(x, y)", filters.gabor, parts=_gabor_parts),
    ],
    "fft": lambda op: [
        Formula("Output length, full", "L", fft.fft_output_length),
        Formula("Output length, same", "L", fft.fft_output_length, expr=lambda: fft.fft_output_length(mode="same")),
        Formula("Output length, valid", "L", fft.fft_output_length, expr=lambda: fft.fft_output_length(mode="valid")),
        Formula("Crop start of \"same\" in the full result", "s", fft.crop_start, expr=lambda: fft.crop_start(mode="same")),
        Formula("Shortest transform without wrap-around", r"L_{\min}", fft.fft_length),
    ],
}


def formulas_for(op) -> list[Formula]:
    try:
        make = FAMILY_FORMULAS[op.family]
    except KeyError:
        raise KeyError(f"docs/formulas.py has no formulas for family {op.family!r} (operation {op.name})") from None
    return make(op.name)


def where_latex(formula: Formula) -> list[str]:
    """The formula's "where" lines (LaTeX), one display formula each."""
    return formula.where_lines()
