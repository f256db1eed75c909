"""Formulas for the docs: sympy expressions and LaTeX, rendered to MathML at build time.

Nothing here runs in the browser: every formula becomes a ``<math>`` element in the
HTML, which Chromium, Firefox and Safari render natively (no MathJax, no network).
sympy's own presentation-MathML printer cannot print ``Piecewise`` (and leaves a raw
``<`` in relations), so expressions go through ``sympy.latex`` and ``latex2mathml``.
"""

from __future__ import annotations

import itertools
import re

import latex2mathml.converter
import sympy

# Subscripts that are words, not products of letters: p_lo is "p low", not p times l times o.
_WORD_SUBSCRIPTS = ("lo", "hi", "in", "out", "pad", "full", "ceil", "floor")


def _symbol_names(expr) -> dict:
    names = {}
    for symbol in getattr(expr, "free_symbols", ()):
        base, _, sub = symbol.name.partition("_")
        if sub in _WORD_SUBSCRIPTS:
            names[symbol] = rf"{base}_{{\mathrm{{{sub}}}}}"
        elif symbol.name == "sigma":
            names[symbol] = r"\sigma"
    return names


def latex_of(expr) -> str:
    """``sympy.latex`` with word subscripts upright (``p_lo`` -> p with subscript lo)."""
    return sympy.latex(expr, symbol_names=_symbol_names(expr))


def mathml(latex: str, display: bool = True) -> str:
    """One ``<math>`` element for a LaTeX formula."""
    markup = latex2mathml.converter.convert(latex, display="block" if display else "inline")
    if "<merror" in markup:
        raise ValueError(f"latex2mathml could not convert {latex!r}: {markup}")
    if re.search(r"<mtext>[^<]*\\", markup):  # \_ inside \text{} stays a literal backslash
        raise ValueError(f"a backslash would show as text in {latex!r} (write _ inside \\text{{}}, not \\_)")
    return markup


def expr_mathml(lhs: str, expr, display: bool = True) -> str:
    """``lhs = expr`` as MathML; ``lhs`` is LaTeX."""
    body = latex_of(expr)
    return mathml(f"{lhs} = {body}" if lhs else body, display)


def _evaluate(expr, point):
    """``expr`` at an integer point, fast (compiled with lambdify once per expression)."""
    symbols = tuple(sorted(point, key=lambda x: x.name))
    key = (expr, symbols)
    if key not in _COMPILED:
        _COMPILED[key] = sympy.lambdify(symbols, expr, modules="math")
    return _COMPILED[key](*(point[x] for x in symbols))


_COMPILED: dict = {}


def sample_points(symbols, values=range(0, 7)):
    """Every assignment of small integers to ``symbols`` (positive symbols from 1)."""
    ranges = [[v for v in values if v >= (1 if s.is_positive else 0)] for s in symbols]
    for combo in itertools.product(*ranges):
        yield dict(zip(symbols, combo))


def assert_equal_on(shown, reference_fn, symbols, holds, what: str, limit: int = 4000) -> None:
    """Fail the build unless the displayed expression equals the spec's numeric evaluation on its domain."""
    checked = 0
    for point in sample_points(symbols):
        if not holds(point):
            continue
        got = _evaluate(shown, point)
        want = reference_fn(**{s.name: v for s, v in point.items()})
        if got != want:
            raise AssertionError(f"docs formula {what}: shown {shown} gives {got} at {point}, the spec gives {want}")
        checked += 1
        if checked >= limit:
            break
    if not checked:
        raise AssertionError(f"docs formula {what}: no sample point in its domain")


_TAG = re.compile(r"<[^>]+>")


def plain_text(markup: str) -> str:
    """The characters of a MathML element (for alt text and search)."""
    return re.sub(r"\s+", " ", _TAG.sub(" ", markup)).strip()


# ---------------------------------------------------------------------------------------------
# Placeholders: Markdown never sees MathML. Generated Markdown carries a token per formula;
# the hook swaps the tokens for the <math> elements in the finished HTML of each page.
# ---------------------------------------------------------------------------------------------

_TOKENS: dict[str, str] = {}
_TOKEN = re.compile(r"@@(D|I)(\d+)@@")


def token(markup: str, display: bool) -> str:
    key = f"@@{'D' if display else 'I'}{len(_TOKENS)}@@"
    _TOKENS[key] = markup
    return key


def math_token(latex: str, display: bool = True) -> str:
    """A placeholder for the MathML of ``latex``."""
    return token(mathml(latex, display), display)


def expr_token(lhs: str, expr, display: bool = True) -> str:
    return token(expr_mathml(lhs, expr, display), display)


def substitute(page_html: str) -> str:
    """Replace every token by its ``<math>`` element (a display formula alone in a paragraph becomes a div)."""
    page_html = re.sub(r"<p>\s*(@@D\d+@@)\s*</p>", lambda m: f'<div class="cs-display">{_TOKENS[m.group(1)]}</div>', page_html)
    # Every other formula sits in a box of its own that scrolls sideways when the formula is wider
    # than the column (MathML does not break lines), so a long formula never widens the page.
    box = lambda m: (f'<span class="cs-display">{_TOKENS[m.group(0)]}</span>' if m.group(1) == "D"
                     else f'<span class="cs-inline">{_TOKENS[m.group(0)]}</span>')
    return _TOKEN.sub(box, page_html)
