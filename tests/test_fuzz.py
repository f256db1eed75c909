"""Fuzzing the argument checks (issue 13): every call has a defined outcome, the same in both implementations.

For every catalog operation, two hypothesis tests call ``convspec.reference.<op>`` (numpy in)
and ``convspec.accelerated.<op>`` (the same values as ``torch`` tensors, the convention of
``tests/test_conv.py``) with

(a) a *mutated valid call*: a case drawn from the operation's catalog strategy with one thing
    changed -- a keyword set to a wrong type or value (negative, zero, 10**12, 1e300, NaN, a
    float where an int belongs, a string, None, a tuple of the wrong length, ...) or to a numpy
    scalar/list variant that is valid; an array of another dtype, rank or shape; a
    non-contiguous, transposed, reversed, broadcast or read-only layout; a 0-d array; NaN or
    infinite values; an unknown or duplicated keyword; a missing, extra or ``None`` input;
(b) *garbage*: random python objects (numbers, strings, containers, numpy arrays of any
    dtype and rank, classes, ...) in place of some or all arguments,

and require:

1. both accept or both refuse;
2. a refusal is a ``ValueError`` or a ``TypeError`` (exactly those: ``ZeroDivisionError``,
   ``IndexError``, numpy's ``AxisError``, torch's ``RuntimeError``, ``MemoryError``,
   ``OverflowError``, ``AttributeError`` are failures);
3. the same exception type and the same message, up to the one difference by design: the
   container the message asks for (``numpy.ndarray`` / ``torch.Tensor``, and how to wrap a value);
4. every call returns (or raises) within :data:`SECONDS` (a huge size is refused by the output-size
   guard of :mod:`convspec.spec.limits`, not computed);
5. no input is modified (arrays and tensors compared bit for bit, keyword values by ``repr``);
6. where both accept, the results have the same shapes and dtypes; a valid variant (numpy ints
   and bools for ints and bools, non-contiguous layouts, non-finite values) must be accepted and
   keep the result's shape (the reference also its values, for a layout).

The calls run under an output limit of :data:`OUTPUT_LIMIT` elements, so that a mutated size that
is large but allowed by the default limit (2**31) is refused by the guard instead of computed in
seconds. Arrays torch cannot hold (``dtype=object``, ``longdouble``) reach the accelerated
implementation as numpy arrays, which it refuses as not a tensor; the reference computes on
``dtype=object`` exactly (spec/conventions.py) and refuses ``longdouble`` (not one of the spec's
dtypes). Run deterministically with ``CONVSPEC_PROFILE=ci``.
"""

from __future__ import annotations

import inspect
import re
import time
import warnings
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
import sympy
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from convspec import reference
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


# ---------------------------------------------------------------------------------------------
# (a) mutated valid calls
# ---------------------------------------------------------------------------------------------

NAN, INF = float("nan"), float("inf")

#: wrong values for any keyword (and a few right ones: every keyword takes some of these)
BAD_VALUES = [
    -1, 0, -2, 1, 2, 3, 10**12, -(10**12), 2**63, 2**64 + 1, 10**30, 1e300, -1e300, 1e-300, 2.5, 2.0, 0.0, -0.5,
    NAN, INF, -INF, "valid", "same", "same_lower", "full", "bogus", "", "NONE", "Same", None, True, False,
    b"same", 1 + 2j, Fraction(3, 2), Fraction(4, 2), Decimal("2"), Decimal("NaN"), [], (), {}, {"a": 1}, {1},
    Ellipsis, np.float32(2.5), np.float64(1e300), np.int8(-1), np.uint64(2**63), np.array(2), np.array([2, 2]),
    np.array(2.5), np.complex64(1), np.float64("nan"), torch.tensor(2), sympy.Integer(2), sympy.Rational(1, 2),
    sympy.Symbol("n"), sympy.oo, "xyxy", "cxcywh", "xywh", "none", "gatys", "per_element", "nearest", "linear",
    "bilinear", "trilinear", "nearest_exact", "bicubic", 1.5, 0.5, 1e-12,
]

#: values for keywords changed together: large sizes and the padding modes that grow with the window
LARGE_VALUES = [10**12, 2**63, 10**30, 1e300, 2**31, 10**6, 10**4, "same", "full", "same_lower", "valid", 1, 2, 0.5,
                (10**12, 1), (1, 10**12), ((0, 10**12),), ((10**12, 0),), (10**6, 10**6), True, None]


