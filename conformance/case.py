"""One concrete call of an operation (a test case) and one literal worked example."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np


class CaseFailure(AssertionError):
    """A case on which the target disagrees with the specification (status "failed")."""

    def __init__(self, case: "Case", reason: str, comparison=None):
        super().__init__(f"{case.describe()}: {reason}")
        self.case = case
        self.reason = reason
        self.comparison = comparison  # a tolerance.Comparison, or None

    def __reduce__(self):  # a worker process sends its failures back to the checker
        return type(self), (self.case, self.reason, self.comparison)


class TargetCrash(CaseFailure):
    """The target ended the process it ran in (``sys.exit``) on a case (status "crashed").

    A crash that kills the worker outright (a signal, ``os._exit``) is seen from outside, by
    :mod:`.isolation`, which builds this failure itself."""


class Unsupported(NotImplementedError):
    """Raise it from a target's function (or VJP) to say that a valid case lies outside what the
    target implements: the case is counted as "unsupported" with the exception's message, neither
    passed nor failed, and the check draws another.

    Any :class:`NotImplementedError` counts the same way; this subclass only names the intent::

        from convspec.conformance import Unsupported

        def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
            if groups != 1:
                raise Unsupported("grouped convolution is not implemented")
            ...

    Declaring the same in ``SUPPORTS`` is better where it is cheap to say in advance: the
    check then never calls the function on such a case."""


def users_interrupt(error: BaseException) -> bool:
    """Whether ``error``, raised inside a target's code, is the user's Ctrl-C, which stops the check, rather
    than the target's own fault, which is a result.

    Only a ``KeyboardInterrupt`` can be the user's, and only where Python turns SIGINT into one (its handler is
    ``signal.default_int_handler``, as in an in-process run): a worker process leads a process group of its own,
    which a terminal's Ctrl-C does not reach, and leaves SIGINT at the system's default (:mod:`.isolation`), so
    there it came from the target (``raise KeyboardInterrupt``). Every other ``BaseException`` a target raises
    (``GeneratorExit``, ``asyncio.CancelledError``, a library's own) is the target's: caught where its code is
    called, it is a crash of the operation, never convspec's internal error.
    """
    import signal

    return isinstance(error, KeyboardInterrupt) and signal.getsignal(signal.SIGINT) is signal.default_int_handler


class UserCodeError(CaseFailure):
    """An exception in user code around the operation itself (status "error"): a target's
    ``SUPPORTS`` predicate, an ``expression:`` of an expected-divergences file."""


_DTYPE_NAMES: dict = {}


def dtype_name(dtype: np.dtype) -> str:
    """``str(dtype)`` (``"float32"``), remembered per dtype: numpy computes it in Python (2.5 us a call here), and
    the checker asks for a case's dtype a dozen times a case (tolerances, regions, the report)."""
    name = _DTYPE_NAMES.get(dtype)
    if name is None:
        name = _DTYPE_NAMES[dtype] = str(dtype)
    return name


@dataclass(frozen=True)
class Case:
    """The positional array inputs and keyword parameters of one call.

    ``inputs`` keeps the positional order of the signature (``x, weight, bias``);
    ``None`` stands for an optional input left out. ``data_kind`` is
    ``"integers"`` (integer-valued floats: exact comparison) or ``"floats"``.
    """

    op: str
    inputs: dict[str, np.ndarray | None]
    params: dict[str, Any]
    data_kind: str

    @property
    def dtype(self) -> str:
        return dtype_name(next(iter(self.inputs.values())).dtype)

    def arrays(self) -> list[np.ndarray | None]:
        return list(self.inputs.values())

    def copies(self) -> list[np.ndarray | None]:
        """Fresh copies of the inputs, so a target that writes into them cannot hide it."""
        return [None if a is None else a.copy() for a in self.inputs.values()]

    def describe(self) -> str:
        shapes = ", ".join(
            f"{name}={'None' if a is None else tuple(a.shape)}" for name, a in self.inputs.items()
        )
        params = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.op}({shapes}, {params}) dtype={self.dtype} data={self.data_kind}"

    def call_source(self, module: str) -> str:
        args = ", ".join(name if a is not None else "None" for name, a in self.inputs.items())
        params = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{module}.{self.op}({args}, {params})"

    def input_source(self) -> str:
        """Python lines that rebuild the inputs exactly (float64 repr round-trips every value)."""
        lines = []
        arrays = [a for a in self.inputs.values() if a is not None]
        if any(a.dtype.kind == "f" and not np.isfinite(a).all() for a in arrays):
            lines.append("inf, nan = np.inf, np.nan")  # array2string spells them inf and nan
        for name, array in self.inputs.items():
            if array is None:
                continue
            if array.size == 0:  # np.array([]) would lose the shape
                lines.append(f"{name} = np.empty({tuple(array.shape)!r}, dtype=np.{array.dtype})")
                continue
            values = np.array2string(
                array.astype(np.float64), separator=", ", threshold=np.inf, floatmode="unique", max_line_width=100
            )
            lines.append(f"{name} = np.array({values}, dtype=np.{array.dtype})")
        return "\n".join(lines)


@dataclass(frozen=True)
class WorkedExample:
    """A literal input/output pair, computed by hand or taken from a seed, never by the code under test.

    ``expected`` is what every implementation must return. ``note`` says where the
    numbers come from and, when a seed prints something else, what it printed.
    ``dtype=object`` inputs (sympy symbols) run through the reference only.
    """

    title: str
    source: str
    inputs: dict[str, np.ndarray | None]
    params: dict[str, Any]
    expected: np.ndarray
    note: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def symbolic(self) -> bool:
        return any(a is not None and a.dtype == object for a in self.inputs.values())


class LazyExamples(Sequence):
    """A family's worked examples, built on first use: a read-only sequence of :class:`WorkedExample`.

    Examples with symbolic entries are sympy expressions, and sympy takes a good part of a second to import;
    built here, the catalog (and ``convspec check``, which never reads them) starts without it. ``build()``
    returns the examples; it runs once, at the first ``len``, index or iteration.

    >>> examples = LazyExamples(lambda: (1, 2))
    >>> len(examples), list(examples)
    (2, [1, 2])
    """

    def __init__(self, build: Callable[[], Sequence[WorkedExample]]):
        self._build = build
        self._examples: tuple | None = None

    def _all(self) -> tuple:
        if self._examples is None:
            self._examples = tuple(self._build())
        return self._examples

    def __getitem__(self, index):
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __repr__(self) -> str:
        return f"LazyExamples({self._build.__name__})" if self._examples is None else repr(self._examples)

