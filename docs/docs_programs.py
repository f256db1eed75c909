"""Runnable worked examples: one complete program per worked example, run when the site is built.

For each :class:`~convspec.conformance.case.WorkedExample` the generator writes a program a
reader can copy and run as it stands: the imports, the inputs as ``np.array`` literals with
their dtype, the ``reference.<op>(...)`` call with the example's parameters, and an ``assert``
of the literal expected output. The assert follows the build's own rule
(``docs_examples.check``): ``np.testing.assert_array_equal`` (shape and dtype included) when
the expected values are whole numbers, ``np.testing.assert_allclose`` with ``rtol = atol =
4 eps`` of the dtype otherwise; symbolic examples compare ``sympy.expand(got - want) == 0``
entry by entry, Fraction examples compare exactly.

:func:`run` executes exactly the text that goes into the page, in a fresh namespace, and
fails the build (:class:`ProgramFailed`) if it raises or if its literals do not reproduce the
example's arrays bit for bit. :data:`RAN` keeps every program run, by operation, for the
site's ``operations/programs.json`` (the browser test compares the pages' copy buttons to it).

Example (``max_pool``, worked example 2; ``tests/test_docs_programs.py`` checks this text)::

    # convspec.reference.max_pool, worked example 2: Seed 001: 4x4 map, f = 2, s = 2
    import numpy as np

    from convspec import reference

    x = np.array(
        [[[[2, 4, 7, 4],
           [6, 6, 9, 8],
           [3, 4, 8, 3],
           [7, 5, 3, 6]]]],
        dtype=np.float32,
    )

    result = reference.max_pool(x, kernel_size=2, stride=2)

    expected = np.array(
        [[[[6, 9],
           [7, 8]]]],
        dtype=np.float32,
    )
    np.testing.assert_array_equal(result, expected, strict=True)
"""

from __future__ import annotations

import ast
import json
import keyword
from fractions import Fraction

import numpy as np
import sympy

# Names the program itself uses; a sympy symbol of the same name is written with a trailing "_".
_TAKEN = {"np", "reference", "sympy", "Fraction", "result", "expected", "eps", "got", "want"}
_WIDTH = 88  # longer rows of numbers are wrapped

# Every program the build ran, {operation: [program text, ...]} in page order.
RAN: dict[str, list[str]] = {}


class ProgramFailed(AssertionError):
    pass


def _number(value) -> str:
    if isinstance(value, Fraction):
        return f"Fraction({value.numerator})" if value.denominator == 1 else f"Fraction({value.numerator}, {value.denominator})"
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    v = float(value)
    if np.isnan(v):
        return "np.nan"
    if np.isinf(v):
        return "np.inf" if v > 0 else "-np.inf"
    if v == int(v) and abs(v) < 2**53:
        return str(int(v)) if v or np.copysign(1, v) > 0 else "-0.0"
    text = str(value)  # the shortest text that reads back as this value in its own dtype
    if np.array(float(text), dtype=np.asarray(value).dtype) != value:  # decimal -> float64 -> dtype rounded twice
        text = repr(v)  # exact: every float32 is a float64
    return text


def _nested(array: np.ndarray, cell, column: int) -> str:
    """The nested-list literal whose "[" stands at ``column``: a matrix one row per line, long rows wrapped."""
    if array.ndim == 1:
        lines, line = [], []
        for text in (cell(v) for v in array):
            if line and column + 1 + len(", ".join([*line, text])) > _WIDTH:
                lines.append(", ".join(line))
                line = []
            line.append(text)
        return "[" + (",\n" + " " * (column + 1)).join([*lines, ", ".join(line)]) + "]"
    parts = [_nested(sub, cell, column + 1) for sub in array]
    if array.ndim == 2 and len(parts) > 1 or any("\n" in part for part in parts):
        return "[" + (",\n" + " " * (column + 1)).join(parts) + "]"
    return "[" + ", ".join(parts) + "]"


def _dtype(array: np.ndarray) -> str:
    return "object" if array.dtype == object else f"np.{array.dtype.name}"


def _array(name: str, array: np.ndarray, cell) -> str:
    if array.ndim == 0:
        return f"{name} = np.array({cell(array[()])}, dtype={_dtype(array)})"
    head = f"{name} = np.array("
    literal = _nested(array, cell, len(head))
    if "\n" not in literal and len(head + literal) + len(_dtype(array)) + 9 <= _WIDTH:
        return f"{head}{literal}, dtype={_dtype(array)})"
    return f"{name} = np.array(\n    {_nested(array, cell, 4)},\n    dtype={_dtype(array)},\n)"


