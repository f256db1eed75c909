"""What loading a target may change in the checker's process, taken before the load and given back after it.

A target's module runs its code in convspec's own process when it is imported (:func:`.targets.load_target`),
and that code may change what is the whole process's: signal dispositions, the signal mask, interval timers,
resource limits, the recursion limit, modules in ``sys.modules``, the hooks for exceptions nobody caught, the
descriptors convspec holds; it may even fork and let the copy come back from the import. Each did end a check in
an internal error, a lost report or a green exit (``tests/faulty_targets/``). The functions here come in pairs:
one reads a piece of state before the load, the other gives it back after; what the load set for its own code
(its signal dispositions) is kept for the target's workers (:func:`give_back_signals`).

Worked example::

    limits = resource_limits()         # before the module's code runs
    ...                                # it calls resource.setrlimit(RLIMIT_NOFILE, (24, 24))
    raise_limits_back(limits)          # 24 open files: the soft limit goes back up as far as the hard one allows
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading

from . import command_state


def keep_depth(depth: int) -> None:
    """Give Python's recursion limit back where target code lowered it below ``depth`` (a raised one stays: tinygrad
    sets 10,000 at import, for its own recursion). ``sys.setrecursionlimit(30)`` at import made convspec's own
    code raise RecursionError: an internal error (exit 3, "please report it") for a fault of the target's."""
    if sys.getrecursionlimit() < depth:
        sys.setrecursionlimit(depth)


#: the signals whose handling the checker's own process relies on: Ctrl-C and ``kill`` stop the check
#: (:mod:`.isolation`), a reader that goes away does not end it (:mod:`.command_state`)
_CHECKERS_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP", "SIGPIPE")


def signal_dispositions() -> dict[int, object]:
    """How this process handles :data:`_CHECKERS_SIGNALS` (those the platform has and Python can read back)."""
    found = {}
    for name in _CHECKERS_SIGNALS:
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) is not None:
            found[number] = signal.getsignal(number)
    return found


def set_back_dispositions(dispositions: dict[int, object]) -> dict[int, object]:
    """Give this process back ``dispositions`` where a load changed them; return what the load had set.

    A module that sets ``SIGPIPE`` to its default (as command-line tools do, so that ``tool | head`` ends quietly)
    made ``convspec check | head -1`` die of SIGPIPE (exit 141, blamed on the target) instead of finishing the
    check; one that catches SIGINT with ``sys.exit(0)`` made a Ctrl-C before the run a green exit."""
    changed = {}
    for number, disposition in dispositions.items():
        now = signal.getsignal(number)
        if now != disposition:
            try:
                signal.signal(number, disposition)
            except (ValueError, OSError):  # not the main thread: nothing can be set back here
                continue
            changed[number] = now
    return changed


def give_modules_back(modules: dict[str, object]) -> None:
    """Put back in ``sys.modules`` each of ``modules`` (those imported before the load) that the load replaced or
    removed: ``sys.modules["rich"] = None``, or a stand-in module under a name convspec uses, made convspec's
    next import from it fail (an internal error, exit 3). What the load imported itself is left as it is."""
    for name, module in modules.items():
        if sys.modules.get(name) is not module:
            sys.modules[name] = module


#: the process's hooks for an exception nobody caught, which convspec's own threads (the progress display) rely on
_EXCEPTION_HOOKS = ((sys, "excepthook"), (sys, "unraisablehook"), (threading, "excepthook"))


def exception_hooks() -> list[tuple[object, str, object]]:
    return [(owner, name, getattr(owner, name)) for owner, name in _EXCEPTION_HOOKS]


def give_hooks_back(hooks: list[tuple[object, str, object]]) -> None:
    """Set back the exception hooks a load changed: ``threading.excepthook = None`` at import made the progress
    display's thread fail at its first refresh, an internal error (exit 3); a hook that ends the process
    (``os._exit(0)``) would end the checker at the first exception of one of its threads."""
    for owner, name, hook in hooks:
        if getattr(owner, name) is not hook:
            setattr(owner, name, hook)


