"""Expected divergences: where a target is known to differ from the specification, and why.

Like array-api-tests' xfails file, a YAML (or JSON) file lists entries; ``convspec check
TARGET --expected-divergences FILE`` reports a failure that matches an entry as an
"expected divergence" (with the entry's reason) instead of a failure, and keeps looking
for other failures. The file::

    # torch-divergences.yaml
    divergences:
      - op: upsample                      # required: an operation of the catalog
        when: {mode: [nearest, nearest_exact]}  # optional: params equal to the value, or one of a list
                                          # (padding 0, [0, 0] and valid match alike; stride 2 is [2, 2])
        dtype: [float16]                  # optional: the inputs' dtype (one or a list)
        data: floats                      # optional: "integers" or "floats"
        failure_contains: "differs at"    # optional: a substring of the failure's reason
        expression: "params['size'] == 82"  # optional: a Python expression over case, params, inputs, np
        reason: >-                        # required: why the target differs (shown in the report)
          torch computes the nearest source index in float32 and rounds across a boundary.

Every condition given must hold for an entry to match; an entry with only ``op`` and
``reason`` matches every failure of that operation. Keep entries narrow: a broad entry
also hides every unrelated bug of the operation, so give ``failure_contains`` (a piece of
the failure's reason as the report prints it) and the ``when`` keywords that cause the
difference. ``when`` compares a keyword after the catalog fills in its default, and by
meaning where one value has several spellings: a ``padding`` of ``0``, ``[0, 0]``,
``[[0, 0], [0, 0]]`` and ``valid`` match alike, and a ``stride`` of ``2`` matches ``[2, 2]``.
The expression sees ``case``, ``params`` (defaults filled in), ``inputs`` (name -> array)
and ``np``; it is evaluated with Python's ``eval`` — the file is your own configuration,
treat it like code. An expression that raises makes the operation's status "error".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .case import Case, UserCodeError
from .catalog import BY_NAME
from .target_text import error_text

_KEYS = {"op", "when", "dtype", "data", "failure_contains", "expression", "reason", "description"}


@dataclass(frozen=True)
class Divergence:
    """One entry of an expected-divergences file."""

    op: str
    reason: str
    when: dict[str, Any] = field(default_factory=dict)
    dtype: tuple[str, ...] = ()
    data: str | None = None
    failure_contains: str | None = None
    expression: str | None = None
    description: str = ""
    predicate: Callable[[Case], bool] | None = None  # for entries written in Python (an adapter's known divergences)

    def applies_to(self, op: str) -> bool:
        return self.op == op

    def matches(self, case: Case, failure_reason: str) -> bool:
        if case.op != self.op:
            return False
        from .catalog import get

        case = get(case.op).complete(case)  # a keyword left out is its default, for `when:` and expressions alike
        for name, wanted in self.when.items():
            if name not in case.params:
                return False
            options = wanted if isinstance(wanted, list) else [wanted]
            if not any(_same(case.params[name], option, name, case) for option in options):
                return False
        if self.dtype and case.dtype not in self.dtype:
            return False
        if self.data is not None and case.data_kind != self.data:
            return False
        if self.failure_contains is not None and self.failure_contains not in failure_reason:
            return False
        if self.predicate is not None and not self.predicate(case):
            return False
        if self.expression is not None:
            # the names live in the globals, so that a generator expression or a lambda inside sees them too
            scope = {"__builtins__": __builtins__, "case": case, "params": case.params, "inputs": case.inputs, "np": np}
            try:
                if not eval(self.expression, scope):  # noqa: S307 (the user's own file)
                    return False
            except Exception as error:  # a fault of the file, reported with the case it met, not a crash of the run
                detail = error_text(error)
                raise UserCodeError(case, f"error in the expected divergence of {self.op} "
                                          f"(expression {self.expression!r}): {detail}") from None
        return True


#: keywords that take one int or one int per spatial axis: ``2`` and ``(2, 2)`` mean the same
_PER_AXIS = {"stride", "dilation", "kernel_size", "output_padding", "scale_factor", "size"}


def _same(value: Any, wanted: Any, name: str | None = None, case: Case | None = None) -> bool:
    """Params compare as written in YAML (tuples as lists, numbers by value), and by meaning where one value
    has several spellings: a ``padding`` of ``0``, ``(0, 0)``, ``((0, 0), (0, 0))`` and ``"valid"`` are one
    padding (and ``1`` is ``(1, 1)``); a ``stride`` of ``2`` is ``(2, 2)`` on a 2-D input."""
    if plain(value) == plain(wanted):
        return True
    if case is None or name not in _PER_AXIS | {"padding"}:
        return False
    rank = next(iter(case.inputs.values())).ndim - 2
    if rank < 1:
        return False
    return _meaning(name, value, rank, case.op) == _meaning(name, wanted, rank, case.op) is not None


def _meaning(name: str, value: Any, rank: int, op: str):
    """One spelling of a per-axis keyword or a padding (None where ``value`` is not one for this rank)."""
    from convspec.spec.conventions import normalize_padding

    try:
        if name == "padding":
            if value == "valid":
                return ((0, 0),) * rank
            padding = normalize_padding(op, plain(value) if isinstance(value, list) else value, rank)
            return padding if isinstance(padding, str) else tuple(tuple(pair) for pair in padding)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return (value,) * rank
        if isinstance(value, (tuple, list)) and len(value) == rank:
            return tuple(value)
    except (TypeError, ValueError):
        return None
    return None


def plain(value):
    """A keyword's value with every list as a tuple, so ``[1, 2]`` (YAML) and ``(1, 2)`` compare equal."""
    if isinstance(value, (tuple, list)):
        return tuple(plain(v) for v in value)
    return value


