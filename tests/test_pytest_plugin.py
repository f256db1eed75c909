"""The pytest plugin runs the conformance check inside another project's test run (one test per operation)."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

# an installed convspec registers the plugin through its pytest11 entry point, as a user's
# project would load it; a bare checkout needs it named with -p (both at once is an error)
_INSTALLED = any(e.value == "convspec.conformance.pytest_plugin" for e in importlib.metadata.entry_points(group="pytest11"))
_LOAD = [] if _INSTALLED else ["-p", "convspec.conformance.pytest_plugin"]


def _pytest(tmp_path, *args):
    return subprocess.run(
        [sys.executable, "-m", "pytest", *_LOAD, "-p", "no:cacheprovider", "-q", "-rA", *args],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )


def test_the_plugin_is_registered_as_a_pytest_entry_point():
    assert _INSTALLED, "pyproject.toml's [project.entry-points.pytest11] is not installed (pip install -e .)"


def test_plugin_one_test_per_operation(tmp_path):
    (tmp_path / "myconv.py").write_text(textwrap.dedent("""\
        from convspec import reference

        def correlate(x, weight, bias=None, **params):
            return reference.correlate(x, weight, None, **params)  # drops the bias

        convolve = reference.convolve
    """))
    (tmp_path / "test_own.py").write_text("def test_own():\n    assert True\n")
    result = _pytest(tmp_path, "--convspec-target", "myconv.py", "--convspec-examples", "15")
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "1 failed, 2 passed" in out and "skipped" not in out, out  # the operations it lacks get no test
    assert "FAILED ::convspec[myconv.py]::correlate" in out, out
    assert "Reproduce:" in out and "reference.correlate" in out, out


def test_plugin_a_crash_fails_its_test_and_the_others_run(tmp_path):
    crashes = Path(__file__).parent / "faulty_targets" / "crashes.py"
    (tmp_path / "crashes.py").write_text(crashes.read_text())
    result = _pytest(tmp_path, "--convspec-target", "crashes.py", "--convspec-examples", "10",
                     "--convspec-ops", "correlate,max_pool,relu")
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "2 failed, 1 passed" in out and "INTERNALERROR" not in out, out
    assert "crashes.py crashed on correlate" in out and "crashed (signal 11, SIGSEGV)" in out, out
    assert "exited with status 0 before it reported" in out, out


@pytest.mark.parametrize("module, args, message", [
    ("def my_conv(x, w):\n    return x\n", [], "the target defines none of correlate"),
    ("import numpy\nraise RuntimeError('not built')\n", [], "failed to import: RuntimeError: not built"),
    ("from convspec.reference import relu\n", ["--convspec-ops", "relu,nope"], "unknown operation 'nope'"),
])
def test_plugin_usage_errors_stop_before_any_test(tmp_path, module, args, message):
    (tmp_path / "mine.py").write_text(module)
    result = _pytest(tmp_path, "--convspec-target", "mine.py", *args)
    assert result.returncode == 4 and message in result.stderr, result.stdout + result.stderr
    assert "INTERNALERROR" not in result.stdout + result.stderr


def test_plugin_a_target_that_never_finishes_importing_stops_pytest(tmp_path):
    """Collection loads the target; a module whose import never returned hung the whole session."""
    hangs = Path(__file__).parent / "faulty_targets" / "hangs_at_import.py"
    (tmp_path / "hangs_at_import.py").write_text(hangs.read_text())
    result = _pytest(tmp_path, "--convspec-target", "hangs_at_import.py", "--convspec-load-timeout", "2")
    assert result.returncode == 4, result.stdout + result.stderr
    assert "the target did not finish loading (importing its module) within 2 s" in result.stderr


def test_plugin_adds_nothing_without_a_target(tmp_path):
    (tmp_path / "test_own.py").write_text("def test_own():\n    assert True\n")
    result = _pytest(tmp_path)
    assert result.returncode == 0 and "1 passed" in result.stdout, result.stdout + result.stderr


def test_plugin_usage_error(tmp_path):
    result = _pytest(tmp_path, "--convspec-target", "no_such_module_xyz")
    assert result.returncode == 4 and "no_such_module_xyz" in result.stderr, result.stdout + result.stderr


@pytest.mark.parametrize("module, status, said", [
    # the target's exit handler calls os._exit(0): "1 failed", then exit status 0 -- a green run
    ("exits_at_exit.py", 1, ""),
    # a thread of the target's calls os._exit(0) mid-run: exit status 0, no summary -- a green run
    ("exits_from_a_thread.py", 1, "its process ended with status 0 before it decided the result"),
    # a thread of the target's never ends: the interpreter's exit waited for it for ever
    ("never_ending_thread.py", 0, "its process was still running 2 s after it decided the result (exit status 0)"),
])
def test_plugin_what_the_target_leaves_running_cannot_turn_the_run_green_or_hang_it(tmp_path, module, status, said):
    """pytest runs in a child of the process the shell started (convspec.conformance.first_process), which
    exits with the status pytest decided, or says what ended its child."""
    faulty = Path(__file__).parent / "faulty_targets" / module
    (tmp_path / module).write_text(faulty.read_text())
    result = _pytest(tmp_path, "--convspec-target", module, "--convspec-ops", "relu", "--convspec-examples", "100",
                     "--convspec-exit-grace", "2")
    assert result.returncode == status, result.stdout + result.stderr
    assert said in result.stderr
    if module == "exits_at_exit.py":
        assert "1 failed" in result.stdout and result.stderr == ""


def test_plugin_leaves_the_process_of_a_program_that_calls_pytest_main_to_it(tmp_path):
    """pytest.main() from someone's program returns to it: no first process takes the program's exit."""
    (tmp_path / "mine.py").write_text("from convspec.reference import relu\n")
    (tmp_path / "program.py").write_text(textwrap.dedent(f"""\
        import os, pytest
        status = pytest.main({[*_LOAD, "-p", "no:cacheprovider", "-q", "--convspec-target", "mine.py",
                               "--convspec-examples", "5"]!r})
        print("back in the program with", int(status), "as", os.getpid())
    """))
    result = subprocess.run([sys.executable, "program.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout and "back in the program with 0 as" in result.stdout


@pytest.mark.parametrize("module", ["closes_output.py", "silences_output.py"])
def test_plugin_keeps_pytests_output_whatever_the_target_does_to_its_own(tmp_path, module):
    """A module that closed sys.stdout when imported closed the stream pytest's terminal writes to: an internal
    error (exit 3) and no summary; one that pointed descriptor 1 at os.devnull silenced pytest's report."""
    faulty = Path(__file__).parent / "faulty_targets" / module
    (tmp_path / module).write_text(faulty.read_text())
    result = _pytest(tmp_path, "--convspec-target", module, "--convspec-ops", "relu", "--convspec-examples", "10")
    out = result.stdout + result.stderr
    if module == "closes_output.py":  # its relu is right
        assert result.returncode == 0 and "1 passed" in result.stdout, out
    else:  # its relu is off by one
        assert result.returncode == 1 and "1 failed" in result.stdout and "FAILED" in result.stdout, out
    assert "INTERNALERROR" not in out and "Traceback" not in out, out


def test_plugin_writes_the_sessions_files_with_the_users_umask(tmp_path):
    """A module that set os.umask(0o777) when imported made pytest's --junitxml a file of mode 000."""
    faulty = Path(__file__).parent / "faulty_targets" / "changes_umask.py"
    (tmp_path / "changes_umask.py").write_text(faulty.read_text())
    result = _pytest(tmp_path, "--convspec-target", "changes_umask.py", "--convspec-ops", "relu",
                     "--convspec-examples", "10", "--junitxml", "out.xml")
    assert result.returncode == 0, result.stdout + result.stderr
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "out.xml").stat().st_mode & 0o777 == 0o666 & ~umask
