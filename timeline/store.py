"""Writing files safely: whole or not at all, never a partial file or a stray temporary."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


class WriteError(Exception):
    """A file could not be written; nothing was changed. The message says what to do."""


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # some file systems do not let a folder be opened
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, *, overwrite: bool = True) -> Path:
    """Write `data` to `path` whole or not at all.

    The bytes go to a temporary file beside the target (named `.NAME.*.tmp`, which the
    loader skips), are flushed and fsynced, then renamed over the target (or, without
    `overwrite`, linked to it, which fails if it exists), and the folder is fsynced.
    On any failure the temporary is removed and WriteError is raised.
    """
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise WriteError(_explain(error, path)) from None
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(temp, path)
        else:
            os.link(temp, path)
            temp.unlink()
        _fsync_folder(folder)
    except FileExistsError:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise WriteError(f"{str(path)!r} already exists; it was left as it was") from None
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise WriteError(_explain(error, path)) from None
    return path


def _explain(error: OSError, path: Path) -> str:
    reason = error.strerror or str(error)
    return f"cannot write {str(path)!r} ({reason}); nothing was written"
