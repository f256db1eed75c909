"""The catalog as a whole: every operation complete in every layer, and accelerated == reference.

These tests parametrise over :data:`convspec.conformance.catalog.CATALOG` and its
families (:data:`~convspec.conformance.catalog.FAMILIES`), so a new operation is covered
the moment it has a record in its family's ``records.py``, and fails here until every
touch point exists (:func:`touch_points`: spec, reference, accelerated, the family's
conformance modules, its test file and its benchmark; a docs page, docs data, and a
reference VJP where the family is differentiable). CONTRIBUTING.md walks through them.
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


# ---- one family, one place per layer: the touch points -------------------------------------------

#: the modules of conformance/families/<family>/
FAMILY_MODULES = ("__init__", "strategies", "regions", "examples", "tolerances", "records", "docs")
#: families without a reference VJP, and why (every other family's operations all have one)
NOT_DIFFERENTIABLE = {
    "detection": "box_iou is compared and thresholded (nms), not trained through",
    "filters": "sobel is a fixed classic filter, not a layer",
    "fft": "fft_convolve/fft_correlate are correlate/convolve by another algorithm; their gradients are those",
}


def touch_points(family: str) -> list[str]:
    """Every file one family needs, relative to the repository root."""
    return [
        f"spec/{family}.py", f"reference/{family}.py", f"accelerated/{family}.py",
        *(f"conformance/families/{family}/{module}.py" for module in FAMILY_MODULES),
        f"tests/test_{family}.py", f"benchmarks/bench_{family}.py",
        *([] if family in NOT_DIFFERENTIABLE else [f"reference/{family}_vjp.py"]),
    ]


@pytest.mark.parametrize("family", catalog.FAMILIES)
def test_every_family_has_every_touch_point(family):
    missing = [path for path in touch_points(family) if not (ROOT / path).is_file()]
    assert not missing, f"family {family!r} lacks {', '.join(missing)} (see CONTRIBUTING.md)"


def test_the_catalog_is_every_family_s_records_in_order():
    on_disk = sorted(p.parent.name for p in (ROOT / "conformance" / "families").glob("*/__init__.py"))
    assert sorted(catalog.FAMILIES) == on_disk, "every conformance/families/<family>/ is listed in catalog.FAMILIES"
    records = []
    for family in catalog.FAMILIES:
        module = importlib.import_module(f"convspec.conformance.families.{family}.records")
        assert module.OPERATIONS, family
        assert {op.family for op in module.OPERATIONS} == {family}, f"{family}/records.py holds another family's record"
        records.extend(module.OPERATIONS)
    assert catalog.CATALOG == tuple(records)
    assert len(catalog.BY_NAME) == len(catalog.CATALOG), "operation names are unique"


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_every_operation_has_docs_data_and_a_page(op):
    docs = importlib.import_module(f"convspec.conformance.families.{op.family}.docs")
    assert docs.DEFINITIONS.get(op.name), f"{op.name}: no DEFINITIONS entry in conformance/families/{op.family}/docs.py"
    assert op.name in docs.FRAMEWORK_NAMES, f"{op.name}: no FRAMEWORK_NAMES entry in conformance/families/{op.family}/docs.py"
    assert docs.formulas(op.name), f"{op.name}: formulas() shows nothing"
    assert op.name in docs.SHAPES, f"{op.name}: no SHAPES entry in conformance/families/{op.family}/docs.py"
    assert docs.TITLE, f"conformance/families/{op.family}/docs.py has no TITLE"
    if str(ROOT / "docs") not in sys.path:
        sys.path.insert(0, str(ROOT / "docs"))
    import docs_pages

    pages = [page for family in docs_pages.nav_entries()[1:] for entries in family.values() for entry in entries
             for page in entry.values()]
    assert f"operations/{op.name}.md" in pages
    assert f"# {op.name}" in docs_pages.operation_page(op)


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_differentiable_operations_have_a_reference_vjp_and_a_gradient_model(op):
    from convspec import reference

    tolerances = importlib.import_module(f"convspec.conformance.families.{op.family}.tolerances")
    if op.family in NOT_DIFFERENTIABLE:
        assert not hasattr(reference, f"{op.name}_vjp"), f"{op.name} has a VJP: take {op.family} out of NOT_DIFFERENTIABLE"
        return
    vjp = importlib.import_module(f"convspec.reference.{op.family}_vjp")
    assert getattr(vjp, f"{op.name}_vjp") is getattr(reference, f"{op.name}_vjp")
    assert callable(getattr(tolerances, "gradient_tolerances", None)), f"{op.family}/tolerances.py: no gradient_tolerances"


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
