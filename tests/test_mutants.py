"""Meta-test: ``convspec check`` catches every planted bug in ``tests/mutants/``.

Each file in ``tests/mutants/`` is a target (a module with some of the catalog's
operations on numpy arrays) carrying exactly one realistic porting bug. It
declares ``PLANTED_BUG`` (one sentence) and ``BUGGY_OPS`` (the operations the
bug breaks); it may also declare ``EXPECTED_REASON`` (a substring of the
failure's reason) and ``EXPECTED_DATA_KIND`` (``"integers"``/``"floats"``: the
only data on which the bug can show). A mutant whose bug the default run does not reach
yet declares ``SURVIVES_TODAY`` (the region of the input space it needs): its test is a
strict xfail, so the day the strategies reach that region it turns into a failure that
says to remove the marker.

The check runs exactly as ``convspec check <file>`` does by default (100
examples, seed 0; the runner seeds its draws, so the same cases are drawn on
every run): a mutant that slips through means the strategies no longer reach the
configuration that exposes it, or the tolerance model has become too loose.
The controls run the correct implementations on the same settings.
``make mutants-sweep`` (``tests/mutant_sweep.py``) runs the same check at seeds 0 to 5.

Each mutant test records whether the bug was caught and the example number at which
the first failure appeared (before shrinking); ``tests/conftest.py`` prints the kill
rate and the mean number of examples to detection at the end of the run.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("torch")  # most mutants wrap convspec.accelerated

from convspec.conformance import catalog
from convspec.conformance.regions import region_cases
from convspec.conformance.report import reproduction_snippet
from convspec.conformance.runner import run_check
from convspec.conformance.targets import load_target

MUTANTS = Path(__file__).parent / "mutants"
MUTANT_FILES = sorted(path for path in MUTANTS.glob("*.py") if not path.name.startswith("_"))
EXAMPLES = 100  # the default of `convspec check`
SEED = 0  # likewise
CONTROL_EXAMPLES = {"accelerated": EXAMPLES, "reference": 20}  # the reference against itself: a cheap sanity check
OTHER_OPS_EXAMPLES = 30  # the operations a mutant provides without a planted bug


def _module(path: Path):
    """The mutant as a module, for its declarations (the target is loaded separately, as the CLI does)."""
    spec = importlib.util.spec_from_file_location(f"convspec_mutant_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _buggy_ops(path: Path) -> tuple[str, ...]:
    return tuple(_module(path).BUGGY_OPS)


def test_there_are_at_least_eighty_mutants():
    assert len(MUTANT_FILES) >= 80, [path.name for path in MUTANT_FILES]


def _survives_today(path: Path) -> str | None:
    return getattr(_module(path), "SURVIVES_TODAY", None)


def _expected_to_be_caught(path: Path):
    """The mutant as a parameter; a strict xfail when it declares SURVIVES_TODAY."""
    region = _survives_today(path)
    if region is None:
        return pytest.param(path, id=path.stem)
    reason = f"SURVIVES_TODAY ({region}); once this passes, remove the marker from {path.name}"
    return pytest.param(path, id=path.stem, marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason))


@pytest.mark.parametrize("path", MUTANT_FILES, ids=lambda path: path.stem)
def test_mutant_declares_its_bug(path):
    module = _module(path)
    assert (module.__doc__ or "").strip(), f"{path.name}: the top docstring should say what is wrong"
    assert isinstance(module.PLANTED_BUG, str) and module.PLANTED_BUG.strip(), f"{path.name}: PLANTED_BUG"
    assert isinstance(module.BUGGY_OPS, tuple) and module.BUGGY_OPS, f"{path.name}: BUGGY_OPS must be a non-empty tuple"
    region = getattr(module, "SURVIVES_TODAY", None)
    assert region is None or (isinstance(region, str) and region.startswith("the region it needs: ")), (
        f"{path.name}: SURVIVES_TODAY says 'the region it needs: ...'"
    )
    target = load_target(str(path))
    for op in module.BUGGY_OPS:
        catalog.get(op)  # raises for an operation the catalog does not have
        assert target.provides(op), f"{path.name}: BUGGY_OPS names {op!r} but the module does not define it"


@pytest.mark.parametrize("path", [_expected_to_be_caught(path) for path in MUTANT_FILES])
def test_mutant_is_caught(path, record_property):
    module = _module(path)
    target = load_target(str(path))
    report = run_check(target, [catalog.get(op) for op in module.BUGGY_OPS], examples=EXAMPLES, random_seed=SEED)
    record_property("mutant_caught", all(result.failed for result in report.results))
    record_property("examples_to_detection", [result.first_failure_example for result in report.results])
    for result in report.results:
        assert result.failed, (
            f"{path.name}: planted bug not caught in {result.op} ({result.status}, {result.examples} examples, "
            f"worst err/tol {result.worst_ratio:.3g}).\nPLANTED_BUG: {module.PLANTED_BUG}"
        )
        failure = result.failure
        shrunk = f"shrunk case: {failure.case.describe()}\nreason: {failure.reason}"
        expected_reason = getattr(module, "EXPECTED_REASON", None)
        if expected_reason is not None:
            assert expected_reason in failure.reason, f"{path.name}: {result.op} failed for another reason.\n{shrunk}"
        expected_kind = getattr(module, "EXPECTED_DATA_KIND", None)
        if expected_kind is not None:
            assert failure.case.data_kind == expected_kind, f"{path.name}: {result.op} failed on other data.\n{shrunk}"
        # the report can always print a reproduction for the failure
        snippet = reproduction_snippet(result, target)
        code = compile(snippet, f"<reproduction of {path.name}>", "exec")
        if failure.reason.startswith("the target raised"):
            with pytest.raises(Exception):  # the reproduction shows the same crash
                exec(code, {})
        else:
            exec(code, {})  # it runs as the user would run it, and prints the difference


_WITH_CORRECT_OPS = [
    path for path in MUTANT_FILES if set(load_target(str(path)).functions) - set(_buggy_ops(path))
]


@pytest.mark.parametrize("path", _WITH_CORRECT_OPS, ids=lambda path: path.stem)
def test_mutant_has_no_other_bug(path):
    """The operations a mutant provides outside BUGGY_OPS pass: the planted bug is the only one."""
    target = load_target(str(path))
    correct = [op for op in catalog.CATALOG if target.provides(op.name) and op.name not in _buggy_ops(path)]
    report = run_check(target, correct, examples=OTHER_OPS_EXAMPLES, random_seed=SEED)
    for result in report.results:
        assert result.status == "passed", (
            f"{path.name}: {result.op} is not in BUGGY_OPS but failed: "
            f"{result.failure.case.describe()}: {result.failure.reason}"
        )


_MUTATED_OPS = sorted({op for path in MUTANT_FILES for op in _buggy_ops(path)})


@pytest.mark.parametrize("op", _MUTATED_OPS)
@pytest.mark.parametrize("target_name", sorted(CONTROL_EXAMPLES))
def test_control_correct_targets_pass(target_name, op):
    """Without a planted bug the same check passes: the mutants fail because of their bug."""
    if target_name == "accelerated":
        pytest.importorskip("torch")
    target = load_target(target_name)
    report = run_check(target, [catalog.get(op)], examples=CONTROL_EXAMPLES[target_name], random_seed=SEED)
    (result,) = report.results
    assert result.status == "passed", f"{target.name}: {op}: {result.failure.case.describe()}: {result.failure.reason}"
    # every region case, then the drawn ones
    assert result.region_examples == len(region_cases(op))
    assert result.examples == CONTROL_EXAMPLES[target_name] + result.region_examples
