"""The git repository that holds a collection, read through the `git` command.

Why the `git` command rather than a library: it is already on every machine that keeps
its records in git, it reads every repository git can (packs, worktrees, alternates,
SHA-256, partial clones), and two of its plumbing commands do the heavy part in one
process each: `git log --raw` lists every change under the collection folder at once, and
`git cat-file --batch` streams any number of blobs. A library (pygit2, dulwich) would add
a compiled or large dependency for no speed we need.

Nothing here writes: no command that takes a lock or refreshes the index is run
(`GIT_OPTIONAL_LOCKS=0`), and no network is used (`protocol.allow=never`, and a partial
clone is not allowed to fetch a missing object).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

from timeline.collection.files import ACTORS_FILE, is_record_name
from timeline.core.dates import DateError, parse_day
from timeline.core.errors import TimelineError

_DAY_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: Settings for every git command run: no pager, no network, no locks, plain paths, and
#: none of the user's settings that would change the output read here (signatures,
#: colours, following one file's renames, rename detection, the root commit's diff).
_GIT = (
    "git", "--no-pager",
    "-c", "protocol.allow=never", "-c", "core.quotePath=false", "-c", "color.ui=false",
    "-c", "log.showSignature=false", "-c", "log.follow=false", "-c", "log.showRoot=true",
    "-c", "diff.renames=false", "-c", "i18n.logOutputEncoding=UTF-8",
)  # fmt: skip
_ENV = {
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_NO_LAZY_FETCH": "1",
    "LC_ALL": "C",
}
#: The header of a commit in `git log` output: hash, short hash, committer date (ISO, with
#: its zone), author, subject; NUL-separated, after a byte no subject starts with.
_LOG_FORMAT = "--format=%x01%H%x00%h%x00%cI%x00%an%x00%s"


class GitError(TimelineError):
    """A history that cannot be read as asked: outside git, a day before the history, a
    revision git does not know. A usage error: the question cannot be answered here."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class Commit:
    """One commit: what the outputs name it by."""

    oid: str
    short: str
    when: datetime  # the committer date, in the zone it was made in
    author: str
    subject: str

    @property
    def day(self) -> date:
        """The day of the commit, as its committer saw it."""
        return self.when.date()

    def describe(self) -> dict[str, str]:
        """The commit as JSON names it (`known_on`, `from`, `to`)."""
        return {
            "commit": self.oid,
            "short": self.short,
            "date": self.when.isoformat(),
            "day": self.day.isoformat(),
            "author": self.author,
            "subject": self.subject,
        }


@dataclass(frozen=True, slots=True)
class TreeFile:
    """A record file of the collection in a commit: its path below the collection folder,
    its blob, and whether it is the actor registry."""

    below: str
    blob: str
    actors: bool


@dataclass(frozen=True, slots=True)
class Change:
    """A record file changed by a commit (against its first parent): the blob before and
    after, None where the file did not exist."""

    below: str
    old: str | None
    new: str | None


def is_record_file(below: str) -> bool:
    """Whether a path below the collection folder names a record file, as the walk of the
    working tree decides it (no part starting with `.` or ending in `.tmp`, a `.yaml` or
    `.yml` name in any case)."""
    *folders, name = below.split("/")
    return is_record_name(name) and not any(
        part.startswith(".") or part.endswith(".tmp") for part in folders
    )


def day_of_spec(spec: str) -> date | None:
    """The day a `--known-on` or `diff` argument names, or None when it names a revision."""
    if not _DAY_SHAPE.fullmatch(spec):
        return None
    try:
        return parse_day(spec)
    except DateError as error:
        raise GitError(f"{spec!r} is not a day: {error.message}") from None


