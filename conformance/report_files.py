"""The report files of a check: JSON (``--report FILE.json``) and JUnit XML (``--junit FILE.xml``).

:func:`report_json` holds what the printed report holds (:mod:`.report`) and more, for machines: the target,
library and platform versions, the seed and profile, every operation's status, counts and worst error, and every
failure with its case (arrays as shape, dtype and values; non-finite numbers as strings), its reason and the
reproducing program. :func:`report_junit` makes one ``<testcase>`` per operation (``<op>.grad`` for a backward
pass) for CI dashboards: a failure, error, crash or timeout is a ``<failure>`` or ``<error>`` carrying the case and
the reproduction; an operation with no result yet while the run goes on is an ``<error>`` too
(:func:`.results.with_unfinished`). Both are written atomically (:func:`.outputs.write_atomically`): a reader
never sees half a file, and the files are rewritten after every operation.

Worked example: a check of ``relu`` that passed 100 examples gives ``report_json(...)["operations"][0]`` with
``"op": "relu"``, ``"status": "passed"``, ``"examples": 100``, and a JUnit ``<testcase name="relu">`` with no ``<failure>`` or
``<error>``, only its ``<system-out>`` (the examples checked, how many bit-exact, how many unsupported).
"""

from __future__ import annotations

import dataclasses
import json
import platform
from fractions import Fraction
from xml.etree import ElementTree as ET

import numpy as np

from .outputs import REPORT_FORMAT, write_atomically
from .report import grad_summary_line, reproduction, summary_line
from .results import GRAD_SKIPPED, GradientFailure, OperationResult, Report, exit_status
from .targets import Target


def _plain(value):
    """Parameters as JSON values: tuples as lists, a Fraction as its string, numpy scalars as numbers."""
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _array_json(array: np.ndarray | None):
    if array is None:
        return None
    values = (array.astype(np.float64) if array.dtype.kind == "f" else array).tolist()
    return {"shape": list(array.shape), "dtype": str(array.dtype), "values": _json_numbers(values)}


def _json_numbers(values):
    """JSON has no inf or NaN: spell them "inf", "-inf", "nan"."""
    if isinstance(values, list):
        return [_json_numbers(v) for v in values]
    if isinstance(values, float) and not np.isfinite(values):
        return str(values)
    return values


def case_json(case) -> dict:
    return {
        "call": case.describe(),
        "params": _plain(case.params),
        "dtype": case.dtype,
        "data": case.data_kind,
        "inputs": {name: _array_json(array) for name, array in case.inputs.items()},
    }


def _finite(value: float):
    return value if np.isfinite(value) else str(value)


def report_json(report: Report, target: Target) -> dict:
    """The report as a JSON-ready dict: the table's content, versions, seed, profile, every failure."""
    operations = [_result_json(result, target) for result in report.results]
    data = {
        "format": REPORT_FORMAT,
        "state": report.state,  # "running" while a run writes it, "complete", or "interrupted (SIGINT)" ...
        "exit_status": exit_status(report) if report.state != "running" else None,
        "jobs": report.jobs,
        "timeout_seconds": report.timeout,
        "target": report.target,
        "device": report.device,
        "profile": report.profile,
        "seed": None if report.derandomize else report.seed,
        "derandomize": report.derandomize,
        "examples_per_operation": report.examples,
        "python": platform.python_version(),
        "versions": dict(report.versions),
        "summary": {**report.counts(), "line": summary_line(report)},
        "failed": report.failed,
        "operations": operations,
    }
    if report.grad_results is not None:
        data["grad"] = {
            "summary": {**report.grad_counts(), "line": grad_summary_line(report)},
            "operations": [_result_json(result, target) for result in report.grad_results],
        }
    return data


def _result_json(result: OperationResult, target: Target) -> dict:
    entry = {
        "op": result.op,
        "status": result.status,
        "examples": result.examples,
        "bit_exact": result.exact_examples,
        "unsupported": result.unsupported,
        "unsupported_reasons": dict(result.unsupported_reasons),
        "expected_divergences": result.expected_count,
        "worst_ratio": _finite(result.worst_ratio),
        "seconds": round(result.seconds, 3),
        "first_failure_example": result.first_failure_example,
        "region_examples": result.region_examples,
        "drawn_examples": result.examples - result.region_examples,
        "coverage": dict(result.coverage),
        "detail": result.detail or None,
        "failure": None,
        "expected_divergence_examples": [
            {"case": case_json(e.case), "reason": e.reason, "expected_because": e.entry.reason}
            for e in result.expected
        ],
    }
    entry["more_failures"] = [
        {"case": case_json(f.case), "reason": f.reason,
         "reproduction": reproduction(dataclasses.replace(result, failure=f), target)}
        for f in result.more_failures
    ]
    if result.failure is not None:
        failure = result.failure
        entry["failure"] = {
            "case": case_json(failure.case),
            "reason": failure.reason,
            "worst_ratio": None if failure.comparison is None else _finite(failure.comparison.worst_ratio),
            "reproduction": reproduction(result, target),
        }
        if isinstance(failure, GradientFailure):
            entry["failure"]["grad_out"] = _array_json(failure.grad_out)
    return entry


