"""``convspec vectors``: exported conformance vectors for implementations outside Python.

The export is deterministic (byte-identical files, manifest hashes that match), a correct
implementation's outputs verify, every planted bug of ``tests/mutants/`` whose operations are
exported is caught from its outputs alone, the standard-library example program passes on
the 1-D cases it handles (the others are missing, not passed), the ci export stays small,
and the JSON form round-trips every value exactly.

An export never deletes what it did not write (a foreign folder, the working folder, a user's file
beside an earlier export), and an interrupted one leaves the earlier export intact. Verify fails
(exit 1) on missing cases, no results, cases removed from the manifest, a changed file; a malformed
manifest or a results folder inside the export is a usage error (2); convspec's own bug exits 3.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import math
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from convspec.conformance import catalog
from convspec.conformance.vectors import exporter as vectors
from convspec.conformance.commands import vectors as vectors_command
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

    assert manifest["format"] == "convspec-vectors" and manifest["format_version"] == 2
    assert manifest["case_count"] == len(manifest["cases"])
    assert manifest["cases_sha256"] == vectors.cases_digest(manifest["cases"])
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


def test_cases_sha256_is_what_the_docs_shell_recipe_computes(tmp_path):
    if shutil.which("sha256sum") is None or shutil.which("sort") is None:
        pytest.skip("no sha256sum or sort")
    out = tmp_path / "v"
    _small_export(out, "relu", "max_pool")
    recipe = "sha256sum */*/* | LC_ALL=C sort | sha256sum"
    assert recipe.replace(" | LC_ALL=C sort | sha256sum", "") in (ROOT / "docs" / "vectors.md").read_text()
    run = subprocess.run(["sh", "-c", recipe], cwd=out, capture_output=True, text=True, timeout=60)
    assert run.stdout.split()[0] == vectors.load_manifest(out)["cases_sha256"]


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
    # a program that raises on a valid case writes no result for it: verify reports it missing and fails
    # (missing cases fail a verify unless --allow-missing)
    assert report.failed
    for summary in report.operations():
        assert summary.failed or summary.missing, (
            f"{path.name}: {summary.op} not caught ({summary.passed} passed, {summary.missing} missing)")
    failure = next((r for r in report.cases if r.status == "failed"), None)
    if failure is not None:
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
    assert _cli("vectors", "export", "--ops", "relu", "--out", str(tmp_path / "keep.txt")) == 2  # not a folder
    assert (tmp_path / "keep.txt").read_text() == "not an export"
    with pytest.raises(SystemExit) as exit_info:
        _cli("vectors", "verify", str(export_dir))  # --results is required
    assert exit_info.value.code == 2


# --------------------------------------------------------------------------- export never deletes what it did not write


def _small_export(out: Path, *ops: str, seed: int = 0, force: bool = False) -> None:
    vectors.export(out, [catalog.get(op) for op in ops or ("relu",)], examples=2, random_seed=seed, force=force)


def _tree(directory: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under ``directory``."""
    return {str(p.relative_to(directory)): p.read_bytes() if p.is_file() else None for p in sorted(directory.rglob("*"))}


def _web_app(folder: Path) -> dict[str, bytes | None]:
    (folder / "src").mkdir(parents=True)
    (folder / "manifest.json").write_text('{"name": "my app", "start_url": "/index.html", "icons": []}')
    (folder / "index.html").write_text("<!doctype html><title>mine</title>")
    (folder / "src" / "main.js").write_text("console.log('mine')")
    return _tree(folder)


def test_a_folder_with_a_foreign_manifest_is_refused_and_untouched(tmp_path, capsys):
    app = tmp_path / "app"
    before = _web_app(app)
    for force in ((), ("--force",)):
        assert _cli("vectors", "export", "--ops", "relu", "--examples", "1", "--out", str(app), *force) == 2
        assert _tree(app) == before
        err = capsys.readouterr().err
        assert "not a convspec vectors export" in err and len(err.strip().splitlines()) == 1, err
    # a manifest that says convspec-vectors but does not match the schema is not enough either
    (app / "manifest.json").write_text('{"format": "convspec-vectors", "format_version": 2, "cases": "all"}')
    before = _tree(app)
    assert _cli("vectors", "export", "--ops", "relu", "--out", str(app), "--force") == 2
    assert _tree(app) == before and "schema" in capsys.readouterr().err
    # nor is one whose case list points outside the export
    manifest = {"format": "convspec-vectors", "format_version": 1, "operations": ["relu"],
                "cases": [{"op": "relu", "id": "drawn-000", "path": "../../app", "outputs": [],
                           "files": {"case.json": "0" * 64}}]}
    (app / "manifest.json").write_text(json.dumps(manifest))
    before = _tree(app)
    assert _cli("vectors", "export", "--ops", "relu", "--out", str(app), "--force") == 2
    assert _tree(app) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app"]  # no staging folder left beside it


