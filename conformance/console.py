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
multiprocessing's resource tracker end when this process does. The one thing the interpreter's exit did for
convspec is done before ``os._exit``: the folder multiprocessing made for the fork server's socket during the
command (``/tmp/pymp-*``), which its exit handler would have removed, is removed (:func:`_remove_scratch_made_here`);
one left behind per JAX or TensorFlow check filled ``/tmp``. (It also skips libtorch's destructors, about
0.1 s.) A command that loaded no target exits the ordinary way.

**Even a target that ends the process cannot turn a check green.** What the target's module leaves running in
the checker's process (a thread it started at import) may end that process itself, ``os._exit(0)`` from a
watchdog thread, before convspec has decided anything: the shell saw exit status 0 and the report said
``"state": "running"``. So on Linux ``convspec check`` and ``convspec matrix`` run in a child of the process the
shell started (:func:`_supervised`): that first process, which never loads anything, waits for the child and
ends with the status the child *told* it (through shared memory) just before it exited. A child that ended without telling
(``os._exit`` from a thread, a signal such as the OOM killer's SIGKILL) makes it print what happened and exit
with 1 (the target is at fault) where it exited with 0, its own status where it exited with another, and 128 + N
where signal N ended it, as a shell reports it -- never 0. Signals sent to the
first process (``kill``, ``timeout``'s SIGTERM, ``Popen.send_signal``) are passed on to the child; Ctrl-C at a
terminal reaches both, and is not passed on twice. The child dies with the first process (``PR_SET_PDEATHSIG``),
and its workers with it.
"""

from __future__ import annotations

import gc
import os
import shutil
import sys

_collector_paused = False
#: where the checker tells the first process its status (:func:`_supervised`), None without one
_verdicts = None  # a first_process.Verdicts
#: whether this process runs the console script, whose exit is convspec's (:func:`end_now` may end it)
_owns_the_process = False
#: multiprocessing's scratch folder when the command started (None: none yet), and the process it runs in
_scratch_at_start: str | None = None
_command_pid: int | None = None


def main() -> None:
    """Run ``convspec`` with the arguments of this process, then exit with its status."""
    global _collector_paused, _verdicts, _owns_the_process
    from .command_state import fill_closed_descriptors

    fill_closed_descriptors()  # first: no file convspec opens may take descriptor 0, 1 or 2
    verdicts = _verdicts = _supervised()  # where to tell the status; only the checker's process returns
    _owns_the_process = True
    _remember_scratch()
    if gc.isenabled():
        gc.disable()
        _collector_paused = True
    from .cli import main as command_line

    try:
        status = command_line()
    except SystemExit as leaving:
        if not _foreign_code_loaded():
            _tell(verdicts, leaving.code)
            raise
        status = leaving.code
    except BaseException:
        if not _foreign_code_loaded():
            raise  # the interpreter prints it and exits 1: the first process passes that status on
        import traceback

        traceback.print_exc()  # what the interpreter would print, before the exit convspec owns
        status = 3  # cli's "internal error"
    finally:
        start_up_over()  # a start-up that ended in an error: the collector back on for what follows
        gc.freeze()  # the exit's collection would walk every object once more, to no use
    if _foreign_code_loaded():
        _exit_now(status, verdicts)
    _tell(verdicts, status)
    sys.exit(status)


#: the commands that load code convspec does not own into their process, and so run under a first process
_SUPERVISED_COMMANDS = ("check", "matrix")


def _supervised():
    """Run the rest of the command in a child of this process, which waits for it (:mod:`.first_process`).

    Returns, in the child, the :class:`.first_process.Verdicts` it tells its status through (:func:`_tell`); returns
    None, in this process, where the command loads no target or the platform cannot watch its child's signals
    (not Linux): the command then runs here, as before. The first process never returns."""
    from . import first_process

    if len(sys.argv) < 2 or sys.argv[1] not in _SUPERVISED_COMMANDS or not first_process.can_supervise():
        return None
    return first_process.supervise(f"convspec {sys.argv[1]}", lost="The reports hold the operations that had "
                                   "finished, and list the others as unfinished.")


def _tell(verdicts, status) -> None:
    """Tell the first process the command's exit status (see :func:`_supervised`)."""
    from .first_process import tell

    tell(verdicts, status)


def owns_the_process() -> bool:
    """Whether this process runs the ``convspec`` console script (not ``cli.main`` called from Python, where the
    process is the caller's): only then may a command end it from another thread (:func:`end_now`)."""
    return _owns_the_process


def end_now(status: int, message: str) -> None:
    """End the console script's process at once, from any thread, with ``status``: ``message`` on convspec's
    standard error, the status told to the first process, no interpreter exit (the main thread may be stuck in
    a target's code). For what no exception can reach, such as a target whose import never returns."""
    from . import command_state

    try:
        print(message, file=command_state.err(), flush=True)
    except (OSError, ValueError):
        pass
    _exit_now(status, _verdicts)


def _foreign_code_loaded() -> bool:
    targets = sys.modules.get("convspec.conformance.targets")
    return bool(getattr(targets, "loaded_foreign_code", False))


def _exit_now(status, verdicts=None) -> None:
    """Flush convspec's output and end the process with ``status``, skipping the interpreter's exit (see above)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed stream or a reader gone: nothing more can reach it
            pass
    if status is not None and not isinstance(status, int):  # sys.exit("message"): printed, status 1, as Python does
        try:
            print(status, file=sys.stderr, flush=True)
        except (OSError, ValueError):
            pass
    _tell(verdicts, status)
    _remove_scratch_made_here()
    from .first_process import status_code

    os._exit(status_code(status))


def _multiprocessing_scratch() -> str | None:
    """The folder multiprocessing made in this process for its sockets (``util.get_temp_dir``), None if none."""
    process = sys.modules.get("multiprocessing.process")
    return None if process is None else process.current_process()._config.get("tempdir")


def _remember_scratch() -> None:
    global _scratch_at_start, _command_pid
    _scratch_at_start, _command_pid = _multiprocessing_scratch(), os.getpid()


def _remove_scratch_made_here() -> None:
    """Remove the folder multiprocessing made during the command in the command's own process (a fork server's
    socket: ``/tmp/pymp-*``), as multiprocessing's exit handler does, which ``os._exit`` skips. Nothing else: not
    a folder that was there when the command started, none made in another process (a forked worker sees its
    parent's), and never a folder multiprocessing did not name."""
    folder = _multiprocessing_scratch()
    if folder is None or folder == _scratch_at_start or os.getpid() != _command_pid:
        return
    if not os.path.basename(folder).startswith("pymp-"):
        return
    shutil.rmtree(folder, ignore_errors=True)


def start_up_over() -> None:
    """What the command calls once its imports are done and its target is loaded: the objects loaded so far are
    frozen and the collector turned back on, if :func:`main` turned it off. Does nothing otherwise (``cli.main``
    called from Python, where the collector is the caller's business) or when called again."""
    global _collector_paused
    if _collector_paused:
        _collector_paused = False
        gc.freeze()
        gc.enable()
