"""The conventions every convspec operation follows, written once.

Every docstring in ``convspec.reference`` and ``convspec.accelerated`` links here.
The words **must**, **should** and **may** are used as in RFC 2119.

Layout
------
* Inputs are ``(N, C, *spatial)``: batch, channels, then any number (at least one)
  of spatial axes. 1-D, 2-D and 3-D are the common cases; more are allowed.
* Correlation/convolution weights are ``(C_out, C_in / groups, *kernel)``.
* Bias is ``(C_out,)``.
* Channels are split into ``groups`` contiguous blocks: output channels
  ``[g * C_out/groups, (g+1) * C_out/groups)`` see only input channels
  ``[g * C_in/groups, (g+1) * C_in/groups)``. ``groups == C_in`` is a depthwise
  convolution.

Padding forms
-------------
``padding`` is one of:

* an ``int`` p >= 0: p zeros on both sides of every spatial axis;
* one ``int`` per spatial axis: ``(p_0, p_1, ...)``, both sides of that axis;
* one ``(lo, hi)`` pair per spatial axis: per-side padding (entries may mix
  ints and pairs). A 1-D input with per-side padding is written ``((lo, hi),)``:
  ``(lo, hi)`` alone means "one int per axis" and is refused for a 1-D input;
* ``"valid"``: no padding;
* ``"same"``: the output length is ``ceil(n / stride)``; the total padding is the
  least that lets that many windows fit, ``max((ceil(n/s) - 1) * s + span - n, 0)``
  where ``span = dilation * (k - 1) + 1``; an odd total puts the extra zero on the
  **high** side (TensorFlow/JAX ``SAME``, ONNX ``SAME_UPPER``). This holds for any
  stride; PyTorch refuses ``padding="same"`` with a stride > 1, convspec does not.
* ``"same_lower"``: as ``"same"`` with the extra zero on the **low** side
  (ONNX ``SAME_LOWER``);
* ``"full"``: ``span - 1`` zeros on both sides: every window that overlaps the
  input in at least one position.

Padding cells are zeros for correlation and convolution.

Strides, dilations and kernel sizes
-----------------------------------
``stride`` and ``dilation`` are a positive ``int`` or one positive ``int`` per
spatial axis. ``dilation = 1`` means no dilation: kernel tap ``j`` reads input
position ``start + dilation * j``. Kernel sizes must be positive. After padding,
at least one window must fit: ``n + lo + hi >= dilation * (k - 1) + 1``.

Numbers
-------
Inputs must have a floating-point dtype (``float16``, ``bfloat16`` (torch only),
``float32``, ``float64``), and only those: numpy's ``longdouble`` and torch's
``float8_*`` dtypes are floating point too, and refused with the same ``TypeError``
as an integer array. Every tensor argument of one call must share the
dtype; the output has that dtype. A torch tensor argument must also be dense
(``layout=torch.strided``: a sparse or MKL-DNN tensor is a ``TypeError``), hold
values (a ``meta`` tensor is a ``ValueError``) and lie on the device of ``x`` (a
``ValueError`` otherwise). Implementations must not modify their inputs.
Arithmetic keeps IEEE 754 gradual underflow: a result below the smallest normal
number is the nearest subnormal, not 0 (``sigmoid(-95)`` in float32 is 5.5e-42);
an implementation that flushes subnormals to zero diverges from the spec.
The reference computes under IEEE 754's default floating-point environment
(round to nearest, no traps, no flush-to-zero) whatever its caller's thread has
set (``torch.set_flush_denormal(True)``, a rounding mode), and gives the caller's
back on return; ``convspec check`` also runs its own code under the environment
the command started with and the target's code under the target's own.
The reference additionally accepts ``dtype=object`` arrays (sympy symbols,
``fractions.Fraction``) and computes on them exactly.

Errors
------
Bad arguments raise ``TypeError`` (wrong kind of value) or ``ValueError`` (right
kind, value breaks a rule). The message names the operation, the argument, the
value received and the rule broken. This module's ``check_*`` helpers
(``check_size``, ``check_padding_form``, ``check_conv_arguments``, ...) produce those
messages, so that the reference and the accelerated implementation raise the same error.
"""