def test_the_working_folder_is_never_emptied(tmp_path, monkeypatch, capsys):
    work = tmp_path / "work"
    work.mkdir()
    (work / "notes.txt").write_text("mine")
    (work / "data").mkdir()
    (work / "data" / "table.csv").write_text("1,2")
    before = _tree(work)
    monkeypatch.chdir(work)
    for out in (".", str(work), "data/.."):
        for force in ((), ("--force",)):
            assert _cli("vectors", "export", "--ops", "relu", "--examples", "1", "--out", out, *force) == 2
            assert _tree(work) == before
    assert "refusing" in capsys.readouterr().err
    # an empty working folder may take an export; it stays the same folder
    empty = tmp_path / "empty"
    empty.mkdir()
    inode = empty.stat().st_ino
    monkeypatch.chdir(empty)
    assert _cli("vectors", "export", "--ops", "relu", "--examples", "1", "--out", ".") == 0
    assert empty.stat().st_ino == inode and not vectors.export_problems(empty, vectors.load_manifest(empty))


def test_re_export_needs_force_and_removes_only_the_earlier_exports_files(tmp_path, capsys):
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    _small_export(out, "relu", "sigmoid")
    first = _tree(out)
    # without --force: refused, untouched
    assert _cli("vectors", "export", "--ops", "relu", "--examples", "2", "--out", str(out)) == 2
    assert "--force" in capsys.readouterr().err and _tree(out) == first
    # the user's own files beside the export and inside one of its case folders
    (out / "NOTES.md").write_text("my notes")
    (out / "results").mkdir()
    (out / "results" / "output_0.json").write_text("[1]")
    (out / "sigmoid" / "drawn-000" / "mine.txt").write_text("mine too")
    # --force with other operations: the old relu and sigmoid files go, the user's stay, and nothing else
    assert _cli("vectors", "export", "--ops", "softmax", "--examples", "2", "--seed", "5", "--out", str(out),
                "--force") == 0
    _small_export(fresh, "softmax", seed=5)
    after = _tree(out)
    mine = {"NOTES.md": b"my notes", "results": None, "results/output_0.json": b"[1]", "sigmoid": None,
            "sigmoid/drawn-000": None, "sigmoid/drawn-000/mine.txt": b"mine too"}
    assert after == {**_tree(fresh), **mine}
    assert not vectors.export_problems(out, vectors.load_manifest(out))
    # the same export again over itself is byte-identical to a fresh one
    assert _cli("vectors", "export", "--ops", "softmax", "--examples", "2", "--seed", "5", "--out", str(out),
                "--force") == 0
    assert _tree(out) == after
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh", "out"]  # no staging folder left


def test_force_never_overwrites_a_file_the_earlier_export_did_not_list(tmp_path, capsys):
    out = tmp_path / "out"
    _small_export(out, "relu")
    (out / "sigmoid" / "drawn-000").mkdir(parents=True)
    (out / "sigmoid" / "drawn-000" / "case.json").write_text("my own case")  # where the new export would write
    before = _tree(out)
    assert _cli("vectors", "export", "--ops", "sigmoid", "--examples", "2", "--out", str(out), "--force") == 2
    assert "sigmoid/drawn-000/case.json is not a file of the earlier export" in capsys.readouterr().err
    assert _tree(out) == before


def test_an_interrupted_export_leaves_the_earlier_one_intact(tmp_path, monkeypatch):
    out = tmp_path / "out"
    _small_export(out, "relu", "sigmoid")
    (out / "NOTES.md").write_text("my notes")
    before = _tree(out)
    written = []
    original = vectors.write_case

    def killed_after_three(*args):
        if len(written) == 3:
            raise KeyboardInterrupt
        written.append(args)
        return original(*args)

    monkeypatch.setattr(vectors, "write_case", killed_after_three)
    with pytest.raises(KeyboardInterrupt):
        _cli("vectors", "export", "--ops", "relu,sigmoid", "--examples", "3", "--seed", "9", "--out", str(out), "--force")
    assert len(written) == 3
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # the staging folder went too


