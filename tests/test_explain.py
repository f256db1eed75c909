"""``convspec explain``: the formulas it prints are the spec's, its numbers are the spec's and the
reference's, and a bad call exits 2 with a message naming the option, the value and the rule.

The subcommand is tested through its own ``add_parser``/``run`` on a fresh argparse parser,
as conformance/cli.py wires it.
"""

from __future__ import annotations

import argparse
import re
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from convspec import reference
from convspec.conformance.commands import explain as explain_command
from convspec.spec import conv as spec_conv
from convspec.spec import conv_transpose as spec_conv_transpose
from convspec.spec import upsample as spec_upsample


def explain(capsys, *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="convspec")
    sub = parser.add_subparsers(dest="command")
    explain_command.add_parser(sub)
    code = explain_command.run(parser.parse_args(["explain", *argv]))
    out = capsys.readouterr()
    return code, out.out, out.err


def result_of(output: str) -> int:
    match = re.search(r"^result\s+[Lo] = (\d+)", output, re.MULTILINE)
    assert match, output
    return int(match.group(1))


def _zeros(*shape):
    return np.zeros(shape)


# --------------------------------------------------------------------------------------
# the printed formulas are the spec's
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(explain_command.FORMULAS))
def test_text_formula_equals_the_spec_expression(name):
    template, function = explain_command.FORMULAS[name]
    symbols = {str(sym): sym for sym in function().free_symbols}
    parsed = sympy.sympify(template, locals={**symbols, "floor": sympy.floor, "ceil": sympy.ceiling, "max": sympy.Max})
    assert sympy.simplify(parsed - function()) == 0, f"{name}: {template!r} is not {function()}"


def test_numerator_is_the_conv_formula_numerator():
    template = explain_command.FORMULAS["conv_output_length"][0]
    assert f"floor(({explain_command.NUMERATOR}) / s) + 1" == template


# --------------------------------------------------------------------------------------
# the worked example of the issue, line by line
# --------------------------------------------------------------------------------------


def test_correlate_same_stride_two_dilation_two_step_by_step(capsys):
    code, out, err = explain(capsys, "correlate", "--n", "32", "--k", "3", "--s", "2", "--d", "2", "--padding", "same")
    assert code == 0 and err == ""
    lines = [line.rstrip() for line in out.splitlines()]
    expected_in_order = [
        "  formula     L = floor((n + p_lo + p_hi - d*(k - 1) - 1) / s) + 1",
        "  total = max((ceil(n / s) - 1)*s + d*(k - 1) + 1 - n, 0)",
        "        = max((ceil(32 / 2) - 1)*2 + 2*(3 - 1) + 1 - 32, 0)",
        "        = 3",
        "  p_lo  = floor(total / 2) = floor(3 / 2) = 1",
        "  p_hi  = total - p_lo = 3 - 1 = 2",
        "substitute  n = 32, k = 3, s = 2, d = 2, p_lo = 1, p_hi = 2",
        "  L = floor((32 + 1 + 2 - 2*(3 - 1) - 1) / 2) + 1",
        "    = floor(30 / 2) + 1",
        "    = 16",
        "result      L = 16",
    ]
    positions = [lines.index(line) for line in expected_in_order]
    assert positions == sorted(positions), out
    assert "convspec.spec.conv.conv_output_length() = " in out  # the sympy form of the spec
    assert "ceil(32 / 2) = 16" in out
    assert reference.correlate(_zeros(1, 1, 32), _zeros(1, 1, 3), stride=2, dilation=2, padding="same").shape[-1] == 16


# --------------------------------------------------------------------------------------
# every operation: the spec's number, and the reference's shape
# --------------------------------------------------------------------------------------


@st.composite
def conv_calls(draw):
    k, d, s = draw(st.integers(1, 5)), draw(st.integers(1, 3)), draw(st.integers(1, 4))
    padding = draw(st.sampled_from(["valid", "same", "same_lower", "full", (0, 0), (1, 2), (2, 0)]))
    span = d * (k - 1) + 1
    fixed = sum(padding) if isinstance(padding, tuple) else 0
    lowest = 1 if padding in ("same", "same_lower", "full") else max(1, span - fixed)
    return draw(st.integers(lowest, lowest + 20)), k, s, d, padding


@given(conv_calls(), st.sampled_from(["correlate", "convolve"]))
def test_conv_result_is_the_reference_length(call, op):
    n, k, s, d, padding = call
    text = padding if isinstance(padding, str) else f"{padding[0]},{padding[1]}"
    values = dict.fromkeys(explain_command.OPTIONS["upsample"] + explain_command.OPTIONS["conv_transpose"])
    values.update(n=str(n), k=str(k), s=str(s), d=str(d), padding=text)
    out = "\n".join(explain_command.explain(op, values))  # the lines run() prints
    pad = padding if isinstance(padding, str) else (padding,)
    ours = getattr(reference, op)(_zeros(1, 1, n), _zeros(1, 1, k), stride=s, dilation=d, padding=pad).shape[-1]
    assert result_of(out) == ours, out