from __future__ import annotations

import math
import numbers
import operator
from dataclasses import dataclass
from typing import Sequence

from .symbolic import LazySymbol, is_symbolic, sympy

PADDING_MODES = ("valid", "same", "same_lower", "full")

Pairs = tuple[tuple[int, int], ...]


def _is_bool(value: object) -> bool:
    """A Python bool or a numpy bool scalar (``np.True_``; spec imports no numpy, so by its type's name)."""
    kind = type(value)
    return isinstance(value, bool) or (kind.__module__ == "numpy" and kind.__name__ in ("bool_", "bool"))


def check_flag(op: str, name: str, value: object) -> bool:
    """A bool flag (``ceil_mode``, ``bias``, ...): ``True``/``False`` or a numpy bool; returned as a Python bool.

    The one rule for flags, shared by spec, reference and accelerated.

    >>> check_flag("max_pool", "ceil_mode", True)
    True
    """
    if not _is_bool(value):
        raise TypeError(f"{op}: {name} must be a bool (True or False), got {value!r} of type {type(value).__name__}")
    return bool(value)


def _as_int(op: str, name: str, value: object) -> int:
    """``value`` as a Python int; bools and non-integers are a TypeError."""
    if _is_bool(value):
        raise TypeError(f"{op}: {name} must be an int, got the bool {value!r}")
    try:
        return operator.index(value)  # accepts numpy integers, refuses floats
    except TypeError:
        raise TypeError(
            f"{op}: {name} must be an int, got {value!r} of type {type(value).__name__}"
        ) from None


def _rule(minimum: int) -> str:
    return "positive" if minimum == 1 else f">= {minimum}"


def _check_finite_symbolic(op: str, name: str, value: "sympy.Basic") -> None:
    if not isinstance(value, sympy.Expr):
        raise TypeError(f"{op}: {name} must be a number or a sympy expression, got {value!r} of type {type(value).__name__}")
    if value.has(sympy.zoo, sympy.oo, sympy.S.NegativeInfinity, sympy.nan) or value.is_finite is False:
        raise ValueError(f"{op}: {name} must be finite, got {value!r}")


def check_size(op: str, name: str, value: object, *, minimum: int | None = 1):
    """An integer size, count or offset ``>= minimum`` (``None``: any integer).

    Numbers: a Python or numpy int (bools, floats -- ``3.0`` included --, ``None`` are a
    ``TypeError``; a value below ``minimum`` a ``ValueError``); returned as a Python int.
    Symbols: a finite sympy expression that is not known to be a non-integer nor known
    to be below ``minimum`` (a positive integer symbol passes, so does an unassumed
    one); returned unchanged, so a closed form stays the same formula.

    >>> check_size("conv_output_length", "stride", 2)
    2
    """
    if type(value) is not int and is_symbolic(value):  # (an int, the common case, skips the test)
        if type(value) is LazySymbol:  # a spec symbol not made yet (convspec.spec.symbolic): made now
            value = value.symbol()
        _check_finite_symbolic(op, name, value)
        if value.is_number and not value.is_Integer or value.is_integer is False:
            raise TypeError(
                f"{op}: {name} must be an integer (an int or a sympy integer expression), got {value!r}"
            )
        if minimum is not None and (value - minimum).is_negative:
            raise ValueError(f"{op}: {name} must be {_rule(minimum)}, got {value!r}")
        return value
    result = _as_int(op, name, value)
    if minimum is not None and result < minimum:
        raise ValueError(f"{op}: {name} must be {_rule(minimum)}, got {value!r}")
    return result


