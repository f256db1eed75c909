"""`convspec check` survives the code it checks: crashes, exits, hangs and raising user code become
results with their case; reports are checked before the run and never lost; exit codes mean one thing.

The faulty targets live in tests/faulty_targets/ (one small module per way of failing).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from convspec import reference
from convspec.conformance import catalog
from convspec.conformance.cli import EXIT_STATUSES, main
from convspec.conformance.runner import run_operation
from convspec.conformance.targets import Target

FAULTY = Path(__file__).parent / "faulty_targets"


def _check(capsys, *args) -> tuple[int, str]:
    code = main(["check", *map(str, args)])
    return code, capsys.readouterr().out


def _json(path: Path) -> dict:
    return json.loads(path.read_text())


def _by_op(report: dict) -> dict:
    return {entry["op"]: entry for entry in report["operations"]}


def _console_check(tmp_path, target, *args) -> subprocess.CompletedProcess:
    """``convspec check TARGET ARGS...`` as the console script runs it (its first process, its exit), in ``tmp_path``."""
    return subprocess.run([sys.executable, "-m", "convspec.conformance", "check", str(target), *map(str, args)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)


# ----------------------------------------------------------------------------- faults become results


def test_crashes_of_every_kind_are_results_with_their_case(tmp_path, capsys):
    report, junit = tmp_path / "out.json", tmp_path / "out.xml"
    code, out = _check(capsys, FAULTY / "crashes.py", "--examples", 20, "--report", report, "--junit", junit)
    assert code == 1, out
    ops = _by_op(_json(report))
    assert {op: ops[op]["status"] for op in ("correlate", "convolve", "max_pool", "avg_pool", "relu")} == {
        "correlate": "crashed", "convolve": "crashed", "max_pool": "crashed", "avg_pool": "crashed", "relu": "passed"}
    assert ops["correlate"]["detail"].startswith("crashed (signal 11, SIGSEGV) on correlate(x=(")
    assert ops["correlate"]["failure"]["case"]["inputs"]["x"]["shape"][1] >= 2  # the case that crashed it
    assert "about to read address 0" in ops["correlate"]["detail"]  # the target's own output
    assert "crashes.py\", line" in ops["correlate"]["detail"]  # faulthandler's stack names the target's line
    assert ops["convolve"]["detail"].startswith("crashed (signal 6, SIGABRT) on convolve(")
    assert "exited with status 0 before it reported" in ops["max_pool"]["detail"]
    assert ops["avg_pool"]["failure"]["reason"] == "the target called sys.exit(0) on a valid call"
    assert len(ops["avg_pool"]["failure"]["case"]["inputs"]["x"]["shape"]) == 4  # shrunk, still 2-D
    assert "target.correlate(x, weight" in ops["correlate"]["failure"]["reproduction"]
    assert "CRASHED: correlate" in out and "crashed (signal 11, SIGSEGV)" in out
    assert "1 passed, 0 failed, 4 crashed" in out
    errors = ET.parse(junit).getroot().findall(".//testcase/error")
    assert len(errors) == 4 and all(e.get("type") == "convspec.crashed" for e in errors)
    assert _json(report)["state"] == "complete" and _json(report)["exit_status"] == 1


def test_a_hanging_target_times_out_and_the_run_goes_on(tmp_path, capsys):
    report = tmp_path / "out.json"
    started = time.monotonic()
    code, out = _check(capsys, FAULTY / "hangs.py", "--examples", 20, "--timeout", 2, "--report", report)
    assert time.monotonic() - started < 60
    assert code == 1, out
    ops = _by_op(_json(report))
    assert ops["correlate"]["status"] == "timed out"
    assert ops["correlate"]["detail"].startswith("timed out after 2 s on correlate(x=(")
    assert len(ops["correlate"]["failure"]["case"]["inputs"]["x"]["shape"]) == 4  # the 2-D case it hung on
    assert ops["relu"]["status"] == "passed"
    assert "TIMED OUT: correlate" in out


@pytest.mark.parametrize("hole", [True, False], ids=["a hole punched", "emptied, the tail kept aside"])
def test_a_target_that_prints_without_end_costs_a_bounded_file(tmp_path, capsys, monkeypatch, hole):
    """A worker's output lives in memory (or a temporary file) until the parent reads its tail: the parent frees
    all but the tail past the cap, so a target that prints 16 MB (here; without end, in life) finds it never
    holding more than the cap and what it printed since the parent's last look, and the report still ends with
    its last line. (Where no hole can be punched, the file is emptied and its tail kept aside.)"""
    from convspec.conformance import isolation

    monkeypatch.setattr(isolation, "OUTPUT_CAP", 2**20)
    if not hole:
        monkeypatch.setattr(isolation, "_punch_hole", lambda descriptor, length: False)
    report = tmp_path / "out.json"
    code, out = _check(capsys, FAULTY / "chatty.py", "--ops", "relu,sigmoid", "--examples", 2, "--report", report)
    assert code == 1, out
    ops = _by_op(_json(report))
    assert ops["relu"]["status"] == "passed", ops["relu"]
    assert ops["sigmoid"]["status"] == "crashed"
    assert ops["sigmoid"]["detail"].startswith("crashed (signal 6, SIGABRT) on sigmoid(")
    assert "the last words before the abort" in ops["sigmoid"]["detail"]


def _running(pid: int) -> bool:
    """The process exists and is not a zombie (a killed orphan waits for init to reap it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc (Linux)")
def test_processes_a_target_starts_do_not_outlive_the_check(tmp_path, capsys):
    """Each worker leads a process group of its own; when its operation is over (done, timed out or crashed)
    the group is killed, so a helper the target started, or a child it forked, ends with the check instead of
    running on after it (they used to, 600 s here)."""
    pids = tmp_path / "pids"  # where the target writes the pids it started (beside itself: a fork server's
    pids.mkdir()  # workers, used once JAX or TensorFlow is loaded, load it by path and see no later environment)
    target = tmp_path / "spawns.py"
    target.write_text((FAULTY / "spawns.py").read_text())
    report = tmp_path / "out.json"
    code, out = _check(capsys, target, "--ops", "relu,sigmoid", "--examples", 2, "--timeout", 2, "--report", report)
    assert code == 1, out
    ops = _by_op(_json(report))
    assert ops["relu"]["status"] == "passed" and ops["sigmoid"]["status"] == "timed out", json.dumps([ops["relu"], ops["sigmoid"]], indent=1)[:3000]
    started = [int(p.name) for p in pids.iterdir()]
    assert len(started) == 2, started  # relu's helper, sigmoid's child
    deadline = time.monotonic() + 5
    while any(_running(pid) for pid in started) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in started if _running(pid)], "a process the target started outlived the check"


