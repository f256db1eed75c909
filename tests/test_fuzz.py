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

The literal regressions the fuzzing found are in tests/test_fuzz_regressions.py; calling
both implementations and comparing their outcomes (:func:`check`) is tests/fuzz_helpers.py.
"""

from __future__ import annotations

import inspect
import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
import sympy
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from convspec.spec import limits

from fuzz_helpers import (
    Call,
    GARBAGE_EXAMPLES,
    IDS,
    MUTATED_EXAMPLES,
    OPERATIONS,
    OUTPUT_LIMIT,
    TORCH_DTYPES,
    _SETTINGS,
    check,
    to_numpy,
    to_torch,
)


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
