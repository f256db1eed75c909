"""``convspec explain OP --param value ...``: the size formula of one operation, worked step by step.

Prints the general formula along one spatial axis (as text and as the spec's sympy
expression), its conditions, what the padding resolves to (with its formula), the
substitution, and the result. Every number comes from :mod:`convspec.spec`; the text
formulas below are checked against the spec's sympy expressions (``FORMULAS``, tested),
and each substituted formula is evaluated again and must give the spec's number.

Example::

    convspec explain correlate --n 32 --k 3 --s 2 --d 2 --padding same

prints ``total = max((ceil(32 / 2) - 1)*2 + 2*(3 - 1) + 1 - 32, 0) = 3``, the split
``p_lo = 1, p_hi = 2`` and ``L = floor((32 + 1 + 2 - 2*(3 - 1) - 1) / 2) + 1 = 16``.

Wire it in with ``add_parser(subparsers)``; the parsed arguments go to ``run(args)``,
which returns the exit code: 0, or 2 for an unknown operation or a bad value (the
message names the option, the value and the rule).
"""

from __future__ import annotations

import argparse
import re
import sys
from fractions import Fraction

from convspec.spec import conv, conv_transpose, pool, unpool, upsample
from convspec.spec.conventions import check_windows_fit, normalize_padding
from convspec.spec.symbolic import sympy  # imported when an explanation is made

# Text formulas (one axis) with the spec function whose symbolic value they must equal.
FORMULAS = {
    "conv_output_length": ("floor((n + p_lo + p_hi - d*(k - 1) - 1) / s) + 1", conv.conv_output_length),
    "same_total_padding": ("max((ceil(n / s) - 1)*s + d*(k - 1) + 1 - n, 0)", conv.same_total_padding),
    "conv_transpose_output_length": ("(n - 1)*s - p_lo - p_hi + d*(k - 1) + 1 + a", conv_transpose.conv_transpose_output_length),
    "unpool_formula_length": ("(n - 1)*s - p_lo - p_hi + k", unpool.unpool_formula_length),
    "upsample_output_length": ("floor(n * sigma)", upsample.output_length),
}
NUMERATOR = "n + p_lo + p_hi - d*(k - 1) - 1"
_FUNCTIONS = {"floor": "floor", "ceil": "ceiling", "max": "Max", "min": "Min"}  # the template's names, sympy's

# the options each operation takes (beyond the operation's name)
_CONV = ("n", "k", "s", "d", "padding")
OPTIONS = {
    "correlate": _CONV,
    "convolve": _CONV,
    "depthwise_separable": _CONV,
    "conv_transpose": _CONV + ("output_padding",),
    "max_pool": _CONV + ("ceil_mode",),
    "avg_pool": ("n", "k", "s", "padding", "ceil_mode"),
    "max_unpool": ("n", "k", "s", "padding", "output_size"),
    "avg_unpool": ("n", "k", "s", "output_size"),
    "first_unpool": ("n", "k", "s", "output_size"),
    "upsample": ("n", "scale_factor", "size"),
}
_FLAGS = {"n": "--n", "k": "--k", "s": "--s", "d": "--d", "padding": "--padding", "output_padding": "--output-padding",
          "ceil_mode": "--ceil-mode", "output_size": "--output-size", "scale_factor": "--scale-factor", "size": "--size"}