def test_a_target_that_ignores_sigchld_still_crashes_as_a_crash(tmp_path, capsys):
    """With SIGCHLD ignored the kernel reaped the workers itself, their exit statuses were lost, and a worker that
    aborted looked alive until its timeout: "timed out after 30 s" instead of "crashed (signal 6, SIGABRT)"."""
    report = tmp_path / "out.json"
    ours = signal.getsignal(signal.SIGCHLD)
    try:
        started = time.monotonic()
        code, out = _check(capsys, FAULTY / "ignores_sigchld.py", "--ops", "relu,convolve", "--examples", 3,
                           "--report", report)
        assert time.monotonic() - started < 20
        assert signal.getsignal(signal.SIGCHLD) is signal.SIG_IGN  # the target's setting, given back afterwards
    finally:
        signal.signal(signal.SIGCHLD, ours)
    assert code == 1, out
    ops = _by_op(_json(report))
    assert ops["relu"]["status"] == "passed"
    assert ops["convolve"]["detail"].startswith("crashed (signal 6, SIGABRT) on convolve(")


def test_a_target_that_changes_folder_cannot_redirect_the_report(tmp_path, capsys, monkeypatch):
    """The report paths were kept relative and written after the target was loaded: a target whose module changed
    the working folder had `--report out.json` written into its folder, over a file there nobody had checked.
    They are now made absolute when they are checked, before the target loads; and a report gets the mode a new
    file would (it was the temporary file's 0600)."""
    (tmp_path / "elsewhere").mkdir()
    precious = tmp_path / "elsewhere" / "out.json"
    precious.write_text("the target's own file\n")
    target = tmp_path / "changes_folder.py"
    target.write_text((FAULTY / "changes_folder.py").read_text())
    monkeypatch.chdir(tmp_path)
    code, out = _check(capsys, target, "--ops", "relu", "--examples", 2, "--report", "out.json")
    assert code == 0, out
    assert precious.read_text() == "the target's own file\n"
    assert _json(tmp_path / "out.json")["exit_status"] == 0
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "out.json").stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_target_may_start_processes_of_its_own(tmp_path, capsys):
    """The workers were daemonic: a right target using a multiprocessing Pool failed with "daemonic processes are
    not allowed to have children", a failure the checker made. They also ignored SIGTERM, and the Pool's processes
    inherited that: the Pool could not terminate them, and the check timed out."""
    report = tmp_path / "out.json"
    code, out = _check(capsys, FAULTY / "uses_a_pool.py", "--ops", "relu", "--examples", 10, "--report", report)
    assert code == 0, out
    assert _by_op(_json(report))["relu"]["status"] == "passed"