class Repository:
    """The git repository around a collection folder, read-only."""

    def __init__(self, top: Path, prefix: str, shallow: bool) -> None:
        self.top = top
        self.prefix = prefix  # the collection folder below the top, with a trailing `/`
        self.shallow = shallow
        self._line: list[Commit] | None = None
        self._changes: dict[str, list[tuple[Commit, list[Change]]]] = {}
        self._files: dict[str, list[TreeFile]] = {}

    @classmethod
    def around(cls, folder: Path) -> Repository:
        """The repository that holds `folder`, or a `GitError` saying there is none."""
        where = folder if folder.is_dir() else folder.parent
        out = _run(
            ["rev-parse", "--show-toplevel", "--show-prefix", "--is-shallow-repository"],
            cwd=where,
            fail=f"{str(folder)!r} is not in a git repository; --known-on, diff and history "
            "read the collection's git history (run 'git init' and commit the records)",
        )
        lines = out.decode("utf-8", "replace").split("\n")
        if len(lines) < 3:
            raise GitError(f"{str(folder)!r} is not in a git work tree")
        return cls(Path(lines[0]), lines[1], lines[2] == "true")

    def git(self, args: Sequence[str], *, stdin: bytes | None = None, fail: str) -> bytes:
        """Standard output of a git command run at the top of the work tree."""
        return _run(args, cwd=self.top, stdin=stdin, fail=fail)

    def line(self) -> list[Commit]:
        """The first-parent history of HEAD, newest first."""
        if self._line is None:
            out = self.git(
                ["log", "--first-parent", _LOG_FORMAT, "-z", "HEAD", "--"],
                fail="the repository has no commits yet; commit the records first",
            )
            self._line = [commit for commit, _ in _parse_log(out)]
            if not self._line:
                raise GitError("the repository has no commits yet; commit the records first")
        return self._line

    def resolve(self, spec: str) -> Commit:
        """The commit `spec` names: a day (YYYY-MM-DD: the last commit of HEAD's first-parent
        history made on or before it) or a revision (`HEAD~3`, a tag, a hash)."""
        day = day_of_spec(spec)
        if day is not None:
            return self.on(day)
        if not spec or spec.startswith("-") or "\n" in spec:
            raise GitError(f"{spec!r} is neither a day (YYYY-MM-DD) nor a git revision")
        out = self.git(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{spec}^{{commit}}"],
            fail=f"{spec!r} is neither a day (YYYY-MM-DD) nor a revision of this repository"
            + ("; the clone is shallow, so older commits are missing" if self.shallow else ""),
        )
        oid = out.decode().strip()
        for commit in self.line():
            if commit.oid == oid:
                return commit
        shown = self.git(["log", "-1", _LOG_FORMAT, "-z", oid, "--"], fail=f"cannot read {oid}")
        return _parse_log(shown)[0][0]

    def on(self, day: date) -> Commit:
        """The last commit of the first-parent history made on or before the end of `day`."""
        line = self.line()
        for commit in line:
            if commit.day <= day:
                return commit
        first = line[-1]
        if self.shallow:
            raise GitError(
                f"this clone is shallow: its history starts on {first.day.isoformat()}, "
                f"after {day.isoformat()}; fetch the rest with 'git fetch --unshallow'"
            )
        raise GitError(
            f"{day.isoformat()} is before the first commit ({first.short}, "
            f"{first.day.isoformat()}); nothing was recorded yet, pick a later day"
        )

    def no_records(self, folder: Path, commit: Commit) -> NoReturn:
        """Raise the `GitError` for a commit whose collection folder holds no record file:
        the collection's history begins later, or the folder never had records."""
        later = self.changes()
        if later and later[0][0].day > commit.day:
            raise GitError(
                f"no records were committed in {str(folder)!r} by {commit.day.isoformat()} "
                f"(commit {commit.short}); its history starts on "
                f"{later[0][0].day.isoformat()}, pick a later day"
            )
        raise GitError(
            f"commit {commit.short} has no record files in {str(folder)!r}; check --events"
        )

    def files(self, commit: Commit) -> list[TreeFile]:
        """The record files of the collection folder in `commit`, in path order (symbolic
        links and submodules are not read: their content is not a record file's)."""
        if commit.oid in self._files:
            return self._files[commit.oid]
        out = self.git(
            ["ls-tree", "-r", "-z", "--full-tree", commit.oid, "--", self.prefix or "."],
            fail=f"cannot list the files of commit {commit.short}",
        )
        found: list[TreeFile] = []
        cut = len(self.prefix)
        for entry in out.split(b"\0"):
            if not entry:
                continue
            meta, _, name = entry.partition(b"\t")
            mode, kind, blob = meta.split(b" ")
            path = name.decode("utf-8", "surrogateescape")
            below = path[cut:]
            if kind == b"blob" and mode != b"120000" and is_record_file(below):
                found.append(TreeFile(below, blob.decode(), below == ACTORS_FILE))
        found.sort(key=lambda f: f.below)
        self._files[commit.oid] = found
        return found

    def blobs(self, oids: Iterable[str]) -> dict[str, bytes]:
        """The bytes of blobs, in one `git cat-file --batch` run."""
        wanted = list(dict.fromkeys(oids))
        if not wanted:
            return {}
        out = self.git(
            ["cat-file", "--batch"],
            stdin="".join(f"{oid}\n" for oid in wanted).encode(),
            fail="cannot read the records' blobs",
        )
        found: dict[str, bytes] = {}
        at = 0
        for oid in wanted:
            end = out.index(b"\n", at)
            header = out[at:end].split(b" ")
            at = end + 1
            if len(header) != 3 or header[1] != b"blob":
                raise GitError(f"blob {oid} is missing from the repository")
            size = int(header[2])
            found[oid] = out[at : at + size]
            at += size + 1  # the newline after the content
        return found

    def changes(self, tip: str = "HEAD") -> list[tuple[Commit, list[Change]]]:
        """Every commit of the first-parent history of `tip` that changed record files of
        the collection, oldest first, with those changes (against its first parent)."""
        if tip in self._changes:
            return self._changes[tip]
        out = self.git(
            ["log", "--first-parent", "-m", "--root", "--raw", "--no-renames", "--no-abbrev", "-z",
             _LOG_FORMAT, tip, "--", self.prefix or "."],
            fail="cannot read the history of the collection",
        )  # fmt: skip
        cut = len(self.prefix)
        result = []
        # `--no-abbrev` gives whole hashes for %h too: short ones are cut as git cuts HEAD's
        named = {commit.oid: commit for commit in self.line()}
        width = len(self.line()[0].short)
        for listed, raw in reversed(_parse_log(out)):
            commit = named.get(listed.oid) or replace(listed, short=listed.oid[:width])
            changes = _changes_of(raw, cut)
            if changes:
                result.append((commit, changes))
        self._changes[tip] = result
        return result

    def changed_between(self, old: Commit, new: Commit) -> list[Change]:
        """The record files of the collection that differ between two commits."""
        out = self.git(
            ["diff-tree", "-r", "-z", "--no-renames", "--no-abbrev", old.oid, new.oid, "--",
             self.prefix or "."],
            fail=f"cannot compare commits {old.short} and {new.short}",
        )  # fmt: skip
        tokens = out.decode("utf-8", "surrogateescape").split("\0")
        raw = [(tokens[n], tokens[n + 1]) for n in range(0, len(tokens) - 1, 2)]
        return _changes_of([(meta, path) for meta, path in raw if meta.startswith(":")],
                           len(self.prefix))  # fmt: skip


