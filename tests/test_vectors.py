"""``convspec vectors``: exported conformance vectors for implementations outside Python.

The export is deterministic (byte-identical files, manifest hashes that match), a correct
implementation's outputs verify, every planted bug of ``tests/mutants/`` whose operations are
exported is caught from its outputs alone, the standard-library example program passes on
the 1-D cases it handles (the others are missing, not passed), the ci export stays small,
and the JSON form round-trips every value exactly.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from convspec.conformance import catalog, vectors, vectors_command
from convspec.conformance.targets import load_target

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "tests" / "mutants"
EXAMPLE = ROOT / "docs" / "vectors_example" / "correlate1d.py"
SMALL = 8  # drawn cases per operation in these tests (plus the worked examples and edge cases)

#: mutants whose bug no output can show: the vectors hand a program its inputs, they cannot watch it
NOT_VISIBLE_IN_OUTPUTS = {"kernel_flipped_in_place": "it writes into its input array; its outputs are right"}


def _cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="convspec")
    vectors_command.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    return args.handler(args)


def _files(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("vectors") / "all"
    vectors.export(out, profile="ci", examples=SMALL, random_seed=0)
    return out


@pytest.fixture(scope="module")
def manifest(export_dir) -> dict:
    return vectors.read_manifest(export_dir)


# --------------------------------------------------------------------------- export


def test_export_is_byte_identical_and_hashed(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert _cli("vectors", "export", "--ops", "correlate,max_pool,upsample", "--examples", "6", "--seed", "3",
                "--out", str(first)) == 0
    assert _cli("vectors", "export", "--ops", "correlate,max_pool,upsample", "--examples", "6", "--seed", "3",
                "--out", str(second)) == 0
    files = _files(first)
    assert files == _files(second)
    manifest = json.loads(files["manifest.json"])
    listed = {f"{case['path']}/{name}": digest for case in manifest["cases"] for name, digest in case["files"].items()}
    assert set(listed) == set(files) - {"manifest.json"}
    for name, digest in listed.items():
        assert vectors.sha256(files[name]) == digest, name
    # another seed draws other cases
    third = tmp_path / "c"
    vectors.export(third, [catalog.get("correlate")], examples=6, random_seed=4)
    drawn = lambda d: {k: v for k, v in _files(d).items() if "/drawn-" in k and k.startswith("correlate/")}
    assert drawn(first) != drawn(third)


def test_manifest_describes_the_export(export_dir, manifest):
    from importlib.metadata import version

    assert manifest["format"] == "convspec-vectors" and manifest["format_version"] == 1
    assert manifest["convspec_version"] == version("convspec")
    assert (manifest["profile"], manifest["seed"], manifest["examples_per_operation"]) == ("ci", 0, SMALL)
    assert manifest["operations"] == [op.name for op in catalog.CATALOG]
    by_op = {}
    for case in manifest["cases"]:
        by_op.setdefault(case["op"], []).append(case)
    for op in catalog.CATALOG:
        cases = by_op[op.name]
        literal = [e for e in op.examples if not e.symbolic]
        assert sum(c["source"] == "example" for c in cases) == len(literal), op.name
        assert 1 <= sum(c["source"] == "drawn" for c in cases) <= SMALL
        assert len({c["id"] for c in cases}) == len(cases)
    # the edge cases the issue names are there
    titles = " | ".join(c["title"] for c in manifest["cases"])
    for phrase in ("ceil mode keeps the last", "NaN propagates", "duplicate", "Output padding", "even kernel",
                   "Per-side padding", "ties pick the first maximum"):
        assert phrase.lower() in titles.lower(), phrase


def test_cases_read_back_as_the_reference_computes_them(export_dir, manifest):
    for entry in manifest["cases"][::7]:
        meta, case, expected, bounds = vectors.read_case(export_dir, entry)
        operation = catalog.get(entry["op"])
        again = operation.reference(*case.arrays(), **case.params)
        again = again if isinstance(again, tuple) else (again,)
        assert len(again) == len(expected) == len(meta["outputs"])
        for want, got, bound in zip(again, expected, bounds):
            assert want.dtype == got.dtype and want.shape == got.shape == bound.shape
            assert np.array_equal(want, got, equal_nan=True)
        # the JSON form holds the same arrays as the .npy files
        folder = export_dir / entry["path"]
        for item in meta["inputs"]:
            if item["file"] is not None:
                from_json = vectors.array_from_json(json.loads((folder / f"{item['file']}.json").read_text()))
                _assert_identical(from_json, case.inputs[item["name"]])
        for output, want, bound in zip(meta["outputs"], expected, bounds):
            _assert_identical(vectors.array_from_json(json.loads((folder / f"{output['name']}.json").read_text())), want)
            _assert_identical(vectors.array_from_json(json.loads((folder / f"{output['bound']}.json").read_text())), bound)


def test_several_outputs_get_one_file_each(export_dir, manifest):
    with_indices = [c for c in manifest["cases"] if c["op"] == "max_pool" and len(c["outputs"]) == 2]
    assert with_indices
    meta, case, expected, bounds = vectors.read_case(export_dir, with_indices[0])
    assert case.params["return_indices"] is True
    assert [o["name"] for o in meta["outputs"]] == ["output_0", "output_1"]
    assert expected[1].dtype == np.int64 and not bounds[1].any()


def test_ci_export_is_small(tmp_path):
    out = tmp_path / "ci"
    summary = vectors.export(out, profile="ci")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    assert size == summary.bytes
    assert size < 20e6, f"the ci export holds {size / 1e6:.1f} MB"


# --------------------------------------------------------------------------- verify


def test_accelerated_outputs_verify(export_dir, tmp_path):
    pytest.importorskip("torch")
    target = load_target("accelerated", "cpu")
    results = tmp_path / "results"
    assert vectors.write_results(export_dir, target, results) == len(vectors.read_manifest(export_dir)["cases"])
    report = vectors.verify(export_dir, results)
    assert not report.failed, [(r.op, r.id, r.reason) for r in report.cases if r.status == "failed"][:5]
    assert report.count("missing") == 0
    # the same outputs written as JSON verify too
    json_results = tmp_path / "json"
    vectors.write_results(export_dir, target, json_results, fmt="json")
    assert vectors.verify(export_dir, json_results).count("passed") == len(report.cases)
    assert _cli("vectors", "verify", str(export_dir), "--results", str(json_results)) == 0


def _mutants():
    chosen = []
    for path in sorted(MUTANTS.glob("*.py")):
        if path.name.startswith("_"):
            continue
        marks = ()
        if path.stem in NOT_VISIBLE_IN_OUTPUTS:
            marks = pytest.mark.skip(reason=NOT_VISIBLE_IN_OUTPUTS[path.stem])
        chosen.append(pytest.param(path, id=path.stem, marks=marks))
    return chosen


def _buggy_ops(path: Path) -> tuple[str, ...]:
    spec = importlib.util.spec_from_file_location(f"convspec_vectors_mutant_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return tuple(module.BUGGY_OPS)


@pytest.mark.parametrize("path", _mutants())
def test_planted_bugs_are_caught(path, export_dir, tmp_path):
    pytest.importorskip("torch")
    ops = _buggy_ops(path)
    target = load_target(str(path))
    results = tmp_path / "results"
    vectors.write_results(export_dir, target, results, ops=ops)
    report = vectors.verify(export_dir, results, ops=ops)
    for summary in report.operations():
        assert summary.failed, f"{path.name}: {summary.op} not caught ({summary.passed} passed, {summary.missing} missing)"
    failure = next(r for r in report.cases if r.status == "failed")
    assert failure.reason and failure.id and isinstance(failure.params, dict)
    assert _cli("vectors", "verify", str(export_dir), "--results", str(results), "--ops", ",".join(ops)) == 1


def test_failures_name_the_case_the_element_and_the_parameters(export_dir, tmp_path, capsys):
    """A wrong value, a wrong shape, a wrong dtype, a missing second output and a malformed file all fail."""
    manifest = vectors.read_manifest(export_dir)
    results = tmp_path / "results"
    cases = {}
    for entry in manifest["cases"]:
        if entry["op"] in ("correlate", "max_pool") and entry["source"] == "example":
            cases.setdefault(entry["op"], []).append(entry)
    pool = next(e for e in manifest["cases"] if e["op"] == "max_pool" and len(e["outputs"]) == 2)
    edits = {}
    for k, entry in enumerate(cases["correlate"][:5]):
        _, _, expected, _ = vectors.read_case(export_dir, entry)
        y = expected[0].copy()
        folder = results / entry["path"]
        folder.mkdir(parents=True)
        if k == 0:
            y.flat[-1] += 1
            edits[entry["id"]] = "first differing element at index"
        elif k == 1:
            y = y[..., :-1]
            edits[entry["id"]] = "shape"
        elif k == 2:
            y = y.astype(np.float64)
            edits[entry["id"]] = "dtype float64"
        elif k == 3:
            (folder / "output_0.json").write_text('{"dtype": "float32", "shape": [1], "values": [1, 2]}')
            edits[entry["id"]] = "values"
            continue
        if k < 4:
            np.save(folder / "output_0.npy", y)
        else:  # NaN where the reference is finite
            y.flat[0] = np.nan
            (folder / "output_0.json").write_text(json.dumps(vectors.array_to_json(y)))
            edits[entry["id"]] = "nan"
    _, _, expected, _ = vectors.read_case(export_dir, pool)
    (results / pool["path"]).mkdir(parents=True)
    np.save(results / pool["path"] / "output_0.npy", expected[0])
    report = vectors.verify(export_dir, results, ops=["correlate", "max_pool"])
    by_id = {(r.op, r.id): r for r in report.cases}
    for case_id, phrase in edits.items():
        result = by_id[("correlate", case_id)]
        assert result.status == "failed" and phrase in result.reason, (case_id, result.reason)
    value_failure = by_id[("correlate", cases["correlate"][0]["id"])]
    assert value_failure.index is not None and value_failure.allowed == 0.0
    assert by_id[("max_pool", pool["id"])].status == "failed"
    assert "output_1" in by_id[("max_pool", pool["id"])].reason
    assert report.count("missing") == len(report.cases) - 6

    report_file, junit_file = tmp_path / "out.json", tmp_path / "out.xml"
    code = _cli("vectors", "verify", str(export_dir), "--results", str(results), "--ops", "correlate,max_pool",
                "--report", str(report_file), "--junit", str(junit_file))
    assert code == 1
    printed = capsys.readouterr().out
    assert cases["correlate"][0]["id"] in printed and "params:" in printed and "missing" in printed
    data = json.loads(report_file.read_text())
    assert data["failed"] and data["summary"]["failed"] == 6
    correlate = next(op for op in data["operations"] if op["op"] == "correlate")
    first = next(f for f in correlate["failures"] if f["case"] == cases["correlate"][0]["id"])
    assert first["index"] == list(value_failure.index) and "stride" in json.dumps(first["params"])
    tree = ET.parse(junit_file)
    assert len(tree.findall(".//testcase")) == len(report.cases)
    assert len(tree.findall(".//failure")) == 6
    assert len(tree.findall(".//skipped")) == report.count("missing")


def test_usage_errors_exit_2(export_dir, tmp_path, capsys):
    assert _cli("vectors", "export", "--ops", "no_such_op", "--out", str(tmp_path / "x")) == 2
    assert _cli("vectors", "verify", str(tmp_path), "--results", str(tmp_path)) == 2  # no manifest
    assert _cli("vectors", "verify", str(export_dir), "--results", str(tmp_path / "none")) == 2
    (tmp_path / "keep.txt").write_text("not an export")
    assert _cli("vectors", "export", "--ops", "relu", "--out", str(tmp_path)) == 2  # never overwrites other files
    damaged = tmp_path / "damaged"
    vectors.export(damaged, [catalog.get("relu")], examples=2)
    entry = vectors.read_manifest(damaged)["cases"][0]
    (damaged / entry["path"] / "output_0.json").write_text("{}")
    assert _cli("vectors", "verify", str(damaged), "--results", str(tmp_path)) == 2
    assert "changed since the export" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        _cli("vectors", "verify", str(export_dir))  # --results is required
    assert exit_info.value.code == 2


# --------------------------------------------------------------------------- the example program


def test_standard_library_example_passes_on_the_cases_it_handles(tmp_path):
    out, results = tmp_path / "vectors", tmp_path / "results"
    assert _cli("vectors", "export", "--ops", "correlate", "--examples", "40", "--out", str(out)) == 0
    source = EXAMPLE.read_text()
    imported = {line.split()[1] for line in source.splitlines() if line.startswith(("import ", "from "))}
    assert imported <= {"json", "math", "os", "sys"}, imported
    run = subprocess.run([sys.executable, "-I", str(EXAMPLE), str(out), str(results)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    report = vectors.verify(out, results)
    handled = set()
    for entry in vectors.read_manifest(out)["cases"]:
        meta, case, _, _ = vectors.read_case(out, entry)
        if case.inputs["x"].ndim == 3 and case.params.get("groups", 1) == 1:
            handled.add(entry["id"])
    assert handled and report.count("failed") == 0
    assert {r.id for r in report.cases if r.status == "passed"} == handled
    assert {r.id for r in report.cases if r.status == "missing"} == {r.id for r in report.cases} - handled
    # 'same', 'full', per-side padding and dilation are among the handled cases
    forms = {json.dumps(r.params.get("padding", 0)) for r in report.cases if r.status == "passed"}
    assert {'"same"', '"full"'} <= forms and any(f.startswith("[[") for f in forms)
    assert _cli("vectors", "verify", str(out), "--results", str(results)) == 0
    assert _cli("vectors", "verify", str(out), "--results", str(results), "--fail-on-missing") == 1


# --------------------------------------------------------------------------- the JSON form


def _assert_identical(got: np.ndarray, want: np.ndarray) -> None:
    assert got.dtype == want.dtype and got.shape == want.shape
    if want.dtype.kind == "f":
        nan = np.isnan(want)
        assert np.array_equal(np.isnan(got), nan)
        bits = {2: np.uint16, 4: np.uint32, 8: np.uint64}[want.dtype.itemsize]
        assert np.array_equal(got[~nan].view(bits), want[~nan].view(bits))  # -0.0 and subnormals included
    else:
        assert np.array_equal(got, want)


def _round_trip(array: np.ndarray) -> np.ndarray:
    text = json.dumps(vectors.array_to_json(array), allow_nan=False)
    return vectors.array_from_json(json.loads(text))


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_json_round_trips_special_values(dtype):
    info = np.finfo(dtype)
    values = [np.nan, np.inf, -np.inf, -0.0, 0.0, info.max, -info.max, info.tiny, info.smallest_subnormal,
              -info.smallest_subnormal, info.eps, 1 / 3, 0.1, 2.0 / 3.0 * info.max]
    array = np.array(values, dtype=np.float64).astype(dtype).reshape(2, 7)
    _assert_identical(_round_trip(array), array)
    encoded = vectors.array_to_json(array)["values"]
    assert encoded[:3] == ["nan", "inf", "-inf"] and math.copysign(1, encoded[3]) == -1


@pytest.mark.parametrize("width", [16, 32, 64])
@given(data=st.data())
def test_json_round_trips_every_float(width, data):
    dtype = {16: np.float16, 32: np.float32, 64: np.float64}[width]
    values = data.draw(st.lists(st.floats(width=width, allow_nan=True, allow_infinity=True), min_size=1, max_size=20))
    array = np.array(values, dtype=dtype)
    _assert_identical(_round_trip(array), array)


def test_json_integers_and_parameters_round_trip():
    indices = np.array([[0, 5, 2**40, -3]], dtype=np.int64)
    _assert_identical(_round_trip(indices), indices)
    params = {"stride": (2, 1), "padding": ((1, 2), 0), "output_size": None, "mode": "linear",
              "scale_factor": Fraction(1, 3), "align_corners": True, "scale": 1.1}
    encoded = json.loads(json.dumps(vectors.params_to_json(params)))
    assert encoded["padding"] == [[1, 2], 0] and encoded["scale_factor"] == {"fraction": [1, 3]}
    assert vectors.params_from_json(encoded) == params
    with pytest.raises(ValueError):
        vectors.array_from_json({"dtype": "float32", "shape": [2], "values": [1.0, "one"]})
    with pytest.raises(ValueError):
        vectors.array_from_json({"dtype": "int64", "shape": [1], "values": [1.5]})
