"""The files ``convspec check`` writes: checked before the run, written atomically as results come in.

A report is worth nothing if the run that made it is lost, and a user's file is worth more than any
report. So, before a single example runs, :func:`check_output_paths` refuses (a usage error, exit 2):

* a ``--report`` path that does not end in ``.json``, a ``--junit`` path that does not end in ``.xml``
  (``convspec check --report mine.py`` would otherwise check ``accelerated`` and overwrite ``mine.py``);
* a path that is a folder, or whose folder does not exist or cannot be written;
* the same file for both reports;
* an existing file that is neither empty nor a report convspec wrote (:func:`is_convspec_report`).

:func:`write_atomically` then writes each report to a temporary file beside its path and renames it
into place: a reader (or a killed run) sees the previous complete version or the new complete one,
never half a file. The command line rewrites its reports after every operation, with ``"state":
"running"`` until the run ends, so a run killed midway leaves the results it had.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from xml.etree import ElementTree as ET

#: the JSON report's own mark (a report written before the mark existed is recognised by its keys)
REPORT_FORMAT = "convspec-check-report"
_SUFFIX = {"--report": ".json", "--junit": ".xml"}


class OutputError(ValueError):
    """An output path that ``convspec check`` will not write (a usage error)."""


def check_output_paths(paths: dict[str, str | None]) -> dict[str, Path]:
    """``{"--report": path, "--junit": path}`` checked as the module says; returns the options given, as Paths."""
    chosen = {option: Path(path) for option, path in paths.items() if path is not None}
    seen: dict[Path, str] = {}
    for option, path in chosen.items():
        suffix = _SUFFIX[option]
        if path.suffix.lower() != suffix:
            raise OutputError(f"{option} {str(path)!r}: the file name must end in {suffix} "
                              f"(a report is never written over a file of another kind)")
        if path.is_dir():
            raise OutputError(f"{option} {str(path)!r} is a folder; name a file inside it")
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise OutputError(f"{option} {str(path)!r}: the folder {str(folder)!r} does not exist")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise OutputError(f"{option} {str(path)!r}: the folder {str(folder)!r} is not writable")
        if path.exists() and not os.access(path, os.W_OK):
            raise OutputError(f"{option} {str(path)!r}: the file is not writable")
        if path.exists() and not is_convspec_report(path, suffix):
            raise OutputError(f"{option} {str(path)!r} exists and is not a convspec report: refusing to overwrite it "
                              "(remove it yourself or choose another name)")
        key = path.resolve()
        if key in seen:
            raise OutputError(f"{seen[key]} and {option} name the same file {str(path)!r}; give each its own")
        seen[key] = option
    return chosen


def is_convspec_report(path: Path, suffix: str) -> bool:
    """True for an empty file, or a JSON/JUnit report that ``convspec check`` wrote."""
    try:
        if path.stat().st_size == 0:
            return True
        if not path.is_file() or path.stat().st_size > 200 * 2**20:
            return False
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if suffix == ".json":
        try:
            data = json.loads(text)
        except ValueError:
            return False
        return isinstance(data, dict) and (
            data.get("format") == REPORT_FORMAT or {"target", "operations", "summary", "versions"} <= set(data))
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return False
    suites = [root] if root.tag == "testsuite" else list(root)
    return root.tag in ("testsuites", "testsuite") and bool(suites) and all(
        s.tag == "testsuite" and s.get("name", "").startswith("convspec ") for s in suites)


def write_atomically(path: Path, write) -> None:
    """Call ``write(handle)`` on a temporary file in ``path``'s folder, then rename it onto ``path``."""
    path = Path(path)
    handle = tempfile.NamedTemporaryFile("wb", dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp",
                                         delete=False)
    try:
        with handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        try:
            os.unlink(handle.name)
        except OSError:
            pass
        raise
