"""The processes around a check: each worker's group, what the target starts, and the checker's SIGCHLD (Linux).

A worker (:mod:`.worker`) leads a process group of its own (:func:`lead_own_group`), so that killing the group
(:func:`kill_group`) ends whatever the target started in it: a helper process, a forked child. A process the target
detached from that group (``start_new_session=True``, a daemon's ``setsid``) is still the worker's descendant, or,
once its parent ended, the worker's adopted child (the worker is a child subreaper: :func:`.linux.adopt_orphans`):
the worker ends every descendant as it ends (:func:`end_descendants`). A worker that is killed (a timeout) or
crashes cannot; what it left is re-parented to the checker, which adopts orphans while it runs workers and ends
them (:class:`Strays`). While workers run, the checker also keeps SIGCHLD at its default whatever the target's
module set (:func:`children_reported`), so that a worker's exit status is never taken from it.

Worked example: a target calls ``subprocess.Popen(["sleep", "600"], start_new_session=True)`` and its worker is
then killed for a timeout. ``sleep`` is re-parented to the checker; :meth:`Strays.end`, called after every
worker's end, finds it among the checker's children (outside the checker's group and session, not a worker,
not there before the run) and kills it, so the check leaves nothing running.
"""

from __future__ import annotations

import contextlib
import os
import signal
from typing import Callable

from . import linux


def lead_own_group() -> None:
    """Make this worker the leader of a process group of its own (the parent does it too, first, for a worker it
    forked itself): every process the target starts joins it, and :func:`kill_group` ends them all."""
    try:
        os.setpgid(0, 0)
    except (AttributeError, OSError):  # not on POSIX, or the parent already did it
        pass


def end_descendants() -> None:
    """Linux: SIGKILL every process still descended from this worker as it ends -- what the target started,
    including a process in a session or group of its own (``start_new_session=True``, ``setsid``), which the
    group kill (:func:`kill_group`) does not reach, and the orphans the worker adopted
    (:func:`.linux.adopt_orphans`). Where the system has no ``/proc/PID/task/TID/children``, nothing is done."""
    kill_trees([os.getpid()])


def kill_trees(roots: list[int]) -> None:
    """SIGKILL every process descended from ``roots`` (not the roots themselves). Each is stopped (SIGSTOP) as it
    is found, so that none forks a new one while the tree is read, then all are killed."""
    found: list[int] = []
    waiting = list(roots)
    while waiting:
        for child in children_of(waiting.pop()):
            if child not in found:
                try:
                    os.kill(child, signal.SIGSTOP)
                except OSError:
                    continue
                found.append(child)
                waiting.append(child)
    for pid in found:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def children_of(parent: int) -> list[int]:
    """The pids of ``parent``'s children, from ``/proc/PID/task/TID/children`` (none where it does not exist)."""
    try:
        tasks = os.listdir(f"/proc/{parent}/task")
    except OSError:
        return []
    children: list[int] = []
    for task in tasks:
        try:
            with open(f"/proc/{parent}/task/{task}/children") as listing:
                children += [int(pid) for pid in listing.read().split()]
        except (OSError, ValueError):
            continue
    return children


class Strays:
    """What a worker leaves behind when it is killed (a timeout) or crashes, ended by the checker (Linux).

    A worker ends every process descended from it as it ends (:func:`end_descendants`); one that is killed or
    crashes cannot. So during :func:`.isolation.run_isolated` the checker is a child subreaper too: when a worker dies, what
    it had started and adopted is re-parented to the checker instead of to init, and :meth:`end` ends it. A stray
    is a child of the checker that it did not have when the run began, is no worker, and is outside the checker's
    process group or session: a worker's forked child (the worker's group) or a process the target detached
    (``start_new_session=True``, a daemon's ``setsid``). The checker's own helpers (a fork server, multiprocessing's
    resource tracker) share its group and session; a process the target's module started in the checker's
    process before the run is spared as one the run found there."""

    def __init__(self, workers: Callable[[], set[int]]):
        self.workers = workers  # the pids of the workers started so far (never strays)
        self.found_there = set(children_of(os.getpid()))

    @contextlib.contextmanager
    def adopted(self):
        """The run's extent: the checker adopts orphans, and afterwards adopts them only if it did before."""
        adopting = linux.adopts_orphans()
        if not adopting:
            linux.adopt_orphans()
        try:
            yield
        finally:
            if not adopting:
                linux.adopt_orphans(False)

    def end(self) -> None:
        """Kill every stray, its descendants with it, and reap it; repeat for what their deaths re-parented here."""
        ours = (os.getpgid(0), os.getsid(0))
        for _ in range(100):  # each round ends a generation; a tree is rarely more than a few deep
            workers = self.workers()
            strays = [pid for pid in children_of(os.getpid())
                      if pid not in self.found_there and pid not in workers and _outside(pid, ours)]
            if not strays:
                return
            for pid in strays:
                try:
                    os.kill(pid, signal.SIGSTOP)
                except OSError:
                    pass
            kill_trees(strays)
            for pid in strays:
                try:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                except OSError:  # gone, or reaped already (ChildProcessError)
                    pass


def _outside(pid: int, ours: tuple[int, int]) -> bool:
    """Whether process ``pid`` is outside the process group or session ``ours`` (a zombie still tells both)."""
    try:
        return (os.getpgid(pid), os.getsid(pid)) != ours
    except OSError:  # gone already
        return False


def kill_group(process) -> None:
    """SIGKILL the process group of ``process`` (a worker's ``multiprocessing.Process``): the worker, if it still runs, and whatever the target started in it
    (a helper process, a forked child) that would otherwise outlive the check."""
    if process is None or process.pid is None or not hasattr(os, "killpg"):
        return
    try:
        if os.getpgid(process.pid) != process.pid:
            return  # not (yet, or any longer) a group of its own: never signal a group that is not the worker's
    except OSError:
        pass  # the worker has exited; its group lives on while anything the target started does
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:  # no such group left (the common case), or not ours to signal
        pass


#: the SIGCHLD disposition the target's module set, given back to each forked worker (:func:`children_reported`)
_target_sigchld = None


def target_sigchld():
    """The SIGCHLD disposition the target's module set and :func:`children_reported` set aside (None: it set none),
    for a worker to give back to the target's code."""
    return _target_sigchld


@contextlib.contextmanager
def children_reported():
    """SIGCHLD at its default in the checker while the workers run, whatever the target's module set.

    A module that ignores SIGCHLD (the kernel then reaps each child the moment it ends) or catches it (with a
    handler that calls ``waitpid``) takes the workers' exit statuses away: a worker that crashed would look
    alive until its timeout, and be reported as timed out instead of crashed. The target's own setting is
    given back to each forked worker, which is the target's process (:func:`.worker.run_worker`), and to this process
    afterwards (unless it was set outside Python, where it cannot be read back): :func:`target_sigchld`."""
    global _target_sigchld
    import threading

    if not hasattr(signal, "SIGCHLD") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGCHLD)
    if previous is signal.SIG_DFL:
        yield
        return
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    _target_sigchld = previous
    try:
        yield
    finally:
        _target_sigchld = None
        if previous is not None:
            signal.signal(signal.SIGCHLD, previous)
