"""The content cache: the same results as a fresh read, whatever state the cache is in."""

from __future__ import annotations

import importlib
import io
import os
import shutil
import sys
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from helpers import ACTORS, SEED, build_tree, collection_snapshot, event_yaml
from typer.testing import Result

import timeline.collection.cache
import timeline.collection.checks
import timeline.collection.codec
import timeline.collection.loading
import timeline.collection.pipeline
from timeline.collection.cache import ContentCache
from timeline.collection.collection import Collection
from timeline.collection.pipeline import check_collection, load_collection

# `timeline.cli.app` as an attribute is the Typer app; the module is what is patched here.
app_module = importlib.import_module("timeline.cli.app")
CASES = Path(__file__).parent / "data" / "invalid"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())

FULL_EVENT = """\
id: full
title: "Every field: a \\u00e9t\\u00e9 title"
date: 2014-09-22/2014-09-26~
type: side-event
status: occurred
actors:
  - kerry
  - actor: yun
    role: organizer
location:
  name: New York
  country: US
summary: |
  Two lines
  of Markdown.
sources:
  - title: A source
    publisher: Agency
    url: https://example.org/a
    published: 2014-09-23
    quote: It happened.
    accessed: 2014-10-01
tags: [unga, human-rights]
related:
  - event: other
    relation: follows
updates:
  - date: 2014-09-20
    status: scheduled
    note: Announced.
    source:
      url: https://example.org/b
  - date: 2014-09-26
    status: occurred
"""


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The display paths of the files actually parsed (not taken from the cache)."""
    seen: list[str] = []
    original = timeline.collection.loading.read_bytes

    def counting(data: bytes, display: str, *, actors: bool = False) -> Any:
        seen.append(display)
        return original(data, display, actors=actors)

    monkeypatch.setattr(timeline.collection.loading, "read_bytes", counting)
    return seen


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust identities on disk without hashing, as for files edited long ago."""
    monkeypatch.setattr(timeline.collection.cache, "_RACY_NS", -(10**30))


def load(root: Path, cache_dir: Path) -> Collection:
    return load_collection(root, cache=ContentCache(root, cache_dir), workers=1)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_warm_output_is_byte_identical(
    name: str, cli: Callable[..., Result], tmp_path: Path, parses: list[str]
) -> None:
    shutil.copytree(CASES / name / "events", tmp_path / "events")
    fresh = cli("validate", "--as-of", "2014-09-13", "--no-cache")
    assert not (tmp_path / ".cache").exists()
    cold = cli("validate", "--as-of", "2014-09-13")
    parses.clear()
    warm = cli("validate", "--as-of", "2014-09-13", "--format", "json")
    warm_text = cli("validate", "--as-of", "2014-09-13")

    assert cold.stdout == fresh.stdout and warm_text.stdout == fresh.stdout
    assert cold.exit_code == warm.exit_code == fresh.exit_code
    assert parses == [], "a warm run parsed files again"
    assert warm.stdout.startswith("[")


def test_round_trip_keeps_every_field(tree: Callable[..., Path], tmp_path: Path) -> None:
    root = tree({
        "actors.yaml": ACTORS,
        "2014/full.yaml": FULL_EVENT,
        "2014/list.yaml": "- " + event_yaml("other").replace("\n", "\n  ").rstrip() + "\n"
                          "- id: bare\n  title: Bare\n  date: 2014\n  type: vote\n"
                          "  status: proposed\n",
        "2014/stream.yaml": "---\n" + event_yaml("s1", date='"2014-09?"') + "---\n"
                            + event_yaml("s2", date="2014-09/..", location="Geneva"),
    })  # fmt: skip
    reference = load_collection(root)
    load(root, tmp_path / "c")
    warm = load(root, tmp_path / "c")
    assert collection_snapshot(warm) == collection_snapshot(reference)
    assert warm.events == reference.events
    full = warm.event_index["full"]
    assert full.updates[0].source is not None and full.updates[0].source.url
    assert full.date == reference.event_index["full"].date