def test_depthwise_separable_has_the_depthwise_length(capsys):
    code, out, _ = explain(capsys, "depthwise_separable", "--n", "12", "--k", "5")
    x, depthwise, pointwise = _zeros(1, 3, 12), _zeros(3, 1, 5), _zeros(8, 3, 1)
    assert code == 0 and result_of(out) == reference.depthwise_separable(x, depthwise, pointwise).shape[-1] == 8
    assert "pointwise" in out


@pytest.mark.parametrize("n, k, s, d, padding, a", [
    (14, 4, 2, 1, "1", 1), (14, 4, 2, 1, "1", 0), (3, 3, 2, 1, "same", 0), (3, 1, 2, 1, "same", 0),
    (4, 3, 2, 2, "same_lower", 0), (5, 3, 3, 1, "0,2", 2), (2, 3, 2, 1, "valid", 1), (4, 2, 1, 3, "full", 2),
])
def test_conv_transpose_result_is_the_reference_length(capsys, n, k, s, d, padding, a):
    code, out, err = explain(capsys, "conv_transpose", "--n", str(n), "--k", str(k), "--s", str(s), "--d", str(d),
                             "--padding", padding, "--output-padding", str(a))
    assert code == 0, err
    pad = padding if padding.isalpha() or "_" in padding else ((int(padding.split(",")[0]), int(padding.split(",")[-1])),)
    ours = reference.conv_transpose(_zeros(1, 1, n), _zeros(1, 1, k), stride=s, dilation=d, padding=pad, output_padding=a)
    assert result_of(out) == ours.shape[-1], out


def test_conv_transpose_names_the_input_lengths_output_padding_chooses_from(capsys):
    _, out, _ = explain(capsys, "conv_transpose", "--n", "14", "--k", "4", "--s", "2", "--padding", "1", "--a", "1")
    assert "28..29 to 14 outputs" in out and result_of(out) == 29
    assert list(spec_conv_transpose.conv_input_lengths(14, 4, 2, 1, 1, 1)) == [28, 29]


@pytest.mark.parametrize("op", ["max_pool", "avg_pool"])
@pytest.mark.parametrize("n, k, s, padding, ceil_mode", [
    (11, 2, None, "0", False), (11, 2, None, "0", True), (6, 3, 2, "1", True), (5, 2, 2, "1", True),
    (7, 3, 2, "same", True), (8, 2, 3, "0,1", True), (4, 2, 2, "0", True),
])
def test_pool_result_is_the_reference_length(capsys, op, n, k, s, padding, ceil_mode):
    argv = [op, "--n", str(n), "--k", str(k), "--padding", padding] + ([] if s is None else ["--s", str(s)])
    code, out, err = explain(capsys, *argv, *(["--ceil-mode"] if ceil_mode else []))
    assert code == 0, err
    pad = padding if padding.isalpha() else ((int(padding.split(",")[0]), int(padding.split(",")[-1])),)
    ours = getattr(reference, op)(_zeros(1, 1, n), k, stride=s, padding=pad, ceil_mode=ceil_mode)
    assert result_of(out) == ours.shape[-1], out
    assert ("ceil mode   c = ceil(" in out) == ceil_mode
    assert ("s = k = " in out) == (s is None)


def test_max_pool_with_dilation(capsys):
    code, out, _ = explain(capsys, "max_pool", "--n", "9", "--k", "3", "--s", "2", "--d", "2", "--ceil-mode")
    assert code == 0 and result_of(out) == reference.max_pool(_zeros(1, 1, 9), 3, stride=2, dilation=2, ceil_mode=True).shape[-1]


@pytest.mark.parametrize("n, k, s, padding", [(3, 2, None, None), (3, 3, 2, "1"), (2, 3, 2, "0,1"), (4, 2, 1, None)])
def test_max_unpool_valid_lengths_are_the_ones_the_reference_accepts(capsys, n, k, s, padding):
    argv = ["max_unpool", "--n", str(n), "--k", str(k)] + ([] if s is None else ["--s", str(s)])
    argv += [] if padding is None else ["--padding", padding]
    code, out, err = explain(capsys, *argv)
    assert code == 0, err
    listed = [int(v) for v in re.search(r"valid output lengths: ([\d, ]+);", out).group(1).split(", ")]
    pad = 0 if padding is None else ((int(padding.split(",")[0]), int(padding.split(",")[-1])),)
    x, indices = _zeros(1, 1, n), np.zeros((1, 1, n), dtype=np.int64)
    accepted = []
    for length in range(1, 3 * (n * (s or k) + k)):
        try:
            reference.max_unpool(x, indices, k, stride=s, padding=pad, output_size=(length,))
            accepted.append(length)
        except ValueError:
            pass
    assert listed == accepted, out
    default = int(re.search(r"default (\d+)", out).group(1))
    assert default == reference.max_unpool(x, indices, k, stride=s, padding=pad).shape[-1]


