"""A command that runs code convspec does not own runs in a child; the first process only waits, and exits with
the status the child *told* it.

Code a target's module leaves running in the process that checks it (a thread it started at import, an ``atexit``
handler) may end that process itself, ``os._exit(0)``, before or after convspec has decided anything: the shell
would see exit status 0 for a check that never finished or failed. So on Linux ``convspec check``/``matrix``
(:mod:`.console`) and ``pytest --convspec-target`` (:mod:`.pytest_plugin`) fork before the target loads
(:func:`supervise`). The first process, which never loads anything, waits for its child, passing on the signals
sent to it; the child tells its exit status (:func:`tell`) once it is decided, and the first process exits with it.
The status is told through a page of memory the two processes share (:class:`Verdicts`), not a pipe: a descriptor
is the process's, and a target module that closed every descriptor it did not open (``os.closerange(3, ...)``)
closed the pipe too, so that a check that decided its status could no longer tell it:

==========================================  ===============================================================
the child ...                               the first process exits with
==========================================  ===============================================================
told status S, then exited with S           S (the ordinary case)
told S != 0, then exited otherwise          S: an exit handler's ``os._exit(0)`` cannot turn S green
told 0, then exited otherwise               the child's status (128 + N for signal N), and says so
told S, then still ran ``grace`` s later    S, after killing it, and says so (a thread that never ends)
ended without telling                       its status where not 0, else 1; 128 + N for signal N; and says so
==========================================  ===============================================================

SIGINT and SIGTERM that end a child which told nothing end the first process silently with 130 / 143 (the user's
interruption, as a shell reports it). Ctrl-C at a terminal reaches both processes (the whole foreground group)
and is not passed on twice (``si_code`` ``SI_KERNEL``). The child dies with the first process
(``PR_SET_PDEATHSIG``).

Worked example: ``convspec check mod.py`` whose module starts a thread that calls ``os._exit(0)`` three seconds
in: the child ends with status 0 having told nothing, and the first process prints that the check's process
ended with status 0 before it decided the result, and exits 1.
"""

from __future__ import annotations

import mmap
import os
import sys
import time

#: ``si_code`` of a signal the kernel sent (Linux): a terminal's Ctrl-C, sent to the whole foreground group
_SI_KERNEL = 0x80
#: how often the first process looks for the told status while it has a ``grace`` to keep (seconds)
_POLL = 0.25


def can_supervise() -> bool:
    """Whether this platform lets the first process watch its child's signals (Linux, ``sigwaitinfo``)."""
    import signal

    return sys.platform.startswith("linux") and hasattr(signal, "sigtimedwait")


class Verdicts:
    """Where the child tells its exit status and the first process reads it: an anonymous shared mapping made
    before the fork (nothing a process can close; a child's worker forked later shares it too, but only the
    command's own process tells). The status is written once, as a line of ASCII digits; a second telling is
    ignored, as a closed pipe ignored it."""

    _SIZE = 64

    def __init__(self):
        self.page = mmap.mmap(-1, self._SIZE)  # MAP_SHARED | MAP_ANONYMOUS: the child's writes are the parent's

    def tell(self, code: int) -> None:
        if self.page[0] == 0:
            line = f"{code}\n".encode("ascii")
            self.page[1:len(line)] = line[1:]
            self.page[0] = line[0]  # the first byte last: the parent never reads half a line

    def told(self) -> int | None:
        """The status told, None before it is."""
        line, ended, _ = bytes(self.page).partition(b"\n")
        text = line.decode("ascii", "replace")
        if ended and text.strip().lstrip("-").isdigit():
            return int(text) & 0xFF
        return None


def supervise(name: str, lost: str = "", grace: float | None = None) -> Verdicts:
    """Fork: return, in the child, the :class:`Verdicts` to :func:`tell` the exit status through; the first
    process waits for the child and never returns (see the module's docstring).

    ``name`` names the command in the first process's messages (``"convspec check"``); ``lost`` is a sentence
    they add about what survives a child that ended early; ``grace``: the seconds the child may still run after
    it told its status (None: no limit; the console's child exits right after telling)."""
    import signal

    watched = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD}
    verdicts = Verdicts()
    before = signal.pthread_sigmask(signal.SIG_BLOCK, watched)  # none is lost between the fork and the wait
    first = os.getpid()
    child = os.fork()
    if child == 0:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
        from .linux import die_with_parent

        die_with_parent(first)
        return verdicts
    _wait_for(child, verdicts, watched, name, lost, grace)


def tell(verdicts: Verdicts | None, status) -> None:
    """Tell the first process the command's exit status (``sys.exit``'s argument); the first telling counts."""
    if verdicts is not None:
        verdicts.tell(status_code(status))


def status_code(status) -> int:
    """``sys.exit(status)``'s exit status: None is 0, an int itself, anything else (a message) 1."""
    if status is None:
        return 0
    return status if isinstance(status, int) else 1


def _wait_for(child: int, verdicts: Verdicts, watched: set, name: str, lost: str, grace: float | None) -> None:
    """The first process: pass signals on to ``child`` until it ends (or outstays ``grace`` after telling its
    status), then exit as the module's table says."""
    import signal

    deadline = None
    while True:
        if grace is None:
            received = signal.sigwaitinfo(watched)
        else:
            received = signal.sigtimedwait(watched, _POLL if deadline is None else max(0.0, deadline - time.monotonic()))
        if received is None:  # a timeout: only with a grace
            pass
        elif received.si_signo == signal.SIGCHLD:
            ended, status = os.waitpid(child, os.WNOHANG)
            if ended:
                break
        elif received.si_code != _SI_KERNEL:  # sent to this process; a terminal's reached the child too
            try:
                os.kill(child, received.si_signo)
            except ProcessLookupError:
                pass
        if grace is not None and verdicts.told() is not None:
            deadline = deadline or time.monotonic() + grace
            if time.monotonic() >= deadline:
                os.kill(child, signal.SIGKILL)
                os.waitpid(child, 0)
                _say(f"{name}: its process was still running {grace:g} s after it decided the result (exit "
                     f"status {verdicts.told()}): a thread the code it checks started, which never ends? It was "
                     "ended.")
                os._exit(verdicts.told())
    told_status = verdicts.told()
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        code, how = 128 + number, f"was killed by {signal.Signals(number).name}"
    else:
        code = os.WEXITSTATUS(status)
        how = f"ended with status {code}"
    if told_status is not None:
        if told_status != 0 or code == 0:
            os._exit(told_status)
        _say(f"{name}: its process {how} after it decided the result (exit status 0): code that ran at its exit "
             f"(the checked code's exit handlers, a native library's destructors) failed. Exit status {code}.")
        os._exit(code)
    if os.WIFSIGNALED(status) and number in (signal.SIGINT, signal.SIGTERM):
        os._exit(code)  # the user's interruption, before the command could note it
    code = code or 1
    _say(f"{name}: its process {how} before it decided the result: the code it checks (a thread its module "
         f"started?), or the system (out of memory?), ended it.{' ' + lost if lost else ''} Exit status {code}.")
    os._exit(code)


def _say(message: str) -> None:
    try:
        print(message, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass
