"""Run each operation's check in a worker process, so that the code under test cannot take the run with it.

``convspec check`` points the oracle at code nobody has verified yet. That code may crash (a
segfault in a native kernel, an ``abort``), end its process (``sys.exit``, ``os._exit``), hang, or
raise from odd places. :func:`run_isolated` runs each operation's search (forward, and backward
with ``--grad``) in a forked worker, up to ``jobs`` at once, and turns every such fault into the
result of that operation — the other operations still run:

* **crashed**: the worker died from a signal (``crashed (signal 11, SIGSEGV)``), exited on its own
  (``os._exit``), or the target called ``sys.exit`` (then the case is shrunk, as for a failure);
* **timed out**: one example ran longer than ``timeout`` seconds; the worker is killed;
* **error**: user code beside the operation raised (a ``SUPPORTS`` predicate, an ``expression:`` of
  an expected-divergences file), reported with the case it met;
* **internal error**: convspec itself failed (please report it).

Every fault names the case that caused it — the worker announces each case before it calls any
user code — so the report prints the same reproduction snippet as for a failure. The worker's
standard output and error go to a file (in memory where Linux allows, else a temporary file);
:mod:`faulthandler` writes the Python stack of a fatal signal there, and the tail of that file is kept
in the result's ``detail``. Past :data:`OUTPUT_CAP` (16 MiB) all but its last lines are freed, so a target
that prints without end costs neither the machine's memory nor its disk. Each worker leads a
process group of its own, killed when its operation is over: a helper process the target started, or
a child it forked, ends with the check instead of outliving it. A process the target detached (a session of its
own) is ended by the worker as it ends (:func:`.process_tree.end_descendants`), or, where the worker was killed or crashed, by
the checker, which adopts it (:class:`.process_tree.Strays`).

SIGINT (Ctrl-C) and SIGTERM stop the run cleanly: the workers are killed, the operations not
finished are reported as "interrupted", and ``on_result`` has already seen every finished one (the
command line writes its reports after each operation, atomically, so not even SIGKILL loses them).

A worker is a ``fork`` of the checker: the target and the catalog are inherited, not re-imported,
and it runs torch single-threaded (the workers are the parallelism). Forking a process that has
started JAX's or TensorFlow's threads deadlocks, so when either is loaded and the target can be
loaded again by name (``source``: what ``convspec check`` was given), the workers start from a
clean fork server instead and load the target themselves (a second or two per operation). Where
``fork`` does not exist (Windows) the operations run in this process, unprotected.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Callable, Iterable

from .case import Case, TargetCrash
from .catalog import Operation
from .process_tree import Strays, children_reported, kill_group
from .regions import region_cases
from .results import OperationResult, Report
from .schedule import longest_first
from .targets import Target, is_path
from .worker import Beacon, Plan, run_worker, scratch, search_operation

#: seconds one example may run (the call, the reference, the comparison) before its worker is killed
DEFAULT_TIMEOUT = 30.0
#: seconds between the parent's looks at its workers' progress (the bar's updates; results wake it at once)
PROGRESS_INTERVAL = 0.1
#: how much of a faulting worker's output the report keeps: lines, and characters at most
OUTPUT_LINES = 12
OUTPUT_TAIL = 2000
#: bytes a worker's output file may hold (in memory, or in a temporary file) before the parent frees all but its
#: last lines (:func:`_bound_output`): a target that prints without end (a debug print in a loop) must not fill
#: the machine's memory or disk while its timeout runs; the report only ever keeps the last lines
OUTPUT_CAP = 16 * 2**20


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def can_isolate() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


@dataclass
class _Task:
    """One operation's search (``grad``: its backward pass) and, while it runs, its worker."""

    index: int
    operation: Operation
    grad: bool
    process: multiprocessing.Process | None = None
    connection: object = None
    output: object = None  # the worker's stdout/stderr file (opened by the parent, read after a fault)
    earlier_output: bytes = b""  # the tail of that file when it was last emptied (where no hole can be punched)
    beacon: "Beacon | None" = None  # where the worker announces each case (read by the parent)
    started: float = 0.0
    last_beat: float = 0.0  # when the current example began
    case: Case | None = None  # the example now running (the last one announced; read from the beacon after a fault)
    tick: Callable[[], None] | None = None  # the progress bar's callback
    examples: int = 0  # supported examples the worker reported as begun
    result: OperationResult | None = None
    messages: list = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.operation.name} (grad)" if self.grad else self.operation.name


