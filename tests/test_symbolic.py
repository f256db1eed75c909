"""sympy imported only where a formula is asked for symbolically (spec/symbolic.py): the spec's symbols made on
first use behave as sympy's, and the numeric users of the spec (the reference, the accelerated functions, the
checker) never import sympy."""

from __future__ import annotations

import doctest
import pickle
import subprocess
import sys

import pytest
import sympy

from convspec.conformance.case import LazyExamples
from convspec.spec import conv, pool, symbolic
from convspec.spec.symbolic import LazySymbol, Symbol, is_symbolic, resolve, symbols


def test_module_docstring_examples_hold():
    assert doctest.testmod(symbolic).failed == 0


def test_a_placeholder_stands_for_its_sympy_symbol():
    n = Symbol("n", integer=True, positive=True)
    real = sympy.Symbol("n", integer=True, positive=True)
    assert type(n) is LazySymbol and resolve(n) == real and resolve(n) is resolve(n)
    assert n == real and real == n and hash(n) == hash(real) and {n: 1}[real] == 1
    assert n != sympy.Symbol("n")  # the assumptions are part of the symbol
    assert sympy.sympify(n) == real and (n + 1).subs(n, 4) == 5 and 2 * n - n == real
    assert (n * Symbol("k", integer=True, positive=True)).free_symbols == {real, sympy.Symbol("k", integer=True, positive=True)}
    assert n.is_integer and n.is_positive and repr(n) == str(n) == "n"
    assert pickle.loads(pickle.dumps(n)) == real
    assert symbols("a b", real=True) == (Symbol("a", real=True), Symbol("b", real=True))
    assert type(symbols("a")) is LazySymbol
    assert resolve(3) == 3


def test_is_symbolic():
    assert not is_symbolic(1, 2.0, None, "same")
    assert is_symbolic(1, Symbol("n")) and is_symbolic(sympy.Integer(2)) and is_symbolic(sympy.Symbol("x") + 1)


def test_the_spec_s_formulas_are_the_same_with_made_symbols():
    general = conv.conv_output_length()
    assert isinstance(general, sympy.Expr)
    assert general.subs({resolve(conv.n): 6, resolve(conv.k): 3, resolve(conv.s): 3, resolve(conv.p_lo): 0,
                         resolve(conv.p_hi): 0, resolve(conv.d): 1}) == 2 == conv.conv_output_length(6, 3, 3, 0, 0, 1)
    assert conv.conv_output_length(n=conv.n + 1) == general.subs(resolve(conv.n), resolve(conv.n) + 1)
    assert pool.pool_output_length(8, 2, 2, 0, 0, 1) == 4 and isinstance(pool.pool_output_length(), sympy.Expr)


@pytest.mark.parametrize("statement", [
    "import convspec.reference",
    "import convspec.accelerated",
    "import convspec.conformance.cli, convspec.conformance.runner, convspec.conformance.isolation",
    "from convspec.conformance.catalog import CATALOG",
])
def test_numeric_users_of_the_spec_do_not_import_sympy(statement):
    code = f"import sys; {statement}; print('sympy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_a_check_does_not_import_sympy():
    """Every operation checked (one example each, in this process): none asks the spec for a symbol."""
    code = ("import sys, warnings; warnings.simplefilter('ignore')\n"
            "from convspec.conformance.runner import run_check\n"
            "from convspec.conformance.targets import load_target\n"
            "report = run_check(load_target('accelerated'), examples=3)\n"
            "assert all(r.status == 'passed' for r in report.results), [(r.op, r.status) for r in report.results]\n"
            "print('sympy' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_lazy_examples_are_built_once_on_first_use():
    built = []

    def build():
        built.append(1)
        return ("first", "second")

    examples = LazyExamples(build)
    assert built == []
    assert len(examples) == 2 and examples[0] == "first" and list(examples) == ["first", "second"] and "second" in examples
    assert built == [1]