class ExplainError(ValueError):
    """A usage error: unknown operation, an option the operation does not take, or a bad value."""


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``explain`` subcommand to an ``argparse`` subparsers object and return its parser."""
    parser = subparsers.add_parser(
        "explain",
        help="show an operation's output-size formula, worked step by step",
        description="Print the output-length formula of OP along one spatial axis, what the padding resolves to, "
                    f"the substitution and the result. OP is one of: {', '.join(OPTIONS)}.",
    )
    parser.add_argument("op", help="the operation")
    parser.add_argument("--n", "--length", dest="n", help="input length along the axis")
    parser.add_argument("--k", "--kernel-size", dest="k", help="kernel (window) size")
    parser.add_argument("--s", "--stride", dest="s", help="stride (default 1; pooling: the kernel size)")
    parser.add_argument("--d", "--dilation", dest="d", help="dilation (default 1)")
    parser.add_argument("--padding", help="an int, 'lo,hi', or valid, same, same_lower, full (default 0)")
    parser.add_argument("--output-padding", "--a", dest="output_padding", help="conv_transpose's output_padding (default 0)")
    parser.add_argument("--ceil-mode", dest="ceil_mode", action="store_true", default=None, help="pooling in ceil mode")
    parser.add_argument("--output-size", dest="output_size", help="unpooling: the output length to check")
    parser.add_argument("--scale-factor", dest="scale_factor", help="upsample: an int, a decimal or p/q")
    parser.add_argument("--size", dest="size", help="upsample: the output length")
    parser.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Explain ``args.op`` with the given values; 0 on success, 2 on a usage error (message on stderr)."""
    try:
        lines = explain(args.op, {name: getattr(args, name, None) for name in _FLAGS})
    except (ExplainError, ValueError, TypeError) as error:
        print(f"convspec explain: {error}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0


def explain(op: str, values: dict) -> list[str]:
    """The explanation's lines for ``op`` with option values (strings, or None when not given)."""
    if op not in OPTIONS:
        raise ExplainError(f"unknown operation {op!r}; known: {', '.join(OPTIONS)}")
    given = sorted(name for name, value in values.items() if value is not None)
    extra = [name for name in given if name not in OPTIONS[op]]
    if extra:
        raise ExplainError(f"{op} does not take {', '.join(_FLAGS[e] for e in extra)}; "
                           f"its options: {', '.join(_FLAGS[o] for o in OPTIONS[op])}")
    parsed = _Values(op, values)
    if op == "conv_transpose":
        return _conv_transpose(parsed)
    if op in ("max_pool", "avg_pool"):
        return _pool(parsed)
    if op.endswith("unpool"):
        return _unpool(parsed)
    if op == "upsample":
        return _upsample(parsed)
    return _conv(parsed)


class _Values:
    """The option values of one call, parsed on demand with messages that name the option and the rule."""

    def __init__(self, op: str, raw: dict):
        self.op, self.raw = op, raw

    def int(self, name: str, what: str, *, minimum: int, default: int | None = None) -> int:
        text = self.raw.get(name)
        if text is None:
            if default is None:
                raise ExplainError(f"{self.op} needs {_FLAGS[name]} ({what})")
            return default
        try:
            value = int(str(text).strip())
        except ValueError:
            raise ExplainError(f"{self.op}: {_FLAGS[name]} must be an int ({what}), got {text!r}") from None
        if value < minimum:
            raise ExplainError(f"{self.op}: {_FLAGS[name]} must be >= {minimum} ({what}), got {value}")
        return value

    def padding(self):
        """A mode string, or ``(lo, hi)``; ``"valid"`` stays a mode (it resolves to (0, 0))."""
        text = str(self.raw.get("padding") or "0").strip()
        if re.fullmatch(r"[a-z_]+", text):
            return normalize_padding(self.op, text, 1)
        parts = [part for part in re.split(r"[,\s()]+", text) if part]
        try:
            numbers = [int(part) for part in parts]
        except ValueError:
            numbers = []
        if len(numbers) not in (1, 2):
            raise ExplainError(f"{self.op}: --padding must be an int, 'lo,hi', or one of valid, same, same_lower, full; got {text!r}")
        pair = (numbers[0], numbers[-1])
        return normalize_padding(self.op, (pair,), 1)[0]


def _sub(template: str, values: dict) -> str:
    """``template`` with every whole-word symbol in ``values`` replaced by its value."""
    names = sorted(values, key=len, reverse=True)
    return re.sub(r"\b(" + "|".join(names) + r")\b", lambda match: str(values[match.group(0)]), template)


def _evaluate(template: str, values: dict):
    text = _sub(template, {name: f"({value})" for name, value in values.items()})
    return sympy.sympify(text, locals={name: getattr(sympy, function) for name, function in _FUNCTIONS.items()})


def _checked(template: str, values: dict, spec_value) -> None:
    """The substituted text formula must give the spec's number (else this file is out of date)."""
    if _evaluate(template, values) != spec_value:
        raise AssertionError(f"explain: {template!r} with {values} gives {_evaluate(template, values)}, "
                             f"the spec {spec_value}; conformance/commands/explain.py is out of date with convspec.spec")


def _spec_line(function) -> str:
    return f"  spec        convspec.spec.{function.__module__.rsplit('.', 1)[-1]}.{function.__name__}() = {sympy.sstr(function())}"


def _header(op: str, what: str, formula_name: str, conditions: str) -> list[str]:
    template, function = FORMULAS[formula_name]
    return [f"{op}: {what} along one spatial axis", f"  formula     L = {template}",
            _spec_line(function), f"  conditions  {conditions}"]


def _conv_padding(op: str, padding, n_: int, k_: int, s_: int, d_: int) -> tuple[list[str], tuple[int, int]]:
    """Lines that resolve ``padding`` to ``(p_lo, p_hi)``, and the pair."""
    if isinstance(padding, tuple):
        return [f"padding {padding[0]}, {padding[1]}: p_lo = {padding[0]}, p_hi = {padding[1]}"], padding
    if padding == "valid":
        return ["padding 'valid': no padding, p_lo = p_hi = 0"], (0, 0)
    if padding == "full":
        lo, hi = conv.full_padding(k_, d_)
        return [f"padding 'full' (convspec.spec.conv.full_padding): d*(k - 1) zeros on each side, "
                f"every window that overlaps the input", f"  p_lo = p_hi = d*(k - 1) = {d_}*({k_} - 1) = {lo}"], (lo, hi)
    template = FORMULAS["same_total_padding"][0]
    values = dict(n=n_, k=k_, s=s_, d=d_)
    total = conv.same_total_padding(n_, k_, s_, d_)
    _checked(template, values, total)
    lo, hi = (conv.same_padding if padding == "same" else conv.same_lower_padding)(n_, k_, s_, d_)
    side = "high" if padding == "same" else "low"
    lines = [f"padding {padding!r} (convspec.spec.conv.{padding}_padding): the least zeros that let ceil(n / s) windows fit; "
             f"an odd total puts the extra zero {side}",
             f"  total = {template}", f"        = {_sub(template, values)}", f"        = {total}"]
    if padding == "same":
        lines += [f"  p_lo  = floor(total / 2) = floor({total} / 2) = {lo}", f"  p_hi  = total - p_lo = {total} - {lo} = {hi}"]
    else:
        lines += [f"  p_hi  = floor(total / 2) = floor({total} / 2) = {hi}", f"  p_lo  = total - p_hi = {total} - {hi} = {lo}"]
    return lines, (lo, hi)


def _window_length(values: dict, spec_value) -> list[str]:
    template = FORMULAS["conv_output_length"][0]
    _checked(template, values, spec_value)
    numerator = _evaluate(NUMERATOR, values)
    return [f"substitute  {', '.join(f'{name} = {value}' for name, value in values.items())}",
            f"  L = {_sub(template, values)}", f"    = floor({numerator} / {values['s']}) + 1", f"    = {spec_value}"]


def _conv(v: _Values) -> list[str]:
    op = v.op
    n_, k_ = v.int("n", "input length", minimum=1), v.int("k", "kernel size", minimum=1)
    s_, d_ = v.int("s", "stride", minimum=1, default=1), v.int("d", "dilation", minimum=1, default=1)
    padding = v.padding()
    lines = _header(op, "output length", "conv_output_length",
                    "n + p_lo + p_hi >= d*(k - 1) + 1 (at least one window fits); n, k, s, d >= 1; p_lo, p_hi >= 0")
    if op == "convolve":
        lines.append("  note        convolve flips the kernel; the flip does not change any size")
    if op == "depthwise_separable":
        lines.append("  note        the depthwise stage sets the spatial size; the 1x1 pointwise stage keeps it")
    pad_lines, (lo, hi) = _conv_padding(op, padding, n_, k_, s_, d_)
    check_windows_fit(op, (n_,), (k_,), ((lo, hi),), (d_,))
    result = conv.conv_output_length(n_, k_, s_, lo, hi, d_)
    lines += pad_lines + _window_length(dict(n=n_, k=k_, s=s_, d=d_, p_lo=lo, p_hi=hi), result)
    lines.append(f"result      L = {result}")
    if padding in ("same", "same_lower"):
        lines.append(f"            ({padding!r} promises ceil(n / s) = ceil({n_} / {s_}) = {conv.same_output_length(n_, s_)})")
    return lines


def _conv_transpose(v: _Values) -> list[str]:
    op = "conv_transpose"
    n_, k_ = v.int("n", "input length", minimum=1), v.int("k", "kernel size", minimum=1)
    s_, d_ = v.int("s", "stride", minimum=1, default=1), v.int("d", "dilation", minimum=1, default=1)
    a_ = v.int("output_padding", "output padding", minimum=0, default=0)
    padding = v.padding()
    conv_transpose.check_conv_transpose_arguments(op, (1, 1, n_), (1, 1, k_), None, stride=s_,
                                                  padding=padding if isinstance(padding, str) else (padding,),
                                                  output_padding=a_, dilation=d_, groups=1)
    lines = _header(op, "output length", "conv_transpose_output_length",
                    "0 <= a < max(s, d); a = 0 with 'same'/'same_lower'; the result L >= 1")
    lines.append("  reading     the scatter buffer (n - 1)*s + d*(k - 1) + 1, then a zero cells appended high, "
                 "then p_lo cropped low and p_hi high (padding = the forward convolution's padding)")
    if isinstance(padding, tuple):
        (lo, hi), extra = padding, 0
        lines.append(f"padding {lo}, {hi}: crop p_lo = {lo}, p_hi = {hi}")
    elif padding == "valid":
        lo, hi, extra = 0, 0, 0
        lines.append("padding 'valid': no crop, p_lo = p_hi = 0")
    elif padding == "full":
        lo, hi, extra = *conv_transpose.full_crop(k_, d_), 0
        lines.append(f"padding 'full': crop d*(k - 1) = {d_}*({k_} - 1) = {lo} on each side")
    else:
        lo, hi, extra = (conv_transpose.same_crop if padding == "same" else conv_transpose.same_lower_crop)(n_, k_, s_, d_)
        surplus = conv.effective_kernel_size(k_, d_) - s_
        lines += [f"padding {padding!r} (convspec.spec.conv_transpose.{padding}_crop): output n*s; "
                  f"crop the surplus T = d*(k - 1) + 1 - s = {d_}*({k_} - 1) + 1 - {s_} = {surplus}",
                  f"  crop p_lo = {lo}, p_hi = {hi} (odd cell {'high' if padding == 'same' else 'low'}); "
                  f"append max(-T, 0) = {extra} zero cell(s) high, counted with a"]
    values = dict(n=n_, k=k_, s=s_, d=d_, p_lo=lo, p_hi=hi, a=a_ + extra)
    template = FORMULAS["conv_transpose_output_length"][0]
    result = conv_transpose.conv_transpose_output_length(n_, k_, s_, lo, hi, d_, a_ + extra)
    _checked(template, values, result)
    lines += [f"substitute  {', '.join(f'{name} = {value}' for name, value in values.items())}",
              f"  L = {_sub(template, values)}", f"    = {result}", f"result      L = {result}"]
    if not isinstance(padding, str) or padding in ("valid", "full"):
        lengths = conv_transpose.conv_input_lengths(n_, k_, s_, lo, hi, d_)
        lines.append(f"            the convolution with the same k, s, padding, d maps each input length in "
                     f"{_describe(lengths)} to {n_} outputs; output_padding a picks the (a+1)-th: {result}")
    return lines


def _describe(lengths: range) -> str:
    items = list(lengths)
    return str(items[0]) if len(items) == 1 else f"{items[0]}..{items[-1]}"


def _pool(v: _Values) -> list[str]:
    op = v.op
    n_, k_ = v.int("n", "input length", minimum=1), v.int("k", "kernel size", minimum=1)
    s_ = v.int("s", "stride", minimum=1, default=k_)
    d_ = v.int("d", "dilation", minimum=1, default=1)
    ceil_mode = bool(v.raw.get("ceil_mode"))
    padding = v.padding()
    args = pool.check_pool_arguments(op, (1, 1, n_), k_, stride=s_, padding=padding if isinstance(padding, str) else (padding,),
                                     dilation=d_, ceil_mode=ceil_mode)
    ((lo, hi),) = pool.pool_padding(args)
    lines = _header(op, "number of windows (floor mode)", "conv_output_length",
                    "every window holds at least one input cell; the stride defaults to the kernel size")
    lines.append("  note        floor mode is the convolution's length with the same window (convspec.spec.pool.pool_output_length)")
    lines += _default_stride(v, s_)
    if isinstance(padding, str):
        lines += _conv_padding(op, padding, n_, k_, s_, d_)[0]
    else:
        lines.append(f"padding {lo}, {hi}: p_lo = {lo}, p_hi = {hi}")
    values = dict(n=n_, k=k_, s=s_, d=d_, p_lo=lo, p_hi=hi)
    floor_length = pool.pool_output_length(n_, k_, s_, lo, hi, d_)
    lines += _window_length(values, floor_length)
    result = pool.pool_output_length(n_, k_, s_, lo, hi, d_, ceil_mode=ceil_mode)
    if ceil_mode:
        leftover = n_ + lo + hi - conv.effective_kernel_size(k_, d_)
        last = conv.ceil_div(leftover, s_)
        starts_in_padding, overhangs = last * s_ >= n_ + lo, last * s_ > leftover
        dropped = starts_in_padding and overhangs
        if last + 1 - dropped != result:
            raise AssertionError("explain: the ceil-mode steps disagree with convspec.spec.pool.pool_output_length; "
                                 "conformance/commands/explain.py is out of date")
        lines += ["ceil mode   c = ceil((n + p_lo + p_hi - d*(k - 1) - 1) / s), L = c + 1, minus 1 when that last window "
                  "starts in the right padding (c*s >= n + p_lo) and overhangs the padded input (c*s > n + p_lo + p_hi - d*(k - 1) - 1)",
                  f"  c = ceil({leftover} / {s_}) = {last}; c*s = {last * s_}: "
                  f"{'>=' if starts_in_padding else '<'} n + p_lo = {n_ + lo}, {'>' if overhangs else '<='} {leftover}",
                  f"  L = {last} + 1{' - 1' if dropped else ''} = {result}"
                  + ("  (ceil mode adds no window here)" if result == floor_length else "  (one window more than floor mode)")]
    lines.append(f"result      L = {result}")
    return lines


def _default_stride(v: _Values, stride: int) -> list[str]:
    return [] if v.raw.get("s") is not None else [f"stride      s = k = {stride} (not given: the kernel size, as pooling's default)"]


def _unpool(v: _Values) -> list[str]:
    op = v.op
    n_, k_ = v.int("n", "pooled (input) length", minimum=1), v.int("k", "kernel size", minimum=1)
    s_ = v.int("s", "stride", minimum=1, default=k_)
    padding = v.padding()
    if padding in ("same", "same_lower", "full"):
        raise ExplainError(f"{op}: --padding must be an int, 'lo,hi' or valid; {padding!r} depends on the length "
                           "unpooling is trying to recover (pass the pair the pooling resolved it to)")
    lo, hi = (0, 0) if padding == "valid" else padding
    requested = None if v.raw.get("output_size") is None else v.int("output_size", "output length", minimum=1)
    unpool.check_unpool_arguments(op, (1, 1, n_), kernel_size=k_, stride=s_, padding=((lo, hi),),
                                  output_size=None if requested is None else (requested,))
    template = FORMULAS["unpool_formula_length"][0]
    values = dict(n=n_, k=k_, s=s_, p_lo=lo, p_hi=hi)
    shortest = unpool.unpool_formula_length(n_, k_, s_, lo, hi)
    _checked(template, values, shortest)
    valid = unpool.unpool_valid_lengths(n_, k_, s_, lo, hi)
    default = unpool.unpool_default_length(n_, k_, s_, lo, hi)
    lines = [f"{op}: output lengths along one spatial axis (convspec.spec.unpool.unpool_valid_lengths)",
             f"  formula     D = {template}   (the shortest input that pools to n)",
             _spec_line(unpool.unpool_formula_length),
             "  valid       every L with max(D, 1) <= L < D + s pools back to n (floor mode); the default is max(D, 1)",
             *_default_stride(v, s_),
             f"substitute  {', '.join(f'{name} = {value}' for name, value in values.items())}",
             f"  D = {_sub(template, values)} = {shortest}",
             f"  max(D, 1) = {default} <= L < D + s = {shortest + s_}",
             f"result      valid output lengths: {', '.join(map(str, valid))}; default {default}"]
    if requested is not None:
        lines.append(f"            output size {requested}: valid (pools to "
                     f"{unpool.pooled_length(requested, k_, s_, lo, hi)} = n)")
    return lines


def _upsample(v: _Values) -> list[str]:
    n_ = v.int("n", "input length", minimum=1)
    size, factor = v.raw.get("size"), v.raw.get("scale_factor")
    if (size is None) == (factor is None):
        raise ExplainError("upsample needs exactly one of --scale-factor and --size")
    lines = ["upsample: output length along one spatial axis (convspec.spec.upsample)",
             "  formula     scale factor sigma: o = floor(n * sigma), step r = 1 / sigma; size: o = size, step r = n / o",
             _spec_line(upsample.output_length)]
    if size is not None:
        o_ = v.int("size", "output length", minimum=1)
        upsample.check_upsample_arguments("upsample", (1, 1, n_), scale_factor=None, size=o_, mode="nearest", align_corners=False)
        step = upsample.coordinate_step(n_, o_)
        lines += [f"substitute  n = {n_}, size = {o_}", f"  o = {o_}", f"  r = n / o = {n_} / {o_} = {step}",
                  f"result      o = {o_} (step r = {step} input samples per output sample)"]
        return lines
    try:
        sigma = Fraction(str(factor).strip())
    except (ValueError, ZeroDivisionError):
        raise ExplainError(f"upsample: --scale-factor must be a positive number (an int, a decimal or p/q), got {factor!r}") from None
    upsample.check_upsample_arguments("upsample", (1, 1, n_), scale_factor=sigma, size=None, mode="nearest", align_corners=False)
    o_ = upsample.output_length(n_, sigma)
    step = upsample.coordinate_step(n_, o_, sigma)
    template = FORMULAS["upsample_output_length"][0]
    _checked(template, dict(n=n_, sigma=sigma), o_)
    lines += [f"substitute  n = {n_}, sigma = {sigma} (the scale factor {factor} read exactly)",
              f"  o = {_sub(template, dict(n=n_, sigma=f'({sigma})'))} = floor({n_ * sigma}) = {o_}",
              f"  r = 1 / sigma = {step}" + ("" if step == Fraction(n_, o_) else f" (not n / o = {Fraction(n_, o_)})"),
              f"result      o = {o_} (step r = {step} input samples per output sample)"]
    return lines