def check_sizes(op: str, name: str, values: object, *, minimum: int | None = 1, length: int | None = None) -> tuple:
    """A tuple or list of :func:`check_size` values (a shape, a kernel size, per-axis strides), as a tuple.

    >>> check_sizes("conv_parameter_count", "kernel_size", [3, 3])
    (3, 3)
    """
    if not isinstance(values, (tuple, list)):
        raise TypeError(
            f"{op}: {name} must be a tuple of ints (one per axis), got {values!r} of type {type(values).__name__}"
        )
    if length is not None and len(values) != length:
        raise ValueError(f"{op}: {name} must have {length} entries, got {len(values)}: {tuple(values)!r}")
    return tuple(check_size(op, name, v, minimum=minimum) for v in values)


def check_number(op: str, name: str, value: object, *, minimum=None, strict: bool = False, finite: bool = True):
    """A real number (int, float, ``Fraction``, numpy scalar; not a bool) or a sympy expression.

    ``finite``: NaN and infinities are a ``ValueError``. ``minimum``: the value must be
    ``>= minimum`` (``> minimum`` when ``strict``); for a sympy expression only a value
    known to break it is refused. Returned unchanged.

    >>> check_number("output_length", "sigma", 2, minimum=0, strict=True)
    2
    """
    if is_symbolic(value):
        if type(value) is LazySymbol:  # a spec symbol not made yet (convspec.spec.symbolic): made now
            value = value.symbol()
        if finite:
            _check_finite_symbolic(op, name, value)
        elif not isinstance(value, sympy.Expr):
            raise TypeError(f"{op}: {name} must be a number or a sympy expression, got {value!r}")
        if value.is_real is False:
            raise TypeError(f"{op}: {name} must be a real number or a real sympy expression, got {value!r}")
        if minimum is not None:
            below = (value - minimum).is_nonpositive if strict else (value - minimum).is_negative
            if below:
                raise ValueError(f"{op}: {name} must be {'>' if strict else '>='} {minimum}, got {value!r}")
        return value
    if _is_bool(value) or not isinstance(value, numbers.Real):
        raise TypeError(f"{op}: {name} must be a real number, got {value!r} of type {type(value).__name__}")
    if finite and not math.isfinite(float(value)):
        raise ValueError(f"{op}: {name} must be finite, got {value!r}")
    if minimum is not None and (value <= minimum if strict else value < minimum):
        raise ValueError(f"{op}: {name} must be {'>' if strict else '>='} {minimum}, got {value!r}")
    return value


def check_span_fits(op: str, n, k, p_lo, p_hi, d, *, where: str = "") -> None:
    """At least one window fits on one axis: ``n + p_lo + p_hi >= d (k - 1) + 1``.

    Checked sizes in; a symbolic condition that cannot be decided passes (the closed
    form then holds under it, see e.g. :func:`convspec.spec.conv.conv_output_length_condition`).
    """
    span = d * (k - 1) + 1
    padded = n + p_lo + p_hi
    shortfall = padded - span
    if is_symbolic(shortfall):
        if not shortfall.is_negative:
            return
    elif shortfall >= 0:
        return
    raise ValueError(
        f"{op}: the dilated kernel span d·(k−1)+1 = {span} exceeds the padded input length "
        f"n + p_lo + p_hi = {padded}{where} (n={n}, k={k}, d={d}, p_lo={p_lo}, p_hi={p_hi}); "
        "at least one window must fit"
    )


def check_padding_form(op: str, padding: object, spatial_dims: int | None = None):
    """A normalised padding (what :func:`normalize_padding` returns): a mode string or one
    ``(lo, hi)`` pair of sizes ``>= 0`` per axis (sympy sizes allowed); returned as a tuple of pairs.

    >>> check_padding_form("resolve_padding", [(0, 1)], 1)
    ((0, 1),)
    """
    if isinstance(padding, str):
        if padding not in PADDING_MODES:
            raise ValueError(
                f"{op}: padding must be one of {', '.join(map(repr, PADDING_MODES))} or one (lo, hi) pair per "
                f"spatial dim, got {padding!r}"
            )
        return padding
    if not isinstance(padding, (tuple, list)):
        raise TypeError(
            f"{op}: padding must be a mode string or one (lo, hi) pair per spatial dim (normalised, see "
            f"normalize_padding), got {padding!r} of type {type(padding).__name__}"
        )
    if spatial_dims is not None and len(padding) != spatial_dims:
        raise ValueError(
            f"{op}: padding has {len(padding)} entries {tuple(padding)!r} but there are {spatial_dims} spatial dim(s); "
            "give one (lo, hi) pair per spatial dim"
        )
    pairs = []
    for entry in padding:
        if not isinstance(entry, (tuple, list)) or len(entry) != 2:
            raise TypeError(f"{op}: padding entry {entry!r} must be a (lo, hi) pair (normalised padding)")
        pairs.append(tuple(check_size(op, "padding", v, minimum=0) for v in entry))
    return tuple(pairs)