def resource_limits() -> dict[int, tuple[int, int]]:
    """This process's resource limits, ``{RLIMIT_*: (soft, hard)}`` (none where the platform has no ``resource``)."""
    try:
        import resource
    except ImportError:
        return {}
    found = {}
    for name in dir(resource):
        if name.startswith("RLIMIT_"):
            with contextlib.suppress(ValueError, OSError):
                found[getattr(resource, name)] = resource.getrlimit(getattr(resource, name))
    return found


def raise_limits_back(limits: dict[int, tuple[int, int]]) -> None:
    """Raise each soft limit now lower than in ``limits`` back to it, or to the hard limit where that is lower now."""
    if not limits:
        return
    import resource

    def lower(a: int, b: int) -> bool:
        """a < b, where RLIM_INFINITY is above every number."""
        if a == b or a == resource.RLIM_INFINITY:
            return False
        return b == resource.RLIM_INFINITY or a < b

    for number, (soft, _) in limits.items():
        with contextlib.suppress(ValueError, OSError):
            now_soft, now_hard = resource.getrlimit(number)
            if lower(now_soft, soft):
                resource.setrlimit(number, (now_hard if lower(now_hard, soft) else soft, now_hard))


def give_back_signals(signals: dict[int, object]) -> None:
    """In a worker, the target's process: the dispositions its module set at import (``Target.signals``, what
    :func:`set_back_dispositions` returned), but SIGINT and SIGTERM (a worker keeps them at their defaults, so that
    every process the target starts can be ended)."""
    for number, disposition in signals.items():
        if number not in (signal.SIGINT, signal.SIGTERM) and disposition is not None:
            with contextlib.suppress(ValueError, OSError):
                signal.signal(number, disposition)


def idle_timers() -> list[int]:
    """The process's interval timers (real, virtual, profiling) that are not running now."""
    names = ("ITIMER_REAL", "ITIMER_VIRTUAL", "ITIMER_PROF")
    return [getattr(signal, name) for name in names
            if hasattr(signal, name) and signal.getitimer(getattr(signal, name)) == (0.0, 0.0)]


def stop_timers_started(idle: list[int]) -> None:
    """Stop each of the ``idle`` timers (:func:`idle_timers`, read before the load) that runs now: one the load
    armed. A timer that was already running (a caller's own, ``pytest-timeout``'s) is not among them."""
    for timer in idle:
        if signal.getitimer(timer) != (0.0, 0.0):
            signal.setitimer(timer, 0)


def blocked_signals() -> set | None:
    """The signals this thread blocks (None where the platform cannot tell)."""
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, ())


def set_back_blocked(blocked: set | None) -> None:
    """Block exactly ``blocked`` again (:func:`blocked_signals`, read before the load) where the load changed the
    thread's signal mask; nothing where the platform cannot tell."""
    if blocked is not None and blocked_signals() != blocked:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def refuse_closed_descriptors(spec: str, before: dict[int, tuple[int, int]]) -> None:
    """Refuse a module that closed convspec's descriptors while it was imported (``os.closerange(3, ...)``, as
    code that daemonizes itself does): its copy of the standard output and the pipe to its draw-ahead helper;
    the check failed on them with convspec's internal error (exit 3). convspec's output is reopened where it
    can be, and the load is a usage error naming the cause (exit 2)."""
    lost = command_state.closed_since(before)
    if not lost:
        return
    command_state.reopen_held(before)
    shown = ", ".join(map(str, lost[:8])) + (", ..." if len(lost) > 8 else "")
    raise ValueError(f"target {spec!r}: its module closed {len(lost)} of the checker's file descriptors while it "
                     f"was imported ({shown}; os.closerange?): it cannot be checked in the process that imports it. "
                     "Close only what the module opened.")


def end_a_copy(spec: str, process: int) -> None:
    """End this process, quietly but for one line, if it is not ``process`` but a copy the target's module forked."""
    if os.getpid() != process:
        with contextlib.suppress(OSError):
            os.write(2, f"convspec: target {spec!r}: its module forked the process importing it, and the copy (pid "
                        f"{os.getpid()}) came back from the import; it was ended, so that only one check runs\n"
                        .encode())
        os._exit(0)
