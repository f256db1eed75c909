"""The worker's side of :mod:`.isolation`: one operation's search in a process of its own, and the files it shares
with the checker.

A worker is forked from the checker (or started by a fork server, for JAX and TensorFlow: :mod:`.isolation`). It
runs :func:`run_worker`: it leads a process group of its own, adopts what the target leaves behind, sends its
standard output and error to a file the checker reads after a fault (:func:`scratch`), announces each case
before it calls any of the target's code (:class:`Beacon`), runs the search, sends the result back and ends
every process the target left (:func:`.process_tree.end_descendants`).

Worked example: the checker makes a :class:`Beacon` and an output file with :func:`scratch`, forks a process
running ``run_worker(send, plan, "relu", False, output, beacon, target)`` and reads the ``("result", ...)``
message from the pipe; if the worker dies instead, :meth:`Beacon.case` reads back the case it last announced,
and the output file holds what it printed (a fatal signal's Python stack from :mod:`faulthandler`).
"""

from __future__ import annotations

import dataclasses
import faulthandler
import os
import pickle
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from typing import Callable

from . import command_state, linux, oracle_guard, process_tree
from .ahead import Store
from .case import Case
from .results import OperationResult
from .runner import run_gradient, run_operation
from .target_text import value_text
from .load_guard import give_back_signals
from .targets import Target


def scratch(prefix: str, suffix: str) -> tuple[object, "Reach"]:
    """A file the parent and one worker share: the parent's handle (read and write) and how the worker reaches it.

    On Linux, a file in memory (``memfd_create``): nothing on disk, so nothing is left behind whatever ends the
    check (a ``SIGKILL`` included). A forked worker inherits its descriptor; a fork server's worker (JAX,
    TensorFlow) is handed it with the process's arguments (:class:`Reach`). Otherwise a temporary file,
    deleted when closed, reached by its name (a fork server's worker started there left its two files in the
    temporary folder when the checker was killed)."""
    if hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd"):
        try:
            descriptor = os.memfd_create(prefix + suffix)
        except OSError:
            pass
        else:
            return open(descriptor, "w+b"), Reach(descriptor=descriptor)
    named = tempfile.NamedTemporaryFile(prefix=prefix, suffix=suffix)
    return named, Reach(name=named.name)


class Reach:
    """How a worker opens a file the parent made (:func:`scratch`): its :attr:`path`, for a file of its own.

    A file in memory is reached through a descriptor the worker holds, as ``/proc/self/fd/N`` (opening it gives
    the worker a file position of its own; the parent's is not moved). A forked worker inherits the descriptor;
    for a fork server's worker the descriptor is passed with the process's arguments when they are pickled
    (:func:`multiprocessing.reduction.DupFd`, as multiprocessing passes a ``Pipe``'s ends), and the worker
    gets its own copy. A temporary file is reached by its name."""

    def __init__(self, *, descriptor: int | None = None, name: str | None = None):
        self.descriptor, self.name = descriptor, name

    @property
    def path(self) -> str:
        return self.name if self.descriptor is None else f"/proc/self/fd/{self.descriptor}"

    def __reduce__(self):
        if self.descriptor is None:
            return Reach._named, (self.name,)
        from multiprocessing.reduction import DupFd

        return Reach._handed, (DupFd(self.descriptor),)

    @staticmethod
    def _named(name: str) -> "Reach":
        return Reach(name=name)

    @staticmethod
    def _handed(duplicate) -> "Reach":
        return Reach(descriptor=duplicate.detach())


@dataclass
class Plan:
    """What every worker does, picklable for a fork server: the search settings, the user's expected
    divergences, whether to add the target's own, and how to load the target again."""

    settings: dict
    divergences: list
    known_divergences: bool
    source: tuple[str, str | None] | None
    drawn_ahead: Store | None = None  # the cases drawn ahead (.ahead), in memory the forked workers share


def search_operation(plan: Plan, op: str, grad: bool, target: Target, tick) -> OperationResult:
    """One operation's forward or backward search, as :func:`.runner.run_check` runs it."""
    from .catalog import get

    known = list(target.known_divergences) if plan.known_divergences else []
    if grad:
        known += list(target.known_grad_divergences) if plan.known_divergences else []
        return run_gradient(get(op), target, on_example=tick, divergences=plan.divergences + known, **plan.settings)
    return run_operation(get(op), target, on_example=tick, divergences=plan.divergences + known,
                         drawn_ahead=plan.drawn_ahead, **plan.settings)


