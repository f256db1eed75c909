"""The ``convspec`` console script (``convspec.conformance.console``): the command line of ``cli.main``, with the
garbage collector off during the start-up and the heap frozen for the exit. The same commands, output and exit
status; the collector back on before any work is done (a worker forked with it off would never collect)."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import textwrap

import pytest

import convspec.conformance
from convspec.conformance import console


def _run(*arguments: str, code: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "convspec.conformance", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def test_python_m_convspec_conformance_is_the_command_line():
    result = _run("--help")
    assert result.returncode == 0, result.stderr
    for command in ("check", "matrix", "summary", "explain", "vectors"):
        assert command in result.stdout, result.stdout


@pytest.mark.parametrize("arguments, status", [
    (("check", "reference", "--ops", "relu", "--examples", "2"), 0),
    (("check", "no-such-target"), 2),
    (("explain", "no-such-operation"), 2),
])
def test_the_exit_status_is_the_commands(arguments, status):
    result = _run(*arguments)
    assert result.returncode == status, (result.stdout, result.stderr)


def test_importing_the_package_imports_no_catalog():
    """The console script's module is imported before the collector is turned off: the package must not pull
    in the catalog (numpy, sympy, hypothesis) with it."""
    probe = "import sys, convspec.conformance.console; print(sorted(m for m in ('sympy', 'hypothesis', 'numpy', 'torch') if m in sys.modules))"
    result = _run(code=probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", result.stdout


def test_the_package_names_still_resolve():
    from convspec.conformance import CATALOG, Unsupported, run_check  # noqa: F401 - on first use

    assert convspec.conformance.get("relu").name == "relu"
    assert set(convspec.conformance.__all__) <= set(dir(convspec.conformance))
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        convspec.conformance.nothing_here  # noqa: B018


def test_the_collector_is_on_when_a_check_forks_its_workers(tmp_path):
    """A target module that records, at each call, whether the collector is enabled in the worker running it."""
    target = tmp_path / "probe_target.py"
    target.write_text(textwrap.dedent(f"""
        import gc, numpy as np
        def relu(x):
            with open({str(tmp_path / 'seen.txt')!r}, "a") as log:
                log.write(f"{{gc.isenabled()}}\\n")
            return np.maximum(x, np.zeros((), x.dtype)).astype(x.dtype)
    """))
    result = _run("check", str(target), "--ops", "relu", "--examples", "3", "--report", str(tmp_path / "r.json"))
    assert result.returncode == 0, (result.stdout, result.stderr)
    seen = set((tmp_path / "seen.txt").read_text().split())
    assert seen == {"True"}, seen
    assert json.loads((tmp_path / "r.json").read_text())["operations"][0]["status"] == "passed"


def test_start_up_over_leaves_a_callers_collector_alone():
    """cli.main called from Python (as here): the collector is the caller's business."""
    was = gc.isenabled()
    gc.disable()
    try:
        console.start_up_over()
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


def test_the_console_turns_the_collector_off_then_back_on():
    probe = textwrap.dedent("""
        import gc, sys
        from convspec.conformance import console, cli
        seen = []
        def command_line(argv=None):
            seen.append(gc.isenabled())
            console.start_up_over()
            seen.append(gc.isenabled())
            return 0
        cli.main = command_line
        try:
            console.main()
        except SystemExit as stop:
            print(seen, stop.code, gc.get_freeze_count() > 0)
    """)
    result = _run(code=probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[False,", "True]", "0", "True"], result.stdout


@pytest.mark.parametrize("closed", [(1,), (2,), (0, 1, 2)])
@pytest.mark.parametrize("target, status", [("reference", 0), ("adds_one.py", 1)])
def test_a_closed_standard_descriptor_changes_nothing_but_the_output(tmp_path, closed, target, status):
    """`convspec check >&-` (or a daemon's child, started without descriptors 0-2): with descriptor 1 closed,
    Python had no sys.stdout and the command ended in an internal error (exit 3) with no report; with 2 closed,
    the pipe to the first process took descriptor 2 and a check that passed exited 1. The closed descriptors now
    point at os.devnull: the report is written and the status is the check's."""
    import os
    from pathlib import Path

    if target.endswith(".py"):
        target = str(Path(__file__).parent / "faulty_targets" / target)
    report = tmp_path / "out.json"
    completed = subprocess.run(
        [sys.executable, "-m", "convspec.conformance", "check", target, "--ops", "correlate,relu", "--examples", "2",
         "--report", str(report)],
        cwd=tmp_path, preexec_fn=lambda: [os.close(descriptor) for descriptor in closed], timeout=120)
    assert completed.returncode == status
    data = json.loads(report.read_text())
    assert data["state"] == "complete" and data["exit_status"] == status


def test_a_check_through_a_fork_server_leaves_no_scratch_folder(tmp_path):
    """JAX and TensorFlow targets run their workers from a fork server, whose socket multiprocessing puts in a
    ``pymp-*`` folder it removes at the interpreter's exit; the console script ends with ``os._exit``, which
    skipped that, so every such check left a folder in ``/tmp`` (hundreds of them after a day of tests). The
    folder is now removed, and nothing else in the temporary folder is touched, a user's ``pymp-`` one included.
    The temporary folder's name is longer than a socket's address allows once multiprocessing adds its own:
    the fork server could not start ("AF_UNIX path too long", an internal error) until its folder was made in
    /tmp in that case."""
    pytest.importorskip("jax")
    scratch = tmp_path / ("a-temporary-folder-with-a-long-name-" * 3)
    mine = scratch / "pymp-mine"
    mine.mkdir(parents=True)
    (mine / "keep.txt").write_text("mine")
    environment = {**os.environ, "TMPDIR": str(scratch)}
    result = subprocess.run([sys.executable, "-m", "convspec.conformance", "check", "jax", "--ops", "correlate",
                             "--examples", "1"], capture_output=True, text=True, timeout=300, env=environment)
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert sorted(p.name for p in scratch.iterdir()) == ["pymp-mine"]
    assert (mine / "keep.txt").read_text() == "mine"