def int_per_axis(op: str, name: str, value: object, spatial_dims: int, *, minimum: int) -> tuple[int, ...]:
    """Normalise an int-or-one-int-per-axis argument (stride, dilation) to a tuple.

    >>> int_per_axis("correlate", "stride", 2, 3, minimum=1)
    (2, 2, 2)
    """
    if isinstance(value, (tuple, list)):
        if len(value) != spatial_dims:
            raise ValueError(
                f"{op}: {name} has {len(value)} entries {tuple(value)!r} but the input has "
                f"{spatial_dims} spatial dim(s); give one int, or one int per spatial dim"
            )
        values = tuple(_as_int(op, name, v) for v in value)
    else:
        values = (_as_int(op, name, value),) * spatial_dims
    for v in values:
        if v < minimum:
            rule = "positive" if minimum == 1 else f">= {minimum}"
            shown = tuple(value) if isinstance(value, (tuple, list)) else value  # a numpy int is no tuple
            raise ValueError(f"{op}: {name} must be {rule}, got {shown!r}")
    return values


def normalize_padding(op: str, padding: object, spatial_dims: int) -> str | Pairs:
    """Check ``padding`` and return either a mode string or one ``(lo, hi)`` pair per axis.

    >>> normalize_padding("correlate", 1, 2)
    ((1, 1), (1, 1))
    >>> normalize_padding("correlate", ((0, 1), 2), 2)
    ((0, 1), (2, 2))
    >>> normalize_padding("correlate", "same", 2)
    'same'
    """
    if isinstance(padding, str):
        if padding not in PADDING_MODES:
            raise ValueError(
                f"{op}: padding must be an int, a tuple, or one of {', '.join(map(repr, PADDING_MODES))}; "
                f"got {padding!r}"
            )
        return padding
    if isinstance(padding, (tuple, list)):
        if len(padding) != spatial_dims:
            hint = ""
            if spatial_dims == 1 and len(padding) == 2:
                hint = f"; for per-side padding of a 1-D input write (({padding[0]!r}, {padding[1]!r}),)"
            raise ValueError(
                f"{op}: padding has {len(padding)} entries {tuple(padding)!r} but the input has "
                f"{spatial_dims} spatial dim(s); give one int or one (lo, hi) pair per spatial dim{hint}"
            )
        pairs = []
        for entry in padding:
            if isinstance(entry, (tuple, list)):
                if len(entry) != 2:
                    raise ValueError(
                        f"{op}: padding entry {tuple(entry)!r} must be an int or a (lo, hi) pair"
                    )
                pair = (_as_int(op, "padding", entry[0]), _as_int(op, "padding", entry[1]))
            else:
                p = _as_int(op, "padding", entry)
                pair = (p, p)
            pairs.append(pair)
        result = tuple(pairs)
    else:
        p = _as_int(op, "padding", padding)
        result = ((p, p),) * spatial_dims
    if any(v < 0 for pair in result for v in pair):
        raise ValueError(f"{op}: padding must be >= 0 on every side, got {padding!r}")
    return result


@dataclass(frozen=True)
class ConvArguments:
    """The checked, normalised arguments of one correlation/convolution call."""

    batch: int
    in_channels: int
    out_channels: int
    input_size: tuple[int, ...]
    kernel_size: tuple[int, ...]
    stride: tuple[int, ...]
    padding: str | Pairs
    dilation: tuple[int, ...]
    groups: int

    @property
    def spatial_dims(self) -> int:
        return len(self.input_size)