def parse(data: Any, source: str = "<divergences>") -> list[Divergence]:
    """Check and convert a loaded file (a mapping with ``divergences:`` or a bare list)."""
    entries = data.get("divergences") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise ValueError(f"{source}: expected a list of entries under 'divergences:'")
    result = []
    for number, entry in enumerate(entries, start=1):
        where = f"{source}: entry {number}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: each entry is a mapping with at least 'op' and 'reason'")
        unknown = set(entry) - _KEYS
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(_KEYS))}")
        op = entry.get("op")
        if op not in BY_NAME:
            raise ValueError(f"{where}: 'op' must be an operation of the catalog ({', '.join(BY_NAME)}), got {op!r}")
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"{where}: 'reason' must say why the target differs")
        when = entry.get("when") or {}
        if not isinstance(when, dict):
            raise ValueError(f"{where}: 'when' must map parameter names to values")
        dtype = entry.get("dtype") or ()
        dtype = (dtype,) if isinstance(dtype, str) else tuple(dtype)
        data_kind = entry.get("data")
        if data_kind not in (None, "integers", "floats"):
            raise ValueError(f"{where}: 'data' must be 'integers' or 'floats', got {data_kind!r}")
        expression = entry.get("expression")
        if expression is not None:
            compile(expression, where, "eval")  # a syntax error shows here, not mid-run
        result.append(
            Divergence(op, reason.strip(), dict(when), dtype, data_kind, entry.get("failure_contains"), expression,
                       str(entry.get("description") or ""))
        )
    return result


def load(path: str | Path) -> list[Divergence]:
    """Read an expected-divergences file: YAML (``.yaml``/``.yml``), ``.json`` or ``.toml``
    (``[[divergences]]`` tables; TOML needs Python 3.11+)."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"--expected-divergences: no such file {str(path)!r}")
    text = path.read_text()
    if path.suffix == ".toml":
        try:
            import tomllib
        except ImportError:  # Python 3.10
            raise ValueError(f"{path}: TOML needs Python 3.11+; write the file as YAML") from None
    try:
        if path.suffix == ".json":
            data = json.loads(text)
        elif path.suffix == ".toml":
            data = tomllib.loads(text)
        else:
            import yaml  # here, not at the top: a check without a divergence file does not need it (18 ms)

            data = yaml.safe_load(text)
    except Exception as error:  # yaml.YAMLError, json.JSONDecodeError, tomllib.TOMLDecodeError
        raise ValueError(f"{path}: cannot parse: {error}") from None
    return parse(data, str(path))
