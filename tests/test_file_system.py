"""What the file system can put in a collection: names that are not text, FIFOs, sockets,
devices, links, deep trees, case variants of the extension, and `--events` paths that
are not folders. No traceback, no hang, no unbounded read; each named with its fix."""

from __future__ import annotations

import json
import os
import re
import resource
import stat
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
import yaml
from helpers import ACTORS, ROOT, event_yaml, tree_snapshot
from typer.testing import Result

import timeline.collection.files
import timeline.collection.reading
from timeline.collection.files import (
    MAX_FILE_BYTES,
    MAX_FOLDER_DEPTH,
    TooLarge,
    display_path,
    path_of,
    read_limited,
    shown_name,
)
from timeline.collection.pipeline import load_collection

Tree = Callable[[Mapping[str, str | bytes]], Path]
Cli = Callable[..., Result]
AS_OF = ("--as-of", "2014-09-13")
#: A name that is not UTF-8, as Python gives it (each bad byte as a lone surrogate).
NOT_UTF8 = os.fsdecode(b"x\xff\xfe.yaml")


def _no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output


def run_tool(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The installed tool in its own process, with a time bound (a hang fails the test
    instead of stopping the suite) and a memory bound (an unbounded read fails fast)."""

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return subprocess.run(
        [sys.executable, "-m", "timeline", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=timeout,
        preexec_fn=bounded,
        env={**os.environ, "TIMELINE_CACHE_DIR": str(cwd / ".cache")},
    )


# --- names that are not text ------------------------------------------------------------


def test_a_name_that_is_not_utf8_works_in_every_command(tree: Tree, cli: Cli, tmp_path: Path
                                                        ) -> None:  # fmt: skip
    """Regression: the cache failed with `UnicodeEncodeError: surrogates not allowed`."""
    tree({"actors.yaml": ACTORS, f"2014/{NOT_UTF8}": event_yaml("x", actors="[kerry]")})
    for _ in range(2):  # cold, then from the cache
        result = cli("validate", *AS_OF)
        _no_traceback(result)
        assert result.exit_code == 0
        assert result.stdout == "1 event in 2 files: 0 errors, 0 warnings\n"
    for args in (["list"], ["show", "x"], ["export", "--format", "json"],
                 ["render", "-o", str(tmp_path / "out.html")]):  # fmt: skip
        result = cli(*args, *AS_OF)
        _no_traceback(result)
        assert result.exit_code == 0, result.output
    [record] = json.loads(cli("export", "--format", "json", *AS_OF).stdout)
    assert record["path"] == "events/2014/x\\xff\\xfe.yaml"
    result = cli("update", "x", "--note", "more news", "--on", "2014-09-13", *AS_OF)
    _no_traceback(result)
    assert result.exit_code == 0, result.output
    assert b"more news" in (tmp_path / "events" / "2014" / NOT_UTF8).read_bytes()


def test_odd_names_are_shown_escaped_and_placed_exactly(tree: Tree, cli: Cli) -> None:
    names = [NOT_UTF8, "two\nlines.yaml", "esc\x1b[2J.yaml", "back\\slash.yaml", "tab\t.yaml"]
    files: dict[str, str | bytes] = {"actors.yaml": ACTORS}
    for number, name in enumerate(names):
        files[name] = event_yaml(f"e{number}", actors=f"\n  - kerry\n  - nobody{number}")
    tree(files)
    for _ in range(2):
        result = cli("validate", *AS_OF)
        _no_traceback(result)
        lines = result.stdout.splitlines()
        assert len(lines) == len(names) + 1  # one line a problem: no name breaks a line
        shown = sorted(line.split(":")[0] for line in lines[:-1])
        assert shown == sorted(f"events/{shown_name(name)}" for name in names)
        assert "events/x\\xff\\xfe.yaml" in shown and "events/two\\nlines.yaml" in shown
        assert "events/back\\\\slash.yaml" in shown
        # placed at the actor's own line and column: the file was read again by its name
        assert all(":10:5: error: actors[1]: no actor has the id 'nobody" in line
                   for line in lines[:-1])  # fmt: skip
        listed = json.loads(cli("validate", "--format", "json", *AS_OF).stdout)
        assert sorted(p["path"] for p in listed) == shown


def test_a_shown_name_leads_back_to_its_file() -> None:
    names = [
        b"plain.yaml", b"x\xff.yaml", b"a\\xff.yaml", b"\\\\", b"nel\xc2\x85.yaml",
        b"bidi\xe2\x80\xae.yaml", b"\x1b\x7f\n\t\r", "\U000e0001".encode(), b"\xed\xa0\x80",
    ]  # fmt: skip
    for raw in names:
        name = os.fsdecode(raw)
        shown = shown_name(name)
        assert shown.isprintable() and shown.encode()  # one line, and text
        assert os.fsencode(path_of(shown)) == raw
    assert len({shown_name(os.fsdecode(raw)) for raw in names}) == len(names)


def test_a_collection_folder_whose_own_name_is_not_utf8(tmp_path: Path, cli: Cli) -> None:
    events = tmp_path / os.fsdecode(b"ev\xffents")
    events.mkdir()
    (events / "actors.yaml").write_text(ACTORS)
    (events / "a.yaml").write_text("id: [\n")
    result = cli("validate", "--events", events, *AS_OF)
    _no_traceback(result)
    assert result.exit_code == 1
    assert result.stdout.startswith("ev\\xffents/a.yaml:2:1: error:")


# --- FIFOs, sockets, devices --------------------------------------------------------------


def _specials(events: Path) -> dict[str, str]:
    """A FIFO, a socket, links to devices and a link to a FIFO, each named *.yaml."""
    os.mkfifo(events / "fifo.yaml")
    os.mknod(events / "socket.yaml", stat.S_IFSOCK | 0o600)
    (events / "zero.yaml").symlink_to("/dev/zero")
    (events / "null.yml").symlink_to("/dev/null")
    (events / "to-fifo.yaml").symlink_to("fifo.yaml")
    return {
        "fifo.yaml": "this is a FIFO (named pipe)",
        "socket.yaml": "this is a socket",
        "zero.yaml": "this is a link to a character device",
        "null.yml": "this is a link to a character device",
        "to-fifo.yaml": "this is a link to a FIFO (named pipe)",
    }


def test_special_files_are_named_never_read(tree: Tree, tmp_path: Path) -> None:
    """Regression: a FIFO hung validate, render and add (add holding the lock), and a link
    to /dev/zero read without end."""
    events = tree({"actors.yaml": ACTORS, "ok.yaml": event_yaml("ok")})
    named = _specials(events)
    for _ in range(2):  # cold, then from the cache
        done = run_tool("validate", *AS_OF, cwd=tmp_path)
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        lines = done.stdout.splitlines()
        for name, what in named.items():
            assert (
                f"events/{name}:1:1: error: {what}, not a regular file, so it was not read; "
                "remove it or replace it with a file [not-a-file]"
            ) in lines
        assert lines[-1] == "1 event in 7 files: 5 errors, 0 warnings"
    for args in (["render", "-o", "out.html"], ["list"], ["export", "--format", "csv"]):
        done = run_tool(*args, *AS_OF, cwd=tmp_path)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert "[not-a-file]" in done.stderr
    (tmp_path / "draft.yaml").write_text(event_yaml("new"))
    before = tree_snapshot(events)
    done = run_tool("add", "draft.yaml", *AS_OF, cwd=tmp_path)
    assert done.returncode == 1 and "[not-a-file]" in done.stderr, done.stderr
    assert tree_snapshot(events) == before


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/null", "fifo"])
def test_validate_a_device_or_fifo_given_by_name(tmp_path: Path, target: str) -> None:
    """Regression: `timeline validate /dev/zero` read without end."""
    (tmp_path / "events").mkdir()
    if target == "fifo":
        os.mkfifo(tmp_path / "fifo")
    done = run_tool("validate", target, *AS_OF, cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    kind = "a FIFO (named pipe)" if target == "fifo" else "a character device"
    assert done.stdout.splitlines()[0] == (
        f"{target}:1:1: error: this is {kind}, not a regular file, so it was not read; "
        "remove it or replace it with a file [not-a-file]"
    )


def test_at_most_the_limit_and_one_byte_are_read_whatever_stat_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A regular file whose size `stat` under-reports (as /proc files do) is read only to
    the limit plus one byte, then refused."""
    big = tmp_path / "big.yaml"
    with big.open("wb") as sparse:
        sparse.truncate(MAX_FILE_BYTES * 3)
    real_fstat = os.fstat
    reads: list[int] = []
    real_read = os.read

    def lying_fstat(fd: int) -> os.stat_result:
        found = real_fstat(fd)
        return os.stat_result((*found[:6], 0, *found[7:]))  # st_size 0

    def counted_read(fd: int, size: int) -> bytes:
        data = real_read(fd, size)
        reads.append(len(data))
        return data

    monkeypatch.setattr("timeline.collection.files.os.fstat", lying_fstat)
    monkeypatch.setattr("timeline.collection.files.os.read", counted_read)
    with pytest.raises(TooLarge) as refused:
        read_limited(big)
    assert refused.value.size is None
    assert sum(reads) == MAX_FILE_BYTES + 1


def test_a_file_refused_as_too_large_by_reading_says_so(
    tree: Tree, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree({"grown.yaml": "# " + "x" * 100 + "\n"})
    monkeypatch.setattr(timeline.collection.files, "MAX_FILE_BYTES", 50)  # the one limit
    monkeypatch.setattr(timeline.collection.files, "_CHUNK", 16)
    real_fstat = os.fstat
    monkeypatch.setattr(  # stat says 10 bytes: the file grew after it was taken
        "timeline.collection.files.os.fstat",
        lambda fd: os.stat_result((*real_fstat(fd)[:6], 10, *real_fstat(fd)[7:])),
    )
    result = cli("validate", "--no-cache", *AS_OF)
    assert result.stdout.splitlines()[0] == (
        "events/grown.yaml:1:1: error: the file has more bytes than the limit of 50; split it "
        "into smaller files [too-large]"
    )


# --- links and deep trees -----------------------------------------------------------------


def test_loops_of_links_end_and_are_named(tree: Tree, cli: Cli, tmp_path: Path) -> None:
    events = tree({"actors.yaml": ACTORS, "sub/ok.yaml": event_yaml("ok")})
    (events / "sub" / "up").symlink_to("..")  # a folder loop: links to folders are not followed
    (events / "self").symlink_to("self")
    (events / "a.yaml").symlink_to("b.yaml")
    (events / "b.yaml").symlink_to("a.yaml")
    (events / "gone.yaml").symlink_to("nowhere.yaml")
    result = cli("validate", *AS_OF)
    _no_traceback(result)
    lines = result.stdout.splitlines()
    assert (
        "events/a.yaml:1:1: error: cannot read the file (Too many levels of symbolic links); it "
        "is a link that leads back to itself; point it at a file or remove it [unreadable]"
    ) in lines
    assert (
        "events/gone.yaml:1:1: error: cannot read the file (No such file or directory); it is a "
        "link to nothing; point it at a file or remove it [unreadable]"
    ) in lines
    assert lines[-1] == "1 event in 5 files: 3 errors, 0 warnings"


def test_1100_nested_folders_end_in_one_problem(tree: Tree, cli: Cli, tmp_path: Path) -> None:
    """Regression: 1,100 nested folders ended in a RecursionError traceback."""
    events = tree({"actors.yaml": ACTORS})
    levels = [events]
    for _ in range(1100):  # one level at a time: Path.mkdir(parents=True) recurses
        levels.append(levels[-1] / "d")
        levels[-1].mkdir()
    (levels[-1] / "lost.yaml").write_text(event_yaml("lost"))
    (levels[MAX_FOLDER_DEPTH] / "kept.yaml").write_text(event_yaml("kept"))
    try:
        result = cli("validate", *AS_OF)
        collection = load_collection(events)
    finally:  # removed here, bottom up: the recursive clean-up of pytest cannot
        (levels[-1] / "lost.yaml").unlink()
        for level in reversed(levels[MAX_FOLDER_DEPTH + 1 :]):
            level.rmdir()
    _no_traceback(result)
    too_deep = "/".join(["events", *["d"] * (MAX_FOLDER_DEPTH + 1)]) + "/"
    assert result.stdout.splitlines() == [
        f"{too_deep}:1:1: error: folders nested deeper than {MAX_FOLDER_DEPTH} levels below the "
        "collection; the files in this one were not read; move them up [too-deep]",
        "1 event in 2 files: 1 error, 0 warnings",
    ]
    assert [e.id for e in collection.events] == ["kept"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder whatever its mode")
def test_an_unreadable_folder_is_named(tree: Tree, cli: Cli) -> None:
    events = tree({"actors.yaml": ACTORS, "closed/a.yaml": event_yaml("a")})
    (events / "closed").chmod(0)
    try:
        result = cli("validate", *AS_OF)
    finally:
        (events / "closed").chmod(0o755)
    assert "events/closed/:1:1: error: cannot read the folder (Permission denied)" in result.stdout


def test_an_unreadable_folder_is_named_when_scandir_fails(
    tree: Tree, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same as above where the suite runs as root: the refusal is injected."""
    events = tree(
        {"actors.yaml": ACTORS, "closed/a.yaml": event_yaml("a"), "b.yaml": event_yaml("b")}
    )
    real = os.scandir

    def scandir(path: str) -> object:
        if os.path.basename(path) == "closed":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr("timeline.collection.files.os.scandir", scandir)
    result = cli("validate", *AS_OF)
    assert result.stdout.splitlines() == [
        "events/closed/:1:1: error: cannot read the folder (Permission denied); its files were "
        "not read; check its permissions [unreadable]",
        "1 event in 2 files: 1 error, 0 warnings",
    ]
    assert events.is_dir()


# --- case variants of the extension ------------------------------------------------------


def test_case_variants_of_the_extension_are_read(tree: Tree, cli: Cli) -> None:
    """Regression: `BAD.YAML` was skipped without a word, its invalid record never reported."""
    tree({
        "actors.yaml": ACTORS,
        "BAD.YAML": event_yaml("Bad Id"),
        "x.Yml": event_yaml("x"),
        "y.yAmL": event_yaml("y"),
        "notes.txt": "not a record",
        "z.yaml.tmp": "id: [\n",
    })  # fmt: skip
    result = cli("validate", *AS_OF)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith("events/BAD.YAML:1:5: error:")
    assert result.stdout.splitlines()[-1] == "3 events in 4 files: 1 error, 0 warnings"


def test_the_pre_commit_hook_passes_case_variants_too() -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    files = re.compile(hook["files"])
    assert all(files.search(f"events/2014/x.{ext}") for ext in ("yaml", "YAML", "Yml", "yml"))
    assert not files.search(".github/workflows/ci.yml")


# --- --events that is not a folder --------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("/dev/null", "'/dev/null' is a character device, not a folder"),
        ("fifo", "'fifo' is a FIFO (named pipe), not a folder"),
        ("", "an empty path names no folder"),
        ("file.yaml", "'file.yaml' is a file, not a folder"),
        ("missing", "cannot use 'missing' (No such file or directory)"),
    ],
)
def test_events_that_is_not_a_folder_is_a_usage_error(
    cli: Cli, tmp_path: Path, given: str, said: str
) -> None:
    """Regression: `--events /dev/null` (or a FIFO) gave `0 events in 0 files`, exit 0, and
    `--events ""` read the current folder."""
    (tmp_path / "events").mkdir()
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "file.yaml").write_text(event_yaml("a"))
    for command in (["validate"], ["list"], ["render", "-o", "out.html"], ["add", "file.yaml"]):
        result = cli(*command, "--events", given, *AS_OF)
        assert result.exit_code == 2, result.output
        message = " ".join(result.output.replace("│", " ").split())
        assert f"Invalid value for '--events': {said}; give the collection folder, e.g. " in message
    assert not (tmp_path / "out.html").exists()


def test_display_path_of_a_plain_name_is_unchanged(tmp_path: Path) -> None:
    assert display_path(Path("events/2014/unga-69.yaml")) == "events/2014/unga-69.yaml"
    assert display_path(Path("events/été/ü.yaml")) == "events/été/ü.yaml"


def test_validate_a_folder_names_its_folders_too_deep(tree: Tree, cli: Cli, tmp_path: Path) -> None:
    tree({"actors.yaml": ACTORS, "a/ok.yaml": event_yaml("ok")})
    drafts = tmp_path / "drafts"
    deep = drafts.joinpath(*["d"] * (MAX_FOLDER_DEPTH + 1))
    deep.mkdir(parents=True)
    (deep / "x.yaml").write_text(event_yaml("x"))
    (drafts / "y.yaml").write_text(event_yaml("y"))
    for folder in ("drafts", "events/a"):
        result = cli("validate", folder, *AS_OF)
        _no_traceback(result)
        if folder == "drafts":
            too_deep = "/".join(["drafts", *["d"] * (MAX_FOLDER_DEPTH + 1)])
            assert result.stdout.splitlines()[0].startswith(f"{too_deep}/:1:1: error: folders")
            assert result.exit_code == 1
        else:
            assert result.exit_code == 0, result.output


def test_validate_a_path_that_is_a_collection_file_by_another_name(
    tree: Tree, cli: Cli, tmp_path: Path
) -> None:
    """Regression: `validate /dev/zero` printed no problem and exit 0 when a link in the
    collection led to /dev/zero (the file was read under its collection name, then its
    problems were filtered out as another file's)."""
    events = tree({"actors.yaml": ACTORS, "bad.yaml": "id: [\n"})
    (events / "zero.yml").symlink_to("/dev/zero")
    (tmp_path / "alias.yaml").symlink_to(events / "bad.yaml")
    for given, shown in (
        ("/dev/zero", "events/zero.yml:1:1:"),
        ("alias.yaml", "events/bad.yaml:2:1:"),
    ):
        result = cli("validate", given, *AS_OF)
        _no_traceback(result)
        assert result.exit_code == 1, result.output
        [line] = result.stdout.splitlines()[:-1]
        assert line.startswith(shown), line


def test_a_commit_is_read_as_the_working_tree_is(cli: Cli, tmp_path: Path) -> None:
    """`--known-on` reads the same files as the working tree (case variants of the
    extension too) and shows odd names escaped as it does."""
    from history_example import commit, init

    repo = init(tmp_path / "repo")
    files: dict[str, str | None] = {
        "events/actors.yaml": ACTORS,
        "events/BAD.YAML": event_yaml("Bad Id"),
        "events/x.Yml": event_yaml("x"),
        "events/tab\there.yaml": "id: [\n",
    }
    commit(repo, "2014-03-01", "Records", files)
    now = cli("validate", "--events", repo / "events", *AS_OF)
    then = cli("validate", "--events", repo / "events", "--known-on", "HEAD", *AS_OF)
    _no_traceback(then)
    assert then.exit_code == now.exit_code == 1
    short = then.stdout.splitlines()[0].split(":", 1)[0]  # the commit, as git show takes it
    assert [line.removeprefix(f"{short}:") for line in then.stdout.splitlines()[:-2]] == [
        line for line in now.stdout.splitlines()[:-1]
    ]
    assert "repo/events/tab\\there.yaml:2:1: error:" in then.stdout


def test_a_sheet_to_import_is_read_bounded_whatever_stat_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`timeline import` reads its sheet as the collection's files are read."""
    from timeline.collection.sheets import read_sheet

    big = tmp_path / "big.csv"
    with big.open("wb") as sparse:
        sparse.truncate(MAX_FILE_BYTES * 3)
    real_fstat = os.fstat
    monkeypatch.setattr(  # st_size 0, as /proc files and devices report
        "timeline.collection.files.os.fstat",
        lambda fd: os.stat_result((*real_fstat(fd)[:6], 0, *real_fstat(fd)[7:])),
    )
    [problem] = read_sheet(big, "big.csv").problems
    assert (problem.code, problem.message) == (
        "too-large",
        f"the file has more bytes than the limit of {MAX_FILE_BYTES:,}; split the sheet into "
        "smaller ones",
    )
    os.mkfifo(tmp_path / "pipe.csv")
    [problem] = read_sheet(tmp_path / "pipe.csv", "pipe.csv").problems
    assert problem.code == "not-a-file"
