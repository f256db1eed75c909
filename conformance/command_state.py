"""What a command keeps of its own process from before a target's code runs: its output and its umask.

``convspec check`` and ``convspec matrix`` import the code they check into their own process, and a module's
import may change process-wide state that convspec's own output depends on. Seen in targets that mean no harm:

* **the standard output**: a module that silences itself or a chatty library replaces ``sys.stdout``
  (``sys.stdout = open(os.devnull, "w")``), closes it, or points the descriptor itself elsewhere
  (``os.dup2(devnull, 1)``, which also silences C code). The report went with it: nothing printed, or an
  internal error (``I/O operation on closed file``) and no report at all;
* **the umask**: ``os.umask(0o777)`` at import made every report a file of mode ``000``.

So a command takes hold of both before it loads anything (:func:`held`): the process's standard output and
error are duplicated (``os.dup``) into streams of convspec's own (:func:`out`, :func:`err`), which the target
can neither replace, close nor redirect, and the umask is read (:func:`umask`), for the files convspec writes
(:func:`.outputs.write_atomically`). A stream that is not the process's own descriptor 1 or 2 (pytest's
``capsys``, an ``io.StringIO`` a caller installed) is kept as the object it is.

A reader that goes away (``convspec check | head -3``) does not end the check either: what can no longer be
delivered is dropped (:class:`_ReaderMayLeave`), the reports are written and the exit status is the check's.

Worked example: a target module that runs ``sys.stdout = open(os.devnull, "w")`` when imported, checked with
``convspec check silent.py``, still prints the table and exits with its status; the target's own prints
go where it sent them.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from typing import TextIO

_out: TextIO | None = None
_err: TextIO | None = None
_umask: int | None = None
#: descriptors of convspec's own besides the two above, watched while a target loads (:func:`watch`)
_watched: set[int] = set()
#: the streams a forked worker let go of (:func:`release_in_child`): kept, so that no finalizer closes their
#: descriptor numbers again once something else may have been given them
_released: list = []


@contextlib.contextmanager
def held():
    """Take hold of the standard output, standard error and umask for the command run inside; given back
    (the duplicated streams flushed and closed) when it ends. Nested calls hold their own."""
    global _out, _err, _umask
    previous = _out, _err, _umask
    fill_closed_descriptors()
    _out, _err = _hold(sys.stdout, 1), _hold(sys.stderr, 2)
    _umask = _read_umask()
    try:
        yield
    finally:
        for stream in (_out, _err):
            if isinstance(stream, _ReaderMayLeave):  # a duplicate of ours, not the caller's stream
                with contextlib.suppress(OSError, ValueError):
                    stream.close()
        _out, _err, _umask = previous


def out() -> TextIO:
    """convspec's standard output: the one held by :func:`held`, else ``sys.stdout``."""
    return _out if _out is not None and not _out.closed else sys.stdout


def err() -> TextIO:
    """convspec's standard error: the one held by :func:`held`, else ``sys.stderr``."""
    return _err if _err is not None and not _err.closed else sys.stderr


def console():
    """rich's console on convspec's standard output (:func:`out`): a log file or pipe gets a fixed, wide layout;
    a terminal keeps its own width."""
    from rich.console import Console

    stream = out()
    return Console(file=stream) if stream.isatty() else Console(file=stream, width=110)


def umask() -> int:
    """The umask when the command started (the process's own where no command is running)."""
    return _umask if _umask is not None else _read_umask()


def watch(descriptor: int) -> None:
    """Count ``descriptor`` among convspec's own (:func:`own_descriptors`): a helper process's, while it runs."""
    _watched.add(descriptor)


def unwatch(descriptor: int) -> None:
    _watched.discard(descriptor)


def own_descriptors() -> dict[int, tuple[int, int]]:
    """convspec's open descriptors (its copies of the standard output and error, and those :func:`watch` was
    given), each with the identity of what it refers to (device, inode). Only these: a descriptor some other
    code opened may be closed for good reasons (a file object the collector frees) while a target loads."""
    numbers = set(_watched)
    for stream in (_out, _err):
        if isinstance(stream, _ReaderMayLeave):
            with contextlib.suppress(OSError, ValueError):
                numbers.add(stream.fileno())
    found = {}
    for number in numbers:
        with contextlib.suppress(OSError):
            status = os.fstat(number)
            found[number] = (status.st_dev, status.st_ino)
    return found