def test_processes_a_target_detaches_end_with_its_operation(tmp_path, capsys):
    """A process started in a session of its own, or daemonized (fork, setsid, fork), left the worker's process
    group, and the group kill did not reach it: it outlived the check. The worker now adopts such orphans (a
    child subreaper) and ends every process still descended from it when its operation ends."""
    code, out = _check(capsys, FAULTY / "detaches.py", "--ops", "relu,sigmoid", "--examples", 5)
    assert code == 0, out
    deadline = time.monotonic() + 10
    while (_workers_of("4321.25") or _workers_of("4321.5")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _workers_of("4321.25") == [] and _workers_of("4321.5") == []


def test_processes_a_killed_or_crashed_worker_detached_end_with_the_check(tmp_path, capsys):
    """A worker killed at its timeout, or one that crashed, cannot end what it started: a process in a session of
    its own outlived the check. The checker adopts what such a worker leaves (a child subreaper during the run)
    and ends it; and it no longer adopts anything once the run is over."""
    from convspec.conformance import linux

    adopting = linux.adopts_orphans()
    report = tmp_path / "out.json"
    code, out = _check(capsys, FAULTY / "detaches.py", "--ops", "softmax,flatten", "--examples", 5,
                       "--timeout", 3, "--report", report)
    assert code == 1, out
    ops = _by_op(_json(report))
    assert ops["softmax"]["status"] == "timed out" and ops["flatten"]["status"] == "crashed", out
    assert _workers_of("4321.75") == [] and _workers_of("4321.875") == []  # ended before the check returned
    assert linux.adopts_orphans() == adopting


def test_a_targets_numpy_settings_apply_to_its_own_code_only(tmp_path, capsys):
    """numpy's error handling and print options are process-wide. A target module's np.seterr(all="raise") made
    convspec's own computations raise on an underflow, an internal error (exit 3) before any operation ran; a
    formatter with two decimals wrote the reproducing program's arrays with two decimals, and the program no
    longer reproduced the failure. What the load leaves now applies to the target's code only: its sigmoid
    raises FloatingPointError, a failure of the target's, and the program writes every input in full."""
    import numpy as np

    ours = np.geterr(), np.get_printoptions()
    report = tmp_path / "out.json"
    code, out = _check(capsys, FAULTY / "numpy_raises.py", "--ops", "relu,sigmoid", "--examples", 20,
                       "--report", report)
    assert code == 1, out
    ops = _by_op(_json(report))
    assert ops["relu"]["status"] == "passed"
    assert ops["sigmoid"]["status"] == "failed"
    assert "FloatingPointError" in ops["sigmoid"]["failure"]["reason"]

    code, out = _check(capsys, FAULTY / "sets_printoptions.py", "--ops", "sigmoid", "--examples", 50,
                       "--report", report)
    assert code == 1, out
    assert (np.geterr(), np.get_printoptions()) == ours  # the caller's settings, untouched
    program = _by_op(_json(report))["sigmoid"]["failure"]["reproduction"]
    completed = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert "elements differ" in completed.stdout, program + completed.stdout


@pytest.mark.parametrize("faulty", ["flushes_subnormals.py", "flushes_in_a_call.py"])
def test_the_target_s_floating_point_environment_is_its_own(tmp_path, capsys, faulty):
    """A target that sets flush-to-zero, at import or inside a call, set it for the reference too, on the same
    thread: relu(1e-40) was 0 on both sides and the check passed (both targets, without the fix). The target's
    code now runs under the environment it last left, convspec's under its own; the caller's is untouched."""
    import numpy as np

    tiny = np.array([1e-40], dtype=np.float32)
    report = tmp_path / "out.json"
    code, out = _check(capsys, FAULTY / faulty, "--ops", "relu", "--examples", 30, "--report", report)
    assert code == 1, out
    relu = _by_op(_json(report))["relu"]
    assert relu["status"] == "failed", relu
    assert "expected 9.99994610111476e-41, got 0.0" in relu["failure"]["reason"]
    assert "does the target flush subnormals to zero" in relu["failure"]["reason"]  # the likely cause, said
    assert tiny[0] * np.float32(1) == tiny[0]  # this process does not flush


@pytest.mark.parametrize("faulty", ["lowers_recursion_limit.py", "lowers_recursion_limit_in_a_call.py"])
def test_a_target_that_lowers_the_recursion_limit_is_checked(tmp_path, capsys, faulty):
    """Python's recursion limit is the process's: a target that lowered it, at import or in a call, made convspec's
    own code raise RecursionError, an internal error (exit 3) blamed on convspec. The limit the checker had is
    given back after the load and after each of the target's calls; a raised one stays (tinygrad's 10,000)."""
    limit = sys.getrecursionlimit()
    report = tmp_path / "out.json"
    code, out = _check(capsys, FAULTY / faulty, "--ops", "relu", "--examples", 20, "--report", report)
    assert code == 0, out
    assert _by_op(_json(report))["relu"]["status"] == "passed"
    assert sys.getrecursionlimit() == limit


def test_a_target_that_lowers_resource_limits_is_checked(tmp_path):
    """A module that lowered the process's resource limits at import (24 open files, a file size of 0) lowered
    the checker's: its next pipe failed (an internal error, exit 3). The limits it lowered are raised back after
    the load; the report is written and the status is the check's."""
    report, junit = tmp_path / "out.json", tmp_path / "out.xml"
    completed = _console_check(tmp_path, FAULTY / "lowers_resource_limits.py", "--ops", "relu", "--examples", 50,
                               "--report", report, "--junit", junit)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert _by_op(_json(report))["relu"]["status"] == "passed"
    assert "<testsuite" in junit.read_text()


def test_a_target_that_replaces_modules_convspec_uses_is_checked(tmp_path):
    """A module that replaced entries of sys.modules (rich by None, email by a stand-in) made convspec's next
    import from them fail: an internal error (exit 3). What was imported before the load is put back after it."""
    report = tmp_path / "out.json"
    completed = _console_check(tmp_path, FAULTY / "replaces_modules.py", "--ops", "relu", "--examples", 20,
                               "--report", report)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert _by_op(_json(report))["relu"]["status"] == "passed"


def test_a_file_target_imports_the_modules_beside_it(tmp_path, capsys):
    """`python myconv.py` can import the modules beside it; `convspec check myconv.py` could not
    (ModuleNotFoundError, exit 2). The file's folder goes at the end of sys.path, where it cannot hide a module
    convspec imports later, and the reproducing program adds it too."""
    (tmp_path / "kernel").mkdir()
    (tmp_path / "kernel" / "myhelpers_for_convspec_test.py").write_text(
        "import numpy as np\n\ndef relu(x):\n    return np.maximum(x, np.asarray(1, x.dtype))  # wrong: 1, not 0\n")
    (tmp_path / "kernel" / "myrelu.py").write_text("from myhelpers_for_convspec_test import relu\n")
    report = tmp_path / "out.json"
    code, out = _check(capsys, tmp_path / "kernel" / "myrelu.py", "--ops", "relu", "--examples", 5, "--report", report)
    assert code == 1, out
    assert sys.path.index(str(tmp_path / "kernel")) > sys.path.index(os.path.dirname(os.__file__))
    program = _by_op(_json(report))["relu"]["failure"]["reproduction"]
    completed = subprocess.run([sys.executable, "-c", program], cwd=tmp_path, capture_output=True, text=True,
                               timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert "elements differ" in completed.stdout, program + completed.stdout


def test_an_exception_in_supports_is_an_error_of_that_operation(tmp_path, capsys):
    report = tmp_path / "out.json"
    code, out = _check(capsys, FAULTY / "bad_supports.py", "--examples", 20, "--report", report)
    assert code == 1, out
    ops = _by_op(_json(report))
    assert ops["correlate"]["status"] == "error" and ops["relu"]["status"] == "passed"
    assert ops["correlate"]["failure"]["reason"] == (
        "error in SUPPORTS['correlate']: NameError: name 'undefined_name' is not defined")
    assert "ERROR in user code beside correlate" in out


def _divergences(tmp_path, expression: str) -> Path:
    path = tmp_path / "divergences.yaml"
    path.write_text(textwrap.dedent(f"""\
        divergences:
          - op: correlate
            expression: {json.dumps(expression)}
            reason: our port adds one
    """))
    return path


def test_a_divergence_expression_sees_np_inside_a_generator_expression(tmp_path, capsys):
    """The names of an expression are globals of its evaluation, so comprehensions see them (they did not)."""
    path = _divergences(tmp_path, "all(np.ndim(v) >= 1 for v in inputs.values() if v is not None)")
    code, out = _check(capsys, FAULTY / "adds_one.py", "--examples", 10, "--expected-divergences", path)
    assert code == 0, out
    assert "1 expected divergence" in out


def test_an_exception_in_a_divergence_expression_is_an_error_with_its_case(tmp_path, capsys):
    report = tmp_path / "out.json"
    path = _divergences(tmp_path, "inputs['x'].shape[1] > limit")
    code, out = _check(capsys, FAULTY / "adds_one.py", "--examples", 10, "--expected-divergences", path,
                       "--report", report)
    assert code == 1, out
    (entry,) = _json(report)["operations"][:1]
    assert entry["status"] == "error"
    assert "error in the expected divergence of correlate" in entry["failure"]["reason"]
    assert "NameError: name 'limit' is not defined" in entry["failure"]["reason"]


def test_sys_exit_inside_the_operation_is_a_crash_even_in_process():
    def exits(x, weight, bias=None, **params):
        sys.exit(3)

    result = run_operation(catalog.get("correlate"), Target("exits", {"correlate": exits}, ""), examples=5)
    assert result.status == "crashed" and result.failed
    assert result.failure.reason == "the target called sys.exit(3) on a valid call"


# ----------------------------------------------------------------------------- usage errors: exit 2


@pytest.mark.parametrize("args, message", [
    ([FAULTY / "provides_nothing.py"], "defines none of correlate"),
    ([FAULTY / "crashes.py", "--ops", "sigmoid,softmax"], "defines none of sigmoid, softmax"),
    ([FAULTY / "fails_to_import.py"], "failed to import: RuntimeError: the kernel library is not built"),
    (["reference", "--ops", "no_such_op"], "unknown operation 'no_such_op'"),
    (["reference", "--examples", "-1"], "--examples must be positive, got -1"),
    (["reference", "--jobs", "0"], "--jobs must be a positive integer, got 0"),
    (["reference", "--timeout", "0"], "--timeout must be a positive number of seconds, got 0"),
])
def test_usage_errors_exit_2_and_check_nothing(capsys, args, message):
    code, out = _check(capsys, *args)
    assert code == 2, out
    assert message in " ".join(out.split()), out
    assert "Checking" not in out


def test_a_module_that_exits_while_imported_is_a_usage_error(tmp_path, capsys):
    module = tmp_path / "exits_on_import.py"
    module.write_text("import sys\nsys.exit(0)\n")
    code, out = _check(capsys, module)
    assert code == 2 and "failed to import: it called sys.exit(0)" in " ".join(out.split()), out


def test_report_paths_are_checked_before_the_run(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    mine = tmp_path / "mine.py"
    mine.write_text("print('my own code')\n")
    package = tmp_path / "package.json"
    package.write_text('{"name": "my-app"}\n')
    (tmp_path / "folder.json").mkdir()
    cases = [
        (["--report", "mine.py"], "must end in .json"),  # the report name forgotten: mine.py is not overwritten
        (["--report", "missing/out.json"], "the folder 'missing' does not exist"),
        (["--report", "folder.json"], "is a folder"),
        (["--report", "package.json"], "exists and is not a convspec report"),
        (["--junit", "out.json"], "must end in .xml"),
        (["--report", "same.json", "--junit", "same.json"], "must end in .xml"),
    ]
    for options, message in cases:
        code, out = _check(capsys, "reference", "--examples", 1, *options)
        assert code == 2 and message in " ".join(out.split()), (options, out)
        assert "Checking" not in out
    assert mine.read_text() == "print('my own code')\n" and package.read_text() == '{"name": "my-app"}\n'


def test_the_same_file_for_both_reports_is_refused(tmp_path):
    """The suffixes differ by kind, so two names reach one file only through a link."""
    from convspec.conformance.outputs import OutputError, check_output_paths

    path = tmp_path / "r.json"
    path.write_text("")
    (tmp_path / "r.xml").symlink_to(path)
    with pytest.raises(OutputError, match="name the same file"):
        check_output_paths({"--report": str(path), "--junit": str(tmp_path / "r.xml")})


def test_a_file_nested_too_deeply_is_not_taken_for_a_report(tmp_path, capsys):
    """Deciding whether an existing --report file is convspec's meant parsing it: lists nested deeper than the
    parser goes were an internal error (exit 3, RecursionError). It is a file convspec did not write: refused."""
    report = tmp_path / "out.json"
    report.write_text("[" * 100_000 + "]" * 100_000)
    code, out = _check(capsys, "reference", "--ops", "relu", "--examples", 2, "--report", report)
    assert code == 2, out
    assert "is not a convspec report" in out
    assert report.read_text().startswith("[[[")


def test_an_earlier_convspec_report_may_be_overwritten(tmp_path, capsys):
    report, junit = tmp_path / "out.json", tmp_path / "out.xml"
    for _ in range(2):
        code, out = _check(capsys, "reference", "--ops", "relu", "--examples", 3, "--report", report, "--junit", junit)
        assert code == 0, out
    assert _json(report)["format"] == "convspec-check-report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json", "out.xml"]  # no temporary file left behind


def test_help_documents_the_exit_statuses(capsys):
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for code, meaning in EXIT_STATUSES.items():
        assert f"{code} {' '.join(meaning.split())}" in out


@pytest.mark.parametrize("target, status, summary", [
    ("never_ending_thread.py", 0, "1 passed, 0 failed"),  # the interpreter's exit waited for the thread forever
    ("exits_at_exit.py", 1, "0 passed, 1 failed"),  # the target's exit handler made a failed check exit 0
])
def test_the_exit_and_its_status_are_convspecs_whatever_the_target_left(tmp_path, target, status, summary):
    """The console script ends the process itself once a target is loaded (convspec.conformance.console)."""
    report = tmp_path / "out.json"
    completed = _console_check(tmp_path, FAULTY / target, "--ops", "relu", "--examples", 3, "--report", report)
    assert completed.returncode == status, completed.stdout + completed.stderr
    assert summary in completed.stdout
    assert _json(report)["exit_status"] == status


def test_exceptions_that_are_not_exceptions_are_the_targets_fault(tmp_path, capsys):
    """KeyboardInterrupt, asyncio.CancelledError and GeneratorExit raised by a target's function, VJP or SUPPORTS
    predicate escaped `except Exception` and were convspec's internal error (exit 3, "please report it"). In a
    worker, which ignores SIGINT, they can only be the target's: a crash of that operation, with its case."""
    report = tmp_path / "out.json"
    code, out = _check(capsys, FAULTY / "raises_base_exceptions.py", "--ops", "relu,sigmoid,softmax,flatten,gram_matrix",
                       "--examples", 5, "--report", report)
    assert code == 1, out
    ops = _by_op(_json(report))
    assert {op: entry["status"] for op, entry in ops.items()} == {
        "relu": "crashed", "sigmoid": "crashed", "softmax": "crashed", "flatten": "error", "gram_matrix": "passed"}
    assert ops["relu"]["failure"]["reason"] == (
        "the target raised KeyboardInterrupt (a BaseException, not an Exception) on a valid call")
    assert ops["sigmoid"]["failure"]["reason"] == ("the target raised asyncio.exceptions.CancelledError: the target's "
                                                   "own task was cancelled (a BaseException, not an Exception) on a valid call")
    assert "GeneratorExit" in ops["softmax"]["failure"]["reason"]
    assert ops["flatten"]["failure"]["reason"] == "error in SUPPORTS['flatten']: KeyboardInterrupt"
    assert "INTERNAL" not in out

    code, out = _check(capsys, FAULTY / "raises_base_exceptions.py", "--ops", "gram_matrix", "--grad", "--examples", 5,
                       "--report", report)
    assert code == 1, out
    assert _by_op(_json(report)["grad"])["gram_matrix"]["failure"]["reason"] == (
        "the target's VJP raised KeyboardInterrupt (a BaseException, not an Exception) on a valid call")


def test_a_keyboard_interrupt_where_sigint_can_reach_is_the_users():
    """In-process (no worker), where Python turns SIGINT into KeyboardInterrupt, a KeyboardInterrupt inside the
    target's call may be the user's Ctrl-C: it stops the check instead of becoming a result."""
    def relu(x):
        raise KeyboardInterrupt

    target = Target("interrupted", {"relu": relu}, "")
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # Python's own, whatever pytest's worker has
    try:
        with pytest.raises(KeyboardInterrupt):
            run_operation(catalog.get("relu"), target, examples=2)
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize("target, status, summary", [
    ("silences_output.py", 1, "0 passed, 1 failed"),  # replaced sys.stdout and sys.stderr: the table went with them
    ("closes_output.py", 0, "1 passed, 0 failed"),  # dup2 onto descriptors 1 and 2, sys.stdout closed: exit 3
    ("changes_umask.py", 0, "1 passed, 0 failed"),  # umask 0o777: a report of mode 000
    ("arms_alarm.py", 0, "1 passed, 0 failed"),  # signal.alarm(2): SIGALRM ended the check (exit 142)
])
def test_what_a_target_does_to_the_process_cannot_take_the_report(tmp_path, target, status, summary):
    """convspec's own output and umask are held from before the target loads (convspec.conformance.command_state),
    and an alarm the load armed is stopped (convspec.conformance.targets.load_target)."""
    report = tmp_path / "out.json"
    completed = _console_check(tmp_path, FAULTY / target, "--ops", "relu", "--examples", 60, "--report", report)
    assert completed.returncode == status, completed.stdout + completed.stderr
    assert summary in completed.stdout
    assert f"JSON report: {report}" in completed.stdout
    assert _json(report)["exit_status"] == status
    umask = os.umask(0)
    os.umask(umask)
    assert report.stat().st_mode & 0o777 == 0o666 & ~umask  # the user's umask, not the target's
    if target == "silences_output.py":
        assert completed.stdout.startswith("a banner nobody should have to read\n")  # printed before it silenced
        assert "FAILED: relu" in completed.stdout


@pytest.mark.parametrize("target, status, how", [
    ("exits_from_a_thread.py", 1, "ended with status 0"),  # was exit status 0, no table: a green exit
    ("kills_its_process.py", 128 + signal.SIGKILL, "was killed by SIGKILL"),
])
def test_a_target_that_ends_the_checkers_process_is_never_green(tmp_path, target, status, how):
    """A thread the target's module started runs in the checker's process and may end it; the console script's
    first process, which loads nothing, then says so and exits non-zero (convspec.conformance.console)."""
    report, junit = tmp_path / "out.json", tmp_path / "out.xml"
    completed = _console_check(tmp_path, FAULTY / target, "--ops", "relu,sigmoid", "--examples", 100, "--report", report,
                               "--junit", junit)
    assert completed.returncode == status, completed.stdout + completed.stderr
    assert f"convspec check: its process {how} before it decided the result" in completed.stderr
    # a whole report of what had finished (sigmoid: not provided), naming what had not (relu), which it left out
    data = _json(report)
    assert data["state"] == "running" and data["exit_status"] is None
    ops = _by_op(data)
    assert ops["sigmoid"]["status"] == "not provided"
    assert ops["relu"]["status"] == "unfinished" and "its process ended before this operation" in ops["relu"]["detail"]
    assert data["summary"]["unfinished"] == 1
    suite = ET.parse(junit).getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("errors"), suite.get("skipped")) == ("2", "1", "1")
    assert suite.find("testcase[@name='relu']/error").get("type") == "convspec.unfinished"
    time.sleep(0.5)
    assert _workers_of(str(FAULTY / target)) == []


@pytest.mark.parametrize("target, status", [
    ("reference", 0),
    (str(FAULTY / "adds_one.py"), 1),
    (str(FAULTY / "defaults_sigpipe.py"), 0),  # died of SIGPIPE, exit 141
])
def test_a_reader_that_goes_away_changes_nothing_but_the_output(tmp_path, target, status):
    """`convspec check | head -1`: the pipe broke at the next line, and rich ended the command with exit status 1
    (the target at fault) whatever the check found. The check now goes on, writes its report and exits with its
    own status; what the reader did not take is dropped."""
    report = tmp_path / "out.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "convspec.conformance", "check", target, "--ops", "correlate,relu,sigmoid", "--examples", "5",
         "--report", str(report)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline().startswith(b"Checking ")
    process.stdout.close()  # the reader goes away
    errors = process.stderr.read().decode()
    assert process.wait(timeout=120) == status, errors
    assert errors == ""
    data = _json(report)
    assert data["state"] == "complete" and data["exit_status"] == status


def test_a_target_that_never_finishes_importing_stops_the_check_at_the_load_timeout(tmp_path):
    """A module whose import waits for what never comes hung `convspec check` for ever, with nothing printed."""
    report = tmp_path / "out.json"
    started = time.monotonic()
    completed = _console_check(tmp_path, FAULTY / "hangs_at_import.py", "--load-timeout", 2, "--report", report)
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert time.monotonic() - started < 60
    assert "did not finish loading (importing its module) within 2 s; nothing was checked" in completed.stderr
    assert not report.exists()  # nothing was checked, as with every usage error
    time.sleep(0.5)
    assert _workers_of(str(FAULTY / "hangs_at_import.py")) == []  # the draws-ahead helper went with it


# ----------------------------------------------------------------------------- interruption: nothing lost


def _start(tmp_path, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "convspec.conformance.cli", "check", *map(str, args)],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait_for(report: Path, op: str, deadline: float = 120) -> None:
    """Until the report written during the run shows ``op`` finished (listed, and not as "unfinished")."""
    started = time.monotonic()
    while time.monotonic() - started < deadline:
        try:
            if _by_op(_json(report)).get(op, {}).get("status") not in (None, "unfinished"):
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{op} never appeared in {report}")


def _workers_of(path: str) -> list[int]:
    """Processes whose command line still names ``path`` (the checker's forked workers share it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if path in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.mark.parametrize("faulty", ["hangs.py", "blocks_signals.py"])  # the second blocked both signals at import
@pytest.mark.parametrize("number, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupt_stops_cleanly_and_writes_what_ran(tmp_path, number, code, faulty):
    report, junit = tmp_path / "out.json", tmp_path / "out.xml"
    target = tmp_path / "hangs_here.py"
    target.write_text((FAULTY / faulty).read_text())
    process = _start(tmp_path, target, "--examples", 10, "--timeout", 600, "--jobs", 2, "--report", report,
                     "--junit", junit)
    _wait_for(report, "relu")
    process.send_signal(number)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == code, out
    data = _json(report)
    assert data["state"] == f"interrupted ({signal.Signals(number).name})" and data["exit_status"] == code
    ops = _by_op(data)
    assert ops["relu"]["status"] == "passed" and ops["correlate"]["status"] == "interrupted"
    assert ET.parse(junit).getroot().find(".//testcase[@name='correlate']/skipped") is not None
    time.sleep(0.5)
    assert _workers_of(str(target)) == []


def test_a_killed_run_leaves_the_report_of_what_finished(tmp_path, monkeypatch):
    report = tmp_path / "out.json"
    target = tmp_path / "hangs_killed.py"
    target.write_text((FAULTY / "hangs.py").read_text())
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))  # the run's own temporary files, if it made any
    process = _start(tmp_path, target, "--examples", 10, "--timeout", 600, "--jobs", 2, "--report", report)
    _wait_for(report, "relu")
    process.kill()
    process.communicate(timeout=60)
    data = _json(report)  # whole and valid: every version was written to a temporary file and renamed
    assert data["state"] == "running" and _by_op(data)["relu"]["status"] == "passed"
    deadline = time.monotonic() + 10
    while _workers_of(str(target)) and time.monotonic() < deadline:  # the workers die with their parent
        time.sleep(0.2)
    assert _workers_of(str(target)) == []
    # no temporary report file left, and no .hypothesis cache in the user's folder either
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hangs_killed.py", "out.json", "tmp"]
    if sys.platform.startswith("linux"):  # the workers' output was in memory, the draws ahead too: nothing on disk
        assert list(temporary.iterdir()) == []


def test_the_default_check_runs_every_operation_in_workers(capsys):
    """The isolated runner gives the same verdicts as before on a correct target (a few operations, quickly)."""
    code, out = _check(capsys, "reference", "--ops", "correlate,max_pool,relu", "--examples", 5, "--jobs", 2)
    assert code == 0 and "3 passed, 0 failed" in out, out



def test_what_the_target_raises_is_reported_in_bounded_words(tmp_path, capsys):
    """An exception whose message is 50 MB made the table's panel take minutes to lay out (the check hung at its
    end); one whose __str__ raises, a sys.exit code whose __repr__ raises, a 5 MB refusal reason: each is now a
    result whose text is cut to convspec.conformance.target_text.LIMIT characters, and the check ends at once."""
    import doctest

    from convspec.conformance import target_text

    assert doctest.testmod(target_text).failed == 0
    report = tmp_path / "out.json"
    started = time.monotonic()
    code, out = _check(capsys, FAULTY / "raises_oddly.py", "--ops", "relu,sigmoid,softmax,flatten", "--examples", 5,
                       "--report", report)
    assert code == 1, out
    assert time.monotonic() - started < 60
    assert report.stat().st_size < 200_000
    ops = _by_op(_json(report))
    assert "raises_oddly.Mute: <exception str() failed>" in ops["relu"]["failure"]["reason"]
    sigmoid = ops["sigmoid"]["failure"]["reason"]
    assert "ValueError: 0.5 0.5" in sigmoid and "characters left out" in sigmoid and len(sigmoid) < 2 * target_text.LIMIT
    assert ops["softmax"]["status"] == "unsupported", ops["softmax"]
    assert "whose repr() raised" in ops["flatten"]["failure"]["reason"]
    versions = _json(report)["versions"]
    assert "characters left out" in versions["kernels"] and versions["build"] == "<a Mute whose str() raised>"
    assert len(out) < 100_000


def test_a_copy_the_targets_module_forks_at_import_runs_no_second_check(tmp_path):
    """A module that forked while imported and let the copy fall through ran two checks at once: the copy's
    ended in an internal error and told the first process a second status, and a check that passed exited 1."""
    report = tmp_path / "out.json"
    completed = _console_check(tmp_path, FAULTY / "forks_at_import.py", "--ops", "relu", "--examples", 20,
                               "--report", report)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.count("Checking ") == 1 and "1 passed, 0 failed" in completed.stdout
    assert "its module forked the process importing it, and the copy" in completed.stderr
    assert "internal error" not in completed.stdout + completed.stderr
    assert _json(report)["state"] == "complete"


def test_a_worker_is_the_out_of_memory_killers_first_choice(tmp_path, capsys):
    """A target that allocates without end must cost its own operation, not the checker or the user's programs:
    each worker raises its oom_score_adj to 1000, and a worker ended by SIGKILL is reported with that cause."""
    (tmp_path / "greedy.py").write_text(textwrap.dedent("""\
        import os, signal
        from convspec import reference

        def relu(x):  # right only where the worker is the OOM killer's first choice
            with open("/proc/self/oom_score_adj") as setting:
                return reference.relu(x) + (int(setting.read()) != 1000)

        def sigmoid(x):  # what the OOM killer does to it
            os.kill(os.getpid(), signal.SIGKILL)
    """))
    report = tmp_path / "out.json"
    code, out = _check(capsys, tmp_path / "greedy.py", "--ops", "relu,sigmoid", "--examples", 5, "--report", report)
    ops = _by_op(_json(report))
    assert ops["relu"]["status"] == "passed", out
    assert ops["sigmoid"]["status"] == "crashed" and "out-of-memory killer" in ops["sigmoid"]["detail"], out


def test_a_target_may_not_replace_the_oracles_numpy(tmp_path, capsys):
    """The reference computes with numpy in the target's own process: a module that replaced np.maximum when
    imported made convspec's case drawing fail (an internal error, exit 3); one that replaces a numpy function
    while it runs would make the reference compute with it. The first is refused (exit 2, numpy given back),
    the second makes that operation an error; the other operations are checked as usual."""
    import numpy as np

    maximum = np.maximum
    completed = _console_check(tmp_path, FAULTY / "replaces_numpy.py", "--ops", "relu", "--examples", 5)
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert "the target replaced numpy.maximum when imported" in " ".join(completed.stdout.split())
    (tmp_path / "replaces_late.py").write_text(textwrap.dedent("""\
        import numpy as np
        from convspec import reference

        def relu(x):
            np.exp = np.expm1  # on its first call; its own answer is right
            return reference.relu(x)

        sigmoid = reference.sigmoid
    """))
    report = tmp_path / "out.json"
    code, out = _check(capsys, tmp_path / "replaces_late.py", "--ops", "relu,sigmoid", "--examples", 5,
                       "--report", report)
    assert code == 1, out
    ops = _by_op(_json(report))
    assert ops["relu"]["status"] == "error" and "replaced numpy.exp while it ran" in ops["relu"]["detail"]
    assert ops["sigmoid"]["status"] == "passed"
    assert np.maximum is maximum and isinstance(np.exp, np.ufunc)  # this process untouched (the worker's was)


def test_a_package_folder_loads_in_fork_server_workers_wherever_its_module_moves(tmp_path):
    """A target that imports JAX runs in workers that a fork server starts, which load the target again by what
    the command was given: `./kernels`, relative, after the module had moved to another folder at import, failed
    in every worker ("a relative import"); it is now made absolute before the load, as a .py file's path was."""
    pytest.importorskip("jax")
    (tmp_path / "kernels").mkdir()
    (tmp_path / "kernels" / "__init__.py").write_text(
        "import os\nimport jax  # noqa: F401 (its threads: the workers come from a fork server)\n"
        "from convspec.reference import relu\nos.chdir(os.path.dirname(os.path.dirname(__file__)) + '/..')\n")
    completed = _console_check(tmp_path, "./kernels", "--ops", "relu", "--examples", 3)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "1 passed, 0 failed" in completed.stdout


