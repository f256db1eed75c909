"""Argument checks and number handling shared by the reference operations.

The reference computes every sum in float64 (or exactly, for ``dtype=object``
arrays of sympy symbols or fractions) and rounds once to the input dtype at the
end, so its result is as close to the exact value as the output dtype allows.
"""

from __future__ import annotations

import numpy as np

from convspec.spec.conventions import dtype_error, dtype_mismatch_error


def check_array(op: str, name: str, value: object) -> np.ndarray:
    """``value`` must be a numpy array of float16, float32 or float64 (or ``object`` for exact arithmetic)."""
    if not isinstance(value, np.ndarray):
        raise TypeError(
            f"{op}: {name} must be a numpy.ndarray, got {type(value).__name__}; "
            f"wrap it with numpy.asarray({name}, dtype=numpy.float32)"
        )
    if value.dtype != object and not (value.dtype.kind == "f" and value.dtype.itemsize in (2, 4, 8)):
        raise dtype_error(op, name, str(value.dtype))  # longdouble too: not one of the spec's dtypes
    return value


def check_same_dtype(op: str, x: np.ndarray, **others: np.ndarray | None) -> None:
    for name, array in others.items():
        if array is not None and array.dtype != x.dtype:
            raise dtype_mismatch_error(op, name, str(array.dtype), str(x.dtype))


def accumulator(array: np.ndarray) -> np.ndarray:
    """A copy to compute with: float64 for floating inputs, unchanged objects otherwise."""
    return array.astype(object if array.dtype == object else np.float64)


def zeros(shape, like: np.ndarray) -> np.ndarray:
    """An accumulator of zeros matching :func:`accumulator`'s dtype."""
    return np.zeros(shape, dtype=object if like.dtype == object else np.float64)


def refuse_object(op: str, name: str, array: np.ndarray, why: str) -> None:
    """An operation without exact arithmetic refuses ``dtype=object`` instead of silently rounding."""
    if array.dtype == object:
        raise TypeError(
            f"{op}: {name} has dtype object, but {op} has no exact arithmetic ({why}); the reference computes "
            f"exactly only where every step is a sum, product, quotient or comparison. "
            f"Convert it first, e.g. {name}.astype('float64')"
        )


def incomparable_error(op: str, name: str, error: TypeError) -> TypeError:
    """The error for ``dtype=object`` values whose order cannot be decided (sympy symbols)."""
    return TypeError(
        f"{op}: {name} holds values whose order cannot be decided ({error}); {op} compares values, "
        "so a dtype=object input must hold numbers (int, fractions.Fraction, sympy numbers), not free symbols"
    )