def _per_axis(draw, spatial: int):
    """A tuple or list, of the right length with one bad entry or of a wrong length."""
    length = draw(st.sampled_from([spatial, spatial, spatial + 1, max(spatial - 1, 0), 0, 5]))
    entries = [draw(st.sampled_from([1, 2, 1, (0, 1), (1, 0)])) for _ in range(length)]
    if entries and draw(st.booleans()):
        bad = draw(st.sampled_from(BAD_VALUES + [(1, 2, 3), (1,), (-1, 0), (NAN, 1)]))
        entries[draw(st.integers(0, length - 1))] = bad
    return draw(st.sampled_from([tuple, list]))(entries)


def _numpy_variant(value, kind: str):
    """``value`` with its ints (bools) as numpy ints (numpy bools), through tuples and lists; valid in every keyword."""
    if isinstance(value, bool):
        return np.bool_(value)
    if isinstance(value, int):
        numpy_type = {"int64": np.int64, "int32": np.int32, "intp": np.intp, "uint8": np.uint8}[kind]
        return numpy_type(value) if kind != "uint8" or 0 <= value <= 255 else np.int64(value)
    if isinstance(value, float):
        return np.float64(value)  # a float subclass: the same number
    if isinstance(value, (tuple, list)):
        return type(value)(_numpy_variant(v, kind) for v in value)
    return value


def _spatial(case) -> int:
    first = next(a for a in case.inputs.values() if a is not None)
    return max(first.ndim - 2, 1)


def _keywords(op, case) -> list[str]:
    return [name for name in inspect.signature(op.reference).parameters if name not in case.inputs]


def _resized(a: np.ndarray, axis: int, length: int) -> np.ndarray:
    if a.shape[axis] == 0:
        shape = list(a.shape)
        shape[axis] = length
        return np.ones(shape, a.dtype)
    return np.take(a, np.arange(length) % a.shape[axis], axis=axis)


def _astype(a: np.ndarray, dtype) -> np.ndarray:
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return a.astype(dtype)


def _layouts(a: np.ndarray) -> dict:
    """Valid layouts of ``a`` (same shape, dtype and -- except 'broadcast' -- values): name -> (numpy, torch)."""
    out = {}
    if a.ndim >= 2:
        swapped = np.ascontiguousarray(np.swapaxes(a, -1, -2))
        out["transposed"] = (swapped.swapaxes(-1, -2), torch.from_numpy(swapped.copy()).transpose(-1, -2))
        out["fortran order"] = (np.asfortranarray(a), torch.from_numpy(np.array(a, order="F")))
    if a.ndim >= 1:
        doubled = np.repeat(a, 2, axis=-1)
        out["strided"] = (doubled[..., ::2], torch.from_numpy(doubled.copy())[..., ::2])
        out["negative strides"] = (np.flip(np.flip(a, -1).copy(), -1), torch.from_numpy(a.copy()))
        if a.shape[-1] > 0:
            first = np.ascontiguousarray(a[..., :1])
            out["broadcast (zero strides)"] = (
                np.broadcast_to(first, a.shape), torch.from_numpy(first.copy()).expand(a.shape))
    read_only = a.copy()
    read_only.flags.writeable = False
    out["read-only"] = (read_only, torch.from_numpy(a.copy()))
    return out


