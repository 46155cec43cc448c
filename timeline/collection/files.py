"""Which files make a collection, how they are read, and how their paths are shown.

File names are bytes to the system: a name that is not UTF-8 (git stores such names) comes
to Python with each bad byte as a lone surrogate. Such a name is never encoded as text; it
is shown escaped (`shown_name`), and an escaped name leads back to the file (`path_of`).

Every file is read by `read_limited`: opened without blocking, checked to be a regular
file on what was opened, and read to at most the size limit plus one byte, whatever the
system says its size is. A FIFO, a socket or a device is never read.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from timeline.core.chars import UNSAFE_CATEGORIES
from timeline.core.problems import Problem

#: Files larger than this are refused rather than read: no record file comes close.
MAX_FILE_BYTES = 16 * 1024 * 1024
#: Folders nested deeper than this below the collection are not read (and are named as a
#: problem): records need one or two levels, and a runaway tree would otherwise be walked
#: to the end of the system's path length.
MAX_FOLDER_DEPTH = 64
ACTORS_FILE = "actors.yaml"
_SUFFIXES = (".yaml", ".yml")
#: Opening never waits (a FIFO without a writer would block) nor takes a terminal.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | os.O_CLOEXEC
_CHUNK = 1 << 20

#: What to read: a file's path, its path as shown, and whether it is the actor registry.
Job = tuple[Path, str, bool]

_SHORT_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\\": "\\\\"}
_ESCAPE = re.compile(r"\\(\\|n|t|r|x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})")
_UNESCAPE = {"\\": b"\\", "n": b"\n", "t": b"\t", "r": b"\r"}


class NotAFile(Exception):
    """What was opened is not a regular file (a FIFO, a socket, a device, a folder)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class TooLarge(Exception):
    """A file over `MAX_FILE_BYTES`: its size, or None when only reading showed it."""

    def __init__(self, size: int | None) -> None:
        super().__init__(size)
        self.size = size


def file_kind(mode: int) -> str:
    """What a file of this mode is, in words ("a FIFO (named pipe)")."""
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "not a regular file"


