"""Safe writes: whole or nothing, no partial file, no stray temporary, one writer at a time."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock
from helpers import ROOT, build_tree, event_yaml, tree_snapshot

from timeline.collection.files import collection_files
from timeline.collection.pipeline import load_collection
from timeline.store.atomic import (
    LOCK_NAME,
    WriteError,
    collection_lock,
    write_atomic,
    write_new_files,
)


def failing(
    monkeypatch: pytest.MonkeyPatch, name: str, *, after: int = 0, code: int = errno.ENOSPC
) -> None:
    """Make os.<name> raise OSError(code) from its (after+1)-th call on."""
    real = getattr(os, name)
    calls = {"n": 0}

    def fake(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] > after:
            raise OSError(code, os.strerror(code))
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, fake)


def test_write_atomic_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.yaml"
    assert write_atomic(target, b"one\n") == target
    write_atomic(target, b"two\n")
    assert target.read_bytes() == b"two\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["b.yaml"]


def test_no_overwrite_keeps_the_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "b.yaml"
    target.write_bytes(b"mine\n")
    with pytest.raises(WriteError, match="already exists"):
        write_atomic(target, b"theirs\n", overwrite=False)
    assert target.read_bytes() == b"mine\n"
    assert [p.name for p in tmp_path.iterdir()] == ["b.yaml"]


@pytest.mark.parametrize("call", ["write", "fsync", "link", "close"])
def test_disk_full_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    (tmp_path / "2014").mkdir()
    before = tree_snapshot(tmp_path)
    failing(monkeypatch, call)
    with pytest.raises(WriteError, match="No space left on device: free some space"):
        write_atomic(tmp_path / "2014" / "new.yaml", b"x" * 100_000, overwrite=False)
    monkeypatch.undo()
    assert tree_snapshot(tmp_path) == before


@pytest.mark.parametrize("call", ["write", "fsync", "replace"])
def test_failed_overwrite_keeps_the_old_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    target = tmp_path / "old.yaml"
    target.write_bytes(b"old\n")
    failing(monkeypatch, call)
    with pytest.raises(WriteError, match="nothing was written"):
        write_atomic(target, b"new\n")
    monkeypatch.undo()
    assert tree_snapshot(tmp_path) == {"old.yaml": b"old\n"}


def test_permission_denied_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    failing(monkeypatch, "link", code=errno.EACCES)
    with pytest.raises(WriteError, match="check the folder's permissions"):
        write_atomic(tmp_path / "x.yaml", b"x", overwrite=False)


def test_short_writes_are_completed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, bytes(data[:7])))
    write_atomic(tmp_path / "x.yaml", b"0123456789" * 10)
    monkeypatch.undo()
    assert (tmp_path / "x.yaml").read_bytes() == b"0123456789" * 10


def test_new_files_get_the_usual_mode_and_updates_keep_theirs(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    fresh = write_atomic(tmp_path / "fresh.yaml", b"x", overwrite=False)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask
    kept = tmp_path / "kept.yaml"
    kept.write_bytes(b"old")
    kept.chmod(0o640)
    write_atomic(kept, b"new")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640


def test_batch_is_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_tree(tmp_path, {"2014/old.yaml": "old\n"})
    before = tree_snapshot(tmp_path)
    failing(monkeypatch, "link", after=2)  # the third file fails
    batch = [
        (tmp_path / "2014" / "a.yaml", b"a"),
        (tmp_path / "2015" / "b.yaml", b"b"),
        (tmp_path / "2016" / "c.yaml", b"c"),
    ]
    with pytest.raises(WriteError, match=r"2016/c\.yaml"):
        write_new_files(batch)
    monkeypatch.undo()
    assert tree_snapshot(tmp_path) == before  # a and b removed again, 2015/ and 2016/ too


def test_batch_writes_every_file(tmp_path: Path) -> None:
    batch = [(tmp_path / "2014" / "a.yaml", b"a"), (tmp_path / "2015" / "b.yaml", b"b")]
    assert write_new_files(batch) == [path for path, _ in batch]
    assert tree_snapshot(tmp_path) == {"2014": None, "2014/a.yaml": b"a", "2015": None,
                                  "2015/b.yaml": b"b"}  # fmt: skip


def test_a_rollback_that_fails_names_the_files_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing(monkeypatch, "link", after=1)
    monkeypatch.setattr(Path, "unlink", _refuse_unlink_of("a.yaml"))
    with pytest.raises(WriteError, match=r"could not remove .*a\.yaml.* remove by hand"):
        write_new_files([(tmp_path / "a.yaml", b"a"), (tmp_path / "b.yaml", b"b")])


def _refuse_unlink_of(name: str) -> Callable[..., None]:
    real = Path.unlink

    def unlink(self: Path, missing_ok: bool = False) -> None:
        if self.name == name:
            raise PermissionError(errno.EACCES, "denied")
        real(self, missing_ok=missing_ok)

    return unlink


def test_lock_held_elsewhere_times_out(tmp_path: Path) -> None:
    other = FileLock(tmp_path / LOCK_NAME)
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from timeline.store.atomic import WriteError, collection_lock
        try:
            with collection_lock(Path({str(tmp_path)!r}), timeout=0.2):
                print("acquired")
        except WriteError as error:
            print(error)
        """
    )
    with other:
        held = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              cwd=ROOT, check=True)  # fmt: skip
    assert "another timeline command has held" in held.stdout
    free = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, check=True)  # fmt: skip
    assert free.stdout.strip() == "acquired"


