"""``convspec check TARGET --grad``: the backward passes against the reference VJPs, per operation.

The machinery is :mod:`convspec.conformance.gradients` (shared with tests/test_gradients.py).
"""

from __future__ import annotations

import contextlib
import io
import json
import textwrap
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from convspec.conformance.cli import main

GRADIENT_MUTANTS = Path(__file__).parent / "gradient_mutants"


def _check(tmp_path, *args) -> tuple[int, dict]:
    report = tmp_path / "report.json"
    code = main(["check", *args, "--report", str(report)])
    return code, json.loads(report.read_text())


def _grad(data: dict) -> dict:
    return {entry["op"]: entry for entry in data["grad"]["operations"]}


def test_accelerated_backward_passes(tmp_path, capsys):
    pytest.importorskip("torch")
    junit = tmp_path / "r.xml"
    code, data = _check(tmp_path, "accelerated", "--grad", "--ops", "correlate,max_pool", "--examples", "20",
                           "--junit", str(junit))
    out = capsys.readouterr().out
    assert code == 0, out
    assert "backward passes (--grad)" in out and "backward: 2 passed, 0 failed" in out
    grad = _grad(data)
    assert {op: e["status"] for op, e in grad.items()} == {"correlate": "passed", "max_pool": "passed"}
    assert grad["correlate"]["examples"] >= 20 and grad["correlate"]["bit_exact"] > 0  # integer data: exact
    assert data["grad"]["summary"]["passed"] == 2 and data["failed"] is False
    cases = {case.get("name"): case for case in ET.parse(junit).getroot().iter("testcase")}
    assert {"correlate", "max_pool", "correlate.grad", "max_pool.grad"} <= set(cases)


def test_a_gradient_mutant_fails_on_its_operation(tmp_path, capsys):
    """A planted backward bug (tests/gradient_mutants/, which defines only correlate_vjp) used as a target."""
    mutant = GRADIENT_MUTANTS / "correlate_input_grad_dilation_ignored.py"
    code, data = _check(tmp_path, str(mutant), "--grad", "--ops", "correlate,max_pool", "--examples", "30")
    out = capsys.readouterr().out
    assert code == 1, out
    assert {e["op"]: e["status"] for e in data["operations"]} == {"correlate": "not provided",
                                                                  "max_pool": "not provided"}
    grad = _grad(data)
    assert grad["correlate"]["status"] == "failed" and grad["max_pool"]["status"] == "no backward"
    failure = grad["correlate"]["failure"]
    assert "gradient of x differs from the reference VJP" in failure["reason"]
    assert failure["case"]["params"]["dilation"] not in (1, [1]) and failure["grad_out"] is not None
    assert "FAILED: correlate backward (grad)" in out
    # the reproduction runs as printed and shows the difference
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(failure["reproduction"], "<report>", "exec"), {})
    assert "elements differ" in printed.getvalue()


def test_a_module_declares_backward_passes_with_op_vjp(tmp_path, capsys):
    """The protocol: ``<op>_vjp(grad_out, *inputs, **params)`` with the reference's signature."""
    path = tmp_path / "mine.py"
    path.write_text(textwrap.dedent("""\
        from convspec import reference

        relu = reference.relu
        relu_vjp = reference.relu_vjp
        correlate_vjp = reference.correlate_vjp
    """))
    code, data = _check(tmp_path, str(path), "--grad", "--ops", "relu,correlate,avg_pool,box_iou",
                           "--examples", "10")
    assert code == 0, capsys.readouterr().out
    assert {op: e["status"] for op, e in _grad(data).items()} == {
        "relu": "passed", "correlate": "passed", "avg_pool": "no backward", "box_iou": "not differentiable"}
    # without --grad the same module is checked forwards only, and the JSON has no grad section
    code, data = _check(tmp_path, str(path), "--ops", "relu", "--examples", "5")
    assert code == 0 and "grad" not in data


def test_a_target_without_backward_passes_is_not_failed(tmp_path, capsys):
    code, data = _check(tmp_path, "numpy", "--grad", "--ops", "correlate", "--examples", "5")
    out = capsys.readouterr().out
    assert code == 0, out
    assert _grad(data)["correlate"]["status"] == "no backward" and "no backward" in out


def test_torch_adapter_backward_on_correlate(tmp_path, capsys):
    pytest.importorskip("torch")
    code, data = _check(tmp_path, "torch", "--grad", "--ops", "correlate", "--examples", "20")
    assert code == 0, capsys.readouterr().out
    grad = _grad(data)["correlate"]
    assert grad["status"] == "passed" and grad["examples"] > 0 and grad["unsupported"] > 0  # torch's refusals


def test_jax_adapter_backward_on_correlate(tmp_path, capsys):
    pytest.importorskip("jax")
    code, data = _check(tmp_path, "jax", "--grad", "--ops", "correlate", "--examples", "5")
    assert code == 0, capsys.readouterr().out
    assert _grad(data)["correlate"]["status"] == "passed"