def test_a_fork_server_worker_shares_its_files_in_memory(tmp_path):
    """The workers a fork server starts (JAX, TensorFlow) wrote their output and announced their cases in two
    files in the temporary folder: a checker killed outright (SIGKILL, the OOM killer) left them there (next
    test). They are now files in memory, handed to the worker with its arguments: a crash is still reported with
    its case and the worker's last words, and nothing is written to the temporary folder."""
    pytest.importorskip("jax")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    target = tmp_path / "chatty_with_jax.py"
    target.write_text(textwrap.dedent("""
        import os
        import jax  # noqa: F401 (its threads: the workers come from a fork server)
        from convspec import reference

        def relu(x):
            print("relu's words", flush=True)
            return reference.relu(x)

        def sigmoid(x):
            print("the last words before the abort", flush=True)
            os.abort()
    """))
    completed = subprocess.run(
        [sys.executable, "-m", "convspec.conformance", "check", str(target), "--ops", "relu,sigmoid", "--examples",
         "2", "--report", str(tmp_path / "out.json")],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, env={**os.environ, "TMPDIR": str(scratch)})
    assert completed.returncode == 1, completed.stdout + completed.stderr
    ops = _by_op(_json(tmp_path / "out.json"))
    assert ops["relu"]["status"] == "passed", ops["relu"]
    assert ops["sigmoid"]["detail"].startswith("crashed (signal 6, SIGABRT) on sigmoid("), ops["sigmoid"]
    assert "the last words before the abort" in ops["sigmoid"]["detail"]
    assert list(scratch.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "memfd_create"), reason="files in memory: Linux")