def test_an_export_killed_while_moving_in_is_repaired_by_force(tmp_path, monkeypatch):
    """Killed between two file moves, the folder still holds only files its manifest lists (and the user's):
    the next --force export cleans up and gives the complete export."""
    from convspec.conformance.vectors import folder as vectors_folder

    out, fresh = tmp_path / "out", tmp_path / "fresh"
    _small_export(out, "relu", "sigmoid")
    (out / "NOTES.md").write_text("my notes")
    moves = []
    original = vectors_folder._move

    def killed_among_the_new_operations_files(source, target):
        if len([t for t in moves if "softmax" in t.parts]) == 3:  # files the earlier export never had
            raise KeyboardInterrupt
        moves.append(target)
        original(source, target)

    monkeypatch.setattr(vectors_folder, "_move", killed_among_the_new_operations_files)
    with pytest.raises(KeyboardInterrupt):
        _small_export(out, "sigmoid", "softmax", seed=4, force=True)
    monkeypatch.setattr(vectors_folder, "_move", original)
    listed = set(vectors.listed_files(vectors.load_manifest(out))) | {"manifest.json", "NOTES.md"}
    assert {k for k, v in _tree(out).items() if v is not None} <= listed
    assert vectors.export_problems(out, vectors.load_manifest(out))  # half-moved: verify would say so
    _small_export(out, "sigmoid", "softmax", seed=4, force=True)
    _small_export(fresh, "sigmoid", "softmax", seed=4)
    assert _tree(out) == {**_tree(fresh), "NOTES.md": b"my notes"}


# --------------------------------------------------------------------------- verify fails where it must


@pytest.fixture
def small(tmp_path) -> tuple[Path, Path]:
    """A small export of relu and sigmoid and the reference's results for it."""
    out, results = tmp_path / "vectors", tmp_path / "results"
    _small_export(out, "relu", "sigmoid")
    assert vectors.write_results(out, load_target("reference"), results) == len(vectors.load_manifest(out)["cases"])
    assert _cli("vectors", "verify", str(out), "--results", str(results)) == 0
    return out, results


def _edit_manifest(out: Path, edit) -> None:
    manifest = json.loads((out / "manifest.json").read_text())
    edit(manifest)
    (out / "manifest.json").write_text(json.dumps(manifest))


def test_verify_fails_on_cases_deleted_from_the_manifest(small, capsys):
    out, results = small
    _edit_manifest(out, lambda m: m["cases"].pop(1))
    for flags in ((), ("--fail-on-missing",), ("--allow-missing",)):
        assert _cli("vectors", "verify", str(out), "--results", str(results), *flags) == 1
        assert "case_count" in capsys.readouterr().out
    # the count and digest made to match as well: the case folder without an entry still gives it away
    def recount(manifest):
        manifest["case_count"] = len(manifest["cases"])
        manifest["cases_sha256"] = vectors.cases_digest(manifest["cases"])

    _edit_manifest(out, recount)
    assert _cli("vectors", "verify", str(out), "--results", str(results)) == 1
    assert "case folder(s) the manifest does not list: relu/" in capsys.readouterr().out
    # a file's sha256 edited in the list: the digest over the list no longer matches
    _edit_manifest(out, lambda m: m["cases"][0].update(files={**m["cases"][0]["files"], "x.npy": "0" * 64}))
    assert _cli("vectors", "verify", str(out), "--results", str(results)) == 1
    assert "cases_sha256" in capsys.readouterr().out


def test_verify_fails_on_missing_cases_and_on_no_results(small, tmp_path, capsys):
    out, results = small
    entry = vectors.load_manifest(out)["cases"][0]
    for file in (results / entry["path"]).iterdir():
        file.unlink()
    assert _cli("vectors", "verify", str(out), "--results", str(results)) == 1
    assert "1 case(s) missing" in capsys.readouterr().out
    assert _cli("vectors", "verify", str(out), "--results", str(results), "--allow-missing") == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    for flags in ((), ("--allow-missing",)):
        assert _cli("vectors", "verify", str(out), "--results", str(empty), *flags) == 1
        assert "is empty" in capsys.readouterr().out
    report = vectors.verify(out, empty, allow_missing=True)
    assert report.failed and report.count("passed") == 0


def test_a_result_file_nested_too_deeply_fails_its_case(small, capsys):
    """A result file of lists nested deeper than Python's JSON parser goes ([[[[...]]]]) was convspec's internal
    error (exit 3, RecursionError); it is that case's failure, named, like any other unreadable result."""
    out, results = small
    entry = vectors.load_manifest(out)["cases"][0]
    for file in (results / entry["path"]).iterdir():
        file.unlink()
    (results / entry["path"] / "output_0.json").write_text("[" * 100_000 + "]" * 100_000)
    assert _cli("vectors", "verify", str(out), "--results", str(results)) == 1
    printed = capsys.readouterr().out
    assert "output_0.json: not an array convspec can read (lists nested too deeply)" in " ".join(printed.split())
    assert "1 failed" in printed


