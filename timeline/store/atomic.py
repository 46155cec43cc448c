"""Writing files safely: whole or not at all, never a partial file or a stray temporary."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from filelock import FileLock, Timeout

from timeline.core.errors import TimelineError

#: The lock file `add` and `update` hold while they check and write; the loader skips dot files.
LOCK_NAME = ".timeline.lock"


class WriteError(TimelineError):
    """A file could not be written; nothing was changed. The message says what to do."""


def fsync_folder(folder: Path) -> None:
    """Make the names in `folder` durable (best effort: some systems cannot)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # some file systems do not let a folder be opened
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):  # the file is in place: a failed close cannot undo it
            os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    # os.write may write less than asked (signals, pipes, full disks): loop until done.
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def write_atomic(path: Path, data: bytes, *, overwrite: bool = True) -> Path:
    """Write `data` to `path` whole or not at all.

    The bytes go to a temporary file beside the target (named `.NAME.*.tmp`, which the
    loader skips), are flushed and fsynced, then renamed over the target (or, without
    `overwrite`, linked to it, which fails if it exists), and the folder is fsynced.
    On any failure the temporary is removed and WriteError is raised.
    """
    try:
        if overwrite:
            stream = standard_stream(path)
            if stream is not None:  # `-o /dev/stdout` into a file: write where the shell points
                return _write_fd(stream, data, path)
            if _is_device(path):
                return _write_device(path, data)
            # A link is followed, not replaced: the file it names is written (whole, as any).
            if path.is_symlink():
                path = Path(os.path.realpath(path))
        made = missing_folders(path)
    except (OSError, ValueError) as error:  # a name too long even to look at, a NUL in it
        raise WriteError(explain(error, path)) from None
    try:
        return _write_through_temporary(path, data, overwrite)
    except WriteError:
        for folder in made:  # deepest first: a failed write leaves no new folder behind
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def _write_through_temporary(path: Path, data: bytes, overwrite: bool) -> Path:
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # The name is cut so that a target of up to 255 bytes still has a temporary.
        prefix = f".{path.name[:200]}."
        fd, temp_name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=folder)
    except OSError as error:
        raise WriteError(explain(error, path)) from None
    temp = Path(temp_name)
    try:
        try:
            # mkstemp makes the file private (0600): give it the mode the file has, or
            # the one a new file would get, so that others keep reading the collection.
            os.fchmod(fd, _mode_for(path))
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        if overwrite:
            os.replace(temp, path)
        else:
            os.link(temp, path)
    except FileExistsError:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise WriteError(f"{str(path)!r} already exists; it was left as it was") from None
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise WriteError(explain(error, path)) from None
    if not overwrite:
        # The file is in place now; a temporary left behind is skipped by the loader.
        with contextlib.suppress(OSError):
            temp.unlink()
    fsync_folder(folder)
    return path


def _is_device(path: Path) -> bool:
    try:
        mode = path.stat().st_mode  # follows links: /dev/stdout is a link to a pipe or tty
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def standard_stream(path: Path) -> int | None:
    """1 or 2 when `path` is the very file standard output or error is (`/dev/stdout`
    with output sent to a file): writing there keeps the shell's position and mode."""
    try:
        written = path.stat()
    except OSError:
        return None
    for fd in (1, 2):
        with contextlib.suppress(OSError):
            stream = os.fstat(fd)
            if (stream.st_dev, stream.st_ino) == (written.st_dev, written.st_ino):
                return fd
    return None


def _write_fd(fd: int, data: bytes, path: Path) -> Path:
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        _write_all(fd, data)
    except OSError as error:
        raise WriteError(explain(error, path)) from None
    return path


def _write_device(path: Path, data: bytes) -> Path:
    """Write into a device or pipe (`-o /dev/stdout`): a rename would replace the node itself."""
    try:
        fd = os.open(path, os.O_WRONLY)
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
    except OSError as error:
        raise WriteError(explain(error, path)) from None
    return path


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~umask()


