"""What a user pointing ``convspec check`` at a narrow or buggy implementation relies on (issue 16):

* a function raising ``NotImplementedError`` (or ``convspec.conformance.Unsupported``) refuses the case:
  counted as unsupported with its message, never a failure;
* ``SUPPORTS_DRAWS`` narrows the draws, so a narrow target gets its whole example budget, and a case
  outside it is unsupported; with none, the draws are unchanged;
* a check that ran fewer random examples than asked says so;
* ``--max-failures N`` lists several distinct failures of one operation;
* ``--seeds 0-2`` runs the check per seed and prints one merged table;
* an expected divergence's ``when:`` matches a padding however it is spelled.
"""

from __future__ import annotations

import dataclasses
import json
import textwrap

import numpy as np
import pytest

from convspec.conformance import Unsupported, catalog, cli
from convspec.conformance.case import Case
from convspec.conformance.divergences import Divergence
from convspec.conformance.draws import check_declaration, padding_form
from convspec.conformance.merged import parse_seeds
from convspec.conformance.runner import reason_template, run_operation
from convspec.conformance.targets import load_target

CORRELATE = catalog.get("correlate")


def _module(tmp_path, name: str, source: str):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    return path


def test_not_implemented_counts_as_unsupported_with_its_message(tmp_path):
    path = _module(tmp_path, "refusing", """
        from convspec import reference
        from convspec.conformance import Unsupported

        def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
            if groups != 1:
                raise Unsupported("grouped convolution is not implemented")
            if x.ndim == 5:
                raise NotImplementedError
            return reference.correlate(x, weight, bias, stride=stride, padding=padding, dilation=dilation,
                                       groups=groups)
    """)
    result = run_operation(CORRELATE, load_target(str(path)), examples=40)
    assert result.status == "passed", result.failure
    assert result.unsupported_reasons["grouped convolution is not implemented"] > 0
    assert result.unsupported_reasons["the target raised NotImplementedError"] > 0
    assert result.examples > 0 and result.failure is None
    assert issubclass(Unsupported, NotImplementedError)


def test_a_target_refusing_everything_is_unsupported_not_failed(tmp_path):
    path = _module(tmp_path, "refuses_all", """
        def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
            raise NotImplementedError("not yet")
    """)
    result = run_operation(CORRELATE, load_target(str(path)), examples=10)
    assert result.status == "unsupported"
    assert result.examples == 0 and result.region_examples == 0


def test_other_exceptions_still_fail(tmp_path):
    path = _module(tmp_path, "raising", """
        def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
            raise RuntimeError("boom")
    """)
    result = run_operation(CORRELATE, load_target(str(path)), examples=5)
    assert result.status == "failed" and "boom" in result.failure.reason


NARROW = """
    from convspec import reference

    SEEN = []

    def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
        SEEN.append((x.ndim, x.dtype.name, groups, padding))
        return reference.correlate(x, weight, bias, stride=stride, padding=padding, dilation=dilation, groups=groups)
"""


def test_supports_draws_narrows_the_draws_and_keeps_the_budget(tmp_path):
    path = _module(tmp_path, "narrow", NARROW + """
    SUPPORTS_DRAWS = {"correlate": {"ranks": (1,), "dtypes": ("float64",), "groups": (1,),
                                    "padding": ("int", "valid")}}
    """)
    target = load_target(str(path))
    result = run_operation(CORRELATE, target, examples=60)
    assert result.status == "passed"
    assert result.examples - result.region_examples == 60  # the whole budget ran inside the limits
    drawn = [case for case in _module_seen(path)]
    assert drawn and all(ndim == 3 and dtype == "float64" and groups == 1 for ndim, dtype, groups, _ in drawn)
    assert all(padding_form(p) in ("int", "valid") for *_, p in drawn)
    # region cases outside the limits were unsupported, with the reason naming the limit
    assert any(reason.startswith("outside SUPPORTS_DRAWS") for reason in result.unsupported_reasons)


def _module_seen(path):
    import sys

    return next(m for m in sys.modules.values() if getattr(m, "__file__", None) == str(path)).SEEN