def test_files_nested_too_deeply_are_refused_in_one_line(small, tmp_path, capsys):
    """A manifest.json, or an existing --report file, of lists nested deeper than Python's JSON parser goes was an
    internal error (exit 3, RecursionError) in verify and in export --force. Each is a usage error (exit 2), and
    nothing is written."""
    out, results = small
    deep = "[" * 100_000 + "]" * 100_000
    report = tmp_path / "verify.json"
    report.write_text(deep)
    assert _cli("vectors", "verify", str(out), "--results", str(results), "--report", str(report)) == 2
    assert "is not a convspec report: refusing to overwrite it" in capsys.readouterr().err
    assert report.read_text() == deep
    (out / "manifest.json").write_text(deep)
    before = _tree(out)
    assert _cli("vectors", "verify", str(out), "--results", str(results)) == 2
    assert "manifest.json: not valid JSON (nested deeper than the parser goes)" in capsys.readouterr().err
    assert _cli("vectors", "export", "--ops", "relu", "--examples", "2", "--out", str(out), "--force") == 2
    assert "(manifest.json is not JSON); refusing to write there" in capsys.readouterr().err
    assert _tree(out) == before


def test_verify_refuses_results_in_the_export_folder(small, capsys):
    out, results = small
    assert _cli("vectors", "verify", str(out), "--results", str(out)) == 2
    assert "compared with themselves" in capsys.readouterr().err
    inside = out / "relu"
    assert _cli("vectors", "verify", str(out), "--results", str(inside)) == 2


@pytest.mark.parametrize("manifest", [
    '{"format": "convspec-vectors", "format_version": 2}',
    '{"format": "convspec-vectors", "format_version": 99, "cases": []}',
    '[1, 2, 3]',
    '{"format": "convspec-vectors", "format_version": 2, "operations": ["relu"], "case_count": 0, '
    '"cases_sha256": "' + "0" * 64 + '", "cases": [{"op": "relu"}]}',
    'not json',
])
def test_verify_rejects_a_malformed_manifest_in_one_line(small, manifest, capsys):
    out, results = small
    (out / "manifest.json").write_text(manifest)
    assert _cli("vectors", "verify", str(out), "--results", str(results)) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "manifest.json" in err, err
    assert "Traceback" not in err and "KeyError" not in err
    if "99" in manifest:
        assert "format version 99" in err


def test_verify_fails_on_a_hash_mismatch(small, capsys):
    out, results = small
    entry = vectors.load_manifest(out)["cases"][0]
    bound = out / entry["path"] / "bound_0.npy"
    np.save(bound, np.full(np.load(bound).shape, np.inf))  # a loosened bound: anything would pass
    assert _cli("vectors", "verify", str(out), "--results", str(results)) == 1
    assert f"changed since the export: {entry['path']}/bound_0.npy" in capsys.readouterr().out
    with pytest.raises(vectors.DamagedExport):
        vectors.read_manifest(out)


def test_an_internal_error_exits_3_in_one_line(small, monkeypatch, capsys):
    from convspec.conformance.vectors import verifier as vectors_verify

    out, results = small

    def broken(*args):
        raise RuntimeError("a bug in convspec")

    monkeypatch.setattr(vectors_verify, "verify_case", broken)
    assert _cli("vectors", "verify", str(out), "--results", str(results)) == 3
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "please report" in err and "a bug in convspec" in err
    monkeypatch.setenv("CONVSPEC_DEBUG", "1")
    assert _cli("vectors", "verify", str(out), "--results", str(results)) == 3
    assert "Traceback" in capsys.readouterr().err


def test_reports_never_overwrite_a_users_file(small, tmp_path):
    out, results = small
    mine = tmp_path / "mine.json"
    mine.write_text('{"my": "data"}')
    assert _cli("vectors", "verify", str(out), "--results", str(results), "--report", str(mine)) == 2
    assert mine.read_text() == '{"my": "data"}'
    report, junit = tmp_path / "report.json", tmp_path / "report.xml"
    for _ in range(2):  # its own reports it rewrites
        assert _cli("vectors", "verify", str(out), "--results", str(results), "--report", str(report),
                    "--junit", str(junit)) == 0
    assert json.loads(report.read_text())["format"] == "convspec-vectors-verify-report"


def test_help_documents_the_exit_statuses():
    parser = argparse.ArgumentParser(prog="convspec")
    vectors_command.add_parser(parser.add_subparsers(dest="command", required=True))
    for command in ("export", "verify"):
        with pytest.raises(SystemExit), contextlib.redirect_stdout(io.StringIO()) as text:
            parser.parse_args(["vectors", command, "--help"])
        for code in ("0", "1", "2", "3"):
            assert f"  {code}  " in text.getvalue(), (command, code)
    docs = (ROOT / "docs" / "vectors.md").read_text()
    for meaning in vectors_command.EXIT_STATUSES.values():
        assert meaning.split(":")[0] in docs


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
    # the missing cases fail by default; --allow-missing accepts them; --fail-on-missing is the default's old name
    assert _cli("vectors", "verify", str(out), "--results", str(results)) == 1
    assert _cli("vectors", "verify", str(out), "--results", str(results), "--allow-missing") == 0
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