def write_json(report: Report, target: Target, path) -> None:
    text = json.dumps(report_json(report, target), indent=2, allow_nan=False) + "\n"
    write_atomically(path, lambda handle: handle.write(text.encode("utf-8")))


def report_junit(report: Report, target: Target) -> ET.ElementTree:
    """JUnit XML: one ``<testcase>`` per operation; a failure carries the case, the reason and the reproduction.

    Unsupported and not-provided operations are ``<skipped>``; an operation whose only
    differences are expected divergences passes, with them listed in ``<system-out>``.
    """
    everything = report.results + (report.grad_results or [])
    grad_results = report.grad_results or []
    failures = sum(r.status == "failed" for r in everything)
    errors = sum(r.status in ("error", "crashed", "timed out", "internal error", "unfinished") for r in everything)
    skipped = sum(r.status in GRAD_SKIPPED + ("not provided", "interrupted") for r in everything)
    suites = ET.Element("testsuites")
    suite = ET.SubElement(
        suites, "testsuite", name=f"convspec check {report.target}", tests=str(len(everything)),
        failures=str(failures), errors=str(errors), skipped=str(skipped),
        time=f"{sum(r.seconds for r in everything):.3f}",
    )
    properties = ET.SubElement(suite, "properties")
    settings = {"profile": report.profile, "seed": None if report.derandomize else report.seed,
                "derandomize": report.derandomize, "examples": report.examples, "device": report.device}
    for name, value in {**settings, **{f"version.{k}": v for k, v in report.versions.items()}}.items():
        ET.SubElement(properties, "property", name=name, value=str(value))
    classname = "convspec." + "".join(c if c.isalnum() else "_" for c in report.target).strip("_")
    for result, suffix in [(r, "") for r in report.results] + [(r, ".grad") for r in grad_results]:
        case = ET.SubElement(suite, "testcase", classname=classname, name=result.op + suffix,
                             time=f"{result.seconds:.3f}")
        if result.status == "failed":
            failure = result.failure
            element = ET.SubElement(case, "failure", message=f"{failure.case.describe()}: {failure.reason}",
                                    type="convspec.GradientFailure" if suffix else "convspec.CaseFailure")
            element.text = (
                f"{failure.case.describe()}\n{failure.reason}\n"
                f"(first failure at example {result.first_failure_example}, then shrunk)\n\n"
                f"Reproduce:\n{reproduction(result, target)}\n"
            )
        elif result.status in ("error", "crashed", "timed out", "internal error"):
            failure = result.failure
            message = f"{result.status}: " + (f"{failure.case.describe()}: {failure.reason}" if failure
                                              else result.detail.partition("\n")[0])
            element = ET.SubElement(case, "error", message=message, type=f"convspec.{result.status.replace(' ', '_')}")
            element.text = result.detail + (f"\n\nReproduce:\n{reproduction(result, target)}\n" if failure else "\n")
        elif result.status == "interrupted":
            ET.SubElement(case, "skipped", message=f"interrupted: {result.detail}")
        elif result.status == "unfinished":  # a report written while the run went on (results.with_unfinished)
            ET.SubElement(case, "error", message=f"unfinished: {result.detail}", type="convspec.unfinished")
        elif result.status in ("not provided", "no backward", "not differentiable"):
            message = {"not provided": "not provided by the target", "no backward": "the target has no backward pass",
                       "not differentiable": "no reference VJP"}[result.status]
            ET.SubElement(case, "skipped", message=message)
        elif result.status == "unsupported":
            reasons = "; ".join(result.unsupported_reasons) or "no supported case drawn"
            ET.SubElement(case, "skipped", message=f"unsupported: {reasons}")
        out = [f"examples: {result.examples}, bit-exact: {result.exact_examples}, unsupported: {result.unsupported}"]
        for expected in result.expected:
            out.append(f"expected divergence: {expected.case.describe()}: {expected.reason} -- {expected.entry.reason}")
        if result.expected_count:
            out.append(f"{result.expected_count} expected divergence(s) in all")
        ET.SubElement(case, "system-out").text = "\n".join(out)
    ET.indent(suites)
    return ET.ElementTree(suites)


def write_junit(report: Report, target: Target, path) -> None:
    tree = report_junit(report, target)
    write_atomically(path, lambda handle: tree.write(handle, encoding="utf-8", xml_declaration=True))