def run_isolated(
    target: Target,
    operations: Iterable[Operation],
    *,
    examples: int = 100,
    random_seed: int = 0,
    derandomize: bool = False,
    divergences: Iterable = (),
    known_divergences: bool = True,
    grad: bool = False,
    profile: str | None = None,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Callable[[str, int], Callable[[], None]] | None = None,
    on_result: Callable[[Report], None] | None = None,
    source: tuple[str, str | None] | None = None,
    max_failures: int = 1,
    ahead=None,
) -> Report:
    """Check ``operations`` against ``target`` as :func:`.runner.run_check` does, each in a worker process.

    ``jobs`` workers run at once (default: the cores available). ``timeout`` bounds each example, in
    seconds. ``on_result(report)`` is called each time an operation's result comes in, with the report
    so far (``report.state == "running"``) and once more at the end. The report's ``state`` ends as
    ``"complete"`` or ``"interrupted (SIGINT)"``/``"interrupted (SIGTERM)"``. ``source`` is the
    ``(target, device)`` that :func:`.targets.load_target` loads ``target`` from, for workers that must
    load it themselves (see the module's note on JAX and TensorFlow). ``ahead``: an :class:`.ahead.Helper`
    drawing the operations' cases ahead (started before the target was loaded); it is stopped when the
    first worker starts, and the workers take what it drew.
    """
    from .gradients import GRADIENT_OP_NAMES

    operations = list(operations)
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise ValueError(f"jobs must be a positive integer, got {jobs}")
    if not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout}")
    report = Report(
        target.name, seed=random_seed, examples=examples, profile=profile, derandomize=derandomize,
        versions=dict(target.versions), device=target.device, grad_results=[] if grad else None, state="running",
        jobs=jobs, timeout=timeout,
    )
    tasks = [_Task(i, op, False) for i, op in enumerate(operations)]
    if grad:
        tasks += [_Task(len(operations) + i, op, True) for i, op in enumerate(operations)]
    if source is not None and is_path(source[0]):  # a fork server's workers may start in another folder
        source = (os.path.abspath(source[0]), source[1])
    plan = Plan(dict(examples=examples, random_seed=random_seed, derandomize=derandomize, max_failures=max_failures),
                list(divergences), known_divergences, source, ahead.store if ahead is not None else None)

    # what needs no worker: an operation the target lacks is "not provided", a backward it lacks "no backward"
    for task in tasks:
        if task.grad and task.operation.name not in GRADIENT_OP_NAMES:
            task.result = OperationResult(task.operation.name, "not differentiable")
        elif task.grad and not target.provides_vjp(task.operation.name):
            task.result = OperationResult(task.operation.name, "no backward")
        elif not task.grad and not target.provides(task.operation.name):
            task.result = OperationResult(task.operation.name, "not provided",
                                          detail=target.not_functions.get(task.operation.name, ""))
    # the longest first, so that short ones fill the cores at the end (:mod:`.schedule`); results keep the catalog's order
    waiting = longest_first([t for t in tasks if t.result is None], lambda t: t.operation.name)
    _publish(report, tasks, on_result)

    if not can_isolate():  # no fork: run here, unprotected
        for task in waiting:
            task.result = search_operation(plan, task.operation.name, task.grad, target,
                                           progress(task.label, examples + len(region_cases(task.operation.name))) if progress else None)
            _publish(report, tasks, on_result)
        report.state = "complete"
        report.jobs = 1
        report.timeout = None
        _publish(report, tasks, on_result)
        return report

    stop = _Interrupt()
    running: list[_Task] = []
    strays = Strays(lambda: {t.process.pid for t in tasks if t.process is not None})
    try:
        with stop.catching(), children_reported(), strays.adopted():
            while (waiting or running) and not stop.signal:
                while waiting and len(running) < jobs:
                    if ahead is not None:  # the workers take the cores now; they draw what it did not
                        ahead.stop_drawing()
                    task = waiting.pop(0)
                    _start(task, target, plan, progress, examples)
                    running.append(task)
                _wait_for_news(running, timeout)
                for task in list(running):
                    if _collect(task, timeout):
                        running.remove(task)
                        strays.end()  # what a killed or crashed worker left behind, now re-parented here
                        _publish(report, tasks, on_result)
            if stop.signal:
                for task in running + waiting:
                    _kill(task)
                    task.result = OperationResult(
                        task.operation.name, "interrupted",
                        detail=f"{stop.signal} arrived {'while this operation ran' if task in running else 'before it began'}",
                    )
                report.state = f"interrupted ({stop.signal})"
            else:
                report.state = "complete"
    except BaseException:  # convspec's own error: no worker outlives the run (they are not daemons, see _start)
        for task in tasks:
            _kill(task)
        strays.end()
        raise
    for task in tasks:
        _reap(task)
    strays.end()
    _publish(report, tasks, on_result)
    return report


