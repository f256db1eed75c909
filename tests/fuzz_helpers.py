"""Calling both implementations of an operation and comparing the outcomes (tests/test_fuzz*.py).

A :class:`Call` (arrays and keywords), its :class:`Outcome` in each implementation (result
or exception, timed, inputs fingerprinted before and after), and :func:`check`: both accept
or both refuse, with a ``ValueError``/``TypeError`` and the same message up to the container
the message asks for, within :data:`SECONDS`, no input modified, the same shapes and dtypes.
"""

from __future__ import annotations

import re
import time
import warnings
from dataclasses import dataclass

import numpy as np
import torch
from hypothesis import HealthCheck, settings

from convspec.conformance import catalog
from convspec.spec import limits

OPERATIONS = catalog.CATALOG
IDS = [op.name for op in OPERATIONS]

SECONDS = 1.0  # the longest any one call may take
OUTPUT_LIMIT = 10**5  # elements: the output-size guard's limit during the fuzzing

# examples per operation, from the profile's max_examples (ci: 60 -> 180 mutated calls and 60 garbage calls)
_PROFILE_EXAMPLES = settings.default.max_examples
MUTATED_EXAMPLES = 3 * _PROFILE_EXAMPLES
GARBAGE_EXAMPLES = _PROFILE_EXAMPLES
_SETTINGS = dict(deadline=None, suppress_health_check=list(HealthCheck))

#: the dtypes torch.from_numpy takes; an array of any other dtype reaches accelerated as itself
TORCH_DTYPES = {np.dtype(t) for t in ("float16", "float32", "float64", "complex64", "complex128", "int8", "int16",
                                       "int32", "int64", "uint8", "bool")}


# ---------------------------------------------------------------------------------------------
# calling both implementations
# ---------------------------------------------------------------------------------------------


def to_torch(value, depth: int = 1):
    """The accelerated implementation's copy of a numpy input: same values, dtype and shape, fresh memory
    (and of the arrays in a list or tuple: style_loss takes one per layer)."""
    if isinstance(value, np.ndarray) and value.dtype in TORCH_DTYPES and type(value) is np.ndarray:
        return torch.from_numpy(np.array(value, copy=True))
    if depth and type(value) in (list, tuple):
        return type(value)(to_torch(v, depth - 1) for v in value)
    return value


def to_numpy(value, depth: int = 1):
    """The reference's copy of a tensor drawn as garbage for an array input (the same call in both)."""
    if isinstance(value, torch.Tensor):
        return value.numpy().copy()
    if depth and type(value) in (list, tuple):
        return type(value)(to_numpy(v, depth - 1) for v in value)
    return value


@dataclass
class Call:
    """One call of an operation: the reference's arguments, the accelerated implementation's, the keywords.

    ``expect``: ``"agree"`` (both accept or both refuse alike), ``"accept"`` (a valid variant: both must
    accept, with ``shape`` the original result's shapes when it must keep them), ``"reference only"`` (an
    input torch cannot hold: the accelerated implementation refuses it as not a tensor).
    """

    what: str
    ref_args: list
    acc_args: list
    params: dict
    expect: str = "agree"
    shape: tuple | None = None
    same_values_as: list | None = None  # reference arguments whose result the reference must reproduce exactly
    container_swap: bool = False
    reference_refuses: bool = False
    acc_params: dict | None = None  # the accelerated implementation's keywords, where they differ (an array input)


def _fingerprint(value):
    """What must not change in a call: an array's or tensor's shape, dtype and bits; anything else's repr."""
    if isinstance(value, torch.Tensor):
        return ("tensor", tuple(value.shape), str(value.dtype), value.detach().cpu().numpy().tobytes())
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            return ("object array", value.shape, repr(value.tolist()))
        return ("array", value.shape, str(value.dtype), value.tobytes(), value.flags.writeable)
    if isinstance(value, (list, tuple, dict, set)):
        return (type(value).__name__, repr(value))
    return None


@dataclass
class Outcome:
    kind: str  # "ok" or the exception's type name
    error: type | None
    message: str
    shapes: tuple = ()
    dtypes: tuple = ()
    result: object = None
    seconds: float = 0.0


def _parts(result) -> tuple:
    return result if isinstance(result, tuple) else (result,)


def _dtype_name(dtype) -> str:
    return str(dtype).removeprefix("torch.")


def _call(fn, args, params) -> Outcome:
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a RuntimeWarning from arithmetic on NaN is not an outcome
            result = fn(*args, **params)
    except Exception as error:  # the outcome under test
        return Outcome(type(error).__name__, type(error), str(error), seconds=time.perf_counter() - start)
    seconds = time.perf_counter() - start
    parts = result if isinstance(result, tuple) else (result,)
    shapes = tuple(tuple(getattr(p, "shape", ("not an array", type(p).__name__))) for p in parts)
    dtypes = tuple(_dtype_name(getattr(p, "dtype", type(p).__name__)) for p in parts)
    return Outcome("ok", None, "", shapes, dtypes, result, seconds)


