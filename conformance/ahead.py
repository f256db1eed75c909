"""Each operation's cases drawn ahead, on an idle core, while the target loads.

``convspec check accelerated`` spends its first second and more importing torch and the target on one core
while the other waits; the cases it will check do not depend on the target. So, before it loads the target,
the check forks a helper (:func:`start`) that draws, for each operation in turn, the cases its search will
draw (the same strategy, the same ``random.Random`` seeded by :func:`.search.seed_text`, the same draws)
and writes them to a temporary folder, one file per operation. A worker's search then takes its first cases
from that file (:func:`take`) instead of drawing them, and draws on from where the helper stopped, with the
``random.Random`` state the helper left. The helper is stopped (:meth:`Helper.stop`) when the first worker
is forked: whatever it has not drawn by then, the workers draw as before.

What a search checks does not change: the same cases in the same order (``tests/test_ahead.py`` compares them
with the cases drawn in place), the same choices saved for hypothesis to shrink a failure. What is drawn
ahead is used only where it is what the worker would draw: the catalog's own strategy, not narrowed by the
target's ``SUPPORTS_DRAWS`` (the helper runs before the target is loaded, so it cannot know them: the runner
passes ``ahead`` only when neither applies), and the file's operation, seed text, hypothesis version and
strategy name match. A missing, partial or unreadable file means "draw in place".

Measured here (2 cores, ``convspec check accelerated``, 2,400 drawn cases): drawing them all takes the helper
about 0.8 s, less than the target's load; see the changelog for the check's times.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
from dataclasses import dataclass, field
from random import Random

import hypothesis

#: draws written per example asked for (a few more than one: a strategy rejects the odd draw)
DRAWS_PER_EXAMPLE = 1.1


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


def _file(folder: str, seeded_by: str) -> str:
    return os.path.join(folder, hashlib.sha256(seeded_by.encode()).hexdigest()[:32] + ".pickle")


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


def take(folder: str | None, op: str, strategy, seeded_by: str) -> Ahead | None:
    """The draws made ahead for this search, or None (none made, or not the ones this search would make)."""
    if folder is None:
        return None
    try:
        with open(_file(folder, seeded_by), "rb") as handle:
            ahead = pickle.load(handle)
    except Exception:  # noqa: BLE001 - not there (yet), or unreadable: drawn in place
        return None
    if not (isinstance(ahead, Ahead) and ahead.op == op and ahead.seeded_by == seeded_by
            and ahead.strategy == repr(strategy) and ahead.hypothesis_version == hypothesis.__version__):
        return None
    return ahead


class Helper:
    """The helper process drawing ahead, and its folder (removed by :meth:`stop`; nothing else is in it)."""

    def __init__(self, searches: list[tuple[str, str, int]]):
        import multiprocessing

        self.folder = tempfile.mkdtemp(prefix="convspec-ahead-")
        self.process = multiprocessing.get_context("fork").Process(
            target=_helper, args=(self.folder, searches), daemon=True)
        self.process.start()

    def stop_drawing(self) -> None:
        """Kill the helper (the workers are about to take the cores); the files it finished stay."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()

    def stop(self) -> None:
        """Kill the helper and remove its folder (the check is over)."""
        self.stop_drawing()
        shutil.rmtree(self.folder, ignore_errors=True)


def start(searches: list[tuple[str, str, int]]) -> Helper | None:
    """Fork the helper for ``searches`` (operation name, seed text, examples), or None where it cannot help:
    no ``fork``, or one core only (it would slow the target's load it is meant to hide)."""
    import multiprocessing

    from .isolation import default_jobs

    if "fork" not in multiprocessing.get_all_start_methods() or default_jobs() < 2 or not searches:
        return None
    return Helper(searches)


def _helper(folder: str, searches: list[tuple[str, str, int]]) -> None:
    """In the helper process: draw ahead for each search in turn, each file written whole (renamed into place)."""
    import gc
    import signal

    from .catalog import get
    from .isolation import _die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops this helper
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent()  # a checker killed outright takes its helper with it
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
            path = _file(folder, seeded_by)
            with open(path + ".part", "wb") as handle:
                pickle.dump(ahead, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(path + ".part", path)
    except BaseException:  # noqa: BLE001 - a full disk, say: the workers draw what is missing, as without a helper
        pass
    os._exit(0)  # nothing of the parent's (its buffered output, its exit handlers) is run twice
