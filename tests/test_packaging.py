"""The built wheel holds every module of the tree.

``pyproject.toml`` maps each folder to a subpackage with an explicit ``packages`` list. A sub-folder
left out of that list still imports in an editable install (so every other test passes) but is
silently missing from the wheel a user installs. This test builds the wheel and compares it with
the tree, file by file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: folder in the checkout -> its package in the wheel
PACKAGE_FOLDERS = {"spec": "convspec/spec", "reference": "convspec/reference",
                   "accelerated": "convspec/accelerated", "conformance": "convspec/conformance"}


def tree_modules() -> set[str]:
    """Every source file of the four folders, as its path inside the wheel."""
    found = set()
    for folder, package in PACKAGE_FOLDERS.items():
        for path in (ROOT / folder).rglob("*.py"):
            if "__pycache__" in path.parts:
                continue
            found.add(f"{package}/{path.relative_to(ROOT / folder).as_posix()}")
    return found


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory) -> set[str]:
    out = tmp_path_factory.mktemp("wheel")
    # build from a fresh copy: setuptools stages files in <source>/build/lib, and a stale copy
    # there from an earlier build would hide a folder left out of the package list
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for folder in PACKAGE_FOLDERS:
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
               "--wheel-dir", str(out), str(source)]
    result = subprocess.run(command, cwd=source, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PIP_NO_INDEX": "1"})
    assert result.returncode == 0, f"building the wheel failed:\n{result.stdout}\n{result.stderr}"
    (wheel,) = out.glob("convspec-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return {name for name in archive.namelist() if name.endswith(".py")}


def test_the_tree_has_subpackages_to_lose():
    # the comparison below means something only if the tree has nested subpackages
    nested = [m for m in tree_modules() if m.count("/") >= 4]
    assert nested, "expected modules in sub-folders such as conformance/families/conv/"


def test_the_wheel_contains_every_module_of_the_tree(wheel_names):
    missing = sorted(tree_modules() - wheel_names)
    assert not missing, (
        f"{len(missing)} module(s) of the tree are missing from the wheel (add their folder to "
        f"[tool.setuptools] packages in pyproject.toml): {missing}"
    )


def test_the_wheel_contains_nothing_outside_the_tree(wheel_names):
    extra = sorted(wheel_names - tree_modules())
    assert not extra, f"the wheel holds modules the tree does not: {extra}"


def test_every_module_compiles_without_a_warning():
    """An invalid escape in a docstring (``\\ s``) is a DeprecationWarning on Python 3.11, a SyntaxWarning from
    3.12 (printed at a user's first import) and meant to become an error; pytest printed one for
    ``reference/activations.py`` in every run."""
    warned = []
    for module in sorted(tree_modules()):
        folder, _, rest = module.removeprefix("convspec/").partition("/")
        path = ROOT / folder / rest
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            compile(path.read_text(), str(path), "exec")
        warned += [f"{module}:{w.lineno}: {w.message}" for w in caught]
    assert not warned, "\n".join(warned)