@st.composite
def mutated_calls(draw, op) -> Call:
    case = draw(op.strategy())
    names = list(case.inputs)
    ref_args = list(case.inputs.values())
    params = dict(case.params)
    present = [i for i, a in enumerate(ref_args) if a is not None]
    keywords = _keywords(op, case)
    with limits.output_limit(OUTPUT_LIMIT):
        try:
            original = op.reference(*ref_args, **params)
        except ValueError:  # a drawn case the smaller output limit refuses: no valid variant, only agreement
            original = None
    original_shapes = None if original is None else tuple(
        tuple(p.shape) for p in (original if isinstance(original, tuple) else (original,)))
    kind = draw(st.sampled_from(["keyword", "keyword", "keyword", "per-axis keyword", "two keywords", "two keywords",
                                 "numpy scalars", "list", "dtype", "rank", "shape", "layout", "values", "signature",
                                 "signature", "keyword and array"]))
    if kind in ("keyword", "per-axis keyword", "list", "two keywords", "keyword and array") and not keywords:
        kind = "dtype"
    prefix = ""
    if kind == "keyword and array":  # one keyword changed, then one array: the array's expectation no longer holds
        name = draw(st.sampled_from(keywords))
        params[name] = draw(st.sampled_from(BAD_VALUES + LARGE_VALUES))
        prefix = f"{name}={params[name]!r} and "
        kind = draw(st.sampled_from(["dtype", "rank", "shape", "layout", "values", "signature"]))

    def done(what, args=None, acc=None, expect="agree", **extra):
        args = ref_args if args is None else args
        if prefix:  # a keyword changed too: it may be refused first
            extra.pop("reference_refuses", None)
            if expect == "accept":  # a valid variant of an array, but with a keyword changed too
                expect, extra = "agree", {}
        return Call(f"{kind}: {prefix}{what}; drawn {case.describe()}", args,
                    [to_torch(a) for a in args] if acc is None else acc, params, expect, **extra)

    if kind == "keyword":
        name = draw(st.sampled_from(keywords))
        params[name] = draw(st.sampled_from(BAD_VALUES))
        return done(f"{name}={params[name]!r}")
    if kind == "two keywords":  # sizes that only together make a huge intermediate (a window, a padding)
        names_ = draw(st.lists(st.sampled_from(keywords), min_size=1, max_size=2, unique=True))
        for name in names_:
            params[name] = draw(st.sampled_from(LARGE_VALUES))
        return done(", ".join(f"{name}={params[name]!r}" for name in names_))
    if kind == "per-axis keyword":
        name = draw(st.sampled_from(keywords))
        params[name] = _per_axis(draw, _spatial(case))
        return done(f"{name}={params[name]!r}")
    if kind == "numpy scalars":
        variant = draw(st.sampled_from(["int64", "int32", "intp", "uint8"]))
        params.update({k: _numpy_variant(v, variant) for k, v in params.items()})
        expect = "accept" if original_shapes is not None else "agree"
        return done(f"numpy {variant} and bool_ scalars for {case.params!r}", expect=expect, shape=original_shapes)
    if kind == "list":
        name = draw(st.sampled_from(keywords))
        value = params.get(name)
        params[name] = list(value) if isinstance(value, tuple) else [value]
        return done(f"{name}={params[name]!r}")
    index = draw(st.sampled_from(present))
    a = ref_args[index]
    name = names[index]
    args = list(ref_args)
    if kind == "dtype":
        dtype = draw(st.sampled_from(["int8", "int32", "int64", "uint8", "bool", "complex64", "complex128",
                                      "float16", "float32", "float64", "object", "longdouble"]))
        args[index] = _astype(a, dtype)
        expect = "reference only" if np.dtype(dtype) not in TORCH_DTYPES else "agree"
        return done(f"{name} as {dtype}", args, expect=expect, reference_refuses=dtype == "longdouble")
    if kind == "rank":
        form = draw(st.sampled_from(["a[None]", "a[..., None]", "a.ravel()", "a[0]", "0-d", "a.T"]))
        if form == "a[0]" and (a.ndim == 0 or a.shape[0] == 0):
            form = "a[None]"
        args[index] = {
            "a[None]": lambda: a[None], "a[..., None]": lambda: a[..., None], "a.ravel()": lambda: a.ravel(),
            "a[0]": lambda: a[0], "0-d": lambda: np.array(a.flat[0] if a.size else 1, dtype=a.dtype),
            "a.T": lambda: np.ascontiguousarray(a.T),
        }[form]()
        return done(f"{name} -> {form}, shape {args[index].shape}", args)
    if kind == "shape":
        if a.ndim == 0:
            args[index] = a[None]
            return done(f"{name} -> shape (1,)", args)
        axis = draw(st.integers(0, a.ndim - 1))
        n = a.shape[axis]
        length = draw(st.sampled_from(sorted({0, n + 1, max(n - 1, 0), 2 * n + 1, 1})))
        args[index] = _resized(a, axis, length)
        return done(f"{name} axis {axis}: {n} -> {length}", args)
    if kind == "layout":
        layouts = _layouts(a)
        form = draw(st.sampled_from(sorted(layouts)))
        args[index], tensor = layouts[form]
        acc = [to_torch(v) for v in args]
        acc[index] = tensor
        if original_shapes is None:
            return done(f"{name} {form}", args, acc)
        same_values = list(args)
        same_values[index] = np.ascontiguousarray(args[index])
        return done(f"{name} {form}", args, acc, expect="accept", shape=original_shapes, same_values_as=same_values)
    if kind == "values":
        if a.size == 0:
            expect = "accept" if original_shapes else "agree"
            return done("nothing to change", args, expect=expect, shape=original_shapes)
        changed = a.copy()
        position = draw(st.integers(0, a.size - 1))
        if a.dtype.kind == "f":
            value = draw(st.sampled_from([NAN, INF, -INF, float(np.finfo(a.dtype).max), float(np.finfo(a.dtype).tiny)]))
            changed.flat[position] = value
            args[index] = changed
            # box_iou refuses non-finite coordinates and unordered corners (spec/detection.py): agree only
            valid = "accept" if original_shapes is not None and op.name != "box_iou" else "agree"
            return done(f"{name}.flat[{position}] = {value!r}", args, expect=valid, shape=original_shapes)
        value = draw(st.sampled_from([-1, 0, 10**12, 2**62, -(2**62), int(np.iinfo(a.dtype).max)]))
        changed.flat[position] = value
        args[index] = changed
        return done(f"{name}.flat[{position}] = {value!r}", args)
    # kind == "signature"
    form = draw(st.sampled_from(["unknown keyword", "duplicate keyword", "missing input", "None input",
                                 "extra positional", "missing keyword", "list input", "swapped containers"]))
    if form == "unknown keyword":
        params["bogus_keyword"] = 1
        return done("bogus_keyword=1")
    if form == "duplicate keyword":
        params[name] = a
        return done(f"{name} also given as a keyword", args)
    if form == "missing input":
        return done(f"positional inputs cut before {name}", args[:index])
    if form == "None input":
        args[index] = None
        return done(f"{name}=None", args)
    if form == "extra positional":
        return done("an extra positional argument", args + [a])
    if form == "missing keyword":
        if not params:
            return done("no keyword to remove", args)
        removed = draw(st.sampled_from(sorted(params)))
        del params[removed]
        return done(f"{removed} left out", args)
    if form == "list input":
        args[index] = a.tolist()
        return done(f"{name} as a nested list", args)
    # swapped containers: the reference gets a tensor, accelerated an array
    acc = [to_torch(v) for v in args]
    acc[index] = a
    if a.dtype in TORCH_DTYPES:
        args[index] = torch.from_numpy(a.copy())
    call = done(f"{name} a tensor for the reference, an array for accelerated", args, acc)
    call.container_swap = True
    return call


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_mutated_valid_calls_have_the_same_outcome_in_both_implementations(op):
    @settings(max_examples=MUTATED_EXAMPLES, **_SETTINGS)
    @given(st.data())
    def run(data):
        check(op, data.draw(mutated_calls(op)))

    run()


