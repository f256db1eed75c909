"""Text that comes from the code under test, made safe to print and to store in a report.

What a target raises, returns or says (an exception's message, the repr of what it returned, the reason its
``SUPPORTS`` predicate gives, the code it passed to ``sys.exit``) is copied into the check's result, sent from
the worker to the checker, printed in a panel and written to the JSON and JUnit reports. Two things about it are
the target's, not convspec's:

* **its length**: a message that holds a tensor printed in full, or a log joined into one string, may run to
  megabytes; a 50 MB message made the table's panel take minutes to lay out, the check hung at its very end.
  Every such text is cut to :data:`LIMIT` characters: its start, the count left out, and its end;
* **whether it can be made at all**: an exception's ``__str__`` or a value's ``__repr__`` may raise. Then the
  text says so, instead of the error escaping into convspec (an internal error).

Worked example:

>>> len(bounded("x" * 10_000)) < LIMIT + 50
True
>>> bounded("x" * 10_000)[1497:1537]
'xxx ... [8,000 characters left out] ... '
>>> class Mute(Exception):
...     def __str__(self):
...         raise RuntimeError("no")
>>> error_text(Mute()).endswith("Mute: <exception str() failed>")
True
"""

from __future__ import annotations

import traceback
from typing import Callable

#: the most characters of one text from the target that a result keeps (its start and its end, around a count)
LIMIT = 2000


def bounded(text: str, limit: int = LIMIT) -> str:
    """``text`` where it has at most ``limit`` characters; else its first three quarters of ``limit``, the count
    of characters left out, and its last quarter."""
    if len(text) <= limit:
        return text
    head = limit * 3 // 4
    tail = limit - head
    return f"{text[:head]} ... [{len(text) - limit:,} characters left out] ... {text[len(text) - tail:]}"


def error_text(error: BaseException) -> str:
    """``error`` as Python prints its last line (``ValueError: message``), bounded; never raises."""
    try:
        text = "".join(traceback.format_exception_only(type(error), error)).strip()
    except Exception:  # noqa: BLE001 - the exception's own code failed: its type is what is left
        text = ""
    return bounded(text or type(error).__name__)


def message_text(error: BaseException) -> str:
    """``str(error)``, bounded; empty where it is empty or cannot be made."""
    try:
        text = str(error)
    except Exception:  # noqa: BLE001
        return ""
    return bounded(text.strip()) if isinstance(text, str) else ""


def plain_text(value) -> str:
    """``str(value)``, bounded; where it raises, a line naming the value's type."""
    return _converted(value, str)


def value_text(value) -> str:
    """``repr(value)``, bounded; where the repr raises, a line naming the value's type."""
    return _converted(value, repr)


def _converted(value, convert: Callable[[object], str]) -> str:
    try:
        text = convert(value)
    except Exception:  # noqa: BLE001
        return f"<a {type(value).__name__} whose {convert.__name__}() raised>"
    return bounded(text) if isinstance(text, str) else f"<a {type(value).__name__}>"