def test_without_supports_draws_a_predicate_alone_runs_short_and_the_report_says_so(tmp_path, capsys):
    path = _module(tmp_path, "predicate_only", NARROW + """
    SUPPORTS = {"correlate": lambda case: (case.inputs["x"].ndim == 3 and case.inputs["x"].dtype.name == "float64"
                                           and case.params.get("groups", 1) == 1
                                           and case.inputs["bias"] is None and case.data_kind == "integers")
                                          or "narrow"}
    """)
    code = cli.main(["check", str(path), "--ops", "correlate", "--examples", "100", "--jobs", "1"])
    out = capsys.readouterr().out
    assert code == 0
    assert "random examples asked for ran" in " ".join(out.split())


def test_supports_draws_declarations_are_checked():
    with pytest.raises(ValueError, match="unknown key"):
        check_declaration("t", {"correlate": {"rank": (2,)}}, {"correlate"})
    with pytest.raises(ValueError, match="catalog lacks"):
        check_declaration("t", {"conv2d": {"ranks": (2,)}}, {"correlate"})
    with pytest.raises(ValueError, match="the forms are"):
        check_declaration("t", {"*": {"padding": ("SAME",)}}, {"correlate"})
    assert check_declaration("t", {"*": {"dtypes": "float32"}}, set()) == {"*": {"dtypes": ("float32",)}}


def test_without_limits_the_draws_are_unchanged(tmp_path):
    # a target declaring nothing draws exactly what the accelerated/reference checks draw
    plain = _module(tmp_path, "plain", NARROW)
    target = load_target(str(plain))
    run_operation(CORRELATE, target, examples=15, random_seed=3)
    first = list(_module_seen(plain))
    _module_seen(plain).clear()
    run_operation(CORRELATE, target, examples=15, random_seed=3)
    assert _module_seen(plain) == first


THREE_BUGS = """
    from convspec import reference

    def correlate(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
        out = reference.correlate(x, weight, bias, stride=stride, padding=padding, dilation=dilation, groups=groups)
        if padding == "full":
            out = out + 1
        if groups == 2:
            out = out * 2
        return out
"""


def test_max_failures_lists_distinct_failures(tmp_path):
    path = _module(tmp_path, "two_bugs", THREE_BUGS)
    one = run_operation(CORRELATE, load_target(str(path)), examples=100)
    assert one.status == "failed" and one.more_failures == []
    several = run_operation(CORRELATE, load_target(str(path)), examples=100, max_failures=3)
    failures = [several.failure] + several.more_failures
    assert several.status == "failed" and len(failures) >= 2
    assert any(f.case.params.get("padding") == "full" for f in failures)
    assert any(f.case.params.get("groups") == 2 and f.case.params.get("padding") != "full" for f in failures)


def test_max_failures_from_the_command_line(tmp_path, capsys):
    path = _module(tmp_path, "two_bugs_cli", THREE_BUGS)
    report = tmp_path / "report.json"
    code = cli.main(["check", str(path), "--ops", "correlate", "--examples", "100", "--max-failures", "3",
                     "--report", str(report), "--jobs", "1"])
    out = capsys.readouterr().out
    assert code == 1
    assert "distinct failure 2" in out
    data = json.loads(report.read_text())
    assert len(data["operations"][0]["more_failures"]) >= 1
    assert cli.main(["check", str(path), "--max-failures", "0"]) == 2


def test_reason_template_blanks_numbers_and_indices():
    a = "first differing element at index (0, 1, 2): expected 1.0, got 2.5e-07, allowed difference 0.0"
    b = "first differing element at index (3,): expected nan, got -4.0, allowed difference 1e-3"
    assert reason_template(a) == reason_template(b)
    assert reason_template(a) != reason_template("output shape (1, 2), the spec says (1, 3)")


def test_seeds_run_each_seed_and_merge(tmp_path, capsys):
    path = _module(tmp_path, "buggy_seeds", THREE_BUGS)
    report = tmp_path / "seeds.json"
    code = cli.main(["check", str(path), "--ops", "correlate", "--examples", "20", "--seeds", "0-2",
                     "--report", str(report), "--jobs", "1"])
    out = " ".join(capsys.readouterr().out.split())
    assert code == 1
    assert "seeds 0, 1, 2" in out and "the first failing seed is" in out
    data = json.loads(report.read_text())
    assert data["seeds"] == [0, 1, 2] and len(data["runs"]) == 3 and data["exit_status"] == 1
    assert data["state"] == "complete" and data["seeds_unfinished"] == []
    assert [run["seed"] for run in data["runs"]] == [0, 1, 2]


