"""`timeline add`: new events checked with the whole collection, then filed all or none."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from helpers import ACTORS, event_yaml, tree_snapshot
from typer.testing import Result

from timeline.collection.pipeline import load_collection
from timeline.collection.reading import read_bytes
from timeline.core.model import Event
from timeline.store.edit import EditError, event_path

Tree = Callable[[Mapping[str, str | bytes]], Path]
Cli = Callable[..., Result]

BASE = {"actors.yaml": ACTORS, "2014/old.yaml": event_yaml("old", actors="[kerry]")}


def draft(tmp_path: Path, text: str, name: str = "draft.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_adds_one_event_per_file_in_its_year(tree: Tree, cli: Cli, tmp_path: Path) -> None:
    events = tree(BASE)
    text = (
        event_yaml("first", actors="[us, {actor: yun, role: organizer}]")
        + "---\n"
        + event_yaml("second", date="2013~/2014-02")
    )
    result = cli("add", draft(tmp_path, text))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["events/2014/first.yaml", "events/2013/second.yaml"]
    added = {e.id: e for e in load_collection(events).events}
    assert set(added) == {"old", "first", "second"}
    assert added["first"].path == "events/2014/first.yaml"
    original = read_bytes(text.encode(), "x").events[0]
    assert added["first"].model_dump() == original.model_dump()
    assert (
        (events / "2013" / "second.yaml")
        .read_text(encoding="utf-8")
        .startswith("# yaml-language-server: $schema=../event.schema.json\nid: second\n")
    )


def test_adds_a_list_from_standard_input(tree: Tree, cli: Cli) -> None:
    events = tree(BASE)
    text = "".join(
        "- " + textwrap.indent(event_yaml(i, date=d), "  ")[2:] for i, d in [("a", "2014"),
                                                                          ("b", "2015")]
    )  # fmt: skip
    result = cli("add", "-", input=text)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["events/2014/a.yaml", "events/2015/b.yaml"]
    assert (events / "2015" / "b.yaml").is_file()


def test_dry_run_shows_the_files_and_writes_nothing(tree: Tree, cli: Cli, tmp_path: Path) -> None:
    events = tree(BASE)
    before = tree_snapshot(events)
    result = cli("add", draft(tmp_path, event_yaml("new", title="'NO'")), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "# would write events/2014/new.yaml:" in result.stdout
    assert 'title: "NO"\n' in result.stdout
    assert "dry run: 1 file(s) not written" in result.stdout
    assert tree_snapshot(events) == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            event_yaml("old"),
            [
                "draft.yaml:1:5: error: the event id 'old' is also used at "
                "events/2014/old.yaml:1; give each event its own id [duplicate-id]",
                "events/2014/old.yaml:1:5: error: the event id 'old' is also used at "
                "draft.yaml:1; give each event its own id [duplicate-id]",
            ],
        ),
        (
            event_yaml("twin") + "---\n" + event_yaml("twin", date="2016"),
            [
                "draft.yaml:1:5: error: the event id 'twin' is also used at draft.yaml:9; "
                "give each event its own id [duplicate-id]",
                "draft.yaml:9:5: error: the event id 'twin' is also used at draft.yaml:1; "
                "give each event its own id [duplicate-id]",
            ],
        ),
        (
            event_yaml("fine") + "---\n" + event_yaml("who", actors="[kery]"),
            [
                "draft.yaml:16:10: error: actors[0]: no actor has the id 'kery'; "
                "did you mean 'kerry'? [unknown-actor]",
            ],
        ),
        (
            event_yaml("fine") + "---\n" + event_yaml("when", date="2014-02-30"),
            [
                "draft.yaml:11:7: error: date: '2014-02-30' is not a calendar date [invalid-date]",
            ],
        ),
        (
            event_yaml("fine") + "---\nid: [broken\n",
            [
                "draft.yaml:10:1: error: did not find expected ',' or ']' (while parsing a "
                "flow sequence); fix the YAML syntax here [yaml-syntax]"
            ],
        ),
    ],
    ids=["against-collection", "within-batch", "unknown-actor", "bad-date", "syntax"],
)
def test_any_error_writes_nothing(
    tree: Tree, cli: Cli, tmp_path: Path, text: str, expected: list[str]
) -> None:
    events = tree(BASE)
    before = tree_snapshot(events)
    result = cli("add", draft(tmp_path, text))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[:-1] == expected
    assert lines[-1] == "error: nothing was written; fix the problems above and run again"
    assert tree_snapshot(events) == before


def test_same_id_in_another_year_is_refused(tree: Tree, cli: Cli, tmp_path: Path) -> None:
    events = tree(BASE)
    result = cli("add", draft(tmp_path, event_yaml("old", date="2019")))
    assert result.exit_code == 1
    assert "[duplicate-id]" in result.stderr
    assert not (events / "2019").exists()


def test_warnings_are_shown_and_do_not_stop(tree: Tree, cli: Cli, tmp_path: Path) -> None:
    tree(BASE)
    text = "id: bare\ntitle: Bare\ndate: 2014\ntype: other\nstatus: occurred\n"
    result = cli("add", draft(tmp_path, text), "--as-of", "2014-09-13")
    assert result.exit_code == 0
    assert "draft.yaml:1:5: warning: the event has no sources" in result.stderr
    assert result.stdout == "events/2014/bare.yaml\n"


def test_a_file_already_at_the_target_is_refused(tree: Tree, cli: Cli, tmp_path: Path) -> None:
    events = tree({**BASE, "2014/taken.yaml": event_yaml("other")})
    before = tree_snapshot(events)
    result = cli("add", draft(tmp_path, event_yaml("taken")))
    assert result.exit_code == 1
    assert (
        "draft.yaml:1:1: error: 'events/2014/taken.yaml' already exists (it holds other "
        "records); choose another id [file-exists]" in result.stderr
    )
    assert tree_snapshot(events) == before


def test_an_existing_broken_collection_is_refused(tree: Tree, cli: Cli, tmp_path: Path) -> None:
    events = tree({**BASE, "2014/bad.yaml": "id: [\n"})
    result = cli("add", draft(tmp_path, event_yaml("fine")))
    assert result.exit_code == 1
    assert "events/2014/bad.yaml:2:1: error:" in result.stderr
    assert not (events / "2014" / "fine.yaml").exists()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["missing.yaml"], 2, "'missing.yaml' is not a file"),
        (["events/2014/old.yaml"], 1, "is already inside the collection 'events'"),
        (["empty.yaml"], 1, "empty.yaml holds no events; start one with 'timeline new"),
    ],
)
def test_bad_inputs(
    tree: Tree, cli: Cli, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    tree(BASE)
    draft(tmp_path, "# nothing yet\n", "empty.yaml")
    result = cli("add", *args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_ids_that_could_leave_the_collection_never_become_paths(tmp_path: Path) -> None:
    valid = Event.model_validate(
        {"id": "ok", "title": "T", "date": "1999-12-31/2000", "type": "vote", "status": "occurred"}
    )
    assert event_path(tmp_path, valid) == tmp_path / "1999" / "ok.yaml"
    for bad in ("../../etc/passwd", "/abs", "a/b", ".hidden", "UPPER", ""):
        forged = valid.model_copy(update={"id": bad})  # bypasses validation, as a bug might
        with pytest.raises(EditError, match="cannot name a file"):
            event_path(tmp_path, forged)


def test_a_symlinked_year_folder_outside_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "events"
    root.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (root / "2014").symlink_to(tmp_path / "elsewhere")
    event = Event.model_validate(
        {"id": "ok", "title": "T", "date": "2014", "type": "vote", "status": "occurred"}
    )
    with pytest.raises(EditError, match="outside the collection"):
        event_path(root, event)


def test_disk_full_mid_batch_rolls_back(
    tree: Tree, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = tree(BASE)
    before = tree_snapshot(events)
    text = "---\n".join(event_yaml(i, date=d) for i, d in [("a", "2014"), ("b", "2020"),
                                                           ("c", "2021")])  # fmt: skip
    path = draft(tmp_path, text)
    real = os.link
    calls: list[Any] = []

    def link(*args: Any, **kwargs: Any) -> None:
        calls.append(args)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(*args, **kwargs)

    monkeypatch.setattr(os, "link", link)
    result = cli("add", path)
    assert result.exit_code == 1
    assert "No space left on device: free some space" in result.stderr
    assert result.stdout == ""
    assert tree_snapshot(events) == before  # a and b removed, 2020/ removed, no temporaries


def _add_processes(events: Path, drafts: list[Path]) -> list[subprocess.CompletedProcess[str]]:
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "timeline", "add", str(path), "--events", str(events)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=events.parent,
        )
        for path in drafts
    ]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


def test_eight_concurrent_adds_all_land(tree: Tree, tmp_path: Path) -> None:
    events = tree(BASE)
    drafts = [draft(tmp_path, event_yaml(f"e{i}", date=f"{2010 + i}"), f"d{i}.yaml")
              for i in range(8)]  # fmt: skip
    results = _add_processes(events, drafts)
    assert [r.returncode for r in results] == [0] * 8, [r.stderr for r in results]
    collection = load_collection(events)
    assert sorted(e.id for e in collection.events) == sorted(["old"] + [f"e{i}" for i in range(8)])
    assert not collection.problems


def test_eight_concurrent_adds_of_one_id_land_once(tree: Tree, tmp_path: Path) -> None:
    events = tree(BASE)
    drafts = [draft(tmp_path, event_yaml("same", date=f"{2010 + i}"), f"d{i}.yaml")
              for i in range(8)]  # fmt: skip
    results = _add_processes(events, drafts)
    assert sorted(r.returncode for r in results) == [0] + [1] * 7
    assert all("[duplicate-id]" in r.stderr for r in results if r.returncode == 1)
    collection = load_collection(events)
    assert sorted(e.id for e in collection.events) == ["old", "same"]
    assert not collection.problems
    assert not list(events.rglob("*.tmp"))


def test_stdin_problems_are_placed_at_their_key(tmp_path: Path) -> None:
    """Cross-collection problems of standard input point at the key, as a file's would."""
    from typer.testing import CliRunner

    from timeline.cli.app import app

    events = tmp_path / "events"
    events.mkdir()
    (events / "actors.yaml").write_text("- id: kerry\n  name: John Kerry\n  kind: person\n")
    draft = (
        "id: new-one\ntitle: New\ndate: 2014-09-12\ntype: meeting\nstatus: occurred\n"
        "sources:\n  - title: s\nactors:\n  - kerry\n  - kery\n"
    )
    result = CliRunner().invoke(app, ["add", "-", "--events", str(events)], input=draft)
    assert result.exit_code == 1
    assert "<stdin>:10:5: error: actors[1]: no actor has the id 'kery'" in result.stderr


def test_every_problem_of_a_new_record_in_one_run(tree: Tree, cli: Cli, tmp_path: Path) -> None:
    # A date that is not a day must not hide the unknown actor and the unknown event, nor
    # the clash with an id the collection already has.
    events = tree(BASE)
    before = tree_snapshot(events)
    text = event_yaml(
        "old", date="2021-02-30", actors="[kery]", related="[{event: nowhere, relation: follows}]"
    )
    result = cli("add", draft(tmp_path, text), "--as-of", "2021-06-01")
    assert result.exit_code == 1
    codes = [line.rsplit(" ", 1)[-1] for line in result.stderr.splitlines()[:-1]]
    assert sorted(codes) == [
        "[duplicate-id]", "[duplicate-id]", "[invalid-date]", "[unknown-actor]", "[unknown-event]"
    ]  # fmt: skip
    assert "did you mean 'kerry'?" in result.stderr
    assert tree_snapshot(events) == before