# ---------------------------------------------------------------------------------------------
# (b) garbage
# ---------------------------------------------------------------------------------------------

_ODD_OBJECTS = [object(), Ellipsis, slice(None), int, np, print, Fraction(1, 3), Decimal("nan"), sympy.Symbol("x"),
                np.float32(1), np.int64(-3), np.bool_(True), range(3), iter([1]), bytearray(b"ab"), NotImplemented,
                np.dtype("float32"), torch.float32, torch.tensor([1.0]), frozenset({1}), type("Thing", (), {})()]

_DTYPES = st.sampled_from([np.float32, np.float64, np.float16, np.int64, np.int32, np.uint8, np.bool_, np.complex64])


def _arrays():
    return hnp.arrays(_DTYPES, hnp.array_shapes(min_dims=0, max_dims=5, min_side=0, max_side=3))


_GARBAGE = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.integers(-3, 3), st.floats(), st.complex_numbers(),
        st.text(max_size=6), st.binary(max_size=3), st.sampled_from(_ODD_OBJECTS), st.sampled_from(BAD_VALUES),
        _arrays(),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.lists(inner, max_size=4).map(tuple),
                            st.dictionaries(st.text(max_size=2), inner, max_size=2)),
    max_leaves=6,
)


@st.composite
def garbage_calls(draw, op) -> Call:
    keywords = [n for n in inspect.signature(op.reference).parameters]
    if draw(st.booleans()):  # all garbage: random positionals and some of the real keyword names
        args = draw(st.lists(_GARBAGE, max_size=4))
        named = draw(st.lists(st.sampled_from(keywords), unique=True, max_size=3)) if keywords else []
        params = {name: draw(_GARBAGE) for name in named if name not in keywords[: len(args)]}
        inputs = set(op.examples[0].inputs)  # an array input given by keyword is a tensor for accelerated
        acc_params = {name: to_torch(value) if name in inputs else value for name, value in params.items()}
        params = {name: to_numpy(value) if name in inputs else value for name, value in params.items()}
        return Call(f"garbage args {args!r}, {params!r}", [to_numpy(a) for a in args], [to_torch(a) for a in args],
                    params, acc_params=acc_params)
    case = draw(op.strategy())  # a drawn case with some arguments replaced by garbage
    args = list(case.inputs.values())
    params = dict(case.params)
    for index in draw(st.lists(st.integers(0, len(args) - 1), unique=True, min_size=0, max_size=len(args))):
        args[index] = draw(_GARBAGE)
    for name in draw(st.lists(st.sampled_from(_keywords(op, case) or ["bogus"]), unique=True, max_size=3)):
        params[name] = draw(_GARBAGE)
    shown = ", ".join(f"ndarray{a.shape}" if isinstance(a, np.ndarray) else repr(a)[:80] for a in args)
    return Call(f"{shown}, {params!r}; drawn {case.describe()}", [to_numpy(a) for a in args],
                [to_torch(a) for a in args], params)


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_garbage_arguments_have_the_same_outcome_in_both_implementations(op):
    @settings(max_examples=GARBAGE_EXAMPLES, **_SETTINGS)
    @given(st.data())
    def run(data):
        check(op, data.draw(garbage_calls(op)))

    run()


