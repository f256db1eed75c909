"""The output-size guard: every operation asks it before it allocates or loops.

An operation whose output can be larger than its inputs (a padding, a stride, a
scale factor or an ``output_size`` decides its length) computes the shape of its
result first -- the accelerated implementation from the spec's closed forms, the
reference its own way from the definition -- and passes it to
:func:`check_output_size` together with the dtype. A result with more elements than
the limit is refused with a ``ValueError`` that names the operation, the shape, the
number of elements, the bytes it would need and the limit, before any work is done.
An empty axis (batch 0) does not exempt a shape whose other axes together exceed
the limit: an implementation may still walk those positions.
Both implementations share this function, so they refuse the same calls with the
same message.

The limit
---------
* default :data:`DEFAULT_MAX_OUTPUT_ELEMENTS` = ``2**31`` elements (8 GiB of float32);
* the environment variable ``CONVSPEC_MAX_OUTPUT_ELEMENTS`` (a positive integer, read
  at each call) replaces the default;
* :func:`set_output_limit` (or the context manager :func:`output_limit`) replaces
  both for this process; ``set_output_limit(None)`` goes back to the environment/default.

Operations whose output is never larger than one of their inputs (``relu``, ``sigmoid``,
``softmax``, ``flatten``, the global pools, ``content_loss``) do not ask.

Intermediates
-------------
An array that an operation may allocate on the way and that grows with its arguments is
guarded the same way, right after the output, under its own name: the **padded input** of
the correlations (``correlate``, ``convolve``, ``depthwise_separable``'s depthwise stage) and
of the pools (``max_pool``, ``avg_pool``) whenever the padding is not zero
(:func:`padded_shape`); the **uncropped output** of ``conv_transpose`` (the scatter buffer
with its output padding, before the crop); ``style_loss``'s **gram matrices**. A huge padding
or dilation with a huge stride (``correlate(x, w, padding=10**12, stride=10**12)``), a huge
window under ``padding="same"`` or ``"full"`` (``max_pool(x, 10**12, padding="same")``)
therefore has a small output but is refused, the same way in both implementations, instead
of allocating terabytes in one of them.
"""

from __future__ import annotations

import math
import os
from decimal import Decimal
from contextlib import contextmanager
from typing import Iterator, Sequence

DEFAULT_MAX_OUTPUT_ELEMENTS = 2**31
ENVIRONMENT_VARIABLE = "CONVSPEC_MAX_OUTPUT_ELEMENTS"

_limit: int | None = None  # set_output_limit's value; None: the environment variable or the default


def _positive_int(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{where} must be a positive int (a number of elements), got {value!r}")
    return value


def _environment_text() -> str | None:
    """``os.environ.get(ENVIRONMENT_VARIABLE)``, read at each call, but without the ~2 µs that
    ``Mapping.get`` spends raising and catching a ``KeyError`` when the variable is unset:
    every accelerated call asks (CPython's ``os.environ`` keeps its encoded items in ``_data``;
    elsewhere, or if ``os.environ`` was replaced, the plain ``get``)."""
    environ = os.environ
    if environ is _ENVIRON and _ENVIRON_KEY is not None:
        raw = _ENVIRON_DATA.get(_ENVIRON_KEY)
        return None if raw is None else environ.decodevalue(raw)
    return environ.get(ENVIRONMENT_VARIABLE)


_ENVIRON = os.environ
try:
    _ENVIRON_DATA, _ENVIRON_KEY = os.environ._data, os.environ.encodekey(ENVIRONMENT_VARIABLE)
except AttributeError:  # not CPython's os._Environ
    _ENVIRON_DATA, _ENVIRON_KEY = None, None


def max_output_elements() -> int:
    """The limit now in force (see the module docstring for the order)."""
    if _limit is not None:
        return _limit
    text = _environment_text()
    if text is None or not text.strip():
        return DEFAULT_MAX_OUTPUT_ELEMENTS
    try:
        value = int(text.strip().replace("_", ""))
    except ValueError:
        value = text
    return _positive_int(value, f"the environment variable {ENVIRONMENT_VARIABLE}")


def set_output_limit(elements: int | None) -> int | None:
    """Set the largest number of output elements a call may produce (``None``: back to the default).

    Returns the previous setting (``None`` if none was set), so that it can be restored.
    """
    global _limit
    previous = _limit
    _limit = None if elements is None else _positive_int(elements, "set_output_limit: elements")
    return previous


@contextmanager
def output_limit(elements: int | None) -> Iterator[None]:
    """``with output_limit(10**6): ...`` -- the limit inside the block, the previous one after."""
    previous = set_output_limit(elements)
    try:
        yield
    finally:
        set_output_limit(previous)


def _bytes(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    units = ("KiB", "MiB", "GiB", "TiB", "PiB", "EiB")
    exponent = min(int(math.log(count, 1024)), len(units))
    try:
        scaled = count / 1024**exponent
    except OverflowError:  # past float's range (a 1e300 scale factor on two axes): decimal arithmetic
        scaled = Decimal(count) / 1024**exponent
    return f"{count:,} bytes ({scaled:.3g} {units[exponent - 1]})"


def padded_shape(shape: Sequence[int], pads: Sequence[tuple[int, int]]) -> tuple[int, ...] | None:
    """``(N, C, *(lo + n + hi))``: the shape of an ``(N, C, *spatial)`` input padded by one ``(lo, hi)``
    per spatial axis, to guard with ``what="padded input"``; ``None`` when the padding is zero (no copy).

    >>> padded_shape((1, 2, 5), ((1, 2),)), padded_shape((1, 2, 5), ((0, 0),))
    ((1, 2, 8), None)
    """
    if not any(lo or hi for lo, hi in pads):
        return None
    return (*shape[:2], *(lo + n + hi for n, (lo, hi) in zip(shape[2:], pads)))


def check_output_size(op: str, shape: Sequence[int], dtype: object, *, what: str = "output") -> None:
    """Refuse a result of ``shape`` and ``dtype`` with more elements than the limit.

    ``dtype`` is anything with an ``itemsize`` (a numpy or torch dtype). ``what`` names
    the array in the message (``"output"``, or an intermediate such as ``"gram matrices"``).

    >>> check_output_size("upsample", (1, 1, 4), "unused")  # small enough: nothing happens
    >>> with output_limit(10):
    ...     check_output_size("upsample", (1, 2, 8), __import__("numpy").dtype("float32"))
    Traceback (most recent call last):
    ...
    ValueError: upsample: the output would have shape (1, 2, 8): 16 elements of float32, 64 bytes; convspec refuses results over 10 elements (set CONVSPEC_MAX_OUTPUT_ELEMENTS or call convspec.spec.limits.set_output_limit(...) to allow more)
    """
    shape = tuple(int(s) for s in shape)
    elements = math.prod(shape)
    extent = math.prod(max(s, 1) for s in shape)  # an empty axis does not make the other axes' walk short
    limit = max_output_elements()
    if extent <= limit:
        return
    itemsize = getattr(dtype, "itemsize", 8)
    name = str(dtype).removeprefix("torch.")
    empty = "" if elements else f" (none: an axis is empty, but the others span {extent:,} positions)"
    raise ValueError(
        f"{op}: the {what} would have shape {shape!r}: {elements:,} elements{empty} of {name}, "
        f"{_bytes(elements * itemsize)}; convspec refuses results over {limit:,} elements "
        f"(set {ENVIRONMENT_VARIABLE} or call convspec.spec.limits.set_output_limit(...) to allow more)"
    )