def _symbols(arrays: dict[str, np.ndarray | None]) -> dict[sympy.Symbol, str]:
    """The sympy symbols in the arrays, each with the Python name the program gives it (not an array's name)."""
    found: set[sympy.Symbol] = set()
    for array in arrays.values():
        if array is not None and array.dtype == object:
            for value in array.flat:
                if isinstance(value, sympy.Basic):
                    found |= value.free_symbols
    taken = _TAKEN | set(arrays)
    names = {}
    for symbol in sorted(found, key=lambda s: s.name):
        if symbol != sympy.Symbol(symbol.name):
            raise ProgramFailed(f"symbol {symbol.name!r} carries assumptions {symbol.assumptions0}: not written as a literal program")
        name = symbol.name
        while name in taken or keyword.iskeyword(name) or not name.isidentifier():
            name += "_"
        names[symbol] = name
    return names


def _cell_writer(symbols: dict[sympy.Symbol, str]):
    renamed = {symbol: sympy.Symbol(name) for symbol, name in symbols.items()}

    def cell(value) -> str:
        if isinstance(value, sympy.Basic):
            return sympy.sstr(value.xreplace(renamed))
        return _number(value)

    return cell


def _params(example) -> str:
    for name, value in example.params.items():
        text = repr(value)
        if ast.literal_eval(text) != value or type(ast.literal_eval(text)) is not type(value):
            raise ProgramFailed(f"parameter {name}={text} does not read back as itself")
    return ", ".join(f"{name}={value!r}" for name, value in example.params.items())


def _check(example) -> list[str]:
    """The assert lines, the same rule as docs_examples.check."""
    expected = example.expected
    if example.symbolic or expected.dtype == object:
        if any(isinstance(v, sympy.Basic) for v in expected.flat):
            return ["assert result.shape == expected.shape, result.shape",
                    "assert all(sympy.expand(got - want) == 0 for got, want in zip(result.flat, expected.flat)), result"]
        return ["np.testing.assert_array_equal(result, expected, strict=True)"]
    if np.array_equal(expected, np.round(expected)):
        return ["np.testing.assert_array_equal(result, expected, strict=True)"]
    return [f"eps = np.finfo({_dtype(expected)}).eps",
            "np.testing.assert_allclose(result, expected, rtol=4 * eps, atol=4 * eps, strict=True)"]


def program(op, example, number: int) -> str:
    """The complete program for worked example ``number`` of ``op`` (the text the page shows and the build runs)."""
    inputs = example.inputs
    symbols = _symbols({**inputs, "expected": example.expected})
    cell = _cell_writer(symbols)
    lines = [f"# convspec.reference.{op.name}, worked example {number}: {' '.join(example.title.split())}", "import numpy as np"]
    if symbols:
        lines.append("import sympy")
    if any(isinstance(v, Fraction) for a in (*inputs.values(), example.expected) if a is not None for v in np.ravel(a)):
        lines.append("from fractions import Fraction")
    lines += ["", "from convspec import reference", ""]
    if symbols:
        names, texts = zip(*((name, symbol.name) for symbol, name in symbols.items()))
        lines += [f"{', '.join(names)}{',' if len(names) == 1 else ''} = sympy.symbols({' '.join(texts)!r})", ""]
    for name, value in inputs.items():
        if value is not None:
            lines.append(_array(name, value, cell))
    arguments = ", ".join(name if value is not None else "None" for name, value in inputs.items())
    params = _params(example)
    lines += ["", f"result = reference.{op.name}({arguments}{', ' if arguments and params else ''}{params})", ""]
    lines.append(_array("expected", example.expected, cell))
    lines += _check(example)
    return "\n".join(lines) + "\n"


def _same(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype == object:
        return all(type(x) is type(y) and x == y for x, y in zip(a.flat, b.flat))
    return a.tobytes() == b.tobytes()


def run(op, example, text: str, where: str) -> None:
    """Execute ``text`` in a fresh namespace; it must not raise and its literals must be the example's, bit for bit."""
    namespace = {"__name__": "__convspec_example__"}
    try:
        exec(compile(text, where, "exec"), namespace)
    except Exception as error:
        raise ProgramFailed(f"{where}: the program raised {type(error).__name__}: {error}\n\n{text}") from error
    for name, value in {**example.inputs, "expected": example.expected}.items():
        if value is not None and not _same(namespace[name], value):
            raise ProgramFailed(f"{where}: the program's {name} literal is not the example's array\n\n{text}")


def program_markdown(op, example, number: int) -> str:
    """The example's program, run now, as a collapsed block with a copy button; recorded in :data:`RAN`."""
    text = program(op, example, number)
    run(op, example, text, f"<{op.name}: worked example {number}>")
    ran = RAN.setdefault(op.name, [])
    del ran[number - 1:]
    ran.append(text)
    body = "\n".join("    " + line if line else "" for line in ["```python", *text.rstrip("\n").split("\n"), "```"])
    return f'??? example cs-program "Program: copy and run (the build ran it)"\n\n{body}\n'


def programs_json() -> str:
    """Every program the build ran, as JSON ``{operation: [program, ...]}`` (written to ``operations/programs.json``)."""
    return json.dumps(RAN, indent=1, sort_keys=True) + "\n"
