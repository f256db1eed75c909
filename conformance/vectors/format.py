"""The conformance vectors' file format: the JSON encoding of arrays and parameters, the
manifest's schema, and the checks that an export on disk is the one its manifest describes.

An export is a folder holding ``manifest.json`` and one folder ``OP/CASE_ID/`` per case
(:mod:`.vectors` writes it, ``docs/vectors.md`` documents it for other languages). The
manifest is trusted only after :func:`check_manifest` has validated its structure: every
name in it is a plain file or folder name, so no entry can point outside the export.
:func:`export_problems` then finds what changed after the export: a file whose sha256
differs, a case removed from the manifest (``case_count`` and ``cases_sha256`` no longer
match its list, or a case folder on disk has no entry).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
from fractions import Fraction
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from convspec.conformance.case import Case

FORMAT = "convspec-vectors"
#: 2: the manifest records ``case_count`` and ``cases_sha256`` (1 had neither)
FORMAT_VERSION = 2
#: the versions whose exports ``export --force`` may replace (their manifests list their files alike)
REPLACEABLE_VERSIONS = (1, 2)
MANIFEST = "manifest.json"
CASE_FILE = "case.json"
SOURCES = ("drawn", "example", "edge", "region")


class VectorsError(ValueError):
    """A usage error (exit status 2): a bad option, a folder that must not be written, a malformed manifest."""


class ManifestError(VectorsError):
    """A ``manifest.json`` that is not a convspec vectors manifest of a version this convspec reads."""


class DamagedExport(VectorsError):
    """An export whose files or case list changed after it was written (a failed verification, exit 1)."""


# --------------------------------------------------------------------------- JSON encoding


def array_to_json(array: np.ndarray) -> dict:
    """``{"dtype", "shape", "values"}``: flat row-major values; floats by ``repr`` of their float64 value
    (the shortest decimal that parses back to the same float64, hence to the same float16/32 after
    rounding), non-finite floats as ``"nan"``, ``"inf"``, ``"-inf"``; integers and booleans as JSON
    integers and booleans."""
    array = np.asarray(array)
    flat = array.reshape(-1)
    if array.dtype.kind == "f":
        values = [_float_json(v) for v in flat.astype(np.float64).tolist()]
    elif array.dtype.kind in "iub":
        values = flat.tolist()
    else:
        raise TypeError(f"cannot write an array of dtype {array.dtype} as a conformance vector")
    return {"dtype": str(array.dtype), "shape": [int(n) for n in array.shape], "values": values}


def _float_json(value: float):
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value  # json writes float.__repr__: round-trips exactly, -0.0 included


_NONFINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf, "+inf": math.inf}
_DTYPES = ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool")


def array_from_json(data: Any) -> np.ndarray:
    """The inverse of :func:`array_to_json`; raises ``ValueError`` on a malformed object.

    Float values are parsed as float64 and then rounded to ``dtype`` (round to nearest even).
    """
    if not isinstance(data, dict) or not {"dtype", "shape", "values"} <= set(data):
        raise ValueError('an array must be a JSON object with "dtype", "shape" and "values"')
    dtype, shape, values = data["dtype"], data["shape"], data["values"]
    if dtype not in _DTYPES:
        raise ValueError(f"unknown dtype {dtype!r} (one of {', '.join(_DTYPES)})")
    if not isinstance(shape, list) or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape):
        raise ValueError(f'"shape" must be a list of non-negative integers, got {shape!r}')
    if not isinstance(values, list):
        raise ValueError('"values" must be a flat list')
    if len(values) != math.prod(shape):
        raise ValueError(f'"values" has {len(values)} elements, the shape {shape} needs {math.prod(shape)}')
    if np.dtype(dtype).kind == "f":
        parsed = []
        for v in values:
            if isinstance(v, str):
                if v.lower() not in _NONFINITE:
                    raise ValueError(f'a float value must be a number or "nan", "inf", "-inf", got {v!r}')
                parsed.append(_NONFINITE[v.lower()])
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                parsed.append(float(v))
            else:
                raise ValueError(f"a float value must be a number or a string, got {v!r}")
        flat = np.array(parsed, dtype=np.float64).astype(dtype)
    elif dtype == "bool":
        if not all(isinstance(v, bool) for v in values):
            raise ValueError("a bool array's values must be true or false")
        flat = np.array(values, dtype=bool)
    else:
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            raise ValueError(f"a {dtype} array's values must be integers")
        flat = np.array(values, dtype=np.int64).astype(dtype)
    return flat.reshape(shape)


def params_to_json(value):
    """Parameters as JSON: tuples as lists, a Fraction as ``{"fraction": [numerator, denominator]}``."""
    if isinstance(value, (tuple, list)):
        return [params_to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): params_to_json(v) for k, v in value.items()}
    if isinstance(value, Fraction):
        return {"fraction": [value.numerator, value.denominator]}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"a parameter cannot be {value!r}")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot write parameter value {value!r} as JSON")


def params_from_json(value):
    """The inverse of :func:`params_to_json`: lists back to tuples (the spec's conventions)."""
    if isinstance(value, list):
        return tuple(params_from_json(v) for v in value)
    if isinstance(value, dict):
        if set(value) == {"fraction"}:
            numerator, denominator = value["fraction"]
            return Fraction(numerator, denominator)
        return {k: params_from_json(v) for k, v in value.items()}
    return value


def _dumps(data, compact: bool = False) -> bytes:
    if compact:
        text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    else:
        text = json.dumps(data, indent=1, allow_nan=False)
    return (text + "\n").encode()


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    """The hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- the manifest's schema

_OP_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
_CASE_ID = re.compile(r"(drawn|example|edge|region)-[0-9]{3,}\Z")
_FILE_NAME = re.compile(r"[A-Za-z0-9_]+\.(npy|json)\Z")
_SHA256 = re.compile(r"[0-9a-f]{64}\Z")


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ManifestError(message)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_manifest(data: Any, *, versions: Iterable[int] = (FORMAT_VERSION,)) -> dict:
    """``data`` if it is a manifest of one of ``versions``; raises :class:`ManifestError` naming the first
    thing that does not match the schema. Every operation, case id and file name must be a plain name
    (``OP/CASE_ID/FILE`` stays inside the export), ``path`` must be ``OP/CASE_ID``, ids unique per operation."""
    _require(isinstance(data, dict), "not a JSON object")
    _require(data.get("format") == FORMAT, f'"format" is {data.get("format")!r}, not {FORMAT!r}')
    version, versions = data.get("format_version"), tuple(versions)
    _require(_is_int(version), f'"format_version" is {version!r}, not an integer')
    _require(version in versions, f"format version {version}; this convspec reads "
             f"{' and '.join(map(str, versions))} (export the vectors again with this convspec, or use the one that wrote them)")
    operations = data.get("operations")
    _require(isinstance(operations, list) and all(isinstance(op, str) and _OP_NAME.match(op) for op in operations),
             '"operations" is not a list of operation names')
    _require(len(set(operations)) == len(operations), '"operations" names an operation twice')
    cases = data.get("cases")
    _require(isinstance(cases, list), '"cases" is missing or not a list')
    seen: set[str] = set()
    for number, entry in enumerate(cases):
        _check_case_entry(entry, number, set(operations), seen)
    if version >= 2:
        _require(_is_int(data.get("case_count")), '"case_count" is missing or not an integer')
        _require(isinstance(data.get("cases_sha256"), str) and bool(_SHA256.match(data["cases_sha256"])),
                 '"cases_sha256" is missing or not a sha256 in hex')
    return data


def _check_case_entry(entry: Any, number: int, operations: set[str], seen: set[str]) -> None:
    where = f'"cases"[{number}]'
    _require(isinstance(entry, dict), f"{where} is not an object")
    op, case_id, path = entry.get("op"), entry.get("id"), entry.get("path")
    _require(isinstance(op, str) and op in operations, f'{where}: "op" {op!r} is not one of "operations"')
    _require(isinstance(case_id, str) and bool(_CASE_ID.match(case_id)), f'{where}: "id" {case_id!r} is not SOURCE-NNN')
    _require(path == f"{op}/{case_id}", f'{where}: "path" {path!r} is not "{op}/{case_id}"')
    _require(path not in seen, f"{where}: {path} is listed twice")
    seen.add(path)
    files = entry.get("files")
    _require(isinstance(files, dict) and CASE_FILE in files, f'{where}: "files" is not an object naming {CASE_FILE}')
    for name, digest in files.items():
        _require(bool(_FILE_NAME.match(name)), f"{where}: file name {name!r} is not NAME.npy or NAME.json")
        _require(isinstance(digest, str) and bool(_SHA256.match(digest)), f"{where}: the sha256 of {name} is not hex")
    outputs = entry.get("outputs")
    _require(isinstance(outputs, list) and all(isinstance(o, str) for o in outputs), f'{where}: "outputs" is not a list of names')


def cases_digest(cases: list[dict]) -> str:
    """The manifest's ``cases_sha256``: the sha256 of one line ``SHA256  OP/CASE_ID/FILE`` per file of every
    case (``sha256sum``'s output format), the lines sorted, each ending in a newline (UTF-8)."""
    lines = sorted(f"{digest}  {entry['path']}/{name}\n" for entry in cases for name, digest in entry["files"].items())
    return sha256("".join(lines).encode())


def listed_files(manifest: dict) -> list[str]:
    """Every file the manifest lists, relative to the export (``OP/CASE_ID/FILE``)."""
    return [f"{entry['path']}/{name}" for entry in manifest["cases"] for name in entry["files"]]


# --------------------------------------------------------------------------- reading an export


def load_manifest(directory: str | os.PathLike, *, versions: Iterable[int] = (FORMAT_VERSION,)) -> dict:
    """The validated manifest of the export in ``directory``; :class:`ManifestError` (one line) if there is
    none or it does not match the schema."""
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise ManifestError(f"{directory}: no {MANIFEST} (not a convspec vectors export)")
    try:
        data = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as error:
        raise ManifestError(f"{path}: not valid JSON ({error})") from None
    except RecursionError:
        raise ManifestError(f"{path}: not valid JSON (nested deeper than the parser goes)") from None
    try:
        return check_manifest(data, versions=versions)
    except ManifestError as error:
        raise ManifestError(f"{path}: not a valid {FORMAT} manifest: {error}") from None


def read_manifest(directory: str | os.PathLike, *, check_hashes: bool = True, ops: Iterable[str] | None = None) -> dict:
    """The manifest of an export (validated: :func:`load_manifest`); with ``check_hashes`` the export must
    also have no :func:`export_problems` (the files of ``ops`` only, when given), else :class:`DamagedExport`."""
    manifest = load_manifest(directory)
    if check_hashes:
        problems = export_problems(directory, manifest, ops=ops)
        if problems:
            raise DamagedExport(f"{directory}: " + "; ".join(problems))
    return manifest


def export_problems(directory: str | os.PathLike, manifest: dict, *, ops: Iterable[str] | None = None) -> list[str]:
    """What changed in the export since it was written, one line each: cases removed from or added to the
    manifest (``case_count``, ``cases_sha256``), case folders without an entry, files missing or changed
    (their sha256; of the cases of ``ops`` only, when given)."""
    directory, cases, problems = Path(directory), manifest["cases"], []
    if manifest["case_count"] != len(cases):
        problems.append(f"the manifest lists {len(cases)} cases but was written with {manifest['case_count']} "
                        "(case_count): cases were removed from or added to it after the export")
    elif cases_digest(cases) != manifest["cases_sha256"]:
        problems.append("the manifest's case list does not match its cases_sha256: it was edited after the export")
    unlisted = unlisted_case_folders(directory, manifest)
    if unlisted:
        problems.append(f"{len(unlisted)} case folder(s) the manifest does not list: {_some(unlisted)} "
                        "(cases removed from the manifest?)")
    damaged = changed_files(directory, manifest, ops=ops)
    if damaged:
        problems.append(f"{len(damaged)} file(s) missing or changed since the export: {_some(damaged)}")
    return problems


def unlisted_case_folders(directory: Path, manifest: dict) -> list[str]:
    """Non-empty ``OP/NAME`` folders without a manifest entry: under a listed operation's folder, or holding a
    case.json (an empty folder holds no case)."""
    listed, operations, found = {e["path"] for e in manifest["cases"]}, set(manifest["operations"]), []
    for op_folder in sorted(p for p in directory.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for folder in sorted(p for p in op_folder.iterdir() if p.is_dir()):
            path = f"{op_folder.name}/{folder.name}"
            if path in listed or not any(folder.iterdir()):
                continue
            if op_folder.name in operations or (folder / CASE_FILE).is_file():
                found.append(path)
    return found


def changed_files(directory: Path, manifest: dict, *, ops: Iterable[str] | None = None) -> list[str]:
    """The listed files (of the cases of ``ops``, when given) that are missing or whose sha256 differs."""
    selected, damaged = None if ops is None else set(ops), []
    for entry in manifest["cases"]:
        if selected is not None and entry["op"] not in selected:
            continue
        for name, digest in entry["files"].items():
            file = directory / entry["path"] / name
            if not file.is_file() or sha256(file.read_bytes()) != digest:
                damaged.append(f"{entry['path']}/{name}")
    return damaged


def _some(items: list[str], shown: int = 5) -> str:
    return ", ".join(items[:shown]) + (f" and {len(items) - shown} more" if len(items) > shown else "")


def read_case(directory: str | os.PathLike, entry: dict) -> tuple[dict, Case, list[np.ndarray], list[np.ndarray]]:
    """(case.json, the Case with its inputs from the .npy files, expected outputs, bounds)."""
    folder = Path(directory) / entry["path"]
    meta = json.loads((folder / CASE_FILE).read_text())
    inputs = {
        item["name"]: None if item["file"] is None else np.load(folder / f"{item['file']}.npy", allow_pickle=False)
        for item in meta["inputs"]
    }
    case = Case(meta["op"], inputs, params_from_json(meta["params"]), meta["data_kind"])
    expected = [np.load(folder / f"{o['name']}.npy", allow_pickle=False) for o in meta["outputs"]]
    bounds = [np.load(folder / f"{o['bound']}.npy", allow_pickle=False) for o in meta["outputs"]]
    return meta, case, expected, bounds
