"""Named regions (conformance/regions*.py): every corner is declared, holds its own cases and is visited.

* every catalog operation declares regions, with unique names and a rule each;
* each region's explicit cases lie in it, and its predicate never raises on drawn cases;
* ``convspec check accelerated --coverage`` (default settings, and the ``ci`` profile) visits every region
  and says so, and the JSON report carries the counts;
* every planted bug of ``tests/mutants/`` is caught by the region cases of its operations alone: since a
  check runs them before any random draw, the bug is caught at every seed.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from convspec.conformance import catalog, regions
from convspec.conformance.case import CaseFailure
from convspec.conformance.cli import main
from convspec.conformance.runner import check_case, run_operation
from convspec.conformance.targets import load_target

OPERATIONS = [op.name for op in catalog.CATALOG]
MUTANTS = sorted(p for p in (Path(__file__).parent / "mutants").glob("*.py") if not p.name.startswith("_"))


@pytest.mark.parametrize("op", OPERATIONS)
def test_every_operation_names_its_regions(op):
    declared = regions.regions_of(op)
    assert len(declared) >= 5, f"{op} declares {len(declared)} named regions"
    names = [region.name for region in declared]
    assert len(names) == len(set(names)), f"{op}: region names repeat: {names}"
    for region in declared:
        assert region.rule.strip(), f"{op}: region {region.name!r} states no rule"
        assert region.cases, f"{op}: region {region.name!r} has no explicit case"


@pytest.mark.parametrize("op", OPERATIONS)
def test_each_region_holds_its_own_cases(op):
    for region in regions.regions_of(op):
        for case in region.cases:
            assert case.op == op
            assert region.contains(case), f"{op}: an explicit case of {region.name!r} is not in it: {case.describe()}"


@pytest.mark.parametrize("op", OPERATIONS)
def test_region_predicates_accept_every_drawn_case(op):
    operation = catalog.get(op)

    @settings(max_examples=40, database=None, deadline=None, derandomize=True, phases=(Phase.generate,),
              suppress_health_check=list(HealthCheck))
    @given(operation.strategy())
    def classify(case):
        regions.regions_containing(op, case)  # must not raise

    classify()


@pytest.mark.parametrize("op", OPERATIONS)
def test_the_reference_passes_its_own_region_cases(op):
    """Each region case is a valid call: the reference against itself passes it (shape = the spec's closed form)."""
    operation = catalog.get(op)
    for name, case in regions.region_cases(op):
        check_case(operation, operation.reference, case)


def test_a_check_runs_the_region_cases_first_and_counts_them():
    target = load_target("accelerated")
    result = run_operation(catalog.get("correlate"), target, examples=5, random_seed=0)
    assert result.status == "passed"
    cases = regions.region_cases("correlate")
    assert result.region_examples == len(cases)
    assert result.examples >= len(cases) + 5
    assert set(result.coverage) == {region.name for region in regions.regions_of("correlate")}
    assert all(count >= 1 for count in result.coverage.values()), result.coverage


def _coverage_run(tmp_path, capsys, *options):
    report = tmp_path / "report.json"
    status = main(["check", "accelerated", "--coverage", "--report", str(report), *options])
    out = capsys.readouterr().out
    assert status == 0, out
    return json.loads(report.read_text()), out


@pytest.mark.parametrize("options", [(), ("--profile", "ci")], ids=["default", "ci"])
def test_a_default_check_visits_every_region(tmp_path, capsys, options):
    data, out = _coverage_run(tmp_path, capsys, *options)
    assert "every one of the" in out and "named regions was visited" in out
    for entry in data["operations"]:
        declared = [region.name for region in regions.regions_of(entry["op"])]
        assert list(entry["coverage"]) == declared
        unvisited = [name for name, count in entry["coverage"].items() if count == 0]
        assert not unvisited, f"{entry['op']}: regions never visited: {unvisited}"
        assert entry["region_examples"] == len(regions.region_cases(entry["op"]))


def test_coverage_names_a_region_that_a_target_skips(tmp_path, capsys):
    """A target that declares a region's cases unsupported (here: every float16 case) is told which regions
    went unvisited; the exit status still only says whether the target is at fault."""
    target = tmp_path / "no_half.py"
    target.write_text(
        "from convspec import reference\n"
        "def relu(x):\n    return reference.relu(x)\n"
        "SUPPORTS = {'relu': lambda case: case.dtype != 'float16' or 'no float16'}\n"
    )
    status = main(["check", str(target), "--coverage", "--examples", "20"])
    out = capsys.readouterr().out
    assert status == 0, out
    half = [r.name for r in regions.regions_of("relu") if all(c.dtype == "float16" for c in r.cases)]
    if half:
        assert "regions not visited" in out and half[0] in out


def _module(path: Path):
    spec = importlib.util.spec_from_file_location(f"convspec_region_mutant_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", MUTANTS, ids=lambda path: path.stem)
def test_region_cases_alone_catch_every_planted_bug(path):
    pytest.importorskip("torch")
    module = _module(path)
    target = load_target(str(path))
    for op in module.BUGGY_OPS:
        operation = catalog.get(op)
        caught = []
        for name, case in regions.region_cases(op):
            try:
                check_case(operation, target.functions[op], case)
            except CaseFailure:
                caught.append(name)
        assert caught, f"{path.name}: no region case of {op} shows the bug: {module.PLANTED_BUG}"