def _publish(report: Report, tasks: list[_Task], on_result) -> None:
    """Put the finished results into the report, in the operations' order, and tell ``on_result``."""
    report.results = [t.result for t in tasks if not t.grad and t.result is not None]
    if report.grad_results is not None:
        report.grad_results = [t.result for t in tasks if t.grad and t.result is not None]
    if on_result is not None:
        on_result(report)


# --------------------------------------------------------------------------- the parent's side


def _start(task: _Task, target: Target, plan: Plan, progress, examples: int) -> None:
    receive, send = multiprocessing.Pipe(duplex=False)
    task.tick = progress(task.label, examples + len(region_cases(task.operation.name))) if progress else None
    task.output, output = scratch("convspec-worker-", ".log")
    if plan.source is not None and not fork_safe():
        context = _fork_server(target.preload)
        task.beacon = Beacon(context)
        arguments = (send, plan, task.operation.name, task.grad, output, task.beacon, None)
    else:
        context = multiprocessing.get_context("fork")
        task.beacon = Beacon(context)
        arguments = (send, plan, task.operation.name, task.grad, output, task.beacon, target)
    # not a daemon: multiprocessing forbids a daemon to start processes, and a target may use a Pool; run_isolated
    # kills every worker when it ends, whatever ends it
    task.process = context.Process(target=run_worker, args=arguments, daemon=False)
    task.started = task.last_beat = time.monotonic()
    task.process.start()
    try:
        os.setpgid(task.process.pid, task.process.pid)  # a fork server's worker is not our child: it does it itself
    except (AttributeError, OSError):
        pass
    send.close()  # the parent keeps only the reading end, so a dead worker reads as end of file
    task.connection = receive


#: modules whose threads make a forked child deadlock
FORK_UNSAFE = ("jax", "jaxlib", "tensorflow")


def fork_safe() -> bool:
    return not any(name in sys.modules for name in FORK_UNSAFE)