def test_lock_where_a_file_is_in_the_way_is_a_write_error(tmp_path: Path) -> None:
    (tmp_path / "events").write_text("not a folder")
    with (
        pytest.raises(WriteError, match="cannot lock the collection"),
        collection_lock(tmp_path / "events"),
    ):
        pass


# A writer killed at the worst moments: after the temporary is written but before it is
# linked, and after the link but before the temporary is removed.
_KILLED_WRITER = """
import os, sys, time
from timeline.cli import main
stop_at = sys.argv.pop(1)
real = getattr(os, stop_at)
def pause(*args, **kwargs):
    result = real(*args, **kwargs) if stop_at == "link" else None
    print("ready", flush=True)
    time.sleep(60)
    return result
setattr(os, stop_at, pause)
sys.argv[0] = "timeline"
main()
"""


@pytest.mark.parametrize("stop_at", ["fsync", "link"])
def test_killed_writer_leaves_the_collection_whole(tmp_path: Path, stop_at: str) -> None:
    events = build_tree(
        tmp_path / "events",
        {"2014/old.yaml": event_yaml("old"), "actors.yaml": "[]\n"},
    )
    draft = tmp_path / "draft.yaml"
    draft.write_text(event_yaml("fresh", date="2015-03-01"), encoding="utf-8")
    before = load_collection(events)
    writer = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, stop_at, "add", str(draft), "--events",
         str(events)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
    )  # fmt: skip
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
    finally:
        writer.kill()
        writer.wait()
    after = load_collection(events)
    new = events / "2015" / "fresh.yaml"
    assert [p.name for p in collection_files(events)] == (
        ["old.yaml", "fresh.yaml", "actors.yaml"] if stop_at == "link" else
        ["old.yaml", "actors.yaml"]
    )  # fmt: skip
    if stop_at == "link":  # linked: the complete new file is there
        assert new.read_text(encoding="utf-8").endswith("- title: A source\n")
        assert [e.id for e in after.events] == ["old", "fresh"]
    else:
        assert not new.exists()
        assert [e.id for e in after.events] == [e.id for e in before.events]
    assert not after.problems
    leftovers = [p.name for p in (events / "2015").iterdir() if p.name != "fresh.yaml"]
    assert all(name.startswith(".fresh.yaml.") and name.endswith(".tmp") for name in leftovers)


def test_writing_through_a_link_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "real" / "page.html"
    target.parent.mkdir()
    target.write_bytes(b"old")
    link = tmp_path / "page.html"
    link.symlink_to(target)
    write_atomic(link, b"new")
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html", "real"]


def test_a_link_to_a_missing_file_is_followed(tmp_path: Path) -> None:
    link = tmp_path / "out.ics"
    link.symlink_to(tmp_path / "made.ics")
    write_atomic(link, b"data")
    assert link.is_symlink() and (tmp_path / "made.ics").read_bytes() == b"data"


@pytest.mark.parametrize("stdout_is", ["file", "pipe"])
def test_output_to_standard_output_by_name(tmp_path: Path, stdout_is: str) -> None:
    # `-o /dev/stdout` where standard output is a file: written into the file (after what
    # was already there), the link left alone, and the note on standard error, not in
    # the output. A link of our own stands in for /dev/stdout, so that a failure could
    # only ever replace it, not the system's.
    stdout_link = tmp_path / "stdout.json"
    stdout_link.symlink_to("/proc/self/fd/1")
    command = [sys.executable, "-m", "timeline", "export", "--format", "json",
               "--events", str(ROOT / "events"), "-o", str(stdout_link)]  # fmt: skip
    if stdout_is == "file":
        captured = tmp_path / "captured"
        captured.write_bytes(b"before\n")
        with captured.open("ab") as stream:
            run = subprocess.run(command, stdout=stream, stderr=subprocess.PIPE, check=False)
        output = captured.read_bytes()
        assert output.startswith(b"before\n")
        output = output.removeprefix(b"before\n")
    else:
        run = subprocess.run(command, capture_output=True, check=False)
        output = run.stdout
    assert run.returncode == 0, run.stderr
    assert len(json.loads(output)) == 11
    assert b"wrote" in run.stderr
    assert stdout_link.is_symlink()