def closed_since(before: dict[int, tuple[int, int]]) -> list[int]:
    """The descriptors of ``before`` (:func:`own_descriptors`) that are closed now, or refer to another file."""
    lost = []
    for number, identity in before.items():
        try:
            status = os.fstat(number)
        except OSError:
            lost.append(number)
            continue
        if (status.st_dev, status.st_ino) != identity:
            lost.append(number)
    return lost


def reopen_held(before: dict[int, tuple[int, int]]) -> None:
    """Where code that is not convspec's closed convspec's duplicate of the standard output or error (a module's
    ``os.closerange(3, ...)``), duplicate descriptor 1 or 2 onto its number again, if that descriptor still
    refers to what it did (``before``: the identities when they were held) and nothing took the number since."""
    for stream, descriptor in ((_out, 1), (_err, 2)):
        if not isinstance(stream, _ReaderMayLeave):
            continue
        with contextlib.suppress(OSError, ValueError):
            number = stream.fileno()
            try:
                os.fstat(number)
                continue  # open: still ours, or taken by the module's own file (then left to it)
            except OSError:
                pass
            now, then = os.fstat(descriptor), before.get(number)
            if then is not None and (now.st_dev, now.st_ino) == then:
                os.dup2(descriptor, number)


def release_in_child() -> None:
    """In a forked worker: close the held descriptors (the worker writes to its own output file), without
    flushing what the parent may have buffered (the parent writes that), so that a worker, or a process a
    target starts from it, does not keep the command's terminal or pipe open. :func:`out` and :func:`err`
    are then the worker's ``sys.stdout`` and ``sys.stderr``."""
    global _out, _err
    for stream in (_out, _err):
        if isinstance(stream, _ReaderMayLeave):
            with contextlib.suppress(OSError, ValueError):
                os.close(stream.fileno())
            _released.append(stream)
    _out = _err = None


class _ReaderMayLeave(io.TextIOWrapper):
    """A text stream whose reader may go away (``convspec check | head -3``): what it can no longer deliver is
    dropped. The check goes on, writes its reports and exits with its own status; a broken pipe made rich end
    the command with exit status 1, which says the target is at fault."""

    reader_gone = False

    def write(self, text: str) -> int:
        if not self.reader_gone:
            try:
                return super().write(text)
            except BrokenPipeError:
                self.reader_gone = True
        return len(text)

    def flush(self) -> None:
        if not self.reader_gone:
            try:
                super().flush()
            except BrokenPipeError:
                self.reader_gone = True


def fill_closed_descriptors() -> None:
    """Point each of the descriptors 0, 1 and 2 that is closed (``convspec check >&-``, a daemon's child) at
    ``os.devnull``, and give Python the stream it then lacks. A closed descriptor left Python without
    ``sys.stdout`` (None: an internal error where rich asked it for a terminal), and the next file opened took its
    number: the pipe to the first process (as it was then) became descriptor 2 (an exit status 1 for a check that
    passed), and a report file on descriptor 1 would have received every ``printf`` of the target's native code."""
    for descriptor, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        try:
            os.fstat(descriptor)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != descriptor:
                os.dup2(null, descriptor)
                os.close(null)
        if getattr(sys, name) is None:  # and the stream Python did not make, on it
            setattr(sys, name, open(descriptor, "r" if descriptor == 0 else "w", closefd=False,
                                    **({} if descriptor == 0 else {"buffering": 1})))


def _hold(stream, descriptor: int):
    """A stream of convspec's own on a duplicate of ``descriptor``, if ``stream`` writes to it or there is no
    ``stream`` (the descriptor was closed when Python started); else ``stream``."""
    try:
        if stream is not None and stream.fileno() != descriptor:
            return stream
        if stream is not None:
            stream.flush()
        duplicate = os.dup(descriptor)
    except (AttributeError, OSError, ValueError):  # no descriptor (io.StringIO, pytest's capsys), or a closed one
        return stream
    return _ReaderMayLeave(io.BufferedWriter(io.FileIO(duplicate, "w")),
                           encoding=getattr(stream, "encoding", None) or "utf-8",
                           errors=getattr(stream, "errors", None) or "strict",
                           line_buffering=True)  # as a terminal's


def _read_umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it: put it straight back
    os.umask(mask)
    return mask