def _fork_server(preload: tuple[str, ...] = ()):
    """The ``forkserver`` context: a fresh process that never ran JAX or TensorFlow forks the workers.

    ``preload``: the target's modules that the server imports once before its first fork (``Target.preload``:
    imports that start no thread, such as ``jax`` before its backend is used), so that no worker imports
    them again. The list takes effect when the server starts, the first time a check uses it."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["numpy", "hypothesis", "convspec.conformance.worker", *preload])
    _socket_folder_that_fits()
    return context


#: the longest socket address (``sun_path``, less its closing NUL): Linux 108 bytes, macOS and the BSDs 104
_SOCKET_PATH_MAX = 107 if sys.platform.startswith("linux") else 103
#: what multiprocessing adds to the temporary folder for the fork server's socket: ``/pymp-XXXXXXXX/listener-XXXXXXXX``
_SOCKET_NAME_LENGTH = len("/pymp-12345678/listener-12345678")


def _socket_folder_that_fits() -> None:
    """Have multiprocessing make its folder (``pymp-*``, where the fork server's socket goes) where a socket's
    address fits, as Python 3.13 does itself.

    Python 3.11 makes it in the temporary folder whatever its length: with ``TMPDIR`` longer than 75 characters
    the fork server could not start ("AF_UNIX path too long") and a JAX or TensorFlow check ended in an internal
    error. Then the folder is made in the first of ``/tmp``, ``/var/tmp``, ``/usr/tmp`` that is writable (removed at
    the end, as always: :mod:`.console`); otherwise nothing changes."""
    from multiprocessing import process, util

    if process.current_process()._config.get("tempdir") is not None:  # made already: the server may be running
        return
    if len(tempfile.gettempdir()) + _SOCKET_NAME_LENGTH <= _SOCKET_PATH_MAX:
        return
    for base in ("/tmp", "/var/tmp", "/usr/tmp"):
        if os.path.isdir(base) and os.access(base, os.W_OK | os.X_OK):
            saved, tempfile.tempdir = tempfile.tempdir, base
            try:
                util.get_temp_dir()
            finally:
                tempfile.tempdir = saved
            return


def _wait_for_news(running: list[_Task], timeout: float) -> None:
    """Sleep until a worker sends its result, exits, or the nearest deadline or the next progress update
    (:data:`PROGRESS_INTERVAL`) is due."""
    if not running:
        return
    now = time.monotonic()
    for task in running:
        task.last_beat = max(task.last_beat, task.beacon.began())
    nearest = min(t.last_beat + timeout for t in running) - now
    objects = [t.connection for t in running] + [t.process.sentinel for t in running]
    wait(objects, timeout=max(0.0, min(PROGRESS_INTERVAL, nearest)))


def _collect(task: _Task, timeout: float) -> bool:
    """Read what the worker sent; decide its result if it ended or ran out of time. True when finished."""
    _bound_output(task)
    examples = task.beacon.examples()
    if task.tick is not None:
        for _ in range(examples - task.examples):
            task.tick()
    task.examples = examples
    task.last_beat = max(task.last_beat, task.beacon.began())
    try:
        while task.connection.poll():
            kind, *payload = task.connection.recv()
            if kind == "result":
                task.result = payload[0]
            elif kind == "internal":
                task.result = OperationResult(task.operation.name, "internal error", detail=payload[0])
    except (EOFError, OSError):  # the worker is gone; its exit code tells how
        pass
    except Exception as error:  # a message that does not unpickle: convspec's fault
        task.result = OperationResult(task.operation.name, "internal error",
                                      detail=f"a message from the worker could not be read: {error!r}")
    if task.result is not None:  # the worker is exiting: reaped at the end (_reap), not waited for here
        _close(task)
        return True
    if not task.process.is_alive():
        task.process.join()
        kill_group(task.process)
        task.result = _crashed(task)
        _close(task)
        return True
    if time.monotonic() - task.last_beat > timeout:
        kill_group(task.process)  # first, then read its case: it cannot announce another meanwhile
        task.process.kill()
        task.process.join(5)
        task.result = _fault(task, "timed out", f"timed out after {timeout:g} s")
        _close(task)
        return True
    return False


def signal_name(number: int) -> str:
    """``SIGSEGV`` for 11: the name of signal ``number``, or "unknown signal"."""
    try:
        return signal.Signals(number).name
    except ValueError:
        return "unknown signal"


def _crashed(task: _Task) -> OperationResult:
    code = task.process.exitcode
    if code is not None and code < 0:
        what = f"crashed (signal {-code}, {signal_name(-code)})"
        if -code == signal.SIGKILL:  # the checker kills a worker only at a timeout or an interruption
            what += (": sent by the code under test itself, or by the system's out-of-memory killer, whose first "
                     "choice a worker is")
    else:
        what = f"crashed: the worker process exited with status {code} before it reported (os._exit or similar)"
    return _fault(task, "crashed", what)


def _fault(task: _Task, status: str, what: str) -> OperationResult:
    """The result of a worker that died or hung: the announced case, if any, is the one that did it."""
    output = _output_tail(task)
    task.case = task.beacon.case()
    task.examples = task.beacon.examples()
    detail = what if task.case is None else f"{what} on {task.case.describe()}"
    if task.case is None:
        detail += " (before the first case was drawn)"
    if output:
        detail += f"\nthe worker's last output:\n{output}"
    result = OperationResult(task.operation.name, status, detail=detail, examples=task.examples,
                             seconds=time.monotonic() - task.started)
    if task.case is not None:
        result.failure = TargetCrash(task.case, what)
    return result


def _bound_output(task: _Task) -> None:
    """Free the worker's older output once its file holds more than :data:`OUTPUT_CAP` bytes.

    Called at every look at the worker (at least every :data:`PROGRESS_INTERVAL` seconds), so the file never
    holds more than the cap and what the worker printed since. What is freed is everything but the last
    :data:`_TAIL_WINDOW` bytes, the part :func:`_output_tail` reads: on Linux by punching a hole (the file keeps
    its length, the worker appends on, and no byte of the tail can be lost, even one written at that very
    moment, such as a fatal signal's stack); elsewhere by emptying the file after keeping its tail aside."""
    try:
        descriptor = task.output.fileno()
        status = os.fstat(descriptor)
    except (OSError, ValueError):  # closed already: the worker has finished
        return
    held = status.st_blocks * 512 if hasattr(status, "st_blocks") else status.st_size
    if held <= OUTPUT_CAP:
        return
    older = (status.st_size - _TAIL_WINDOW) // 4096 * 4096
    if older > 0 and _punch_hole(descriptor, older):
        return
    try:
        task.earlier_output = os.pread(descriptor, _TAIL_WINDOW, max(0, status.st_size - _TAIL_WINDOW))
        os.ftruncate(descriptor, 0)
    except (OSError, ValueError):
        pass


#: the bytes at the end of a worker's output that the report reads its last lines from
_TAIL_WINDOW = 64 * 1024


def _punch_hole(descriptor: int, length: int) -> bool:
    """Free the first ``length`` bytes of the file, keeping its size (Linux ``fallocate``); False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        punch_hole_keep_size = 0x02 | 0x01  # FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE
        return libc.fallocate(ctypes.c_int(descriptor), ctypes.c_int(punch_hole_keep_size), ctypes.c_longlong(0),
                              ctypes.c_longlong(length)) == 0
    except Exception:  # noqa: BLE001 - no libc or no fallocate: empty the file instead
        return False


def _output_tail(task: _Task) -> str:
    """What the worker printed last: the Python stack :mod:`faulthandler` wrote for a fatal signal (its
    innermost frames, where the target is) after the few lines printed before it; else the last lines."""
    try:
        task.output.seek(0, os.SEEK_END)
        size = task.output.tell()
        task.output.seek(max(0, size - _TAIL_WINDOW))
        data = task.output.read()
        if len(data) < _TAIL_WINDOW and task.earlier_output:  # the file was emptied since: what came before it
            data = task.earlier_output[len(data) - _TAIL_WINDOW:] + data
        lines = data.replace(b"\0", b"").decode("utf-8", "replace").rstrip().splitlines()
    except (OSError, ValueError):
        return ""
    fatal = next((i for i, line in enumerate(lines) if line.startswith("Fatal Python error")), None)
    if fatal is None:
        kept = lines[-OUTPUT_LINES:]
    else:
        kept = lines[max(0, fatal - 3):fatal] + lines[fatal:fatal + OUTPUT_LINES]
    return "\n".join(kept)[-OUTPUT_TAIL:]


def _kill(task: _Task) -> None:
    kill_group(task.process)
    if task.process is not None and task.process.is_alive():
        task.process.kill()
        task.process.join(5)
    _close(task)


def _reap(task: _Task) -> None:
    """Wait for a worker that sent its result to exit (it has, by now, almost always); kill it if it lingers."""
    if task.process is not None:
        task.process.join(5)
        _kill(task)


def _close(task: _Task) -> None:
    for resource in (task.connection, task.output, task.beacon):
        try:
            if resource is not None:
                resource.close()
        except OSError:
            pass


class _Interrupt:
    """Turns SIGINT and SIGTERM into a flag the scheduling loop reads (only in the main thread)."""

    def __init__(self):
        self.signal: str | None = None

    def catching(self):
        @contextlib.contextmanager
        def handlers():
            import threading

            if threading.current_thread() is not threading.main_thread():
                yield
                return
            previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}

            def note(number, frame):
                self.signal = signal.Signals(number).name

            for number in previous:
                signal.signal(number, note)
            try:
                yield
            finally:
                for number, handler in previous.items():
                    signal.signal(number, handler)

        return handlers()