def read_limited(path: Path | str) -> tuple[bytes, os.stat_result]:
    """A regular file's bytes and its stat (taken on the open file, before reading).

    Raises NotAFile for anything but a regular file (never read), TooLarge for more than
    `MAX_FILE_BYTES` (never more than one byte over read: the size `stat` gives is 0 for
    a device and for many system files, so it is only a hint), and OSError.
    """
    fd = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotAFile(file_kind(info.st_mode))
        if info.st_size > MAX_FILE_BYTES:
            raise TooLarge(info.st_size)
        limit = MAX_FILE_BYTES + 1
        # One read of the whole file and one that finds its end, as `Path.read_bytes` does.
        data = os.read(fd, min(info.st_size + 1 if info.st_size else _CHUNK, limit))
        if data:
            chunks = [data]
            total = len(data)
            while total < limit:
                chunk = os.read(fd, min(_CHUNK, limit - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
            if total > MAX_FILE_BYTES:
                raise TooLarge(None)
            if len(chunks) > 1:
                data = b"".join(chunks)
        return data, info
    finally:
        os.close(fd)


def not_a_file_message(path: Path | str, kind: str) -> str:
    """The problem message for a name that is not a regular file (see `NotAFile`)."""
    link = "a link to " if os.path.islink(path) else ""
    return (
        f"this is {link}{kind}, not a regular file, so it was not read; remove it or "
        "replace it with a file"
    )


def unread_reason(path: Path | str, error: OSError | NotAFile | TooLarge, split: str
                  ) -> tuple[str, str]:  # fmt: skip
    """(code, message) for a file `read_limited` refused; `split` says how to make it
    smaller ("split it into smaller files")."""
    if isinstance(error, NotAFile):
        return "not-a-file", not_a_file_message(path, error.kind)
    if isinstance(error, TooLarge):
        size = f"{error.size:,} bytes, more" if error.size is not None else "more bytes"
        return "too-large", f"the file has {size} than the limit of {MAX_FILE_BYTES:,}; {split}"
    return open_failure(path, error)


def open_failure(path: Path | str, error: OSError) -> tuple[str, str]:
    """The problem code and message for a file that could not be opened: `not-a-file`
    (a socket cannot be opened at all) or `unreadable`, with the fix."""
    with contextlib.suppress(OSError):
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            return "not-a-file", not_a_file_message(path, file_kind(mode))
    if error.errno == errno.ELOOP:
        fix = "it is a link that leads back to itself; point it at a file or remove it"
    elif error.errno == errno.ENOENT:
        fix = "it is a link to nothing; point it at a file or remove it"
    elif error.errno == errno.ENAMETOOLONG:
        fix = "its path is too long for the system; move it up or shorten the names"
    else:
        fix = "check its permissions"
    return "unreadable", f"cannot read the file ({error.strerror}); {fix}"


def shown_name(text: str) -> str:
    """A file name (or path) as text that is safe to print and unique: undecodable bytes
    as `\\xff`, control, bidi and line-breaking characters as `repr` writes them
    (`\\n`, `\\x1b`, `\\u202e`), and `\\` doubled; other names as they are."""
    if text.isprintable() and "\\" not in text:
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif unicodedata.category(ch) in UNSAFE_CATEGORIES:
            # `\xNN` stands for a byte: characters from U+0080 are written `\uNNNN`
            out.append(
                f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}" if code <= 0xFFFF
                else f"\\U{code:08x}"
            )  # fmt: skip
        else:
            out.append(ch)
    return "".join(out)


def path_of(shown: str) -> Path:
    """The path a name shown by `shown_name` (or `display_path`) stands for."""
    if "\\" not in shown:
        return Path(shown)
    parts: list[bytes] = []
    last = 0
    for match in _ESCAPE.finditer(shown):
        parts.append(shown[last : match.start()].encode("utf-8", "surrogateescape"))
        escape = match.group(1)
        if escape in _UNESCAPE:
            parts.append(_UNESCAPE[escape])
        elif escape[0] == "x":
            parts.append(bytes([int(escape[1:], 16)]))
        else:
            parts.append(chr(int(escape[1:], 16)).encode("utf-8", "surrogatepass"))
        last = match.end()
    parts.append(shown[last:].encode("utf-8", "surrogateescape"))
    return Path(os.fsdecode(b"".join(parts)))


def display_path(path: Path) -> str:
    """A path as the user will read it in messages: relative to the current folder if below
    it, with odd names escaped (see `shown_name`)."""
    text = str(path)
    if path.is_absolute():
        with contextlib.suppress(ValueError):
            text = str(path.relative_to(Path.cwd()))
    return shown_name(text.replace(os.sep, "/"))


def _skipped(name: str) -> bool:
    return name.startswith(".") or name.endswith(".tmp")


def is_record_name(name: str) -> bool:
    """A `*.yaml` or `*.yml` name, whatever the case of its extension (`BAD.YAML` is read:
    a file its writer named YAML is one), and not skipped."""
    return (name.endswith(_SUFFIXES) or name.lower().endswith(_SUFFIXES)) and not _skipped(name)


#: A folder that was not walked: its path below the root (with `/`), the problem's code
#: and its message.
Unwalked = tuple[str, str, str]


def _walk(root: Path) -> tuple[list[tuple[str, Path]], list[Unwalked]]:
    """(path below `root` with `/`, path) of every record file, sorted by the former, and
    the folders that could not be walked.

    Iterative, so that no depth of folders can exhaust Python's recursion limit, and
    bounded by `MAX_FOLDER_DEPTH`. Links to folders are not followed (as `os.walk` does
    not), so a loop of links is never walked round. Relative paths are made by cutting
    strings, not with `Path.relative_to`: at 10,000 files that alone took a tenth of a
    second, as much as a warm `validate` should take.
    """
    found: list[tuple[str, Path]] = []
    unwalked: list[Unwalked] = []
    stack: list[tuple[str, str, int]] = [(os.fspath(root), "", 0)]
    while stack:
        folder, prefix, depth = stack.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    name = entry.name
                    try:
                        is_folder = entry.is_dir()
                    except OSError:
                        is_folder = False
                    if is_folder:
                        if _skipped(name) or entry.is_symlink():
                            continue
                        below = prefix + shown_name(name) + "/"
                        if depth >= MAX_FOLDER_DEPTH:
                            unwalked.append((below, "too-deep", _TOO_DEEP))
                        else:
                            stack.append((entry.path, below, depth + 1))
                    elif is_record_name(name):
                        found.append((prefix + shown_name(name), Path(entry.path)))
        except OSError as error:
            unwalked.append(
                (prefix, "unreadable", f"cannot read the folder ({error.strerror}); its "
                 "files were not read; check its permissions")
            )  # fmt: skip
    found.sort()
    return found, unwalked


_TOO_DEEP = (
    f"folders nested deeper than {MAX_FOLDER_DEPTH} levels below the collection; the files "
    "in this one were not read; move them up"
)


def collection_files(root: Path) -> list[Path]:
    """Every record file below `root`, in sorted path order, skipping `.*` and `*.tmp`."""
    return [path for _, path in _walk(root)[0]]


def is_actor_file(path: Path, root: Path) -> bool:
    return path.parent == root and path.name == ACTORS_FILE


def collection_jobs(root: Path, extra: Sequence[Path] = ()) -> list[Job]:
    """What to read for the collection at `root` (and `extra` files as event files)."""
    return walk_collection(root, extra)[0]


def walk_collection(root: Path, extra: Sequence[Path] = ()) -> tuple[list[Job], list[Problem]]:
    """What to read for the collection at `root` (and `extra` files as event files), and
    the problems of the folders that could not be walked (too deep, unreadable)."""
    found, unwalked = _walk(root) if root.is_dir() else ([], [])
    # Each file shown as display_path shows it, from the root's display (one call for all).
    shown = display_path(root)
    prefix = "" if shown == "." else shown.rstrip("/") + "/"
    jobs = [(path, prefix + below, below == ACTORS_FILE) for below, path in found]
    problems = [
        Problem((prefix + below) or "./", 1, 1, "error", code, message)
        for below, code, message in unwalked
    ]
    if extra:  # resolving costs a system call per folder level: only when there is a need
        seen = {path.resolve() for path, _, _ in jobs}
        for path in extra:
            if path.resolve() not in seen:
                jobs.append((path, display_path(path), False))
                seen.add(path.resolve())
    return jobs, problems