# ---------------------------------------------------------------------------------------------
# what the fuzzing found, as literal regressions
# ---------------------------------------------------------------------------------------------

_X1, _W1 = np.ones((1, 1, 3), np.float32), np.ones((1, 1, 2), np.float32)
_X2, _W2 = np.ones((1, 1, 3, 3), np.float32), np.ones((1, 1, 2, 2), np.float32)
_I1 = np.zeros((1, 1, 3), np.int64)
_ONE = np.ones((1, 1, 1), np.float32)
_BIG = 10**12

# rule: op, arrays, keywords, the exception both raise, a fragment of the (normalised) message
REGRESSIONS = {
    # accelerated: AttributeError ('NoneType' object has no attribute 'shape') from the plan cache's key
    "correlate weight None": ("correlate", (_X1, None), {}, TypeError, "correlate: weight must be a <array>, got None"),
    "convolve x None": ("convolve", (None, _W1), {}, TypeError, "convolve: x must be a <array>, got NoneType"),
    "conv_transpose weight None": ("conv_transpose", (_X1, None), {}, TypeError, "weight must be a <array>, got None"),
    "depthwise_separable pointwise None": ("depthwise_separable", (_X1, _W1, None), {}, TypeError,
                                           "pointwise_weight must be a <array>, got NoneType"),
    # both: a bare "TypeError: 'NoneType' object is not iterable" that named no operation
    "style_loss None layers": ("style_loss", (None, None), {}, TypeError,
                               "style_loss: generated and style must both be arrays (one layer) or both be lists of "
                               "arrays (one per layer), got NoneType and NoneType"),
    "style_loss int and tuple": ("style_loss", (3, (0,)), {}, TypeError, "got int and tuple"),
    "style_loss array and list": ("style_loss", (_X1, [_X1]), {}, TypeError, "got array and list"),
    # both: OverflowError (Python int too large to convert to C ssize_t) from len() of the valid lengths
    "avg_unpool kernel 2**64 + 1": ("avg_unpool", (_X1,), {"kernel_size": 2**64 + 1, "output_size": (1, 1, 3)},
                                    ValueError, "18,446,744,073,709,551,617 lengths)"),
    "max_unpool stride 2**63": ("max_unpool", (_X1, _I1), {"kernel_size": 1, "stride": np.uint64(2**63),
                                                           "output_size": (3,)},
                                ValueError, "9,223,372,036,854,775,808 lengths)"),
    # both: a 100 MB message listing every valid length, 2 s (10**12: never)
    "avg_unpool stride 10**7": ("avg_unpool", (_X1,), {"kernel_size": 1, "stride": 10**7, "output_size": (3,)},
                                ValueError, "(20000001, 20000002, ..., 30000000: 10,000,000 lengths)"),
    "avg_unpool stride 10**12": ("avg_unpool", (_X1,), {"kernel_size": 1, "stride": _BIG, "output_size": (3,)},
                                 ValueError, "1,000,000,000,000 lengths)"),
    # reference: OverflowError (len() of a range of windows past sys.maxsize) before the output-size guard
    "convolve padding 2**63, dilation 10**30": (
        "convolve", (np.ones((1, 4, 4, 4), np.float32), np.ones((2, 2, 1, 1), np.float32)),
        {"padding": 2**63, "dilation": 10**30, "groups": 2}, ValueError,
        "convolve: the output would have shape (1, 2, 18446744073709551620, 18446744073709551620)"),
    # reference: MemoryError (it pads a copy of x); accelerated computed it: the padded input is guarded now
    "correlate padding and stride 10**12": ("correlate", (_X1, _W1), {"padding": _BIG, "stride": _BIG}, ValueError,
                                            "correlate: the padded input would have shape (1, 1, 2000000000003)"),
    "correlate same, dilation 10**12": ("correlate", (_X1, _W1), {"padding": "same", "dilation": _BIG}, ValueError,
                                        "the padded input would have shape (1, 1, 1000000000003)"),
    "depthwise_separable full, dilation and stride 10**12": (
        "depthwise_separable", (_X1, _W1, _ONE), {"padding": "full", "dilation": _BIG, "stride": _BIG}, ValueError,
        "padded input would have shape"),
    # both: MemoryError (reference) / RuntimeError "Storage size calculation overflowed" (accelerated)
    "max_pool same, kernel 10**12": ("max_pool", (np.ones((1, 1, 4, 3), np.float64),),
                                     {"kernel_size": _BIG, "padding": "same", "dilation": (2, 1)}, ValueError,
                                     "the padded input would have shape (1, 1, 1999999999999, 1000000000000)"),
    "max_pool same, kernel and stride 10**12": ("max_pool", (_X1,), {"kernel_size": _BIG, "padding": "same",
                                                                     "stride": _BIG}, ValueError,
                                                "max_pool: the padded input would have shape (1, 1, 1000000000000)"),
    "avg_pool full, kernel and stride 10**12": ("avg_pool", (_X1,), {"kernel_size": _BIG, "padding": "full",
                                                                     "stride": _BIG}, ValueError,
                                                "avg_pool: the padded input would have shape (1, 1, 2000000000001)"),
    # both: MemoryError (reference's scatter buffer) / RuntimeError (torch's int32 dilation)
    "conv_transpose same, dilation 10**12": ("conv_transpose", (_X1, _W1), {"padding": "same", "dilation": _BIG},
                                             ValueError, "the uncropped output would have shape (1, 1, 1000000000003)"),
    # both: "'numpy.int8' object is not iterable" while writing the message (spec/conventions.py:int_per_axis)
    "avg_pool kernel_size np.int8(-1)": ("avg_pool", (_X1,), {"kernel_size": np.int8(-1)}, ValueError,
                                         "avg_pool: kernel_size must be positive, got np.int8(-1)"),
    "max_pool stride np.int64(0)": ("max_pool", (_X1,), {"kernel_size": 2, "stride": np.int64(0)}, ValueError,
                                    "max_pool: stride must be positive, got np.int64(0)"),
    # accelerated: OverflowError / ValueError "Overflow when unpacking long long" from torch's int64 argument
    "avg_pool divisor_override 10**30": ("avg_pool", (_X1,), {"kernel_size": 3, "padding": 1,
                                                              "divisor_override": 10**30},
                                         ValueError, "avg_pool: divisor_override must be at most 2**63 - 1"),
    "avg_pool divisor_override 2**63": ("avg_pool", (_X2[..., :2, :2],), {"kernel_size": 2, "divisor_override": 2**63},
                                        ValueError, "got 9223372036854775808"),
    # both: OverflowError (integer division result too large for a float) while writing the bytes in the message
    "upsample 2-D by 1e300": ("upsample", (_ONE[..., None],), {"scale_factor": 1e300, "mode": "bilinear"},
                              ValueError, "EiB); convspec refuses results over"),
}