def test_a_seeds_report_written_midway_says_the_run_goes_on():
    """The --seeds report is rewritten after each seed; one left by a process that ended after seed 0 passed said
    "exit_status": 0 for the whole run. While seeds remain it says "running", no exit status, and which seeds."""
    from convspec.conformance.merged import merged_json
    from convspec.conformance.results import OperationResult, Report
    from convspec.conformance.targets import load_target

    target = load_target("reference")
    passed = Report("reference", results=[OperationResult("relu", "passed")], seed=0)
    midway = merged_json([passed], target, [1, 2])
    assert (midway["state"], midway["exit_status"], midway["seeds"], midway["seeds_unfinished"]) == (
        "running", None, [0], [1, 2])
    done = merged_json([passed, dataclasses.replace(passed, seed=1)], target)
    assert (done["state"], done["exit_status"], done["seeds_unfinished"]) == ("complete", 0, [])
    stopped = dataclasses.replace(passed, seed=1, state="interrupted (SIGINT)")
    interrupted = merged_json([passed, stopped], target, [2])
    assert (interrupted["state"], interrupted["exit_status"], interrupted["seeds_unfinished"]) == (
        "interrupted (SIGINT)", 130, [2])


def test_seeds_parsing():
    assert parse_seeds("0-3") == [0, 1, 2, 3]
    assert parse_seeds("0,1,7") == [0, 1, 7]
    assert parse_seeds("2-3,3,2026") == [2, 3, 2026]
    for bad in ("", "a", "3-1", "-1", "0-5000"):
        with pytest.raises(ValueError, match="--seeds"):
            parse_seeds(bad)
    assert cli.main(["check", "reference", "--seeds", "0-1", "--seed", "3"]) == 2


@pytest.mark.parametrize("spelling", [0, [0, 0], [[0, 0], [0, 0]], "valid"])
def test_when_matches_a_padding_however_it_is_spelled(spelling):
    entry = Divergence("correlate", "why", when={"padding": spelling, "stride": [2, 2]})
    x, w = np.zeros((1, 1, 5, 5), np.float32), np.zeros((1, 1, 2, 2), np.float32)
    for padding in (0, (0, 0), ((0, 0), (0, 0)), "valid"):
        case = Case("correlate", {"x": x, "weight": w, "bias": None}, {"padding": padding, "stride": 2}, "floats")
        assert entry.matches(case, "differs"), (spelling, padding)
    other = Case("correlate", {"x": x, "weight": w, "bias": None}, {"padding": 1, "stride": 2}, "floats")
    assert not entry.matches(other, "differs")
    same = Case("correlate", {"x": x, "weight": w, "bias": None}, {"padding": "same", "stride": 2}, "floats")
    assert not entry.matches(same, "differs")


def test_ops_names_each_operation_once_and_never_widens_to_every_one(tmp_path, capsys):
    """`--ops ""` (an empty shell variable) checked the whole catalog, and `--ops relu,relu` checked relu twice.
    The option now names each operation once, in the order first named; one that names none is a usage error."""
    assert [op.name for op in catalog.named(" relu, max_pool ,relu,")] == ["relu", "max_pool"]
    assert catalog.named(None) == list(catalog.CATALOG)
    for empty in ("", ",", " , "):
        with pytest.raises(ValueError, match="names no operation"):
            catalog.named(empty)
    assert cli.main(["check", "reference", "--ops", "", "--examples", "2"]) == 2
    assert "--ops '' names no operation" in capsys.readouterr().out
    report = tmp_path / "out.json"
    assert cli.main(["check", "reference", "--ops", "relu,relu", "--examples", "2", "--report", str(report)]) == 0
    assert [op["op"] for op in json.loads(report.read_text())["operations"]] == ["relu"]
    assert cli.main(["vectors", "export", "--ops", ",", "--out", str(tmp_path / "vectors")]) == 2
    assert "--ops ',' names no operation" in capsys.readouterr().err
    assert not (tmp_path / "vectors").exists()