def _changes_of(raw: Sequence[tuple[str, str]], cut: int) -> list[Change]:
    """Record files changed, from raw diff lines (`:modes oids status`, path from the top)."""
    changes = []
    for meta, path in raw:
        below = path[cut:]
        fields = meta.split(" ")
        old_mode, new_mode, old, new = fields[0][1:], fields[1], fields[2], fields[3]
        if is_record_file(below):
            changes.append(
                Change(
                    below,
                    None if _absent(old, old_mode) else old,
                    None if _absent(new, new_mode) else new,
                )
            )
    return changes


def _absent(oid: str, mode: str) -> bool:
    """Whether a side of a raw diff is no record file: deleted, a link or a submodule."""
    return set(oid) == {"0"} or mode in ("120000", "160000")


def _parse_log(out: bytes) -> list[tuple[Commit, list[tuple[str, str]]]]:
    """Commits of `git log -z` output in `_LOG_FORMAT`, each with its raw diff lines
    (`:modes oids status`, path), in the order given."""
    tokens = out.decode("utf-8", "surrogateescape").split("\0")
    found: list[tuple[Commit, list[tuple[str, str]]]] = []
    at = 0
    while at < len(tokens):
        token = tokens[at].lstrip("\n")
        if token.startswith("\x01") and at + 4 < len(tokens):
            oid, short, when, author, subject = token[1:], *tokens[at + 1 : at + 5]
            found.append((Commit(oid, short, datetime.fromisoformat(when), author, subject), []))
            at += 5
        elif token.startswith(":") and found and at + 1 < len(tokens):
            found[-1][1].append((token, tokens[at + 1]))
            at += 2
        else:
            at += 1
    return found


def _run(args: Sequence[str], *, cwd: Path, fail: str, stdin: bytes | None = None) -> bytes:
    """Standard output of `git ARGS`, or a `GitError` with `fail` (and git's own reason)."""
    try:
        done = subprocess.run(
            [*_GIT, *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            env={**os.environ, **_ENV},
            check=False,
        )
    except FileNotFoundError:
        raise GitError(
            "the git command was not found; install git to read the collection's history"
        ) from None
    except OSError as error:
        raise GitError(f"cannot run git ({error.strerror})") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = said[0].removeprefix("fatal: ") if said else ""
        # git's own reason where it says more than our message (a repository of another
        # user that safe.directory does not admit, a damaged object); never the plain
        # "not a git repository" that the message already says
        if reason and "not a git repository" not in reason:
            raise GitError(f"{fail} (git: {reason})")
        raise GitError(fail)
    return done.stdout