def check_input_rank(op: str, name: str, shape: Sequence[int]) -> None:
    if len(shape) < 3:
        raise ValueError(
            f"{op}: {name} must have shape (N, C, *spatial) with at least one spatial dim, "
            f"got shape {tuple(shape)!r} ({len(shape)}-D)"
        )
    for axis, size in enumerate(shape[1:], start=1):
        if size < 1:
            raise ValueError(
                f"{op}: {name} has an empty axis {axis} in shape {tuple(shape)!r}; "
                "channels and spatial sizes must be >= 1"
            )


def check_conv_arguments(
    op: str,
    x_shape: Sequence[int],
    weight_shape: Sequence[int],
    bias_shape: Sequence[int] | None,
    *,
    stride: object,
    padding: object,
    dilation: object,
    groups: object,
    weight_name: str = "weight",
) -> ConvArguments:
    """Check the arguments of a correlation/convolution and normalise them.

    Shapes only: dtype and container checks belong to each implementation, which
    then calls :func:`dtype_error` for the shared message.
    """
    x_shape, weight_shape = tuple(x_shape), tuple(weight_shape)
    spatial, groups = check_weight_and_groups(op, x_shape, weight_shape, groups, weight_name, "(C_out, C_in/groups, *kernel)")
    in_channels, out_channels = x_shape[1], weight_shape[0]
    if in_channels % groups:
        raise ValueError(
            f"{op}: groups={groups} must divide the input channels C_in={in_channels} (x shape {x_shape!r})"
        )
    if out_channels % groups:
        raise ValueError(
            f"{op}: groups={groups} must divide the output channels C_out={out_channels} "
            f"({weight_name} shape {weight_shape!r})"
        )
    if weight_shape[1] != in_channels // groups:
        raise ValueError(
            f"{op}: {weight_name}.shape[1] must be C_in/groups = {in_channels}/{groups} = "
            f"{in_channels // groups}, got {weight_name} shape {weight_shape!r} for x shape {x_shape!r}"
        )
    if bias_shape is not None and tuple(bias_shape) != (out_channels,):
        raise ValueError(
            f"{op}: bias must have shape (C_out,) = ({out_channels},), got {tuple(bias_shape)!r}"
        )
    stride_t = int_per_axis(op, "stride", stride, spatial, minimum=1)
    dilation_t = int_per_axis(op, "dilation", dilation, spatial, minimum=1)
    padding_n = normalize_padding(op, padding, spatial)
    kernel = weight_shape[2:]
    input_size = x_shape[2:]
    check_windows_fit(op, input_size, kernel, padding_n, dilation_t)
    return ConvArguments(
        batch=x_shape[0],
        in_channels=in_channels,
        out_channels=out_channels,
        input_size=input_size,
        kernel_size=kernel,
        stride=stride_t,
        padding=padding_n,
        dilation=dilation_t,
        groups=groups,
    )


def check_weight_and_groups(
    op: str, x_shape: tuple[int, ...], weight_shape: tuple[int, ...], groups: object, weight_name: str, layout: str
) -> tuple[int, int]:
    """The checks every convolution-like call shares: x's rank, a weight of the same rank with no
    empty axis (``layout`` names its axes in the message), and a positive int ``groups``.
    Returns the number of spatial dims and ``groups`` as an int."""
    check_input_rank(op, "x", x_shape)
    spatial = len(x_shape) - 2
    if len(weight_shape) != len(x_shape):
        raise ValueError(
            f"{op}: {weight_name} must have shape {layout} with {spatial} kernel "
            f"dim(s) to match x of shape {x_shape!r}; got shape {weight_shape!r}"
        )
    if any(size < 1 for size in weight_shape):
        raise ValueError(f"{op}: {weight_name} has an empty axis in shape {weight_shape!r}; all sizes must be >= 1")
    groups = _as_int(op, "groups", groups)
    if groups < 1:
        raise ValueError(f"{op}: groups must be positive, got {groups}")
    return spatial, groups


