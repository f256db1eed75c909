"""``convspec vectors verify``: an outside program's results against an export, and the reports.

The verdict (:attr:`VerifyReport.failed`) is a failure, exit status 1, when

* the export changed since it was written (:func:`~.vectors_format.export_problems`: a file's sha256, a
  case removed from the manifest or a case folder it does not list); the cases are then not compared;
* a case failed (a value out of its bound, a wrong shape or dtype, an unreadable or partial result);
* a case is missing (no result file at all), unless ``allow_missing`` (``--allow-missing``);
* no case has a result (an empty results folder), ``allow_missing`` or not.

Usage errors (exit status 2, :class:`~.vectors_format.VectorsError`) come before any comparison: a
manifest that does not match the schema, an ``--ops`` name not in the export, a results folder that
does not exist or that is the export folder or inside it (the expected outputs would verify themselves).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np

from convspec.conformance.tolerance import Derived, compare
from convspec.conformance.vectors.format import (CASE_FILE, VectorsError, _float_json, array_from_json, export_problems, load_manifest)

#: the JSON report's own mark (``--report FILE.json`` is only ever written over a file that carries it)
REPORT_FORMAT = "convspec-vectors-verify-report"


# --------------------------------------------------------------------------- verify


@dataclass
class CaseResult:
    op: str
    id: str
    status: str  # passed | failed | missing
    title: str = ""
    params: dict = field(default_factory=dict)  # as JSON
    call: str = ""
    reason: str = ""
    output: str | None = None  # the output file that failed
    index: tuple[int, ...] | None = None
    expected: float | int | str | None = None
    actual: float | int | str | None = None
    allowed: float | None = None
    worst_ratio: float = 0.0


@dataclass
class OperationSummary:
    op: str
    cases: int = 0
    passed: int = 0
    failed: int = 0
    missing: int = 0

    @property
    def status(self) -> str:
        if self.failed:
            return "failed"
        if self.passed:
            return "passed" if not self.missing else "passed (some missing)"
        return "missing"


@dataclass
class VerifyReport:
    """The cases compared, and the verdict of the module's rules."""

    vectors: str
    results: str
    manifest: dict
    cases: list[CaseResult] = field(default_factory=list)
    allow_missing: bool = False
    problems: list[str] = field(default_factory=list)  # the export changed, or no case has a result

    def operations(self) -> list[OperationSummary]:
        summaries: dict[str, OperationSummary] = {op: OperationSummary(op) for op in self.manifest["operations"]}
        for result in self.cases:
            summary = summaries.setdefault(result.op, OperationSummary(result.op))
            summary.cases += 1
            setattr(summary, result.status, getattr(summary, result.status) + 1)
        return list(summaries.values())

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.cases)

    def reasons(self) -> list[str]:
        """Why the verification failed, one line each (empty: it passed)."""
        reasons = list(self.problems)
        if self.count("failed"):
            reasons.append(f"{self.count('failed')} case(s) failed")
        if self.count("missing") and not self.allow_missing:
            reasons.append(f"{self.count('missing')} case(s) missing: no result file "
                           "(--allow-missing accepts missing cases)")
        return reasons

    @property
    def failed(self) -> bool:
        """The verdict: True when verification failed (exit status 1)."""
        return bool(self.reasons())

    def summary_line(self) -> str:
        line = (f"{len(self.cases)} cases: {self.count('passed')} passed, {self.count('failed')} failed, "
                f"{self.count('missing')} missing")
        return line + (" -- FAILED: " + "; ".join(self.reasons()) if self.failed else " -- passed")


def _json_value(value):
    if value is None:
        return None
    if isinstance(value, (float, np.floating)):
        return _float_json(float(value))
    if isinstance(value, (np.integer,)):
        return int(value)
    return value


