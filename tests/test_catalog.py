"""The catalog as a whole: every operation complete in every layer, and accelerated == reference.

These tests parametrise over :data:`convspec.conformance.catalog.CATALOG`, so a new
operation is covered the moment it has a catalog line, and fails here until its
spec, reference, accelerated and test files exist.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given

from convspec.conformance import catalog
from convspec.conformance.runner import check_case
from convspec.conformance.targets import load_target

ROOT = Path(__file__).resolve().parents[1]
OPERATIONS = catalog.CATALOG
IDS = [op.name for op in OPERATIONS]


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_every_layer_has_the_operation(op):
    for folder in ("spec", "reference", "accelerated"):
        assert (ROOT / folder / f"{op.family}.py").is_file(), f"{op.name}: missing {folder}/{op.family}.py"
    assert (ROOT / "tests" / f"test_{op.family}.py").is_file(), f"{op.name}: missing tests/test_{op.family}.py"
    reference_fn = getattr(importlib.import_module(f"convspec.reference.{op.family}"), op.name)
    assert reference_fn is op.reference
    assert callable(op.accelerated), f"{op.name}: convspec.accelerated.{op.family} lacks it"
    assert getattr(importlib.import_module("convspec.reference"), op.name) is op.reference
    assert getattr(importlib.import_module("convspec.accelerated"), op.name) is op.accelerated
    assert op.examples, f"{op.name}: no worked examples"
    assert op.summary and op.reference.__doc__ and op.accelerated.__doc__


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_reference_and_accelerated_share_the_signature(op):
    import inspect

    assert inspect.signature(op.reference) == inspect.signature(op.accelerated), op.name


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_accelerated_matches_reference_within_the_tolerance_model(op):
    """Values, shapes (== the spec's closed form), dtype and untouched inputs, on drawn valid cases."""
    target = load_target("accelerated")

    @given(op.strategy())
    def check(case):
        check_case(op, target.functions[op.name], case)

    check()


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_reference_output_shape_is_the_spec_closed_form(op):
    @given(op.strategy())
    def check(case):
        result = op.reference(*case.arrays(), **case.params)
        # an operation may return several arrays (max_pool's values and indices): each has the shape
        values, *others = result if isinstance(result, tuple) else (result,)
        for array in (values, *others):
            assert array.shape == op.output_shape(case), f"{case.describe()}: reference {array.shape}"
        assert values.dtype == case.dtype, f"{case.describe()}: reference dtype {values.dtype}"

    check()


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_strategy_draws_only_valid_small_cases(op):
    """The strategies are part of the product: every case is accepted and small enough for the reference."""

    @given(op.strategy())
    def check(case):
        assert case.op == op.name
        assert case.data_kind in ("integers", "floats")
        for name, array in case.inputs.items():
            if array is not None:
                assert array.size <= 5000, f"{case.describe()}: {name} has {array.size} elements"
                if case.data_kind == "integers":
                    assert np.array_equal(array, np.round(array)), name
        assert np.prod(op.output_shape(case)) <= 20000, case.describe()

    check()


def test_spec_reference_and_conformance_work_without_torch():
    """torch is an optional extra: block it and run a check of the reference against itself."""
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "import convspec.spec, convspec.reference, convspec.conformance\n"
        "from convspec.conformance import load_target, run_check\n"
        "report = run_check(load_target('reference'), examples=3)\n"
        "assert not report.failed and report.checked == len(convspec.conformance.CATALOG), report\n"
        "try:\n"
        "    load_target('accelerated')\n"
        "except ValueError as error:\n"
        "    assert 'torch' in str(error)\n"
        "else:\n"
        "    raise AssertionError('accelerated loaded without torch')\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "ok" in result.stdout, result.stderr
