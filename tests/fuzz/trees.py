"""Collections built on disk with what a file system can hold besides record files:
FIFOs, sockets, devices and links to them, loops of links, links out of the collection,
names that are not text, very long names, case variants of the extension, deep folders.

`tree_plan()` draws a plan; `build()` makes it below a folder and says what the tool must
report of it (`Expected`); `remove_tree()` removes any tree without recursion (pytest's
own clean-up recurses, and fails on a tree deeper than Python's recursion limit).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from helpers import ACTORS, event_yaml
from hypothesis import strategies as st

from timeline.collection.files import MAX_FOLDER_DEPTH

NAME_MAX = 255
#: The deep chain's folder name: capital, so that no drawn name (lower case) is the same.
_CHAIN = b"D"
#: What an entry of a tree is: a record, a damaged record, or something special.
KINDS = (
    "record", "broken", "fifo", "socket", "device-link", "device", "file-loop", "self-link",
    "dangling", "link-out", "folder-link-out", "folder-loop",
)  # fmt: skip
#: Kinds the tool must name as not a regular file (`not-a-file`).
SPECIAL = frozenset(("fifo", "socket", "device-link", "device"))
#: Kinds that cannot be opened (`unreadable`).
UNOPENABLE = frozenset(("file-loop", "self-link", "dangling"))
DEVICES = ("/dev/zero", "/dev/null", "/dev/urandom", "/dev/full")
#: Extensions: read (any case), and not read (other suffixes, temporaries).
READ_EXTENSIONS = (b".yaml", b".yml", b".YAML", b".Yml", b".yAmL", b".YML")
IGNORED_EXTENSIONS = (b".txt", b".yaml.tmp", b".yaml~", b"")

_ODD_BYTES = (
    b"\xff", b"\xfe\xfd", b"\xc3(", b"\xed\xa0\x80", b"\x80", b"\n", b"\r", b"\t", b"\x1b[2J",
    b"\x07", b"\x7f", b"\\", b"\\xff", b"\xe2\x80\xae", b"\xe2\x80\xa8", b"\xc2\x85", b" ",
    b"\xc3\xa9", b"\xf0\x9f\x8c\x8d", b":1:1: error: fake [x]",
)  # fmt: skip


@st.composite
def name_stem(draw: st.DrawFn, room: int = 120) -> bytes:
    """A file or folder name (without extension): plain, odd, or very long."""
    style = draw(st.sampled_from(("plain", "odd", "long")))
    if style == "plain":
        return draw(st.from_regex(rb"[a-z][a-z0-9-]{0,12}", fullmatch=True))
    if style == "long":  # up to the system's limit on one name, less the extension's room
        length = draw(st.integers(NAME_MAX - room - 20, NAME_MAX - room))
        return b"n" * max(1, length)
    parts = draw(st.lists(st.sampled_from(_ODD_BYTES) | st.binary(min_size=1, max_size=4),
                          min_size=1, max_size=4))  # fmt: skip
    stem = b"a" + b"".join(parts)
    return stem.replace(b"/", b"_").replace(b"\0", b"_")[: NAME_MAX - room]


@dataclass(frozen=True)
class Entry:
    """One thing in a tree: where (folder names, then its own name) and what it is."""

    folders: tuple[bytes, ...]
    stem: bytes
    extension: bytes
    kind: str
    hidden: bool = False


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    folders = tuple(draw(st.lists(name_stem(room=40), max_size=2)))
    extension = draw(st.sampled_from(READ_EXTENSIONS + IGNORED_EXTENSIONS))
    kind = draw(st.sampled_from(KINDS))
    stem = draw(name_stem(room=len(extension) + 2))
    return Entry(folders, stem, extension, kind, hidden=draw(st.integers(0, 3)) == 0)


@dataclass
class Plan:
    """A tree to build: its entries and, maybe, one chain of folders `depth` deep."""

    entries: list[Entry]
    depth: int


def tree_plan() -> st.SearchStrategy[Plan]:
    """Trees of a few entries, sometimes with a deep chain of folders around the limit."""
    # Deep chains are few: making and removing 1,000 folders takes seconds on a busy disk.
    depth = st.sampled_from(
        [0, 0, 0, 0, 0, 1, 2, MAX_FOLDER_DEPTH - 1, MAX_FOLDER_DEPTH, MAX_FOLDER_DEPTH + 1,
         MAX_FOLDER_DEPTH + 2, 300, 1_100]
    )  # fmt: skip
    return st.builds(Plan, st.lists(entries(), min_size=1, max_size=8), depth)


@dataclass
class Expected:
    """What the tool must report of a built tree, by real path (bytes) below the root."""

    events: set[str] = field(default_factory=set)  # ids of events that must be read
    codes: dict[bytes, str] = field(default_factory=dict)  # path -> code of its one problem
    errors: bool = False  # whether the collection has errors (then add refuses)


def _is_read(name: bytes) -> bool:
    return name.lower().endswith((b".yaml", b".yml")) and not name.startswith(b".")


def build(root: Path, plan: Plan, outside: Path) -> Expected:
    """Make `plan` below `root` (the collection); `outside` holds what links out reach."""
    expected = Expected()
    broot = os.fsencode(root)
    os.makedirs(broot, exist_ok=True)
    (root / "actors.yaml").write_text(ACTORS, encoding="utf-8")
    outside.mkdir(parents=True, exist_ok=True)
    made: set[bytes] = {b"actors.yaml"}
    for number, entry in enumerate(plan.entries):
        folder = b"/".join(entry.folders)
        name = (b"." if entry.hidden else b"") + entry.stem + entry.extension
        relative = folder + b"/" + name if folder else name
        if relative.lower() in {m.lower() for m in made} or any(
            m.startswith(relative + b"/") or relative.startswith(m + b"/") for m in made
        ):
            continue  # one entry a name (and no file where a folder must be)
        os.makedirs(os.path.join(broot, folder), exist_ok=True)
        path = os.path.join(broot, relative)
        read = _is_read(name)
        made.add(relative)
        code = _make(path, entry.kind, number, outside, expected, read)
        if read and code:
            expected.codes[relative] = code
            expected.errors = True
    if plan.depth:
        chain = make_chain(root, plan.depth, _CHAIN)
        if plan.depth >= MAX_FOLDER_DEPTH:
            _write(os.path.join(chain[MAX_FOLDER_DEPTH - 1], b"deep.yaml"), event_yaml("deep"))
            expected.events.add("deep")
        if plan.depth > MAX_FOLDER_DEPTH:
            _write(os.path.join(chain[MAX_FOLDER_DEPTH], b"lost.yaml"), event_yaml("deep-lost"))
            expected.codes[b"/".join([_CHAIN] * (MAX_FOLDER_DEPTH + 1))] = "too-deep"
            expected.errors = True
    return expected


def _write(path: bytes, text: str) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write(text)


def _make(path: bytes, kind: str, number: int, outside: Path, expected: Expected,
          read: bool) -> str | None:  # fmt: skip
    """Make one entry; the code of the problem it must give when read, if any."""
    if kind == "record":
        _write(path, event_yaml(f"e{number}"))
        if read:
            expected.events.add(f"e{number}")
        return None
    if kind == "broken":
        _write(path, "id: [\n")
        return "yaml-syntax"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        os.mknod(path, stat.S_IFSOCK | 0o600)
    elif kind == "device-link":
        os.symlink(DEVICES[number % len(DEVICES)], path)
    elif kind == "device":
        try:  # the node of /dev/zero; only a privileged user may make one
            os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 5))
        except PermissionError:
            os.symlink("/dev/zero", path)
    elif kind == "file-loop":  # through a second link beside it, not a record name
        other = os.path.join(os.path.dirname(path), b"loop%d.other" % number)
        os.symlink(path, other)
        os.symlink(other, path)
    elif kind == "self-link":
        os.symlink(path, path)
    elif kind == "dangling":
        os.symlink(b"missing-target", path)
    elif kind == "link-out":  # a record outside the collection, read through the link
        target = outside / f"out{number}.yaml"
        target.write_text(event_yaml(f"out{number}"), encoding="utf-8")
        os.symlink(os.fsencode(target), path)
        if read:
            expected.events.add(f"out{number}")
        return None
    elif kind == "folder-link-out":  # links to folders are not followed
        (outside / f"dir{number}").mkdir()
        (outside / f"dir{number}" / "x.yaml").write_text(event_yaml(f"never{number}"))
        os.symlink(os.fsencode(outside / f"dir{number}"), path)
        return None
    elif kind == "folder-loop":
        os.symlink(b".", path)
        return None
    return "not-a-file" if kind in SPECIAL else "unreadable"


_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW


def make_chain(top: Path, depth: int, name: bytes = b"d") -> list[bytes]:
    """Folders `name` nested `depth` deep below `top`; their paths. Made through folder
    descriptors, one level at a time: by path, each level costs as much as its depth."""
    paths = []
    path = os.fsencode(top)
    fd = os.open(path, _FOLDER)
    try:
        for _ in range(depth):
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, _FOLDER, dir_fd=fd)
            os.close(fd)
            fd = inner
            path = os.path.join(path, name)
            paths.append(path)
    finally:
        os.close(fd)
    return paths


def remove_tree(top: Path | bytes) -> None:
    """Remove `top` and everything below it, however deep: without recursion, and through
    folder descriptors (pytest's own clean-up recurses, and fails past Python's recursion
    limit; removing by path costs as much as the depth at each level)."""
    fd = os.open(top, _FOLDER)
    names: list[str] = []  # the way down from `top`
    try:
        while True:
            with os.scandir(fd) as found:
                entries = list(found)
            below = None
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    below = entry.name
                else:
                    os.unlink(entry.name, dir_fd=fd)
            if below is not None:
                inner = os.open(below, _FOLDER, dir_fd=fd)
                os.close(fd)
                fd = inner
                names.append(below)
            elif names:
                outer = os.open("..", _FOLDER, dir_fd=fd)
                os.close(fd)
                fd = outer
                os.rmdir(names.pop(), dir_fd=fd)
            else:
                break
    finally:
        os.close(fd)
    os.rmdir(top)


def snapshot(top: Path) -> dict[bytes, bytes | int]:
    """Every name below `top` with its bytes (regular files, read through no link) or its
    mode (anything else), walked without recursion and without opening special files."""
    found: dict[bytes, bytes | int] = {}
    stack = [os.fsencode(top)]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                mode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISDIR(mode):
                    stack.append(entry.path)
                    found[entry.path] = mode
                elif stat.S_ISREG(mode):
                    with open(entry.path, "rb") as data:
                        found[entry.path] = data.read()
                else:
                    found[entry.path] = mode
    return found
