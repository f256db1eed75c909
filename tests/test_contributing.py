"""CONTRIBUTING.md's walk-through works: its code, applied to a copy of the repository, adds ``adaptive_avg_pool``.

Every ``python`` block of the guide whose first line is ``# <path> — <where>`` is applied to
a copy of the repository (``at the end`` of the file; ``inside NAME`` / ``inside NAME()``:
before the bracket that closes the first bracket opened at or after ``NAME``; ``first in
NAME()``: after the function's docstring; ``before NAME()``: before its ``def``). Then, in a
subprocess that imports the copy:

* the catalog has the operation, and ``convspec.conformance.runner.run_operation`` checks
  ``convspec.accelerated.adaptive_avg_pool`` (torch's ``adaptive_avg_pool1d/2d/3d``) against the
  reference on derandomized cases and the regions' explicit cases: it must pass;
* the worked examples hold for the reference and for torch;
* the touch-point tests of ``tests/test_catalog.py``, the guide's ``tests/test_pool.py`` tests and
  ``tests/test_gradients.py`` / ``tests/test_regions.py`` pass for the operation;
* the benchmark rows' outputs agree (``benchmarks/timing.py``'s check, nothing timed).

The guide says it is a walk-through: the operation is not in the real catalog.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from convspec.conformance import catalog

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "CONTRIBUTING.md"
BLOCK = re.compile(r"```python\n# (\S+) — ([^\n]+)\n(.*?)```", re.S)
SKIP = shutil.ignore_patterns(".git", ".venv", "build", "site", "__pycache__", ".hypothesis", ".pytest_cache", "*.egg-info")


def guide_blocks() -> list[tuple[str, str, str]]:
    """(path, where, code) of every block the guide places in a file, in order."""
    return BLOCK.findall(GUIDE.read_text(encoding="utf-8"))


def _closing_line(lines: list[str], anchor: int) -> int:
    """The line that closes the first bracket opened on or after line ``anchor``."""
    opening = next(i for i in range(anchor, len(lines)) if lines[i].rstrip().endswith(("(", "[", "{")))
    indent = len(lines[opening]) - len(lines[opening].lstrip())
    closing = re.compile(r"^" + " " * indent + r"[)\]}]")
    return next(i for i in range(opening + 1, len(lines)) if closing.match(lines[i]))


def _anchor(lines: list[str], name: str, path: str) -> int:
    pattern = re.compile(rf"^\s*def {re.escape(name[:-2])}\(" if name.endswith("()") else rf"^{re.escape(name)}\b")
    found = [i for i, line in enumerate(lines) if pattern.match(line)]
    assert len(found) == 1, f"{path}: {len(found)} lines match {name!r}"
    return found[0]


def apply_block(text: str, path: str, where: str, code: str) -> str:
    """``text`` (a file) with ``code`` placed where the guide says."""
    lines = text.rstrip("\n").split("\n")
    block = code.rstrip("\n").split("\n")
    if where == "at the end":
        return "\n".join(lines + ["", ""] + block) + "\n"
    kind, _, name = where.partition(" ")
    if kind == "inside":
        at = _closing_line(lines, _anchor(lines, name, path))
    elif kind == "before":
        at = _anchor(lines, name, path)
    elif where.startswith("first in "):
        start = _anchor(lines, where.removeprefix("first in "), path) + 1
        at = start
        if lines[start].strip().startswith('"""'):  # skip the docstring
            at = start if lines[start].strip().count('"""') == 2 else next(
                i for i in range(start + 1, len(lines)) if '"""' in lines[i])
            at += 1
    else:
        raise AssertionError(f"CONTRIBUTING.md: no rule for placing a block {where!r} in {path}")
    return "\n".join(lines[:at] + block + lines[at:]) + "\n"


def test_the_guide_names_every_touch_point():
    """Each file the touch-point test requires of the pool family is named in the guide."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_catalog import touch_points

    text = GUIDE.read_text(encoding="utf-8")
    for path in touch_points("pool"):
        generic = path.replace("pool", "<family>")
        assert path in text or generic in text or path.split("/")[-1].replace("pool", "<family>") in text, path
    assert "adaptive_avg_pool" not in catalog.BY_NAME, "the guide says adaptive_avg_pool is a walk-through, not in the catalog"
    page = (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8")
    assert "<!-- convspec:contributing -->" in page, "the site's page includes CONTRIBUTING.md"


def test_every_block_has_a_place():
    blocks = guide_blocks()
    assert len(blocks) >= 15, f"{len(blocks)} placed blocks found in CONTRIBUTING.md"
    for path, where, _ in blocks:
        assert (ROOT / path).is_file(), f"CONTRIBUTING.md places a block in {path}, which does not exist"
        apply_block((ROOT / path).read_text(encoding="utf-8"), path, where, "pass")


CHECK = r'''
import importlib, sys
import numpy as np
import torch
import convspec.accelerated, convspec.reference, convspec.spec
from convspec.conformance import catalog
for module in (convspec.spec, convspec.reference, convspec.accelerated, catalog):
    assert module.__file__.startswith(sys.argv[1]), module.__file__  # the copy, not the checkout
from convspec.conformance.runner import check_case, run_operation
from convspec.conformance.targets import load_target
from convspec.conformance.regions import region_cases

op = catalog.get("adaptive_avg_pool")
assert [o.name for o in catalog.CATALOG].index("adaptive_avg_pool") == [o.name for o in catalog.CATALOG].index("global_avg_pool") + 1
target = load_target("accelerated")
result = run_operation(op, target, examples=60, derandomize=True)
assert result.status == "passed" and result.examples >= 60 and result.region_examples >= 6, result
for case_name, case in region_cases(op.name):
    check_case(op, target.functions[op.name], case)
for example in op.examples:
    for got in (op.reference(*example.inputs.values(), **example.params),
                op.accelerated(*(torch.from_numpy(a) for a in example.inputs.values()), **example.params).numpy()):
        assert got.dtype == example.expected.dtype and np.array_equal(got, example.expected), (example.title, got)
sys.path.insert(0, "benchmarks")
import timing, bench_pool
for row in bench_pool.adaptive_cases(timing.QUICK):
    timing.check_outputs_match(row.name, row.native(), row.accelerated(), row.tolerance)
print("walk-through ok")
'''


def test_the_walk_through_adds_a_working_operation(tmp_path):
    copy = tmp_path / "convspec"
    shutil.copytree(ROOT, copy, ignore=SKIP)
    for path, where, code in guide_blocks():
        target = copy / path
        target.write_text(apply_block(target.read_text(encoding="utf-8"), path, where, code), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "CONVSPEC_PROFILE": "ci"}
    run = subprocess.run([sys.executable, "-c", CHECK, str(copy)], cwd=copy, env=env, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0 and "walk-through ok" in run.stdout, run.stdout[-3000:] + run.stderr[-3000:]
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "tests/test_catalog.py", "tests/test_pool.py",
         "tests/test_gradients.py", "tests/test_regions.py", "-k", "adaptive"],
        cwd=copy, env=env, capture_output=True, text=True, timeout=900,
    )
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    counted = re.search(r"(\d+) passed", tests.stdout)
    assert counted and int(counted.group(1)) >= 12, tests.stdout[-2000:]