# valid calls with a stride or dilation past int32/int64 that the output never sees: torch's kernels raised
# RuntimeError ("value cannot be converted to type int without overflow", "stride should be greater than
# zero") or TypeError ("argument 'stride' failed to unpack ... Overflow when unpacking long long")
INT32_CALLS = {
    "max_pool 2-D, stride 10**12": ("max_pool", (_X2,), {"kernel_size": 2, "stride": _BIG}),
    "max_pool 1-D indices, stride 10**12": ("max_pool", (_X1,), {"kernel_size": 2, "stride": _BIG,
                                                                  "return_indices": True}),
    "max_pool one tap, dilation 10**12": ("max_pool", (_X2,), {"kernel_size": (1, 2), "dilation": (_BIG, 1)}),
    "avg_pool 1-D ceil, stride 10**12": ("avg_pool", (_X1,), {"kernel_size": 2, "stride": _BIG, "ceil_mode": True,
                                                              "padding": 1}),
    "avg_pool 3-D, stride 10**12": ("avg_pool", (np.ones((1, 1, 3, 3, 3), np.float32),), {"kernel_size": 2,
                                                                                          "stride": _BIG}),
    "conv_transpose one input, stride 10**12": ("conv_transpose", (_ONE, _W1), {"stride": _BIG, "output_padding": 2}),
    "conv_transpose one tap, dilation 10**12": ("conv_transpose", (_X1, _ONE), {"dilation": _BIG}),
    "conv_transpose 2-D one input, stride 10**12": ("conv_transpose", (_ONE[..., None],) * 2,
                                                     {"stride": _BIG, "dilation": _BIG}),
    "depthwise_separable stride 2**63": ("depthwise_separable", (_ONE, _ONE, _ONE), {"stride": 2**63}),
    "correlate 2-D stride 2**63": ("correlate", (_X2, _W2), {"stride": (2**63, 1)}),
    "avg_pool divisor_override 2**63 - 1": ("avg_pool", (_X2,), {"kernel_size": 2, "divisor_override": 2**63 - 1}),
}


