"""Each operation's cases drawn ahead, on an idle core, while the target loads.

``convspec check accelerated`` spends its first second and more importing torch and the target on one core
while the other waits; the cases it will check do not depend on the target. So, before it loads the target,
the check forks a helper (:func:`start`) that draws, for each operation in turn, the cases its search will
draw (the same strategy, the same ``random.Random`` seeded by :func:`.search.seed_text`, the same draws)
and writes them, one entry per operation, into shared memory (:class:`Store`: an anonymous shared mapping made
before the helper is forked, so the workers forked later see what it wrote). A worker's search then takes its
first cases from there (:func:`take`) instead of drawing them, and draws on from where the helper stopped, with
the ``random.Random`` state the helper left. The helper is stopped (:meth:`Helper.stop_drawing`) when the first
worker is forked: whatever it has not drawn by then, the workers draw as before. Nothing is written to disk, so
nothing is left behind, whatever ends the check (a ``SIGKILL`` included).

What a search checks does not change: the same cases in the same order (``tests/test_ahead.py`` compares them
with the cases drawn in place), the same choices saved for hypothesis to shrink a failure. What is drawn
ahead is used only where it is what the worker would draw: the catalog's own strategy, not narrowed by the
target's ``SUPPORTS_DRAWS`` (the helper runs before the target is loaded, so it cannot know them: the runner
passes ``ahead`` only when neither applies), and the file's operation, seed text, hypothesis version and
strategy name match. A missing or unreadable entry, or a full store, means "draw in place".

Measured here (2 cores, ``convspec check accelerated``, 2,400 drawn cases): drawing them all takes the helper
about 0.8 s, less than the target's load; see the changelog for the check's times.
"""

from __future__ import annotations

import contextlib
import hashlib
import mmap
import os
import pickle
import struct
from dataclasses import dataclass, field
from random import Random

import hypothesis

from . import command_state

#: draws written per example asked for (a few more than one: a strategy rejects the odd draw)
DRAWS_PER_EXAMPLE = 1.1
#: bytes of shared memory for the draws (the default check's take about 180 kB; pages are used only when written)
CAPACITY = 64 * 2**20


@dataclass
class Ahead:
    """One operation's first draws: ``draws[i]`` is ``(value, choices)`` of the i-th draw, ``value`` None where
    the strategy rejected it; ``random_state`` is the ``Random`` state after the last of them (where drawing
    in place goes on)."""

    op: str
    seeded_by: str
    strategy: str
    draws: list = field(default_factory=list)
    random_state: tuple | None = None
    hypothesis_version: str = hypothesis.__version__


class Store:
    """Shared memory that the helper writes the draws into and the workers read them from.

    An anonymous shared mapping (``mmap.mmap(-1, ...)``), made in the checker before it forks the helper: the
    helper and every worker forked later map the same pages, and they are gone with the last process that maps
    them, so nothing is ever left on disk. A table of ``slots`` entries comes first, each the key (the SHA-256 of
    the search's seed text), the data's offset and its length, written last: an entry with a length is whole.
    The helper is the only writer, and it has been killed and reaped before the first worker reads. A store
    pickled for a process that does not share the mapping (a fork server's worker) arrives empty."""

    _ENTRY = struct.Struct("<32sQQ")

    def __init__(self, slots: int, capacity: int = CAPACITY):
        self.slots = slots
        self.memory: mmap.mmap | None = mmap.mmap(-1, max(capacity, slots * self._ENTRY.size + 1))

    def __getstate__(self):
        return {"slots": self.slots, "memory": None}

    def put(self, seeded_by: str, data: bytes) -> bool:
        """Add one search's data; False when the table or the memory is full (the workers then draw it)."""
        end = self.slots * self._ENTRY.size
        for slot in range(self.slots):
            _, offset, length = self._ENTRY.unpack_from(self.memory, slot * self._ENTRY.size)
            if not length:
                if end + len(data) > len(self.memory) or not data:
                    return False
                self.memory[end:end + len(data)] = data
                self._ENTRY.pack_into(self.memory, slot * self._ENTRY.size, _key(seeded_by), end, len(data))
                return True
            end = offset + length
        return False

    def get(self, seeded_by: str) -> bytes | None:
        """The data put for ``seeded_by``, or None."""
        if self.memory is None:
            return None
        key = _key(seeded_by)
        for slot in range(self.slots):
            found, offset, length = self._ENTRY.unpack_from(self.memory, slot * self._ENTRY.size)
            if not length:
                return None
            if found == key:
                return bytes(self.memory[offset:offset + length])
        return None

    def close(self) -> None:
        if self.memory is not None:
            self.memory.close()
            self.memory = None


