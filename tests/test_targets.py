"""Targets: loading, devices, declared support (unsupported cases are counted, never passed or failed),
expected divergences, and the --profile settings."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from convspec import reference
from convspec.conformance import catalog
from convspec.conformance.cli import resolve_settings
from convspec.conformance.divergences import Divergence, load, parse
from convspec.conformance.runner import PROFILES, run_check, run_operation
from convspec.conformance.targets import ADAPTERS, Target, load_target

CORRELATE = catalog.get("correlate")


def _reference_target(**extra) -> Target:
    return Target("fake", {"correlate": reference.correlate}, "from convspec import reference as target", **extra)


def test_unsupported_cases_are_skipped_and_counted():
    """A target that handles only 1-D: the other cases are counted with their reason, the 1-D ones checked."""
    one_d = lambda case: True if case.inputs["x"].ndim == 3 else "only 1-D"  # noqa: E731
    result = run_operation(CORRELATE, _reference_target(supports={"correlate": one_d}), examples=10)
    assert result.status == "passed", result.failure
    # the supported region cases (the 1-D ones), then 10 drawn cases
    assert result.examples == 10 + result.region_examples and result.unsupported > 0
    assert result.coverage["1-D"] >= 1 and result.coverage["3-D"] == 0
    assert set(result.unsupported_reasons) == {"only 1-D"}
    assert sum(result.unsupported_reasons.values()) == result.unsupported


def test_a_target_that_supports_nothing_is_unsupported_not_passed():
    never = lambda case: "never"  # noqa: E731
    report = run_check(_reference_target(supports={"correlate": never}), [CORRELATE], examples=5)
    (result,) = report.results
    assert result.status == "unsupported" and result.examples == 0 and result.unsupported > 0
    assert not report.failed and report.checked == 0
    assert report.counts()["unsupported"] == 1


def _wrong_for_even_kernels(x, weight, bias=None, **params):
    out = reference.correlate(x, weight, bias, **params)
    return out + 1 if weight.shape[-1] % 2 == 0 else out


def test_expected_divergences_are_reported_apart_and_the_search_goes_on(tmp_path):
    target = Target("even", {"correlate": _wrong_for_even_kernels}, "")
    assert run_operation(CORRELATE, target, examples=30).status == "failed"  # without the file
    path = tmp_path / "divergences.yaml"
    path.write_text(textwrap.dedent("""\
        divergences:
          - op: correlate
            expression: "inputs['weight'].shape[-1] % 2 == 0"
            reason: adds one for even kernels
    """))
    result = run_operation(CORRELATE, target, examples=30, divergences=load(path))
    assert result.status == "expected divergence", result.failure
    assert result.expected_count > 0 and result.examples == 30 + result.region_examples
    assert all(e.case.inputs["weight"].shape[-1] % 2 == 0 for e in result.expected)
    # an entry that does not cover every failure leaves the others failing
    narrow = parse({"divergences": [{"op": "correlate", "dtype": "float64", "expression":
                                     "inputs['weight'].shape[-1] % 2 == 0", "reason": "only float64"}]})
    assert run_operation(CORRELATE, target, examples=60, divergences=narrow).status == "failed"


@pytest.mark.parametrize("entry, message", [
    ({"op": "nope", "reason": "r"}, "'op' must be an operation"),
    ({"op": "correlate"}, "'reason'"),
    ({"op": "correlate", "reason": "r", "colour": 1}, "unknown key"),
    ({"op": "correlate", "reason": "r", "data": "ints"}, "'data'"),
    ({"op": "correlate", "reason": "r", "expression": "1 +"}, "invalid syntax"),
])
def test_divergence_files_are_checked(entry, message):
    with pytest.raises((ValueError, SyntaxError), match=message):
        parse({"divergences": [entry]})


def test_divergence_when_matches_params_as_written_in_yaml():
    entry = Divergence("correlate", "r", when={"padding": ["same", [[0, 1]]], "groups": 1})
    from convspec.conformance.case import Case

    x, w = np.zeros((1, 1, 3)), np.zeros((1, 1, 2))
    case = lambda padding: Case("correlate", {"x": x, "weight": w, "bias": None},  # noqa: E731
                                {"padding": padding, "groups": 1}, "floats")
    assert entry.matches(case("same"), "") and entry.matches(case(((0, 1),)), "")
    assert not entry.matches(case("valid"), "")


def test_toml_and_json_divergence_files(tmp_path):
    (tmp_path / "d.json").write_text('{"divergences": [{"op": "max_pool", "reason": "r"}]}')
    assert load(tmp_path / "d.json")[0].op == "max_pool"
    (tmp_path / "d.toml").write_text('[[divergences]]\nop = "avg_pool"\nreason = "r"\n')
    assert load(tmp_path / "d.toml")[0].op == "avg_pool"
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(ValueError, match="cannot parse"):
        load(tmp_path / "bad.json")


def test_profiles_map_to_examples_and_derandomization():
    assert resolve_settings(None, None, None) == (100, 0, False)  # `convspec check` as before
    assert resolve_settings("ci", None, None) == (PROFILES["ci"][0], 0, True)
    assert resolve_settings("ci", 7, 3) == (7, 3, False)  # explicit values win; a seed means not derandomized
    examples, seed, derandomize = resolve_settings("dev", None, None)
    assert examples == PROFILES["dev"][0] and not derandomize and 0 <= seed < 2**31
    with pytest.raises(ValueError, match="positive"):
        resolve_settings(None, 0, None)


def test_derandomized_runs_draw_the_same_cases():
    drawn = []
    recorder = Target("rec", {"correlate": lambda *a, **p: (drawn.append(a[0].tobytes()), reference.correlate(*a, **p))[1]}, "")
    run_operation(CORRELATE, recorder, examples=5, derandomize=True)
    first, drawn[:] = list(drawn), []
    run_operation(CORRELATE, recorder, examples=5, derandomize=True, random_seed=99)
    assert drawn == first


def test_devices():
    with pytest.raises(ValueError, match="device must be one of"):
        load_target("reference", "tpu")
    with pytest.raises(ValueError, match="CPU only"):
        load_target("reference", "cuda")
    with pytest.raises(ValueError, match="CPU only"):
        load_target("numpy", "cuda")
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        for name in ("accelerated", "torch"):
            with pytest.raises(ValueError, match="no CUDA device"):
                load_target(name, "cuda")
    assert load_target("torch", "cpu").device == "cpu"


def test_a_missing_library_names_the_extra(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_scipy(name, *args, **kwargs):
        if name == "scipy" or name.startswith("scipy."):
            raise ImportError(f"No module named {name!r}", name="scipy")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_scipy)
    with pytest.raises(ValueError, match=r"needs scipy \(pip install 'convspec\[adapters\]'\)"):
        load_target("scipy")


def test_unknown_target_lists_the_adapters():
    with pytest.raises(ValueError) as raised:
        load_target("no_such_module_xyz")
    for name in ADAPTERS:
        assert repr(name) in str(raised.value)


@pytest.mark.parametrize("declaration, words", [
    ("VERSIONS = 5", "VERSIONS must be a dict of name -> version (copied into the report), got int"),  # was exit 3
    ("SUPPORTS = [1]", "SUPPORTS must be a dict of operation name -> function(case), got list"),
    ('SUPPORTS = {"relu": 5}', "SUPPORTS['relu'] must be a function(case), got int"),  # said "got dict"
])
def test_a_malformed_declaration_is_a_usage_error_that_names_it(tmp_path, declaration, words):
    path = tmp_path / "declares.py"
    path.write_text(f"from convspec.reference import relu\n{declaration}\n")
    with pytest.raises(ValueError) as info:
        load_target(str(path))
    assert words in str(info.value)


def test_a_name_that_is_not_a_function_is_not_provided_and_the_report_says_why(tmp_path, capsys):
    """`sigmoid = 5` or a submodule named `flatten` was silently "not provided"; the report now says why."""
    from convspec.conformance.cli import main

    path = tmp_path / "names.py"
    path.write_text("from convspec.reference import relu\nimport json as flatten\nsigmoid = 5\n")
    target = load_target(str(path))
    assert target.not_functions == {"sigmoid": "an int, not a function", "flatten": "a module, not a function"}
    assert main(["check", str(path), "--ops", "relu,sigmoid,flatten", "--examples", "2"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"not provided by {path}: sigmoid (an int, not a function), flatten (a module, not a function)" in out


def test_a_module_declares_supports_and_versions(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(textwrap.dedent("""\
        from convspec import reference
        correlate = reference.correlate
        SUPPORTS = {"correlate": lambda case: case.inputs["bias"] is None or "no bias here"}
        VERSIONS = {"mylib": "1.2"}
    """))
    target = load_target(str(path))
    assert target.versions["mylib"] == "1.2" and "numpy" in target.versions
    result = run_operation(CORRELATE, target, examples=8)
    assert result.status == "passed" and set(result.unsupported_reasons) == {"no bias here"}


def test_a_package_in_the_working_folder_or_named_by_its_path_loads(tmp_path, monkeypatch):
    """`convspec check mypkg` run in the folder holding mypkg/ said "No module named 'mypkg'" (the console
    script's sys.path does not hold the working folder, as `python -c "import mypkg"` there does), and
    `convspec check ./mypkg` failed on a relative import. Both now load it, the folder going to the end of
    sys.path, and the reproducing program adds it too."""
    import sys

    monkeypatch.setattr(sys, "path", list(sys.path))  # what the loads append is undone after the test
    for name in ("kernels_here", "kernels_by_path"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("from .ops import relu\n")
        (tmp_path / name / "ops.py").write_text("from convspec.reference import relu\n")
    monkeypatch.chdir(tmp_path)
    here = load_target("kernels_here")
    assert here.provides("relu") and f"sys.path.append({str(tmp_path)!r})" in here.snippet_setup
    dotted = load_target("kernels_here.ops")
    assert dotted.provides("relu") and "import kernels_here.ops as target" in dotted.snippet_setup
    monkeypatch.chdir(tmp_path.parent)
    by_path = load_target(str(tmp_path / "kernels_by_path"))
    assert by_path.provides("relu") and "import kernels_by_path as target" in by_path.snippet_setup
    (tmp_path / "json").mkdir()  # named like a module Python finds first
    (tmp_path / "json" / "__init__.py").write_text("from convspec.reference import relu\n")
    with pytest.raises(ValueError, match="the name 'json' is taken by .*json/__init__.py, which Python finds first"):
        load_target(str(tmp_path / "json"))
