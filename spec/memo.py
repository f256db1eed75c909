"""Memoising the spec's argument checks and size functions: the same answer, computed once per arguments.

The conformance checker asks the spec about the same few shapes and parameters hundreds of times a case
(every named region's predicate, the tolerance model and the expected output shape each call
``check_pool_arguments`` or ``conv_output_length``), and each answer is a pure function of its arguments.
:func:`memoised` keeps the answers: a call with arguments seen before returns the stored result; any other
call runs the function as before.

The key is exact, so a cached call returns what the call itself would: every argument is keyed with its
type, through nested tuples, so ``True`` and ``1``, ``1.0`` and ``1``, ``np.int64(1)`` and ``1``, ``(1, True)``
and ``(1, 1)`` are different keys (the checks treat them differently: a bool is not a size), and a float by its
exact bits (``-0.0`` is not ``0.0``; a NaN is never found, so it is always computed). A call with an
argument that cannot be hashed (a list, an array) is not cached, and neither is one that raises: the
error, with its message, is raised by every such call. Only functions whose result is immutable (ints,
tuples, strings, sympy expressions, frozen dataclasses of those) and depends only on their arguments
are decorated; the undecorated function is ``__wrapped__``, and ``cache_clear()`` empties the store.

Worked example::

    >>> @memoised
    ... def window(n, k):
    ...     print("computed")
    ...     return n - k + 1
    >>> window(5, 3)
    computed
    3
    >>> window(5, 3)
    3
    >>> window(5, True)   # a bool is not the int 1 here: its own key, computed afresh
    computed
    5
"""

from __future__ import annotations

import functools
from typing import Callable, TypeVar

F = TypeVar("F", bound=Callable)

#: answers kept per function before its store is emptied (a checker run needs a few hundred)
MAXSIZE = 4096

_MISSING = object()
_PLAIN = frozenset({int, str})  # equal values of these exact types behave the same; keyed as themselves


def _key(value: object) -> object:
    """``value`` with its type, recursively through tuples; a TypeError when it cannot be hashed."""
    kind = type(value)
    if kind in _PLAIN or value is None:
        return value
    if kind is tuple:
        return (tuple, tuple([_key(item) for item in value]))
    if kind is float:
        return (float, value.hex())
    hash(value)  # a list, a dict, an array: TypeError, and the call is not cached
    return (kind, value)


def memoised(function: F) -> F:
    """``function`` with its answers kept per (exactly typed) arguments; see the module's docstring."""
    store: dict = {}

    @functools.wraps(function)
    def cached(*args, **kwargs):
        try:
            key = (_key(args), _key(tuple(kwargs.items()))) if kwargs else _key(args)
            found = store.get(key, _MISSING)
        except TypeError:  # an unhashable argument: computed afresh, exactly as without the store
            return function(*args, **kwargs)
        if found is _MISSING:
            found = function(*args, **kwargs)
            if len(store) >= MAXSIZE:
                store.clear()
            store[key] = found
        return found

    cached.cache_clear = store.clear
    return cached
