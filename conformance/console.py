"""The ``convspec`` console script: :func:`.cli.main`, started and ended without the garbage collector's waste.

Two costs of a command-line run are not the command's work:

* **the start-up**: importing numpy, sympy, hypothesis, torch and the target allocates some 200,000 objects
  that all live until the end, and the collector, which runs every few hundred allocations, walks the
  ever-growing heap again and again: 0.3 s of a 1.7 s start-up (``import torch, convspec.conformance.cli``,
  measured here: 1.67 s with the collector, 1.30-1.40 s without);
* **the exit**: the interpreter collects every object once more before it ends: 0.5 s with torch loaded
  (0.61-0.63 s from a check's last line to the end of its process, 0.11-0.13 s with the objects frozen).

So :func:`main` turns the collector off for the start-up; the command turns it back on once its imports are done
and its target is loaded (:func:`start_up_over`), having frozen (:func:`gc.freeze`) what the start-up loaded, so
that no later collection, in this process or in the workers forked from it, walks those objects; and at the end
everything is frozen, so the exit skips its collection. Nothing else differs from ``cli.main``: the same commands,
output and exit status. ``python -m convspec.conformance`` runs the same.

**The exit is convspec's.** Once a command has loaded a target (:data:`.targets.loaded_foreign_code`), the
interpreter's own exit would run code convspec does not own, after the reports are written and the status is
decided: it waits for every non-daemon thread the target started (one that never ends hangs the command
forever), runs the target's ``atexit`` handlers (one that calls ``os._exit(0)`` turns a failed check into a green
exit), and the native libraries' destructors (some crash at exit, turning status 1 into 139). So :func:`main`
flushes convspec's output and ends the process itself with ``os._exit(status)``: the status printed is the status
returned. Nothing convspec owns needs the interpreter's exit: the reports are written and closed during the run,
the workers reaped and their process groups killed, their output files closed; a fork server and
multiprocessing's resource tracker end when this process does. (It also skips libtorch's destructors, about
0.1 s.) A command that loaded no target exits the ordinary way.
"""

from __future__ import annotations

import gc
import os
import sys

_collector_paused = False


def main() -> None:
    """Run ``convspec`` with the arguments of this process, then exit with its status."""
    global _collector_paused
    if gc.isenabled():
        gc.disable()
        _collector_paused = True
    from .cli import main as command_line

    try:
        status = command_line()
    except SystemExit as leaving:
        if not _foreign_code_loaded():
            raise
        status = leaving.code
    except BaseException:
        if not _foreign_code_loaded():
            raise
        import traceback

        traceback.print_exc()  # what the interpreter would print, before the exit convspec owns
        status = 3  # cli's "internal error"
    finally:
        start_up_over()  # a start-up that ended in an error: the collector back on for what follows
        gc.freeze()  # the exit's collection would walk every object once more, to no use
    if _foreign_code_loaded():
        _exit_now(status)
    sys.exit(status)


def _foreign_code_loaded() -> bool:
    targets = sys.modules.get("convspec.conformance.targets")
    return bool(getattr(targets, "loaded_foreign_code", False))


def _exit_now(status) -> None:
    """Flush convspec's output and end the process with ``status``, skipping the interpreter's exit (see above)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed stream or a reader gone: nothing more can reach it
            pass
    if status is None:
        status = 0
    elif not isinstance(status, int):  # sys.exit("message"): printed, status 1, as the interpreter does
        print(status, file=sys.stderr, flush=True)
        status = 1
    os._exit(status)


def start_up_over() -> None:
    """What the command calls once its imports are done and its target is loaded: the objects loaded so far are
    frozen and the collector turned back on, if :func:`main` turned it off. Does nothing otherwise (``cli.main``
    called from Python, where the collector is the caller's business) or when called again."""
    global _collector_paused
    if _collector_paused:
        _collector_paused = False
        gc.freeze()
        gc.enable()