def umask() -> int:
    """The process's umask (the bits new files and folders do not get)."""
    mask = os.umask(0o022)  # the only way to read the umask is to set it
    os.umask(mask)
    return mask


def remove_file(path: Path) -> None:
    """Remove a file and make the removal durable (the folder is fsynced)."""
    path.unlink()
    fsync_folder(path.parent)


def missing_folders(path: Path) -> list[Path]:
    """The folders above `path` that do not exist yet, deepest first."""
    missing = []
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def write_new_files(files: Sequence[tuple[Path, bytes]]) -> list[Path]:
    """Create every file (none may exist yet), all of them or none.

    On a failure the files already created by this call, and the folders made for them,
    are removed again before WriteError is raised, so the folder is left as it was.
    """
    written: list[Path] = []
    created: list[Path] = []
    try:
        for path, data in files:
            created.extend(folder for folder in missing_folders(path) if folder not in created)
            written.append(write_atomic(path, data, overwrite=False))
    except WriteError as error:
        left = _roll_back(written, created)
        if left:
            names = ", ".join(repr(str(path)) for path in left)
            raise WriteError(f"{error}; could not remove {names} again: remove by hand") from None
        raise
    return written


def _roll_back(written: Sequence[Path], created: Sequence[Path]) -> list[Path]:
    """Remove the files and (empty) folders of a failed batch; return the files that stayed."""
    left = []
    for path in reversed(written):
        try:
            remove_file(path)
        except OSError:
            left.append(path)
    for folder in created:  # deepest first; only empty folders go
        with contextlib.suppress(OSError):
            folder.rmdir()
    return left


@contextlib.contextmanager
def collection_lock(root: Path, timeout: float = 60.0) -> Iterator[None]:
    """Hold the collection's lock: one writer at a time checks the collection and writes.

    Raises WriteError if the lock cannot be taken (another writer holds it too long, or
    the folder is not writable).
    """
    lock_path = root / LOCK_NAME
    lock = FileLock(lock_path, timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise WriteError(
            f"another timeline command has held {str(lock_path)!r} for {timeout:.0f} s; "
            "wait for it to finish and run again"
        ) from None
    except OSError as error:
        raise WriteError(
            f"cannot lock the collection at {str(lock_path)!r} ({error.strerror or error}); "
            "check that the folder exists and is writable; nothing was written"
        ) from None
    try:
        yield
    finally:
        lock.release()


def explain(error: OSError | ValueError, path: Path) -> str:
    """The one line a failed write of `path` is reported with: what, why, what to do."""
    # os functions raise ValueError for one thing only: a NUL in the name
    if isinstance(error, ValueError):
        return f"cannot write {str(path)!r} ({error}); nothing was written"
    reason = error.strerror or str(error)
    if error.errno == errno.ENOSPC:
        reason += ": free some space"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason += ": check the folder's permissions"
    return f"cannot write {str(path)!r} ({reason}); nothing was written"


def write_changes(
    created: Sequence[tuple[Path, bytes]], replaced: Sequence[tuple[Path, bytes, bytes]]
) -> list[Path]:
    """Create new files and replace others (`(path, old bytes, new bytes)`), all or none.

    On a failure the files created are removed and those replaced get their old bytes
    back before WriteError is raised.
    """
    written = write_new_files(created)
    done: list[tuple[Path, bytes]] = []
    try:
        for path, old, new in replaced:
            write_atomic(path, new, overwrite=True)
            done.append((path, old))
    except WriteError as error:
        left = _roll_back(written, [])
        for path, old in reversed(done):
            try:
                write_atomic(path, old, overwrite=True)
            except WriteError:
                left.append(path)
        if left:
            names = ", ".join(repr(str(path)) for path in left)
            raise WriteError(f"{error}; could not undo {names}: check them by hand") from None
        raise
    return [*written, *(path for path, _ in done)]