def _key(seeded_by: str) -> bytes:
    return hashlib.sha256(seeded_by.encode()).digest()


def draw_ahead(op: str, strategy, seeded_by: str, count: int) -> Ahead:
    """The first ``count`` draws of ``strategy`` as :func:`.search.search` makes them for ``seeded_by``.

    A draw that raises anything but a rejection ends the drawing before it: the worker draws it again itself
    and meets the error where it is reported."""
    from .search import draw_once

    random = Random(seeded_by)
    ahead = Ahead(op, seeded_by, repr(strategy), random_state=random.getstate())
    for _ in range(count):
        try:
            value, choices = draw_once(strategy, random)
        except Exception:  # noqa: BLE001 - not ours to report here: the worker's own draw meets it
            random.setstate(ahead.random_state)
            break
        ahead.draws.append((value, choices))
        ahead.random_state = random.getstate()
    return ahead


def take(store: Store | None, op: str, strategy, seeded_by: str) -> Ahead | None:
    """The draws made ahead for this search, or None (none made, or not the ones this search would make)."""
    if store is None:
        return None
    try:
        ahead = pickle.loads(store.get(seeded_by))
    except Exception:  # noqa: BLE001 - not there, or unreadable: drawn in place
        return None
    if not (isinstance(ahead, Ahead) and ahead.op == op and ahead.seeded_by == seeded_by
            and ahead.strategy == repr(strategy) and ahead.hypothesis_version == hypothesis.__version__):
        return None
    return ahead


class Helper:
    """The helper process drawing ahead, and the :class:`Store` it draws into."""

    def __init__(self, searches: list[tuple[str, str, int]]):
        import multiprocessing

        self.store = Store(len(searches))
        self.process = multiprocessing.get_context("fork").Process(
            target=_helper, args=(self.store, searches), daemon=True)
        self.process.start()
        command_state.watch(self.process.sentinel)  # a target's load must not close it (targets.load_target)

    def stop_drawing(self) -> None:
        """Kill the helper (the workers are about to take the cores); what it finished stays in the store."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()

    def stop(self) -> None:
        """Kill the helper and unmap the store here (the check is over)."""
        self.stop_drawing()
        self.store.close()
        # its descriptors closed now, not by a finalizer at exit: a target module that closed them itself
        # (os.closerange, refused at its load) made that finalizer print "Exception ignored ... Bad file descriptor"
        with contextlib.suppress(OSError, ValueError):
            command_state.unwatch(self.process.sentinel)
            self.process.close()


def start(searches: list[tuple[str, str, int]]) -> Helper | None:
    """Fork the helper for ``searches`` (operation name, seed text, examples), or None where it cannot help:
    no ``fork``, or one core only (it would slow the target's load it is meant to hide)."""
    import multiprocessing

    from .isolation import default_jobs

    if "fork" not in multiprocessing.get_all_start_methods() or default_jobs() < 2 or not searches:
        return None
    return Helper(searches)


def _helper(store: Store, searches: list[tuple[str, str, int]]) -> None:
    """In the helper process: draw ahead for each search in turn, each put into the store whole."""
    import gc
    import signal

    from .catalog import get
    from .linux import die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops this helper
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    die_with_parent()  # a checker killed outright takes its helper with it
    gc.freeze()  # a collection here skips what the parent loaded (and copies none of its pages)
    gc.enable()  # the parent turns it off during its start-up (see .console)
    try:
        os.nice(5)  # the parent's load of the target comes first
    except OSError:
        pass
    try:
        for op, seeded_by, examples in searches:
            strategy = get(op).strategy()
            ahead = draw_ahead(op, strategy, seeded_by, max(1, round(examples * DRAWS_PER_EXAMPLE)))
            if not store.put(seeded_by, pickle.dumps(ahead, protocol=pickle.HIGHEST_PROTOCOL)):
                break  # full: the workers draw the rest
    except BaseException:  # noqa: BLE001 - whatever it is: the workers draw what is missing, as without a helper
        pass
    os._exit(0)  # nothing of the parent's (its buffered output, its exit handlers) is run twice
