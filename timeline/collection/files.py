"""Which files make a collection, and how their paths are shown."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path

#: Files larger than this are refused rather than read: no record file comes close.
MAX_FILE_BYTES = 16 * 1024 * 1024
ACTORS_FILE = "actors.yaml"
_SUFFIXES = (".yaml", ".yml")

#: What to read: a file's path, its path as shown, and whether it is the actor registry.
Job = tuple[Path, str, bool]


def display_path(path: Path) -> str:
    """A path as the user will read it in messages: relative to the current folder if below it."""
    text = str(path)
    if path.is_absolute():
        with contextlib.suppress(ValueError):
            text = str(path.relative_to(Path.cwd()))
    return text.replace(os.sep, "/")


def _skipped(name: str) -> bool:
    return name.startswith(".") or name.endswith(".tmp")


def _walk(root: Path) -> list[tuple[str, Path]]:
    """(path below `root` with `/`, path) of every record file, sorted by the former.

    Relative paths are made by cutting strings, not with `Path.relative_to`: at 10,000
    files that alone took a tenth of a second, as much as a warm `validate` should take.
    """
    top = os.fspath(root)
    found: list[tuple[str, Path]] = []
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if not _skipped(d)]
        below = os.path.relpath(folder, top)
        prefix = "" if below == os.curdir else below.replace(os.sep, "/") + "/"
        for name in files:
            if name.endswith(_SUFFIXES) and not _skipped(name):
                found.append((prefix + name, Path(folder, name)))
    found.sort()
    return found


def collection_files(root: Path) -> list[Path]:
    """Every record file below `root`, in sorted path order, skipping `.*` and `*.tmp`."""
    return [path for _, path in _walk(root)]


def is_actor_file(path: Path, root: Path) -> bool:
    return path.parent == root and path.name == ACTORS_FILE


def collection_jobs(root: Path, extra: Sequence[Path] = ()) -> list[Job]:
    """What to read for the collection at `root` (and `extra` files as event files)."""
    found = _walk(root) if root.is_dir() else []
    # Each file shown as display_path shows it, from the root's display (one call for all).
    shown = display_path(root)
    prefix = "" if shown == "." else shown.rstrip("/") + "/"
    jobs = [(path, prefix + below, below == ACTORS_FILE) for below, path in found]
    if extra:  # resolving costs a system call per folder level: only when there is a need
        seen = {path.resolve() for path, _, _ in jobs}
        for path in extra:
            if path.resolve() not in seen:
                jobs.append((path, display_path(path), False))
                seen.add(path.resolve())
    return jobs
