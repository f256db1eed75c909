"""The ``convspec`` entry point dispatches to each subcommand (the subcommands' own behaviour is
tested in test_summary.py, test_explain.py and, for ``check``, test_catalog.py/test_mutants.py)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from convspec.conformance.cli import main


def test_help_lists_every_subcommand():
    result = subprocess.run(
        [sys.executable, "-m", "convspec.conformance.cli", "--help"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    for command in ("check", "matrix", "summary", "explain", "vectors"):
        assert command in result.stdout, f"'convspec --help' does not list {command}: {result.stdout}"


def test_summary_through_the_entry_point(tmp_path, capsys):
    stack = {"input_shape": [1, 28, 28], "layers": [{"type": "conv", "c_out": 32, "kernel_size": 3}, {"type": "flatten"}]}
    path = tmp_path / "stack.json"
    path.write_text(json.dumps(stack))
    assert main(["summary", str(path), "--json"]) == 0
    conv, flatten = json.loads(capsys.readouterr().out)["layers"]
    # by hand: 3*3*1*32 weights + 32 biases; 26 = 28 - 3 + 1; 32*26*26 = 21632
    assert (conv["weights"], conv["biases"], conv["output_shape"]) == (288, 32, [32, 26, 26]), conv
    assert flatten["output_shape"] == [21632], flatten


def test_explain_through_the_entry_point(capsys):
    assert main(["explain", "correlate", "--n", "7", "--k", "3", "--s", "2"]) == 0
    assert "L = 3" in capsys.readouterr().out  # floor((7 - 3) / 2) + 1, by hand


def test_a_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["no-such-command"])
    assert raised.value.code == 2