def test_unpool_checks_an_output_size(capsys):
    code, out, _ = explain(capsys, "avg_unpool", "--n", "3", "--k", "2", "--output-size", "7")
    assert code == 0 and "output size 7: valid (pools to 3 = n)" in out
    code, _, err = explain(capsys, "first_unpool", "--n", "3", "--k", "2", "--output-size", "9")
    assert code == 2 and "output_size (9,) is not a valid size" in err and "6 <= length <= 7" in err


@pytest.mark.parametrize("argv, expected_step", [
    (("--scale-factor", "1.5"), Fraction(2, 3)), (("--scale-factor", "3/2"), Fraction(2, 3)),
    (("--scale-factor", "2"), Fraction(1, 2)), (("--size", "7"), Fraction(5, 7)), (("--scale-factor", "0.5"), Fraction(2)),
])
def test_upsample_length_and_step(capsys, argv, expected_step):
    code, out, err = explain(capsys, "upsample", "--n", "5", *argv)
    assert code == 0, err
    option, value = argv
    kwargs = {"size": int(value)} if option == "--size" else {"scale_factor": Fraction(value)}
    assert result_of(out) == reference.upsample(_zeros(1, 1, 5), **kwargs).shape[-1]
    assert f"step r = {expected_step} " in out
    if option == "--scale-factor":
        assert spec_upsample.coordinate_step(5, result_of(out), Fraction(value)) == expected_step


# --------------------------------------------------------------------------------------
# bad calls: exit 2, a message naming the option, the value and the rule
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("argv, message", [
    (("foo", "--n", "3"), "unknown operation 'foo'; known: correlate, convolve"),
    (("correlate", "--k", "3"), "correlate needs --n (input length)"),
    (("correlate", "--n", "x", "--k", "3"), "--n must be an int (input length), got 'x'"),
    (("correlate", "--n", "8", "--k", "0"), "--k must be >= 1 (kernel size), got 0"),
    (("correlate", "--n", "8", "--k", "3", "--s", "-1"), "--s must be >= 1 (stride), got -1"),
    (("correlate", "--n", "3", "--k", "5"), "the kernel does not fit"),
    (("correlate", "--n", "8", "--k", "3", "--padding", "sam"), "got 'sam'"),
    (("correlate", "--n", "8", "--k", "3", "--padding", "1,2,3"), "--padding must be an int, 'lo,hi'"),
    (("correlate", "--n", "8", "--k", "3", "--padding", "-1"), "padding must be >= 0"),
    (("correlate", "--n", "8", "--k", "3", "--output-padding", "1"), "correlate does not take --output-padding"),
    (("avg_pool", "--n", "8", "--k", "2", "--d", "2"), "avg_pool does not take --d"),
    (("conv_transpose", "--n", "3", "--k", "3", "--s", "2", "--a", "2"), "output_padding must be smaller than max(stride, dilation)"),
    (("conv_transpose", "--n", "3", "--k", "3", "--s", "2", "--padding", "same", "--a", "1"), "output_padding must be 0 with padding='same'"),
    (("max_pool", "--n", "5", "--k", "2", "--padding", "3"), "every window must hold at least one input cell"),
    (("max_unpool", "--n", "3", "--k", "2", "--padding", "same"), "depends on the length"),
    (("upsample", "--n", "5"), "exactly one of --scale-factor and --size"),
    (("upsample", "--n", "5", "--size", "4", "--scale-factor", "2"), "exactly one of --scale-factor and --size"),
    (("upsample", "--n", "5", "--scale-factor", "abc"), "--scale-factor must be a positive number"),
    (("upsample", "--n", "5", "--scale-factor", "-2"), "scale_factor must be positive"),
    (("upsample", "--n", "5", "--scale-factor", "0.1"), "leaves no output sample"),
])
def test_bad_call_exits_2_with_a_clear_message(capsys, argv, message):
    code, out, err = explain(capsys, *argv)
    assert code == 2 and out == "", (code, out)
    assert err.startswith("convspec explain: ") and message in err, err


def test_the_parser_names_every_operation_in_its_description():
    parser = argparse.ArgumentParser(prog="convspec")
    sub = parser.add_subparsers(dest="command")
    explain_parser = explain_command.add_parser(sub)
    assert all(op in explain_parser.description for op in explain_command.OPTIONS)
    assert parser.parse_args(["explain", "correlate"]).handler is explain_command.run
    assert explain_command.FORMULAS["conv_output_length"][1] is spec_conv.conv_output_length