def test_a_checker_killed_outright_leaves_no_worker_file_behind(tmp_path):
    """The temporary folder is a short one of the test's own, removed at the end: multiprocessing's own folder
    for the fork server's socket, which nothing can remove after a SIGKILL, goes there (under pytest-xdist
    ``tmp_path`` is too long for a socket's address, and it went to /tmp, one more at every run)."""
    pytest.importorskip("jax")
    scratch = Path(tempfile.mkdtemp(prefix="convspec-test-"))
    try:
        _killed_outright_leaves_nothing(tmp_path, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _killed_outright_leaves_nothing(tmp_path, scratch):
    started = tmp_path / "started"
    target = tmp_path / "hangs_with_jax.py"
    target.write_text("import time\nimport jax  # noqa: F401 (the workers come from a fork server)\n\n\n"
                      f"def relu(x):\n    open({str(started)!r}, 'w').close()\n    time.sleep(600)\n")
    checker = subprocess.Popen(
        [sys.executable, "-m", "convspec.conformance", "check", str(target), "--ops", "relu", "--timeout", "600"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        env={**os.environ, "TMPDIR": str(scratch)})
    try:
        deadline = time.monotonic() + 60
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert started.exists(), "the worker never called relu"
    finally:
        os.killpg(checker.pid, signal.SIGKILL)
        checker.wait()
    left = [p.name for p in scratch.iterdir() if p.name.startswith("convspec-")]
    assert left == []


def test_a_target_that_replaces_the_exception_hooks_is_checked(tmp_path):
    """``threading.excepthook = None`` at import made the progress display's thread fail (exit 3); hooks that
    end the process with status 0 could end the checker. The checker's hooks are set back after the load."""
    report = tmp_path / "out.json"
    completed = _console_check(tmp_path, FAULTY / "replaces_exception_hooks.py", "--ops", "relu,sigmoid",
                               "--examples", 20, "--report", report)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    ops = _by_op(_json(report))
    assert ops["relu"]["status"] == "passed"
    assert ops["sigmoid"]["status"] == "failed", ops["sigmoid"]


def test_a_target_that_closes_the_checkers_descriptors_is_refused_with_the_reason(tmp_path):
    """``os.closerange(3, ...)`` at import closed the checker's copy of its output, the pipes to its helper and the
    pipe to the first process: an internal error (exit 3). Now a usage error (exit 2) that says why."""
    report = tmp_path / "out.json"
    completed = _console_check(tmp_path, FAULTY / "closes_descriptors.py", "--ops", "relu", "--examples", 5,
                               "--report", report)
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert "its module closed" in completed.stdout and "os.closerange?" in completed.stdout, completed.stdout
    assert "Traceback" not in completed.stdout + completed.stderr
    # the status was told to the first process (through shared memory: the module closed the pipe it used to be)
    assert "before it decided the result" not in completed.stderr, completed.stderr
    assert not report.exists()  # a usage error: nothing was checked