def run_worker(connection, plan: Plan, op: str, grad: bool, output: Reach, beacon: "Beacon",
            target: Target | None) -> None:
    """In the worker process: run one search, announcing each case first (:class:`Beacon`), and send the
    result back."""
    # Until this worker leads a process group of its own, Ctrl-C at the terminal or a SIGTERM sent to the checker's
    # group reaches it too: those are the parent's to handle (it kills its workers itself, SIGKILL, and reports them
    # as interrupted, not as crashed). From then on only the target signals it, and SIGINT and SIGTERM are back at
    # their defaults, which every process the target starts inherits (a Pool's processes that ignored SIGTERM
    # never ended when the Pool terminated them, and the check timed out)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    targets_sigchld = process_tree.target_sigchld()  # the target's own SIGCHLD setting, which the checker set aside
    if targets_sigchld is not None:
        signal.signal(signal.SIGCHLD, targets_sigchld)
    linux.die_with_parent()
    linux.first_to_go()  # a target that allocates without end is ended, not the checker or the user's programs
    process_tree.lead_own_group()
    linux.adopt_orphans()  # what the target leaves behind is re-parented here, where end_descendants finds it
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    command_state.release_in_child()  # the command's own output is the parent's to write
    log = open(output.path, "ab", buffering=0)
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    # the parent's progress display may have replaced sys.stdout with a proxy whose lock a thread held at fork
    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    faulthandler.enable(file=log, all_threads=False)

    def send(*message) -> None:
        try:
            connection.send(message)
        except (BrokenPipeError, OSError):  # the parent is gone: nobody to report to
            os._exit(0)

    try:
        if target is None:  # started by the fork server: load the target here
            from .targets import load_target

            target = load_target(*plan.source)
            beacon.loaded()  # the timeout bounds each example: the first one's clock starts now, not at the fork
        give_back_signals(target.signals)  # what the module set at import (SIGPIPE, SIGHUP), which the checker set back
        if "torch" in sys.modules:  # the workers are the parallelism; and a forked OpenMP pool must not be used
            sys.modules["torch"].set_num_threads(1)
        beacon.open()
        numpy_names = oracle_guard.snapshot()
        result = search_operation(plan, op, grad, _announcing(target, beacon.announce), beacon.count)
        replaced = numpy_names.replaced()
        if replaced:  # the reference computed with the target's functions: nothing this run found can stand
            result = OperationResult(op, "error", detail=oracle_guard.replaced_message(replaced, "while it ran"))
        send("result", _portable(result))
    except SystemExit as error:  # sys.exit where check_case cannot see it (a strategy, a target's module code)
        send("result", OperationResult(op, "crashed", detail=f"the target called sys.exit({value_text(error.code)})"))
    except BaseException:  # convspec's own fault
        send("internal", traceback.format_exc())
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:
            pass
        process_tree.end_descendants()
        connection.close()
        os._exit(0)  # no atexit handlers, no finalizers inherited from the parent


class Beacon:
    """Where a worker announces each case, without a message per example.

    The worker writes the pickled case (an 8-byte length, then the bytes) at the start of a file the parent
    created (:func:`scratch`), and in shared memory the time the example began and the count of examples begun; it does so
    before it calls any user code. The parent reads the time and the count when it looks (the timeout and
    the progress bar) and the case only after a crash or a timeout, so a quick example costs one write
    and wakes nobody (a pipe message per case and per example made the parent wake, unpickle and redraw
    twice an example)."""

    def __init__(self, context):
        self._file, self.reach = scratch("convspec-case-", ".pickle")
        self.shared = context.RawArray("d", 2)  # [when the current example began (time.monotonic), examples]
        self.shared[0] = time.monotonic()
        self._fd: int | None = None

    def __getstate__(self):  # for a fork server's worker: how to reach the file, the shared memory; not the file
        return {"reach": self.reach, "shared": self.shared, "_file": None, "_fd": None}

    # the worker's side
    def open(self) -> None:
        self._fd = os.open(self.reach.path, os.O_WRONLY)

    def announce(self, case: Case) -> None:
        data = pickle.dumps(case, protocol=pickle.HIGHEST_PROTOCOL)
        os.pwrite(self._fd, len(data).to_bytes(8, "little") + data, 0)
        self.shared[0] = time.monotonic()

    def count(self) -> None:
        self.shared[1] += 1

    def loaded(self) -> None:
        """The target is loaded (a fork server's worker loads it itself, a second or two): the clock of the first
        example starts here, so that a short ``--timeout`` bounds the examples, not the load."""
        self.shared[0] = time.monotonic()

    # the parent's side
    def began(self) -> float:
        return self.shared[0]

    def examples(self) -> int:
        return int(self.shared[1])

    def case(self) -> Case | None:
        """The last case announced (None before the first, or if it cannot be read back)."""
        try:
            descriptor = self._file.fileno()  # the parent's own handle: read at an offset, moving nothing
            size = int.from_bytes(os.pread(descriptor, 8, 0), "little")
            data = os.pread(descriptor, size, 8) if size else b""
            return pickle.loads(data) if size and len(data) == size else None
        except Exception:  # noqa: BLE001 - a half-written or unreadable record: the case is not known
            return None

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def _announcing(target: Target, announce: Callable[[Case], None]) -> Target:
    """The target with a ``SUPPORTS`` predicate on every operation that first announces the case.

    The runner asks for support before it calls anything else of the target's, so the parent always
    knows the case a crash or a hang happened on; the target's own predicate, if any, is asked next."""

    def watching(own):
        def predicate(case: Case):
            announce(case)
            return True if own is None else own(case)

        return predicate

    names = set(target.functions) | set(target.vjps)
    return dataclasses.replace(target, supports={op: watching(target.supports.get(op)) for op in names})


def _portable(result: OperationResult) -> OperationResult:
    """The result with what cannot be pickled replaced: an expected divergence's entry (it may hold a
    Python predicate) by a record of its reason."""
    for expected in result.expected:
        expected.entry = _EntryRecord(expected.entry.op, expected.entry.reason)
    return result


@dataclass(frozen=True)
class _EntryRecord:
    op: str
    reason: str
