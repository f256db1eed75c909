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
"""

from __future__ import annotations

import gc
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
    finally:
        start_up_over()  # a start-up that ended in an error: the collector back on for what follows
        gc.freeze()  # the exit's collection would walk every object once more, to no use
    sys.exit(status)


def start_up_over() -> None:
    """What the command calls once its imports are done and its target is loaded: the objects loaded so far are
    frozen and the collector turned back on, if :func:`main` turned it off. Does nothing otherwise (``cli.main``
    called from Python, where the collector is the caller's business) or when called again."""
    global _collector_paused
    if _collector_paused:
        _collector_paused = False
        gc.freeze()
        gc.enable()
