"""The runnable worked examples (issue 17): every worked example's page shows a complete program the build ran.

``docs/docs_programs.py`` writes one program per :class:`~convspec.conformance.case.WorkedExample`
(imports, ``np.array`` literals, the ``reference.<op>`` call, an assert of the literal expected
output) and the build runs exactly that text. Here: every example of the catalog yields a program
that runs; the program on each built page and in ``operations/programs.json`` is the generated
text; a program with a wrong expected value, or a literal that is not the example's, fails.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
import subprocess
import sys
import textwrap
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy

from test_docs_content import page_html, site  # noqa: F401  (the shared site fixture)

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "docs") not in sys.path:
    sys.path.insert(0, str(ROOT / "docs"))

import docs_examples  # noqa: E402
import docs_programs  # noqa: E402
from convspec.conformance.catalog import CATALOG  # noqa: E402

EXAMPLES = [(op, number, example) for op in CATALOG for number, example in enumerate(op.examples, start=1)]
_PROGRAM_BLOCK = re.compile(r'<details class="example cs-program">.*?<code>(.*?)</code>', re.S)


def _example(name: str, number: int):
    op = next(op for op in CATALOG if op.name == name)
    return op, op.examples[number - 1]


def test_every_example_of_the_catalog_yields_a_program_that_runs():
    assert len(EXAMPLES) >= 130
    for op, number, example in EXAMPLES:
        text = docs_programs.program(op, example, number)
        for line in ("import numpy as np", "from convspec import reference", f"result = reference.{op.name}("):
            assert line in text, f"{op.name} example {number}: no {line!r}\n{text}"
        assert re.search(r"^(assert |np\.testing\.assert_)", text, re.M), f"{op.name} example {number}: no assert\n{text}"
        for name, value in example.inputs.items():
            assert (f"{name} = np.array(" in text) == (value is not None), f"{op.name} example {number}: input {name}"
        docs_programs.run(op, example, text, f"<{op.name} example {number}>")


def test_the_module_docstring_shows_a_real_program():
    op, example = _example("max_pool", 2)
    text = docs_programs.program(op, example, 2)
    assert textwrap.indent(text, "    ") in docs_programs.__doc__, text


def test_a_program_runs_on_its_own_in_a_fresh_interpreter():
    """What a reader pastes into a file: the symbolic example needs its own sympy import and symbols."""
    op, example = _example("correlate", 7)
    text = docs_programs.program(op, example, 7)
    assert "import sympy" in text and "sympy.symbols(" in text
    result = subprocess.run([sys.executable, "-c", text], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    broken = text.replace("e*j + f*k + h*l + i*m]", "e*j + f*k + h*l + i*m + 1]")
    assert broken != text
    result = subprocess.run([sys.executable, "-c", broken], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "AssertionError" in result.stderr


def test_a_sympy_symbol_named_like_an_input_is_renamed():
    op, example = _example("conv_transpose", 1)  # the filter [x, y, z] and the input x
    text = docs_programs.program(op, example, 1)
    assert "a, b, x_, y, z = sympy.symbols('a b x y z')" in text
    assert "weight = np.array([[[x_, y, z]]], dtype=object)" in text


def _wrong(expected: np.ndarray) -> np.ndarray:
    wrong = expected.copy()
    index = (0,) * wrong.ndim
    value = wrong[index]
    if isinstance(value, sympy.Basic):
        wrong[index] = value + sympy.Symbol("a")
    elif isinstance(value, Fraction):
        wrong[index] = value + Fraction(1, 1000)
    else:
        wrong[index] = value + 1
    return wrong


@pytest.mark.parametrize("name, number", [
    ("max_pool", 1),  # whole numbers: assert_array_equal
    ("softmax", 1),  # float64, not whole: assert_allclose at 4 eps
    ("relu", 1),  # float32, not whole
    ("correlate", 7),  # sympy
    ("upsample", 12),  # Fractions
])
def test_a_wrong_expected_value_fails_the_build(name, number):
    op, example = _example(name, number)
    wrong = dataclasses.replace(example, expected=_wrong(example.expected))
    with pytest.raises(docs_programs.ProgramFailed, match="AssertionError"):
        docs_programs.program_markdown(op, wrong, number)


@pytest.mark.parametrize("ulps, holds", [(2, True), (64, False)])
def test_the_program_uses_the_builds_tolerance(ulps, holds):
    """softmax 1 expects [0.25, 0.75]: a few ulps off still holds, as in docs_examples.check; 64 ulps off fails both."""
    op, example = _example("softmax", 1)
    moved = example.expected.copy()
    for _ in range(ulps):
        moved = np.nextafter(moved, np.inf)
    moved_example = dataclasses.replace(example, expected=moved)
    text = docs_programs.program(op, moved_example, 1)
    results = docs_examples.run(op, moved_example)
    if holds:
        docs_programs.run(op, moved_example, text, "<moved>")
        docs_examples.check(op, moved_example, results)
    else:
        with pytest.raises(docs_programs.ProgramFailed, match="AssertionError"):
            docs_programs.run(op, moved_example, text, "<moved>")
        with pytest.raises(docs_examples.ExampleMismatch):
            docs_examples.check(op, moved_example, results)


def test_a_program_whose_literal_is_not_the_example_fails():
    """The build compares the program's arrays to the example's bit for bit: a literal cannot drift from the page."""
    op, example = _example("max_pool", 2)
    text = docs_programs.program(op, example, 2)
    tampered = text.replace("[7, 5, 3, 6]", "[7, 5, 3, 5]")
    assert tampered != text
    with pytest.raises(docs_programs.ProgramFailed, match="x literal is not the example's"):
        docs_programs.run(op, example, tampered, "<tampered>")


def test_float_literals_read_back_exactly():
    for value in (np.float32(0.1), np.float32(1 / 3), np.float64(1 / 3), np.float32(-0.5), np.float32(3e-39)):
        assert np.array(eval(docs_programs._number(value)), dtype=value.dtype) == value
    assert docs_programs._number(np.float32(np.inf)) == "np.inf" and docs_programs._number(np.float64(-0.0)) == "-0.0"


def _page_programs(markup: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", block)) for block in _PROGRAM_BLOCK.findall(markup)]


def test_the_page_shows_the_generated_program_and_the_build_recorded_it(site):  # noqa: F811
    ran = json.loads((site / "operations" / "programs.json").read_text())
    for op in CATALOG:
        generated = [docs_programs.program(op, example, number) for number, example in enumerate(op.examples, start=1)]
        shown = _page_programs(page_html(site, f"operations/{op.name}"))
        assert len(shown) == len(op.examples), f"{op.name}: {len(shown)} programs for {len(op.examples)} examples"
        assert [s.rstrip("\n") for s in shown] == [g.rstrip("\n") for g in generated], op.name
        assert ran[op.name] == generated, f"{op.name}: programs.json is not what the generator writes"
    assert set(ran) == {op.name for op in CATALOG if op.examples}
