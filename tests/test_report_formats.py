"""The JSON report and JUnit XML carry what the table shows, plus versions, seed, profile and every failure."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from xml.etree import ElementTree as ET

from convspec.conformance.cli import main

MUTANT = Path(__file__).parent / "mutants"


def _bias_dropped_numpy(tmp_path) -> Path:
    """A torch-free planted bug: correlate drops the bias; max_pool is left out ("not provided")."""
    path = tmp_path / "nobias.py"
    path.write_text(textwrap.dedent("""\
        from convspec import reference

        def correlate(x, weight, bias=None, **params):
            return reference.correlate(x, weight, None, **params)

        convolve = reference.convolve
        SUPPORTS = {"convolve": lambda case: case.inputs["x"].ndim == 3 or "1-D only"}
        VERSIONS = {"nobias": "0.0"}
    """))
    return path


def test_json_and_junit(tmp_path, capsys):
    target = _bias_dropped_numpy(tmp_path)
    report, junit = tmp_path / "r.json", tmp_path / "r.xml"
    code = main(["check", str(target), "--ops", "correlate,convolve,max_pool", "--examples", "15", "--seed", "3",
                 "--report", str(report), "--junit", str(junit)])
    assert code == 1
    out = capsys.readouterr().out
    assert "unsupported" in out and "1-D only" in out

    data = json.loads(report.read_text())
    assert data["seed"] == 3 and data["examples_per_operation"] == 15 and data["profile"] is None
    assert data["versions"]["nobias"] == "0.0" and "numpy" in data["versions"] and "hypothesis" in data["versions"]
    ops = {entry["op"]: entry for entry in data["operations"]}
    assert ops["correlate"]["status"] == "failed" and ops["max_pool"]["status"] == "not provided"
    assert ops["convolve"]["status"] == "passed" and ops["convolve"]["unsupported"] > 0
    assert ops["convolve"]["unsupported_reasons"] == {"1-D only": ops["convolve"]["unsupported"]}
    failure = ops["correlate"]["failure"]
    assert failure["case"]["inputs"]["bias"] is not None  # the bug needs a bias to show
    assert "reference.correlate" in failure["reproduction"] and failure["reason"]
    assert ops["correlate"]["first_failure_example"] >= 1
    assert data["summary"] == {"passed": 1, "failed": 1, "error": 0, "crashed": 0, "timed out": 0,
                               "expected divergence": 0, "unsupported": 0, "not provided": 1,
                               "interrupted": 0, "internal error": 0, "unfinished": 0,
                               "line": "1 passed, 1 failed, 1 not provided"}
    assert data["state"] == "complete" and data["exit_status"] == 1
    # the reproduction in the report runs as printed
    exec(compile(failure["reproduction"], "<report>", "exec"), {})

    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite.get("tests") == "3" and suite.get("failures") == "1" and suite.get("skipped") == "1"
    assert suite.get("errors") == "0"
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert cases["correlate"].find("failure") is not None
    assert "Reproduce:" in cases["correlate"].find("failure").text
    assert cases["max_pool"].find("skipped") is not None
    assert cases["convolve"].find("failure") is None and cases["convolve"].find("skipped") is None
    properties = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert properties["seed"] == "3" and properties["version.nobias"] == "0.0"


def test_profile_ci_is_derandomized_and_expected_divergences_pass(tmp_path, capsys):
    target = _bias_dropped_numpy(tmp_path)
    divergences = tmp_path / "d.yaml"
    divergences.write_text("divergences:\n  - op: correlate\n    reason: our port has no bias yet\n"
                           "    expression: inputs['bias'] is not None\n")
    report = tmp_path / "r.json"
    code = main(["check", str(target), "--ops", "correlate", "--profile", "ci", "--examples", "20",
                 "--expected-divergences", str(divergences), "--report", str(report)])
    assert code == 0, capsys.readouterr().out
    assert "our port has no bias yet" in capsys.readouterr().out
    data = json.loads(report.read_text())
    assert data["profile"] == "ci" and data["derandomize"] is True and data["seed"] is None
    (entry,) = data["operations"]
    assert entry["status"] == "expected divergence" and entry["expected_divergences"] > 0
    assert entry["expected_divergence_examples"][0]["expected_because"] == "our port has no bias yet"


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["check", "reference", "--device", "cuda"]) == 2
    assert main(["check", "reference", "--expected-divergences", str(tmp_path / "missing.yaml")]) == 2
    assert "no such file" in capsys.readouterr().out