@pytest.mark.parametrize("rule", list(INT32_CALLS))
def test_strides_past_int32_that_change_nothing_are_computed(rule):
    name, arrays, params = INT32_CALLS[rule]
    op = catalog.get(name)
    check(op, Call(rule, list(arrays), [to_torch(a) for a in arrays], dict(params), "accept"))
    want = op.reference(*arrays, **params)
    got = op.accelerated(*(to_torch(a) for a in arrays), **params)
    for expected, actual in zip(_parts(want), _parts(got)):
        np.testing.assert_array_equal(actual.numpy(), expected)


@pytest.mark.parametrize("rule", list(REGRESSIONS))
def test_what_the_fuzzing_found(rule):
    name, arrays, params, error, fragment = REGRESSIONS[rule]
    op = catalog.get(name)
    call = Call(rule, list(arrays), [to_torch(a) for a in arrays], dict(params))
    check(op, call)  # both refuse alike, quickly, with a ValueError or TypeError
    with pytest.raises(error) as raised:
        op.reference(*arrays, **params)
    assert fragment in normalise(str(raised.value)), str(raised.value)
    assert len(str(raised.value)) < 3000, f"a {len(str(raised.value))}-character message"


def test_longdouble_is_not_a_spec_dtype():
    """The reference accepted float128 (rounding its float64 sums into it); the spec's dtypes are float16/32/64."""
    x = np.ones((1, 1, 3), np.longdouble)
    for name, arrays in (("relu", (x,)), ("correlate", (x, x)), ("correlate", (_X1, _W1.astype(np.longdouble))),
                         ("max_pool", (x, 2)), ("box_iou", (np.ones((1, 4), np.longdouble),) * 2)):
        with pytest.raises(TypeError, match=rf"{name}: \w+ must have a floating-point dtype .* got float128"):
            getattr(reference, name)(*arrays)
    assert reference.relu(np.ones(3, ">f4")).dtype == np.dtype(">f4")  # a byte-swapped float32 is still float32