def load_result(folder: Path, name: str) -> tuple[np.ndarray | None, str | None]:
    """The result array ``name`` (``.npy`` preferred over ``.json``), or (None, None) when there is none;
    raises ``ValueError`` with a reason when the file cannot be read."""
    npy, js = folder / f"{name}.npy", folder / f"{name}.json"
    if npy.is_file():
        try:
            return np.load(npy, allow_pickle=False), npy.name
        except Exception as error:  # not a .npy file, a pickled object array, ...
            raise ValueError(f"{npy.name}: cannot be read as .npy ({error})") from None
    if js.is_file():
        try:
            data = json.loads(js.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ValueError(f"{js.name}: not valid JSON ({error})") from None
        except RecursionError:  # [[[[...]]]] nested deeper than Python's parser goes: the file's fault, not ours
            raise ValueError(f"{js.name}: not an array convspec can read (lists nested too deeply)") from None
        try:
            return array_from_json(data), js.name
        except RecursionError:
            raise ValueError(f"{js.name}: not an array convspec can read (lists nested too deeply)") from None
        except ValueError as error:
            raise ValueError(f"{js.name}: {error}") from None
    return None, None


def verify_case(vectors: Path, results: Path, entry: dict) -> CaseResult:
    folder = vectors / entry["path"]
    meta = json.loads((folder / CASE_FILE).read_text())
    result = CaseResult(entry["op"], entry["id"], "passed", entry.get("title", ""), meta["params"], meta["call"])
    out_folder = results / entry["path"]
    found = []
    for output in meta["outputs"]:
        try:
            actual, file = load_result(out_folder, output["name"])
        except ValueError as error:
            return _fail(result, str(error), output["name"])
        found.append((output, actual, file))
    if all(actual is None for _, actual, _ in found):
        result.status = "missing"
        return result
    for output, actual, file in found:
        name = output["name"]
        if actual is None:
            return _fail(result, f"{name}: no result file ({name}.npy or {name}.json)", name)
        expected = np.load(folder / f"{name}.npy", allow_pickle=False)
        bound = np.load(folder / f"{output['bound']}.npy", allow_pickle=False)
        if actual.shape != expected.shape:
            return _fail(result, f"{file}: shape {tuple(actual.shape)}, expected {tuple(expected.shape)}", name)
        if actual.dtype != expected.dtype:
            return _fail(result, f"{file}: dtype {actual.dtype}, expected {expected.dtype}", name)
        with np.errstate(over="ignore", invalid="ignore"):
            comparison = compare(expected, actual, Derived(bound, exact=not bound.any()))
        result.worst_ratio = max(result.worst_ratio, comparison.worst_ratio)
        if not comparison.passed:
            result = _fail(result, f"{file}: {comparison.describe()}", name)
            result.index = comparison.first_bad_index
            result.expected = _typed(expected, comparison.expected_value)
            result.actual = _typed(expected, comparison.actual_value)
            result.allowed = comparison.allowed
            result.worst_ratio = comparison.worst_ratio
            return result
    return result


def _typed(like: np.ndarray, value):
    if value is None:
        return None
    if like.dtype.kind in "iub" and math.isfinite(value):
        return int(value)
    return float(value)


def _fail(result: CaseResult, reason: str, output: str | None) -> CaseResult:
    result.status, result.reason, result.output = "failed", reason, output
    return result


def verify(vectors: str | os.PathLike, results: str | os.PathLike, *, ops: Iterable[str] | None = None,
           allow_missing: bool = False) -> VerifyReport:
    """Compare the results under ``results`` with the export under ``vectors`` (the cases of ``ops``, or all);
    the report's verdict follows the module's rules. Raises :class:`VectorsError` on a usage error."""
    vectors, results = Path(vectors), Path(results)
    manifest = load_manifest(vectors)
    selected = None if ops is None else list(ops)
    if selected is not None:
        unknown = set(selected) - set(manifest["operations"])
        if unknown:
            raise VectorsError(f"--ops: {', '.join(sorted(unknown))} not in the export ({', '.join(manifest['operations'])})")
        manifest = {**manifest, "operations": [op for op in manifest["operations"] if op in selected]}
    check_results_folder(vectors, results)
    report = VerifyReport(str(vectors), str(results), manifest, allow_missing=allow_missing,
                          problems=export_problems(vectors, manifest, ops=selected))
    if report.problems:  # the expected outputs or bounds cannot be trusted: compare nothing
        return report
    for entry in manifest["cases"]:
        if selected is None or entry["op"] in selected:
            report.cases.append(verify_case(vectors, results, entry))
    if report.cases and len(report.cases) == report.count("missing"):
        empty = not any(results.iterdir())
        report.problems.append(f"no result at all: {results} is empty" if empty else
                               f"none of the {len(report.cases)} cases has a result file under {results} "
                               "(RESULTS/OP/CASE_ID/output_K.npy or .json)")
    return report


def check_results_folder(vectors: Path, results: Path) -> None:
    """The results folder must exist and must not be the export folder or inside it."""
    if not results.is_dir():
        raise VectorsError(f"--results {results}: no such folder")
    export, inside = vectors.resolve(), results.resolve()
    if inside == export or export in inside.parents:
        raise VectorsError(f"--results {results} is the export folder {vectors} or inside it: the expected outputs "
                           "would be compared with themselves; give the results their own folder")


# --------------------------------------------------------------------------- verify reports


def print_verify_report(report: VerifyReport, console=None, *, max_failures: int = 20) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = console or Console()
    manifest = report.manifest
    console.print(
        f"Verifying [bold]{report.results}[/] against the vectors in [bold]{report.vectors}[/] "
        f"(convspec {manifest.get('convspec_version')}, profile {manifest.get('profile')}, seed {manifest.get('seed')})",
        highlight=False,
    )
    table = Table(title="convspec vectors verify", title_justify="left")
    for column, justify in (("operation", "left"), ("cases", "right"), ("passed", "right"), ("failed", "right"),
                            ("missing", "right"), ("result", "left")):
        table.add_column(column, justify=justify, no_wrap=column == "operation")
    style = {"passed": "bold green", "failed": "bold red", "missing": "dim", "passed (some missing)": "green"}
    for summary in report.operations():
        table.add_row(summary.op, str(summary.cases), str(summary.passed), str(summary.failed), str(summary.missing),
                      f"[{style[summary.status]}]{summary.status.upper()}[/]")
    console.print(table)
    console.print("[dim]missing: cases with no result file (neither passed nor failed). "
                  "Each output is compared element by element with the bound stored with the case "
                  "(0: bit for bit; NaN matches NaN).[/]")
    failures = [r for r in report.cases if r.status == "failed"]
    for failure in failures[:max_failures]:
        console.print(f"[bold red]FAILED[/] {failure.op}/{failure.id}"
                      + (f" ({failure.title})" if failure.title else ""), highlight=False)
        console.print(f"  {failure.call}", highlight=False, markup=False, soft_wrap=True)
        console.print(f"  params: {json.dumps(failure.params)}", highlight=False, markup=False, soft_wrap=True)
        console.print(f"  {failure.reason}", highlight=False, markup=False, soft_wrap=True)
    if len(failures) > max_failures:
        console.print(f"... and {len(failures) - max_failures} more failures (all of them in --report FILE.json)")
    for problem in report.problems:
        console.print(Text.assemble(("FAILED ", "bold red"), problem), soft_wrap=True)
    console.print(Text(report.summary_line(), style="bold red" if report.failed else "bold green"), soft_wrap=True)


def verify_json(report: VerifyReport) -> dict:
    manifest = report.manifest
    operations = []
    for summary in report.operations():
        cases = [r for r in report.cases if r.op == summary.op]
        operations.append({
            "op": summary.op, "status": summary.status, "cases": summary.cases, "passed": summary.passed,
            "failed": summary.failed, "missing": summary.missing,
            "failures": [_failure_json(r) for r in cases if r.status == "failed"],
            "missing_cases": [r.id for r in cases if r.status == "missing"],
        })
    return {
        "format": REPORT_FORMAT,
        "vectors": report.vectors,
        "results": report.results,
        "convspec_version": manifest.get("convspec_version"),
        "profile": manifest.get("profile"),
        "seed": manifest.get("seed"),
        "summary": {"cases": len(report.cases), "passed": report.count("passed"), "failed": report.count("failed"),
                    "missing": report.count("missing"), "line": report.summary_line()},
        "failed": report.failed,
        "reasons": report.reasons(),
        "problems": report.problems,
        "allow_missing": report.allow_missing,
        "operations": operations,
    }


def _failure_json(result: CaseResult) -> dict:
    return {
        "case": result.id, "title": result.title, "call": result.call, "params": result.params,
        "output": result.output, "reason": result.reason,
        "index": None if result.index is None else list(result.index),
        "expected": _json_value(result.expected), "actual": _json_value(result.actual),
        "allowed": _json_value(result.allowed),
        "worst_ratio": _json_value(result.worst_ratio),
    }


def write_verify_json(report: VerifyReport, path) -> None:
    Path(path).write_text(json.dumps(verify_json(report), indent=2, allow_nan=False) + "\n")


def verify_junit(report: VerifyReport):
    """JUnit XML: one ``<testsuite>`` per operation, one ``<testcase>`` per case; missing cases are ``<skipped>``."""
    from xml.etree import ElementTree as ET

    suites = ET.Element("testsuites", name="convspec vectors verify", tests=str(len(report.cases)),
                        failures=str(report.count("failed") + len(report.problems)), skipped=str(report.count("missing")))
    for summary in report.operations():
        suite = ET.SubElement(suites, "testsuite", name=f"convspec vectors {summary.op}", tests=str(summary.cases),
                              failures=str(summary.failed), errors="0", skipped=str(summary.missing))
        properties = ET.SubElement(suite, "properties")
        for name in ("convspec_version", "profile", "seed"):
            ET.SubElement(properties, "property", name=name, value=str(report.manifest.get(name)))
        for result in (r for r in report.cases if r.op == summary.op):
            testcase = ET.SubElement(suite, "testcase", classname=f"convspec.vectors.{summary.op}", name=result.id)
            if result.status == "failed":
                element = ET.SubElement(testcase, "failure", message=result.reason, type="convspec.VectorMismatch")
                element.text = f"{result.call}\nparams: {json.dumps(result.params)}\n{result.reason}\n"
            elif result.status == "missing":
                ET.SubElement(testcase, "skipped", message="no result file")
    if report.problems:
        suite = ET.SubElement(suites, "testsuite", name="convspec vectors export", tests=str(len(report.problems)),
                              failures=str(len(report.problems)), errors="0", skipped="0")
        for number, problem in enumerate(report.problems):
            testcase = ET.SubElement(suite, "testcase", classname="convspec.vectors.export", name=f"problem-{number}")
            ET.SubElement(testcase, "failure", message=problem, type="convspec.DamagedExport").text = problem
    ET.indent(suites)
    return ET.ElementTree(suites)


def write_verify_junit(report: VerifyReport, path) -> None:
    verify_junit(report).write(path, encoding="utf-8", xml_declaration=True)
