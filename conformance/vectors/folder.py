"""Where ``convspec vectors export`` writes: never over anything convspec did not write.

The rules (a broken one is a usage error, exit status 2, before anything is touched):

* ``--out DIR`` may be a new folder or an empty one;
* a folder holding an earlier export (a ``manifest.json`` that passes convspec's own schema,
  :func:`~.vectors_format.check_manifest`; a file of that name is not enough) is replaced only with
  ``--force``, and then only the files its manifest lists are removed, with the case and operation
  folders they leave empty. Anything else in the folder (a user's notes, results, a README) stays;
* any other non-empty folder is refused, ``--force`` or not; so is a new file that would land on a
  file, folder or link the earlier export did not list.

The new export is first written whole into a staging folder beside ``DIR`` (``.DIR.convspec-tmp-XXXX``,
inside ``DIR`` when ``DIR`` is a mount point), removed again if the export fails or is interrupted: the
earlier export stays as it was until the new one is complete. :func:`commit` then moves it in. A new
``DIR`` appears at once (one rename). Into an existing folder the files move one by one, in an order
that keeps one invariant, so that even a process killed halfway leaves no file that ``--force`` would not
remove: every file convspec wrote in ``DIR`` is listed by the ``manifest.json`` there. First the files
only the old manifest lists are removed, then the new manifest replaces the old one, then the new files
replace the old ones of the same names.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from convspec.conformance.vectors.format import (FORMAT, MANIFEST, REPLACEABLE_VERSIONS, ManifestError, VectorsError, check_manifest,
                             listed_files)


@dataclass
class Destination:
    """The folder an export goes to (symbolic links resolved) and the files of the earlier export there."""

    shown: str  # the path as the user gave it, for messages
    path: Path
    replaceable: set[str] = field(default_factory=set)  # OP/CASE_ID/FILE of the earlier export, and manifest.json


def prepare(out: str | os.PathLike, *, force: bool) -> Destination:
    """Check that an export may be written to ``out`` (the rules of the module); returns where and what it may
    replace. Raises :class:`VectorsError` with one line otherwise."""
    shown, path = str(out), Path(os.path.realpath(out))
    if path.exists() and not path.is_dir():
        raise VectorsError(f"--out {shown}: exists and is not a folder")
    if not path.exists() or not any(path.iterdir()):
        return Destination(shown, path)
    manifest = earlier_export(path, shown)
    if not force:
        raise VectorsError(f"--out {shown}: holds an earlier convspec export; add --force to replace it "
                           "(only the files its manifest lists are removed)")
    return Destination(shown, path, set(listed_files(manifest)) | {MANIFEST})


def earlier_export(path: Path, shown: str) -> dict:
    """The manifest of the export in the non-empty folder ``path``; :class:`VectorsError` if it holds none."""
    refuse = f"--out {shown}: not empty and not a convspec vectors export"
    manifest = path / MANIFEST
    if manifest.is_symlink() or not manifest.is_file():
        raise VectorsError(f"{refuse} (no {MANIFEST}); refusing to write there, even with --force")
    try:
        data = json.loads(manifest.read_bytes())
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        raise VectorsError(f"{refuse} ({MANIFEST} is not JSON); refusing to write there, even with --force") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise VectorsError(f"{refuse} ({MANIFEST} is not a {FORMAT} manifest); refusing to write there, even with --force")
    try:
        return check_manifest(data, versions=REPLACEABLE_VERSIONS)
    except ManifestError as error:
        raise VectorsError(f"--out {shown}: its {MANIFEST} does not match convspec's schema ({error}); "
                           "refusing to write there, even with --force") from None


@contextlib.contextmanager
def staging(destination: Destination) -> Iterator[Path]:
    """A new, empty staging folder on ``destination``'s file system, removed with whatever is left in it
    when the block ends (normally, by an error or by Ctrl-C): it only ever holds what convspec wrote."""
    folder = _make_staging_folder(destination)
    try:
        yield folder
    finally:
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)


def _make_staging_folder(destination: Destination) -> Path:
    path = destination.path
    inside = path.is_dir() and os.path.ismount(path)  # a sibling would be on another file system
    parent = path if inside else path.parent
    prefix = ".convspec-tmp-" if inside else f".{path.name}.convspec-tmp-"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        for _ in range(100):
            folder = parent / f"{prefix}{secrets.token_hex(4)}"
            try:
                folder.mkdir()  # the usual permissions (umask), unlike tempfile.mkdtemp's 0700
                return folder
            except FileExistsError:
                continue
    except OSError as error:
        raise VectorsError(f"--out {destination.shown}: cannot create a staging folder in {parent} ({error.strerror})") from None
    raise VectorsError(f"--out {destination.shown}: cannot find a free staging folder name in {parent}")


def commit(destination: Destination, staged: Path, new_files: list[str]) -> None:
    """Move the complete export in ``staged`` (its files: ``new_files`` and ``manifest.json``) to
    ``destination``, removing only the earlier export's files (the order of the module's invariant)."""
    path = destination.path
    for rel in new_files + [MANIFEST]:
        _check_writable(destination, rel)
    for rel in destination.replaceable:
        _check_no_link_on_the_way(destination, rel)
    if not path.exists():
        try:
            os.rename(staged, path)
            return
        except OSError as error:
            if error.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                raise
            raise VectorsError(f"--out {destination.shown}: appeared while the export was being written; "
                               "nothing was written there") from None
    old_only = destination.replaceable - set(new_files) - {MANIFEST}
    for rel in sorted(old_only):
        _remove_file(path / rel)
    _remove_empty_folders(path, old_only)
    _move(staged / MANIFEST, path / MANIFEST)
    for rel in new_files:
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        _move(staged / rel, path / rel)
    _remove_empty_folders(path, destination.replaceable)


def _check_writable(destination: Destination, rel: str) -> None:
    """A new file may land at ``rel`` only where nothing is, or on a file of the earlier export."""
    _check_no_link_on_the_way(destination, rel)
    target = destination.path / rel
    if os.path.lexists(target) and (rel not in destination.replaceable or target.is_symlink() or not target.is_file()):
        raise VectorsError(f"--out {destination.shown}: {rel} is not a file of the earlier export; refusing to "
                           "overwrite it (move it away, or export to a new folder)")


def _check_no_link_on_the_way(destination: Destination, rel: str) -> None:
    """The folders between the export and ``rel`` must be real folders (a link would lead writes elsewhere)."""
    folder = destination.path
    for part in rel.split("/")[:-1]:
        folder = folder / part
        if folder.is_symlink() or (os.path.lexists(folder) and not folder.is_dir()):
            raise VectorsError(f"--out {destination.shown}: {folder.relative_to(destination.path)} is a link or a "
                               "file, not a folder convspec wrote; refusing to write there")


def _remove_file(path: Path) -> None:
    """Remove a file of the earlier export; one already gone (an interrupted export) or a folder is left be."""
    if path.is_symlink() or path.is_file():
        path.unlink()


def _move(source: Path, target: Path) -> None:
    """Rename ``source`` onto ``target`` (atomic); copy, then rename, across file systems."""
    try:
        os.replace(source, target)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        copy = target.with_name(f".{target.name}.convspec-tmp")
        shutil.copyfile(source, copy)
        os.replace(copy, target)
        source.unlink()


def _remove_empty_folders(path: Path, replaced: set[str]) -> None:
    """Remove the case and operation folders of the earlier export that are now empty (never ``path`` itself,
    never a folder that still holds anything)."""
    folders = {str(Path(rel).parent) for rel in replaced if "/" in rel}
    folders |= {rel.split("/")[0] for rel in folders}
    for rel in sorted(folders, key=lambda r: -r.count("/")):
        folder = path / rel
        if folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
            folder.rmdir()
