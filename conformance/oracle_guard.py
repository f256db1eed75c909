"""The oracle's library stays the oracle's: the code under test may not replace numpy's functions.

The reference computes with numpy, in the same process as the code it checks (a worker), and convspec draws its
cases and compares results with numpy too. A target whose module replaced a numpy function when imported
(``np.maximum = my_maximum``, a "faster" drop-in) changed what the reference computes: the two could agree on a
wrong answer, and convspec's own drawing of cases broke on it, reported as convspec's internal error. So the
namespaces below are read before the target's code runs (:func:`snapshot`) and compared after it
(:meth:`Snapshot.replaced`): a function replaced or removed at import is a usage error, one replaced while an
operation ran makes that operation's result an error. Adding a name is allowed (``np.float = float``, a shim for
code written for numpy 1), as is changing what a C extension computes inside numpy (beyond reach here).

Worked example:

>>> import math
>>> taken = snapshot()
>>> real, math.floor = math.floor, (lambda value: 0)
>>> taken.replaced()
['math.floor']
>>> taken.restore(); math.floor is real
True
"""

from __future__ import annotations

import sys

#: the modules whose names the reference and the checker compute with
WATCHED = ("numpy", "numpy.linalg", "numpy.fft", "math")


class Snapshot:
    """The names of :data:`WATCHED` (those imported) and what each was bound to when it was taken."""

    def __init__(self):
        self.namespaces = {name: dict(vars(sys.modules[name])) for name in WATCHED if name in sys.modules}

    def replaced(self) -> list[str]:
        """``module.name`` for each name bound to another object since, or removed."""
        found = []
        for module_name, before in self.namespaces.items():
            now = vars(sys.modules.get(module_name, object()))  # a module removed from sys.modules: every name
            found += [f"{module_name}.{name}" for name, value in before.items() if now.get(name, _GONE) is not value]
        return found

    def restore(self) -> None:
        """Bind every name back to what it was bound to when the snapshot was taken."""
        for module_name, before in self.namespaces.items():
            module = sys.modules.get(module_name)
            if module is not None:
                for name, value in before.items():
                    if vars(module).get(name, _GONE) is not value:
                        setattr(module, name, value)


_GONE = object()


def snapshot() -> Snapshot:
    return Snapshot()


def replaced_message(names: list[str], when: str) -> str:
    """What the check says of a target that replaced ``names`` (``when``: "when imported", "while it ran")."""
    shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    return (f"the target replaced {shown} {when}: the reference computes with numpy in the same process, so it "
            "would no longer be an independent oracle (convspec's own code computes with it too); bind your "
            "version to a name of your own instead (my_maximum = ..., not np.maximum = ...)")
