"""A command that runs code convspec does not own runs in a child; the first process only waits, and exits with
the status the child *told* it.

Code a target's module leaves running in the process that checks it (a thread it started at import, an ``atexit``
handler) may end that process itself, ``os._exit(0)``, before or after convspec has decided anything: the shell
would see exit status 0 for a check that never finished or failed. So on Linux ``convspec check``/``matrix``
(:mod:`.console`) and ``pytest --convspec-target`` (:mod:`.pytest_plugin`) fork before the target loads
(:func:`supervise`). The first process, which never loads anything, waits for its child, passing on the signals
sent to it; the child tells its exit status over a pipe (:func:`tell`) once it is decided, and the first process
exits with it:

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

import os
import sys
import time

#: ``si_code`` of a signal the kernel sent (Linux): a terminal's Ctrl-C, sent to the whole foreground group
_SI_KERNEL = 0x80
#: how often the first process reads the pipe while it has a ``grace`` to keep (seconds)
_POLL = 0.25


def can_supervise() -> bool:
    """Whether this platform lets the first process watch its child's signals (Linux, ``sigwaitinfo``)."""
    import signal

    return sys.platform.startswith("linux") and hasattr(signal, "sigtimedwait")


def supervise(name: str, lost: str = "", grace: float | None = None) -> int:
    """Fork: return, in the child, the write end of the pipe to :func:`tell` the exit status through; the first
    process waits for the child and never returns (see the module's docstring).

    ``name`` names the command in the first process's messages (``"convspec check"``); ``lost`` is a sentence
    they add about what survives a child that ended early; ``grace``: the seconds the child may still run after
    it told its status (None: no limit; the console's child exits right after telling)."""
    import signal

    watched = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD}
    told, telling = os.pipe()
    before = signal.pthread_sigmask(signal.SIG_BLOCK, watched)  # none is lost between the fork and the wait
    first = os.getpid()
    child = os.fork()
    if child == 0:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
        os.close(told)
        from .linux import die_with_parent

        die_with_parent(first)
        return telling
    os.close(telling)
    _wait_for(child, told, watched, name, lost, grace)


def tell(telling: int | None, status) -> None:
    """Tell the first process the command's exit status (``sys.exit``'s argument); once, then the pipe is closed."""
    if telling is None:
        return
    try:
        os.write(telling, f"{status_code(status)}\n".encode("ascii"))
        os.close(telling)
    except OSError:
        pass


def status_code(status) -> int:
    """``sys.exit(status)``'s exit status: None is 0, an int itself, anything else (a message) 1."""
    if status is None:
        return 0
    return status if isinstance(status, int) else 1


class _Verdict:
    """What the child wrote on the pipe so far; ``status`` once a whole line has come."""

    def __init__(self, told: int):
        self.told, self.written, self.status = told, b"", None
        os.set_blocking(told, False)

    def read(self) -> int | None:
        if self.status is None:
            try:
                self.written += os.read(self.told, 32)
            except OSError:  # nothing written yet (BlockingIOError), or the pipe gone
                pass
            line, ended, _ = self.written.decode("ascii", "replace").partition("\n")
            if ended and line.strip().lstrip("-").isdigit():  # the first line: the status
                self.status = int(line) & 0xFF
        return self.status


def _wait_for(child: int, told: int, watched: set, name: str, lost: str, grace: float | None) -> None:
    """The first process: pass signals on to ``child`` until it ends (or outstays ``grace`` after telling its
    status), then exit as the module's table says."""
    import signal

    verdict, deadline = _Verdict(told), None
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
        if grace is not None and verdict.read() is not None:
            deadline = deadline or time.monotonic() + grace
            if time.monotonic() >= deadline:
                os.kill(child, signal.SIGKILL)
                os.waitpid(child, 0)
                _say(f"{name}: its process was still running {grace:g} s after it decided the result (exit "
                     f"status {verdict.status}): a thread the code it checks started, which never ends? It was "
                     "ended.")
                os._exit(verdict.status)
    told_status = verdict.read()
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
