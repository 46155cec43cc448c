"""Writing a series of files into one folder all or nothing (`timeline report --every`).

The files are made one at a time in a hidden folder beside the target (`.NAME.*.tmp`, on
the same file system, so no file needs the memory of the whole series), then moved in.
If the target folder does not exist yet, the hidden folder is renamed to it: one atomic
step. If it does, other files may live in it (single reports, images), so it is never
replaced whole: each file the series writes is moved in by a rename, and the file it
replaces is kept aside until every one is in. Any failure, while the files are made or
moved, puts back what was moved and leaves the folder as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from timeline.store.atomic import (
    WriteError,
    explain,
    fsync_folder,
    missing_folders,
    umask,
    write_atomic,
)


def _staging(folder: Path) -> Path:
    parent = folder.parent if str(folder.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name[:200]}.", suffix=".tmp", dir=parent))
    # mkdtemp makes the folder private; it may become the series folder, so give it the
    # mode any new folder gets.
    staging.chmod(0o777 & ~umask())
    return staging


def write_series(folder: Path, files: Iterable[tuple[str, bytes]]) -> list[Path]:
    """Write every (name, bytes) of `files` into `folder`, all of them or none.

    `files` may be a generator that builds each file when asked: if it raises, nothing
    is moved in and its error goes on. Names are plain file names (no folders). Raises
    WriteError when the file system fails; the folder is then as it was.
    """
    try:
        made = missing_folders(folder / "x")
        staging = _staging(folder)
    except (OSError, ValueError) as error:
        raise WriteError(explain(error, folder)) from None
    names: list[str] = []
    try:
        for name, data in files:
            write_atomic(staging / name, data, overwrite=False)
            names.append(name)
        if made or not folder.exists():
            _rename(staging, folder)
            fsync_folder(folder.parent if str(folder.parent) else Path("."))
        else:
            _move_in(staging, folder, names)
    except BaseException:
        _discard(staging)
        for made_folder in made:  # deepest first; only empty ones go
            with contextlib.suppress(OSError):
                made_folder.rmdir()
        raise
    shutil.rmtree(staging, ignore_errors=True)
    return [folder / name for name in names]


def _discard(staging: Path) -> None:
    """Remove the hidden folder, unless it holds old files that could not be put back."""
    aside = staging / ".old"
    try:
        keep = aside.is_dir() and any(aside.iterdir())
    except OSError:
        keep = True
    if not keep:
        shutil.rmtree(staging, ignore_errors=True)
        return
    with contextlib.suppress(OSError):
        for entry in staging.iterdir():
            if entry != aside:
                entry.unlink()


def _rename(source: Path, target: Path) -> None:
    try:
        os.rename(source, target)
    except OSError as error:
        raise WriteError(explain(error, target)) from None


def _move_in(staging: Path, folder: Path, names: list[str]) -> None:
    """Each new file renamed into `folder`, the file it replaces kept in `staging/.old`
    until all are in; on a failure every step is undone."""
    aside = staging / ".old"
    set_aside: list[str] = []
    moved_in: list[str] = []
    try:
        aside.mkdir()
        for name in names:
            if os.path.lexists(folder / name):
                os.rename(folder / name, aside / name)
                set_aside.append(name)
            os.rename(staging / name, folder / name)
            moved_in.append(name)
    except OSError as error:
        left = _undo(folder, aside, set_aside, moved_in)
        message = explain(error, folder)
        if left:
            kept = ", ".join(repr(str(aside / name)) for name in left)
            message += f"; could not put back {kept}: move them into {str(folder)!r} by hand"
        raise WriteError(message) from None
    fsync_folder(folder)


def _undo(folder: Path, aside: Path, set_aside: list[str], moved_in: list[str]) -> list[str]:
    """Put back the files set aside (over the new ones) and remove the new files that
    replaced nothing; return the names of old files that could not be put back."""
    left = []
    for name in set_aside:
        try:
            os.replace(aside / name, folder / name)
        except OSError:
            left.append(name)
    for name in moved_in:
        if name not in set_aside:
            with contextlib.suppress(OSError):
                os.unlink(folder / name)
    return left
