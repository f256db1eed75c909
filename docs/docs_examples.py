"""Worked examples on the operation pages: run through the reference at build time.

Each :class:`~convspec.conformance.case.WorkedExample` of the catalog is shown with
its inputs, the literal expected output written in ``conformance/families/*/examples.py`` and
the output the reference returns when the docs are built. The build fails if the two
differ (exactly for integer-valued and exact data; to a few units in the last place of
the dtype otherwise).
"""

from __future__ import annotations

import html
from fractions import Fraction
from itertools import product

import numpy as np
import sympy

import docs_math


class ExampleMismatch(AssertionError):
    pass


def run(op, example):
    """The reference's output(s) for the example, as a tuple of arrays."""
    result = op.reference(*example.inputs.values(), **example.params)
    return result if isinstance(result, tuple) else (result,)


def check(op, example, results) -> None:
    what = f"{op.name}: worked example {example.title!r}"
    result = results[0]
    expected = example.expected
    if result.shape != expected.shape:
        raise ExampleMismatch(f"{what}: the reference returns shape {result.shape}, the example expects {expected.shape}")
    if example.symbolic or expected.dtype == object:
        for index in product(*map(range, result.shape)):
            got, want = result[index], expected[index]
            if isinstance(got, sympy.Basic) or isinstance(want, sympy.Basic):
                same = sympy.expand(sympy.sympify(got) - sympy.sympify(want)) == 0
            else:
                same = got == want
            if not same:
                raise ExampleMismatch(f"{what}: at {index} the reference gives {got}, the example expects {want}")
        return
    if result.dtype != expected.dtype:
        raise ExampleMismatch(f"{what}: the reference returns dtype {result.dtype}, the example expects {expected.dtype}")
    if np.array_equal(expected, np.round(expected)):
        if not np.array_equal(result, expected):
            raise ExampleMismatch(f"{what}: the reference gives {result.tolist()}, the example expects {expected.tolist()}")
        return
    eps = np.finfo(expected.dtype).eps
    if not np.allclose(result, expected, rtol=4 * eps, atol=4 * eps):
        raise ExampleMismatch(f"{what}: the reference gives {result.tolist()}, the example expects {expected.tolist()}")


def _cell(value) -> str:
    if isinstance(value, sympy.Basic):
        return docs_math.token(docs_math.mathml(docs_math.latex_of(value), display=False), False)
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        sign = "-" if value < 0 else ""
        return docs_math.math_token(rf"{sign}\frac{{{abs(value.numerator)}}}{{{value.denominator}}}", display=False)
    if isinstance(value, (np.integer, int)):
        return str(int(value))
    if isinstance(value, (np.floating, float)):
        v = float(value)
        if v == int(v) and abs(v) < 1e15:
            return str(int(v))
        if isinstance(value, np.float64) or isinstance(value, float):
            return np.format_float_positional(v, precision=6, unique=True, fractional=False, trim="-")
        return np.format_float_positional(value, unique=True, trim="-")
    return html.escape(str(value))


def _plane_table(plane: np.ndarray, css: str) -> str:
    if plane.ndim == 1:
        plane = plane[None, :]
    rows = []
    for row in plane:
        rows.append("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>")
    return f'<table class="cs-grid {css}">' + "".join(rows) + "</table>"


def array_html(name: str, array, css: str = "") -> str:
    """An ``(N, C, *spatial)`` array as one small grid per ``(n, c)`` plane (3-D: one per depth slice)."""
    if array is None:
        return f'<div class="cs-array"><div class="cs-array-name">{html.escape(name)} = None</div></div>'
    array = np.asarray(array)
    parts = []
    if array.ndim < 3:  # a bias (C,) or another small vector: one row
        shape = ", ".join(map(str, array.shape)) + ("," if array.ndim == 1 else "")
        return (f'<div class="cs-array"><div class="cs-plane"><div class="cs-array-name">{html.escape(name)}</div>'
                f'{_plane_table(array, css)}</div><div class="cs-shape">shape ({shape}), {array.dtype}</div></div>')
    planes = list(product(*map(range, array.shape[:2])))
    for n_, c_ in planes:
        plane = array[n_, c_]
        label = name if len(planes) == 1 else f"{name}[{n_}, {c_}]"
        if plane.ndim <= 2:
            parts.append(f'<div class="cs-plane"><div class="cs-array-name">{html.escape(label)}</div>{_plane_table(plane, css)}</div>')
        else:
            for index in product(*map(range, plane.shape[:-2])):
                sub = ", ".join(map(str, index))
                parts.append(
                    f'<div class="cs-plane"><div class="cs-array-name">{html.escape(label)}[{sub}, :, :]</div>'
                    f"{_plane_table(plane[index], css)}</div>"
                )
    shape = "×".join(map(str, array.shape))
    dtype = str(array.dtype)
    return f'<div class="cs-array" title="shape {shape}, {dtype}">' + "".join(parts) + f'<div class="cs-shape">shape ({", ".join(map(str, array.shape))}), {dtype}</div></div>'


def call_text(op, example) -> str:
    args = ", ".join(name if value is not None else "None" for name, value in example.inputs.items())
    params = ", ".join(f"{k}={v!r}" for k, v in example.params.items())
    return f"{op.name}({args}{', ' if params else ''}{params})"