def test_only_changed_files_are_parsed_again(
    tree: Callable[..., Path], tmp_path: Path, parses: list[str], settled: None
) -> None:
    root = tree({f"2014/e{n}.yaml": event_yaml(f"e{n}") for n in range(5)})
    load(root, tmp_path / "c")
    parses.clear()
    (root / "2014/e3.yaml").write_text(event_yaml("e3", title="Changed"), encoding="utf-8")
    warm = load(root, tmp_path / "c")
    assert [Path(p).name for p in parses] == ["e3.yaml"]
    assert warm.event_index["e3"].title == "Changed"
    assert collection_snapshot(warm) == collection_snapshot(load_collection(root))


def test_same_size_edit_with_old_mtime_is_seen(
    tree: Callable[..., Path], tmp_path: Path, settled: None
) -> None:
    # Identity is more than size and mtime: a same-size edit with its mtime put back
    # (cp -p, rsync -t, an editor preserving times) still changes the inode change time.
    root = tree({"a.yaml": event_yaml("aaa", title="First")})
    path = root / "a.yaml"
    before = path.stat()
    load(root, tmp_path / "c")
    path.write_text(event_yaml("aaa", title="Other"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert load(root, tmp_path / "c").events[0].title == "Other"


def test_recent_files_are_checked_by_content(
    tree: Callable[..., Path], tmp_path: Path, parses: list[str]
) -> None:
    # Within the racy window identity alone is not trusted: the bytes are hashed, and an
    # unchanged hash is still a hit.
    root = tree({"a.yaml": event_yaml("aaa")})
    load(root, tmp_path / "c")
    parses.clear()
    os.utime(root / "a.yaml")
    assert load(root, tmp_path / "c").events[0].id == "aaa"
    assert parses == []


def test_quick_edit_on_coarse_file_system_is_seen(
    tree: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where times tick once a second, an edit right after a scan can leave the identity
    # as it was: files touched near the last scan are hashed, not trusted.
    def coarse(stat: os.stat_result) -> tuple[int, int, int, int]:
        return (0, stat.st_size, 0, 0)

    monkeypatch.setattr(timeline.collection.cache, "identity", coarse)
    monkeypatch.setattr(timeline.collection.loading, "identity", coarse)
    root = tree({"a.yaml": event_yaml("aaa", title="First")})
    load(root, tmp_path / "c")
    (root / "a.yaml").write_text(event_yaml("aaa", title="Other"), encoding="utf-8")
    assert load(root, tmp_path / "c").events[0].title == "Other"


def test_removed_and_added_files(tree: Callable[..., Path], tmp_path: Path) -> None:
    root = tree({"a.yaml": event_yaml("aaa"), "b.yaml": event_yaml("bbb")})
    load(root, tmp_path / "c")
    (root / "a.yaml").unlink()
    build_tree(root, {"c.yaml": event_yaml("ccc")})
    assert [e.id for e in load(root, tmp_path / "c").events] == ["bbb", "ccc"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: data[: len(data) // 2],
        lambda data: data[:-3] + b"xyz",
        lambda data: b"not a cache at all",
        lambda data: data.replace(b"timeline-cache", b"timeline-cachf"),
    ],
    ids=["empty", "truncated", "flipped", "garbage", "bad-magic"],
)
def test_damaged_cache_changes_nothing(
    damage: Callable[[bytes], bytes], tree: Callable[..., Path], tmp_path: Path
) -> None:
    root = tree({"actors.yaml": ACTORS, "a.yaml": FULL_EVENT, "b.yaml": "id: [\n"})
    reference = collection_snapshot(load_collection(root))
    load(root, tmp_path / "c")
    files = sorted((tmp_path / "c").iterdir())
    assert [file.suffix for file in files] == [".pack", ".records"]
    for file in files:
        file.write_bytes(damage(file.read_bytes()))
        assert collection_snapshot(load(root, tmp_path / "c")) == reference
        assert (
            collection_snapshot(load(root, tmp_path / "c")) == reference
        )  # and it was written again


def test_checksummed_but_malformed_entry_is_a_miss(
    tree: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tree({"a.yaml": event_yaml("aaa")})
    load(root, tmp_path / "c")
    monkeypatch.setattr(timeline.collection.codec, "decode_records", lambda *args: 1 / 0)
    assert [e.id for e in load(root, tmp_path / "c").events] == ["aaa"]


def test_pack_of_other_code_is_ignored(
    tree: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    parses: list[str],
) -> None:  # fmt: skip
    root = tree({"a.yaml": event_yaml("aaa")})
    load(root, tmp_path / "c")
    monkeypatch.setattr(timeline.collection.cache, "_fingerprint", lambda: b"another version!")
    parses.clear()
    assert [e.id for e in load(root, tmp_path / "c").events] == ["aaa"]
    assert len(parses) == 1


def test_the_fingerprint_follows_the_code_that_reads_and_checks(tmp_path: Path) -> None:
    # the sources of core/ and collection/ are hashed as files, nothing above them
    package = build_tree(tmp_path / "timeline", {
        "core/model.py": "A = 1\n", "collection/checks.py": "B = 2\n",
        "views/export.py": "C = 3\n", "cli/app.py": "D = 4\n",
    })  # fmt: skip
    fingerprint = partial(timeline.collection.cache._fingerprint, str(package))
    before = fingerprint()
    for unrelated in ("views/export.py", "cli/app.py"):
        (package / unrelated).write_text("changed = True\n")
        assert fingerprint() == before
    for source in ("core/model.py", "collection/checks.py"):
        (package / source).write_text("changed = True\n")
        assert fingerprint() != before
        before = fingerprint()
    (package / "collection" / "new.py").write_text("")
    assert fingerprint() != before
    before = fingerprint()
    build_tree(package, {"core/deeper/rule.py": "E = 5\n"})  # a subfolder's code counts too
    assert fingerprint() != before
    assert timeline.collection.cache._fingerprint() != before  # the installed code's own


def test_the_fingerprint_names_the_installed_pydantic_without_importing_it() -> None:
    # problems carry Pydantic's messages: another Pydantic or pydantic-core must not reuse
    # them, yet a warm run does not import Pydantic to learn its version
    import pydantic
    import pydantic_core

    named = timeline.collection.cache._pydantic_identity()
    assert f"VERSION = '{pydantic.VERSION}'".encode() in named
    assert f"'{pydantic_core.__version__}'".encode() in named  # the release it works with
    assert b"_pydantic_core" in named  # and the compiled module installed


def test_unwritable_cache_is_no_error(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(SEED, tmp_path / "events")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("TIMELINE_CACHE_DIR", str(blocker / "cache"))
    first = cli("validate", "--as-of", "2014-09-13")
    second = cli("validate", "--as-of", "2014-09-13")
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout and "Traceback" not in second.output
    assert blocker.read_text() == "a file where the cache folder would be"


def test_cache_folder_from_environment(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(SEED, tmp_path / "events")
    monkeypatch.setenv("TIMELINE_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert cli("list", "--format", "json").exit_code == 0
    suffixes = sorted(p.suffix for p in (tmp_path / "elsewhere").iterdir())
    assert suffixes == [".checked", ".pack", ".records"]
    assert not [p for p in (tmp_path / "elsewhere").iterdir() if p.name.endswith(".tmp")]


def test_display_path_is_part_of_the_key(
    tree: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tree({"a.yaml": "id: aaa\n"})  # problems name the file as the user sees it
    monkeypatch.chdir(tmp_path)
    first = load(root, tmp_path / "c")
    monkeypatch.chdir(root)
    second = load(root, tmp_path / "c")
    assert first.problems[0].path == "events/a.yaml"
    assert second.problems[0].path == "a.yaml"
    assert second.problems == load_collection(root).problems


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("terminal", [True, False])
def test_progress_bar_only_on_a_terminal(
    terminal: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build_tree(tmp_path / "events", {f"e{n}.yaml": event_yaml(f"e{n}") for n in range(4)})
    stream = _Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.setattr(app_module, "PROGRESS_MIN_FILES", 3)
    collection, _ = app_module.load_checked(root, date(2014, 9, 13), use_cache=False)
    assert len(collection.events) == 4
    assert ("Reading files" in stream.getvalue()) is terminal


def test_no_progress_bar_for_small_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_tree(tmp_path / "events", {f"e{n}.yaml": event_yaml(f"e{n}") for n in range(4)})
    stream = _Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    app_module.load_checked(root, date(2014, 9, 13), use_cache=False)
    assert stream.getvalue() == ""


@pytest.fixture
def checks_run(monkeypatch: pytest.MonkeyPatch) -> list[date]:
    """The as-of days the checks across the collection actually ran for."""
    seen: list[date] = []
    original = timeline.collection.checks.run_checks  # imported by the pipeline when it runs

    def counting(outline: Any, as_of: date, **kwargs: Any) -> Any:
        seen.append(as_of)
        return original(outline, as_of, **kwargs)

    monkeypatch.setattr(timeline.collection.checks, "run_checks", counting)
    return seen


def test_validate_needs_no_records_from_a_warm_cache(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    parses: list[str], checks_run: list[date],
) -> None:  # fmt: skip
    shutil.copytree(CASES / "duplicate-id-across-files" / "events", tmp_path / "events")
    cli("validate", "--as-of", "2014-09-13")
    fresh = cli("validate", "--as-of", "2014-10-01", "--no-cache")
    parses.clear()
    checks_run.clear()
    monkeypatch.setattr(timeline.collection.codec, "decode_records", lambda *args: 1 / 0)
    warm = cli("validate", "--as-of", "2014-10-01")  # another day: the checks run again
    assert (warm.stdout, warm.exit_code) == (fresh.stdout, fresh.exit_code)
    assert "duplicate-id" in warm.stdout
    assert parses == [] and checks_run == [date(2014, 10, 1)]


def test_the_checks_result_is_reused_only_for_the_same_files_and_day(
    cli: Callable[..., Result], tmp_path: Path, checks_run: list[date]
) -> None:
    shutil.copytree(SEED, tmp_path / "events")
    first = cli("validate", "--as-of", "2014-09-13")
    again = cli("validate", "--as-of", "2014-09-13")
    assert checks_run == [date(2014, 9, 13)]  # the second run knew the answer
    assert (again.stdout, again.exit_code) == (first.stdout, first.exit_code)
    # the same bytes under another name, and a copy: other files, checked again
    edited = tmp_path / "events" / "2014" / "copy.yaml"
    shutil.copy(next((tmp_path / "events" / "2014").glob("*.yaml")), edited)
    changed = cli("validate", "--as-of", "2014-09-13")
    assert len(checks_run) == 2 and changed.exit_code == 1 and "duplicate-id" in changed.stdout
    edited.unlink()
    assert cli("validate", "--as-of", "2014-09-13").stdout == first.stdout
    assert len(checks_run) == 3
    assert cli("list", "--as-of", "2014-09-13", "--format", "json").exit_code == 0
    assert len(checks_run) == 3  # other commands reuse it too


def test_records_of_a_file_validate_parsed_are_kept_by_the_next_reader(
    tree: Callable[..., Path], tmp_path: Path, parses: list[str], settled: None
) -> None:
    root = tree({f"e{n:02d}.yaml": event_yaml(f"e{n:02d}") for n in range(20)})
    cache = partial(ContentCache, root, tmp_path / "c")
    as_of = date(2014, 9, 13)
    check_collection(root, as_of, records=False, cache=cache())
    (root / "e07.yaml").write_text(event_yaml("e07", title="Changed"), encoding="utf-8")
    records = (tmp_path / "c").glob("*.records")
    before = next(records).read_bytes()
    parses.clear()
    assert check_collection(root, as_of, records=False, cache=cache())[0] == (20, 20)
    assert [Path(p).name for p in parses] == ["e07.yaml"]
    # validate needed no records: it left the records file alone rather than rewrite it
    assert next((tmp_path / "c").glob("*.records")).read_bytes() == before
    parses.clear()
    assert load(root, tmp_path / "c").event_index["e07"].title == "Changed"
    # the one file whose records were not kept
    assert [Path(p).name for p in parses] == ["e07.yaml"]
    parses.clear()
    assert load(root, tmp_path / "c").event_index["e07"].title == "Changed"
    assert parses == []


@pytest.mark.parametrize("terminal", [True, False])
def test_spinner_while_drawing_only_on_a_terminal(
    terminal: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = _Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.setattr(app_module, "BUSY_MIN_EVENTS", 5)
    app_module.out("start", err=True)
    with app_module.busy("Drawing 11 events", 11):
        pass
    with app_module.busy("Drawing 4 events", 4):
        pass
    drawn = stream.getvalue()
    assert ("Drawing 11 events" in drawn) is terminal
    assert "Drawing 4 events" not in drawn