def _timed(fn, args, params, what: str) -> Outcome:
    """The call's outcome; over :data:`SECONDS`, called once more (a busy machine) and failed if slow again."""
    outcome = _call(fn, args, params)
    if outcome.seconds > SECONDS:
        outcome = _call(fn, args, params)
        assert outcome.seconds <= SECONDS, (
            f"{what}: took {outcome.seconds:.2f} s (twice over {SECONDS} s); "
            f"outcome {outcome.kind} {outcome.message[:300]}"
        )
    return outcome


_CONTAINERS = [
    (re.compile(r"numpy\.asarray\((\w+), dtype=numpy\.(\w+)\)"), r"<wrap>(\1, \2)"),
    (re.compile(r"torch\.as_tensor\((\w+), dtype=torch\.(\w+)\)"), r"<wrap>(\1, \2)"),
    (re.compile(r"torch\.as_tensor\((\w+)\)"), r"<wrap>(\1, float32)"),
    (re.compile(r"numpy\.ndarray|torch\.Tensor"), "<array>"),
    (re.compile(r"\btorch\.(?=(float|int|uint|bool|complex|bfloat)\d*\b)"), ""),
]


def normalise(message: str, container_swap: bool = False) -> str:
    """The message without the container it asks for (the one difference by design)."""
    for pattern, replacement in _CONTAINERS:
        message = pattern.sub(replacement, message)
    if container_swap:  # the reference was given a tensor and accelerated an array: "got Tensor" / "got ndarray"
        message = re.sub(r"\b(Tensor|ndarray)\b", "<array type>", message)
    return message


def check(op, call: Call) -> None:
    """Run ``call`` in both implementations and assert rules 1-6."""
    what = f"{op.name} [{call.what}]"
    acc_params = call.params if call.acc_params is None else call.acc_params
    values = (*call.ref_args, *call.acc_args, *call.params.values(), *acc_params.values())
    before = [(_fingerprint(a), a) for a in values]
    with limits.output_limit(OUTPUT_LIMIT):
        ref = _timed(op.reference, call.ref_args, call.params, f"reference {what}")
        acc = _timed(op.accelerated, call.acc_args, acc_params, f"accelerated {what}")
    for fingerprint, value in before:
        if fingerprint is not None:
            assert _fingerprint(value) == fingerprint, f"{what}: an input was modified: {type(value).__name__}"
    shown = (f"{what}\n  reference:   {ref.kind}: {ref.message[:500] or ref.shapes}"
             f"\n  accelerated: {acc.kind}: {acc.message[:500] or acc.shapes}")
    for name, outcome in (("reference", ref), ("accelerated", acc)):
        assert outcome.kind == "ok" or outcome.error in (ValueError, TypeError), (
            f"{name} raised {outcome.kind}, not a ValueError or TypeError: {shown}"
        )
        if outcome.kind != "ok":
            assert outcome.message.startswith(f"{op.name}") or "argument" in outcome.message, (
                f"{name}'s message does not name the operation: {shown}"
            )
    same_refusal = ref.kind != "ok" and (ref.kind, normalise(ref.message)) == (acc.kind, normalise(acc.message))
    if call.expect == "reference only" and not same_refusal:  # (a keyword both refuse first is fine)
        # accelerated: "x must be a torch.Tensor, got ndarray" (style_loss: "... got ndarray and array")
        assert acc.error is TypeError and "ndarray" in acc.message, shown
        if call.reference_refuses:  # longdouble, not a spec dtype: the shared dtype message (max_unpool: indices')
            assert ref.error is TypeError, shown
            assert re.search(r"must have an? [\w-]+ dtype .* got float128", ref.message), shown
        elif ref.kind == "ok":
            assert ref.dtypes[0] == "object", shown
        return
    assert ref.kind == acc.kind, f"one accepts, the other refuses (or with another exception): {shown}"
    if ref.kind != "ok":
        assert call.expect != "accept", f"a valid variant was refused: {shown}"
        assert normalise(ref.message, call.container_swap) == normalise(acc.message, call.container_swap), (
            f"the messages differ: {shown}"
        )
        return
    assert (ref.shapes, ref.dtypes) == (acc.shapes, acc.dtypes), f"the results differ in shape or dtype: {shown}"
    if call.shape is not None:
        assert ref.shapes == call.shape, f"a valid variant changed the result's shape from {call.shape}: {shown}"
    if call.same_values_as is not None:
        with limits.output_limit(OUTPUT_LIMIT):
            want = op.reference(*call.same_values_as, **call.params)
        for got, expected in zip(_parts(ref.result), _parts(want)):
            _assert_same_values(got, expected, f"{what}: the reference's values changed with the layout")


def _assert_same_values(got: np.ndarray, expected: np.ndarray, what: str) -> None:
    """Equal, but for the last bits of a floating sum: the reference's ``@`` (BLAS) adds in an order that
    depends on the operands' memory layout (conv_transpose, Fortran-order x: one float64 ulp apart)."""
    if got.dtype.kind != "f":
        assert np.array_equal(got, expected), what
        return
    eps = float(np.finfo(got.dtype).eps)
    scale = float(np.nanmax(np.abs(np.where(np.isinf(expected), 0, expected)), initial=1.0))
    assert np.allclose(got, expected, rtol=8 * eps, atol=8 * eps * scale, equal_nan=True), what