def check_windows_fit(
    op: str,
    input_size: Sequence[int],
    kernel_size: Sequence[int],
    padding: str | Pairs,
    dilation: Sequence[int],
) -> None:
    """At least one window must fit in the padded input, on every axis.

    ``"same"``, ``"same_lower"`` and ``"full"`` always fit (they pad as needed);
    ``"valid"`` and explicit padding are checked here.
    """
    if padding in ("same", "same_lower", "full"):
        return
    pairs = ((0, 0),) * len(input_size) if padding == "valid" else padding
    for axis, (n, k, (lo, hi), d) in enumerate(zip(input_size, kernel_size, pairs, dilation)):
        span = d * (k - 1) + 1
        if n + lo + hi < span:
            raise ValueError(
                f"{op}: the kernel does not fit along spatial dim {axis}: the padded input is "
                f"{n} + {lo} + {hi} = {n + lo + hi} long but the kernel (size {k}, dilation {d}) "
                f"spans {span}; the padded input must be at least as long as the dilated kernel"
            )


def dtype_error(op: str, name: str, dtype_name: str) -> TypeError:
    """The shared error for a tensor argument whose dtype is not floating point."""
    return TypeError(
        f"{op}: {name} must have a floating-point dtype (float16, bfloat16, float32 or float64), "
        f"got {dtype_name}; convert it first, e.g. {name}.astype('float32') / {name}.float()"
    )


def dtype_mismatch_error(op: str, name: str, dtype_name: str, x_dtype_name: str) -> TypeError:
    """The shared error for a tensor argument whose dtype differs from ``x``'s."""
    return TypeError(f"{op}: {name} has dtype {dtype_name} but x has dtype {x_dtype_name}; all must match")


def check_depthwise_separable_arguments(
    op: str,
    x_shape: Sequence[int],
    depthwise_weight_shape: Sequence[int],
    pointwise_weight_shape: Sequence[int],
    bias_shape: Sequence[int] | None,
    *,
    stride: object,
    padding: object,
    dilation: object,
) -> ConvArguments:
    """Check a depthwise-separable call; return the depthwise stage's arguments.

    ``depthwise_weight`` is ``(C_in * m, 1, *kernel)`` (channel multiplier m >= 1),
    ``pointwise_weight`` is ``(C_out, C_in * m, 1, ..., 1)``, ``bias`` is ``(C_out,)``.
    """
    x_shape = tuple(x_shape)
    check_input_rank(op, "x", x_shape)
    depthwise_weight_shape = tuple(depthwise_weight_shape)
    pointwise_weight_shape = tuple(pointwise_weight_shape)
    in_channels = x_shape[1]
    if len(depthwise_weight_shape) == len(x_shape) and depthwise_weight_shape[0] % in_channels:
        raise ValueError(
            f"{op}: depthwise_weight.shape[0] must be a multiple of C_in={in_channels} "
            f"(C_in * channel multiplier), got shape {depthwise_weight_shape!r}"
        )
    depthwise = check_conv_arguments(
        op, x_shape, depthwise_weight_shape, None,
        stride=stride, padding=padding, dilation=dilation, groups=in_channels,
        weight_name="depthwise_weight",
    )
    spatial = len(x_shape) - 2
    expected = ("C_out", depthwise.out_channels) + (1,) * spatial
    if (
        len(pointwise_weight_shape) != len(x_shape)
        or pointwise_weight_shape[0] < 1
        or pointwise_weight_shape[1] != depthwise.out_channels
        or any(size != 1 for size in pointwise_weight_shape[2:])
    ):
        raise ValueError(
            f"{op}: pointwise_weight must have shape {expected!r}".replace("'C_out'", "C_out")
            + f" (a 1x1 kernel over the C_in * m = {depthwise.out_channels} depthwise maps), "
            f"got shape {pointwise_weight_shape!r}"
        )
    if bias_shape is not None and tuple(bias_shape) != (pointwise_weight_shape[0],):
        raise ValueError(
            f"{op}: bias must have shape (C_out,) = ({pointwise_weight_shape[0]},), got {tuple(bias_shape)!r}"
        )
    return depthwise
