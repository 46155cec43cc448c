"""`timeline update`: news appended to one event in place; every other byte kept."""

from __future__ import annotations

import difflib
import shutil
import stat
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

import pytest
from helpers import ACTORS, SEED, event_yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import Result

from timeline.collection.pipeline import load_collection
from timeline.collection.reading import read_bytes
from timeline.core.model import Source, Update
from timeline.store import edit
from timeline.store.edit import EditError, update_file, updated_event

Tree = Callable[[Mapping[str, str | bytes]], Path]
Cli = Callable[..., Result]

SIDE_EVENT = "dprk-human-rights-ministerial-side-event"
SIDE_EVENT_FILE = f"2014/{SIDE_EVENT}.yaml"

# A file in a style of its own: comments everywhere, a list of events, quoted values,
# 4-space indents, a second document. Only the named event may change.
MIXED = """\
# Notes kept by hand.  Keep this comment.
- id: first    # the first one
  title: "First"
  date: 2014-09
  type: meeting
  status: scheduled   # check again
  summary: |
    Two lines
    of text.

  updates:
      -   date: 2014-09-01
          note: 'Announced.'   # quoted on purpose
  # trailing comment inside the event
- id: second
  title: Second
  date: 2014
  type: vote
  status: proposed
---
# the second document
id: third
title: Third
date: 2015
type: other
status: proposed
updates: []   # none yet
"""


def copy_seed(tmp_path: Path) -> Path:
    events = tmp_path / "events"
    shutil.copytree(SEED, events)
    return events


def added_and_removed(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines a diff adds and removes."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return ([line[2:] for line in diff if line.startswith("+ ")],
            [line[2:] for line in diff if line.startswith("- ")])  # fmt: skip


def test_seed_update_changes_only_the_news(cli: Cli, tmp_path: Path) -> None:
    events = copy_seed(tmp_path)
    others = {p: p.read_bytes() for p in events.rglob("*.yaml") if p.name != f"{SIDE_EVENT}.yaml"}
    path = events / SIDE_EVENT_FILE
    before = path.read_text(encoding="utf-8")
    result = cli(
        "update", SIDE_EVENT, "--status", "occurred", "--on", "2014-09-23",
        "--source-url", "https://www.state.gov/side-event", "--source-title", "Side event held",
        "--note", "It took place on 23 September.",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == f"events/{SIDE_EVENT_FILE}\n"
    added, removed = added_and_removed(before, path.read_text(encoding="utf-8"))
    assert removed == ["status: scheduled"]
    assert added == [
        "status: occurred",
        "  - date: 2014-09-23",
        "    status: occurred",
        "    note: It took place on 23 September.",
        "    source:",
        "      title: Side event held",
        "      url: https://www.state.gov/side-event",
    ]
    assert {p: p.read_bytes() for p in others} == others
    assert cli("validate", "--as-of", "2014-09-23").exit_code == 0
    event = load_collection(events).event_index[SIDE_EVENT]
    assert event.status == "occurred"
    assert event.updates[-1] == Update(
        date=date(2014, 9, 23), status="occurred", note="It took place on 23 September.",
        source=Source(title="Side event held", url="https://www.state.gov/side-event"),
    )  # fmt: skip


def test_mixed_file_keeps_every_other_byte(tree: Tree, cli: Cli) -> None:
    events = tree({"actors.yaml": ACTORS, "notes.yaml": MIXED})
    result = cli("update", "first", "--status", "occurred", "--note", "Held.\nWell attended.",
                 "--on", "2014-09-20")  # fmt: skip
    assert result.exit_code == 0, result.output
    after = (events / "notes.yaml").read_text(encoding="utf-8")
    assert after == MIXED.replace("scheduled   # check", "occurred   # check").replace(
        "          note: 'Announced.'   # quoted on purpose\n",
        "          note: 'Announced.'   # quoted on purpose\n"
        "      -   date: 2014-09-20\n"
        "          status: occurred\n"
        "          note: |-\n"
        "            Held.\n"
        "            Well attended.\n",
    )


def test_event_without_updates_gets_the_key(tree: Tree, cli: Cli) -> None:
    events = tree({"actors.yaml": ACTORS, "notes.yaml": MIXED})
    assert cli("update", "second", "--note", "Tabled.", "--on", "2014-10-01").exit_code == 0
    after = (events / "notes.yaml").read_text(encoding="utf-8")
    assert after == MIXED.replace(
        "  status: proposed\n---",
        "  status: proposed\n  updates:\n    - date: 2014-10-01\n      note: Tabled.\n---",
    )


def test_empty_flow_updates_become_a_block(tree: Tree, cli: Cli) -> None:
    events = tree({"actors.yaml": ACTORS, "notes.yaml": MIXED})
    result = cli("update", "third", "--status", "scheduled", "--on", "2014-10-01")
    assert result.exit_code == 0, result.output
    after = (events / "notes.yaml").read_text(encoding="utf-8")
    assert after == MIXED.replace(
        "status: proposed\nupdates: []   # none yet\n",
        "status: scheduled\nupdates: # none yet\n  - date: 2014-10-01\n    status: scheduled\n",
    )


def test_crlf_bom_and_mode_are_kept(tree: Tree, cli: Cli) -> None:
    text = "\ufeff" + event_yaml("win").replace("\n", "\r\n")
    events = tree({"actors.yaml": ACTORS, "win.yaml": text.encode("utf-8")})
    (events / "win.yaml").chmod(0o640)
    assert cli("update", "win", "--note", "Noted.", "--on", "2014-09-20").exit_code == 0
    data = (events / "win.yaml").read_bytes()
    assert data == (text + "updates:\r\n  - date: 2014-09-20\r\n    note: Noted.\r\n").encode()
    assert stat.S_IMODE((events / "win.yaml").stat().st_mode) == 0o640


def test_on_defaults_to_today(tree: Tree, cli: Cli) -> None:
    events = tree({"actors.yaml": ACTORS, "a.yaml": event_yaml("a")})
    assert cli("update", "a", "--note", "Seen.").exit_code == 0
    assert load_collection(events).event_index["a"].updates[-1].date == date.today()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["a"], "nothing to record: give --status, --note, or --source-url / --source-title"),
        (["a", "--on", "2014-09-20"], "nothing to record"),
        (["a", "--status", "done"], "'done' is not one of 'proposed', 'scheduled'"),
        (["a", "--source-url", "ftp://x.org/a"], "'ftp://x.org/a' is not an http or https"),
        (["a", "--source-url", "example.org"], "is not an http or https address"),
        (["a", "--note", "x", "--on", "2014-02-30"], "is not a calendar date"),
        (["a", "--note", "  "], "the text is empty"),
    ],
)
def test_usage_errors(tree: Tree, cli: Cli, args: list[str], message: str) -> None:
    events = tree({"actors.yaml": ACTORS, "a.yaml": event_yaml("a")})
    before = (events / "a.yaml").read_bytes()
    result = cli("update", *args)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.replace("│", " ").split())
    assert (events / "a.yaml").read_bytes() == before


def test_unknown_id_suggests_the_closest(cli: Cli, tmp_path: Path) -> None:
    copy_seed(tmp_path)
    result = cli("update", "dprk-human-rights-side-event", "--status", "occurred")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: no event has the id 'dprk-human-rights-side-event'; did you mean "
        "'dprk-human-rights-ministerial-side-event', 'unga-dprk-human-rights-resolution-2014', "
        "'hrw-sifton-statement-side-event'? "
        "(see 'timeline list')\n"
    )


def test_news_older_than_the_last_update_is_refused(cli: Cli, tmp_path: Path) -> None:
    copy_seed(tmp_path)
    result = cli("update", SIDE_EVENT, "--note", "x", "--on", "2014-09-01")
    assert result.exit_code == 1
    assert "before 'dprk-human-rights-ministerial-side-event''s last update (2014-09-13)" in (
        result.stderr
    )


def test_flow_style_event_is_refused_untouched(tree: Tree, cli: Cli) -> None:
    text = "{id: f, title: F, date: 2014, type: vote, status: proposed}\n"
    events = tree({"actors.yaml": ACTORS, "f.yaml": text})
    result = cli("update", "f", "--status", "occurred", "--on", "2014-12-01")
    assert result.exit_code == 1
    assert "written in flow style" in result.stderr
    assert (events / "f.yaml").read_text() == text


def test_broken_collection_is_refused(tree: Tree, cli: Cli) -> None:
    events = tree({"actors.yaml": ACTORS, "a.yaml": event_yaml("a"), "b.yaml": "id: [\n"})
    before = (events / "a.yaml").read_bytes()
    result = cli("update", "a", "--note", "x")
    assert result.exit_code == 1
    assert "b.yaml" in result.stderr
    assert (events / "a.yaml").read_bytes() == before


def test_a_file_changed_since_it_was_read_is_refused() -> None:
    data = event_yaml("a").encode()
    [event] = read_bytes(data, "a.yaml").events
    entry = Update(date=date(2014, 1, 1), note="x")
    tampered = data.replace(b"id: a", b"id: b")
    with pytest.raises(EditError, match="no longer where it was read"):
        update_file(tampered, "a.yaml", event, entry, None)


def test_a_splice_that_changes_more_is_never_written(
    tree: Tree, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The read-back check is the safety net under the splice: simulate a splice bug.
    events = tree({"actors.yaml": ACTORS, "notes.yaml": MIXED})
    real = edit.splice_update
    monkeypatch.setattr(
        edit, "splice_update", lambda *a: real(*a).replace("title: Second", "title: Oops")
    )
    result = cli("update", "first", "--note", "x", "--on", "2014-10-01")
    assert result.exit_code == 1
    assert "could not edit events/notes.yaml without changing more than the update" in (
        result.stderr
    )
    assert (events / "notes.yaml").read_text(encoding="utf-8") == MIXED


notes = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40).filter(str.strip)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(note=notes, title=notes, index=st.integers(0, 2))
def test_any_note_is_spliced_faithfully(note: str, title: str, index: int) -> None:
    data = MIXED.encode()
    before = read_bytes(data, "notes.yaml").events
    target = sorted(before, key=lambda e: (e.doc, e.index or 0))[index]
    entry = Update(date=date(2016, 1, 1), note=note, source=Source(title=title))
    after = read_bytes(update_file(data, "notes.yaml", target, entry, "postponed"), "x").events
    expected = [updated_event(e, entry, "postponed") if e.id == target.id else e for e in before]
    assert [e.model_dump() for e in after] == [e.model_dump() for e in expected]


def test_event_ending_in_an_empty_value_gets_updates_before_the_next(tree: Tree, cli: Cli) -> None:
    text = (
        "  - id: a\n    title: A\n    date: 2014\n    type: vote\n    status: proposed\n"
        "    summary:   # later\n"
        "  - id: b\n    title: B\n    date: 2014\n    type: vote\n    status: proposed\n"
    )
    events = tree({"actors.yaml": ACTORS, "list.yaml": text.encode()})  # not dedented
    assert cli("update", "a", "--note", "Tabled.", "--on", "2014-10-01").exit_code == 0
    assert (events / "list.yaml").read_text() == text.replace(
        "# later\n", "# later\n    updates:\n      - date: 2014-10-01\n        note: Tabled.\n"
    )


def test_crlf_empty_updates_keep_crlf(tree: Tree, cli: Cli) -> None:
    text = "id: a\r\ntitle: A\r\ndate: 2014\r\ntype: vote\r\nstatus: proposed\r\nupdates: []\r\n"
    events = tree({"actors.yaml": ACTORS, "a.yaml": text.encode()})
    assert cli("update", "a", "--note", "Tabled.", "--on", "2014-10-01").exit_code == 0
    assert (events / "a.yaml").read_bytes() == text.replace(
        "updates: []\r\n", "updates:\r\n  - date: 2014-10-01\r\n    note: Tabled.\r\n"
    ).encode()


def test_update_takes_as_of_like_every_command_that_depends_on_today(tmp_path: Path) -> None:
    import shutil

    from helpers import SEED
    from typer.testing import CliRunner

    from timeline.cli.app import app

    shutil.copytree(SEED, tmp_path / "events")
    runner = CliRunner()
    base = [
        "update",
        "dprk-human-rights-ministerial-side-event",
        "--events",
        str(tmp_path / "events"),
    ]
    bad = runner.invoke(app, [*base, "--note", "x", "--as-of", "2014-02-30"])
    assert bad.exit_code == 2
    good = runner.invoke(app, [*base, "--status", "occurred", "--as-of", "2014-09-24"])
    assert good.exit_code == 0, good.output
    assert (
        "date: 2014-09-24"
        in (tmp_path / "events/2014/dprk-human-rights-ministerial-side-event.yaml").read_text()
    )


def test_a_linked_event_file_stays_a_link(tree: Tree, cli: Cli, tmp_path: Path) -> None:
    # Records kept elsewhere and linked into the collection: the news goes into the
    # file the link names, and the link stays.
    elsewhere = tmp_path / "shared" / "win.yaml"
    elsewhere.parent.mkdir()
    elsewhere.write_text(event_yaml("win"), encoding="utf-8")
    events = tree({"actors.yaml": ACTORS})
    (events / "win.yaml").symlink_to(elsewhere)
    assert cli("update", "win", "--note", "Noted.", "--on", "2014-09-20").exit_code == 0
    assert (events / "win.yaml").is_symlink()
    assert "note: Noted." in elsewhere.read_text(encoding="utf-8")


# --- the file's own conventions: what validate reads, update edits, in the file's style ----


def _update(data: bytes, status: str | None = "occurred") -> bytes:
    event = read_bytes(data, "e.yaml").events[0]
    entry = Update(date=date(2014, 9, 20), note="Noted.")
    return update_file(data, "e.yaml", event, entry, status)


def test_a_tab_after_a_colon_is_edited_as_validate_reads_it() -> None:
    # PyYAML (what validate reads with) takes a tab after `key:`; the editor must too.
    data = b"id: a\ntitle:\tT\ndate: 2014\ntype: vote\nstatus: proposed\nsources: [{title: s}]\n"
    assert not read_bytes(data, "e.yaml").problems
    after = _update(data)
    assert after.startswith(b"id: a\ntitle:\tT\ndate: 2014\ntype: vote\nstatus: occurred\n")


@pytest.mark.parametrize(
    ("lines", "ending"),
    [
        (["id: a\r", "title: A\r", "date: 2014\r", "type: vote\r", "status: proposed\r"], "\r"),
        (["id: a\n", "title: A\r\n", "date: 2014\r\n", "type: vote\r\n", "status: proposed\r\n"],
         "\r\n"),
        (["id: a\r\n", "title: A\n", "date: 2014\n", "type: vote\n", "status: proposed\n"], "\n"),
    ],
    ids=["cr-only", "mostly-crlf", "mostly-lf"],
)  # fmt: skip
def test_new_lines_take_the_files_dominant_line_ending(lines: list[str], ending: str) -> None:
    data = "".join(lines).encode()
    after = _update(data).decode()
    assert after.startswith("".join(lines[:-1]) + lines[-1].replace("proposed", "occurred"))
    added = after[len("".join(lines)) :]
    assert added == ending.join(["updates:", "  - date: 2014-09-20", "    note: Noted.", ""])


@pytest.mark.parametrize("quote", ['"', "'"])
def test_a_quoted_status_keeps_its_quotes(quote: str) -> None:
    data = f"id: a\ntitle: A\ndate: 2014\ntype: vote\nstatus: {quote}proposed{quote}\n".encode()
    after = _update(data)
    assert f"status: {quote}occurred{quote}\n".encode() in after


def test_what_update_cannot_edit_is_named_at_its_place(tree: Tree, cli: Cli) -> None:
    text = "# two events\n- {id: f, title: F, date: 2014, type: vote, status: proposed}\n"
    events = tree({"actors.yaml": ACTORS, "f.yaml": text})
    result = cli("update", "f", "--status", "occurred", "--on", "2014-12-01")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: events/f.yaml:2:3: event 'f' is written in flow style")
    assert (events / "f.yaml").read_text() == text


_ENDINGS = st.sampled_from(["\n", "\r\n", "\r"])
_SHAPES = [
    ["id: a", "title: A", "date: 2014", "type: vote", "status: proposed"],
    ["id: a", "title: A", "date: 2014", "type: vote", "status: 'proposed'", "updates: []  # x"],
    ["id: a", "status: proposed", "updates:", "  - date: 2014-01-01", "title: A", "date: 2014",
     "type: vote", "summary:"],
    ["- id: a", "  title: A", "  date: 2014", "  type: vote", "  status: proposed",
     "- id: b", "  title: B", "  date: 2014", "  type: vote", "  status: proposed"],
]  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(shape=st.sampled_from(_SHAPES), endings=st.lists(_ENDINGS, min_size=10, max_size=10))
def test_any_mix_of_line_endings_is_edited_in_the_files_own(
    shape: list[str], endings: list[str]
) -> None:
    text = "".join(line + ending for line, ending in zip(shape, endings, strict=False))
    data = text.encode()
    before = read_bytes(data, "e.yaml").events
    after = _update(data).decode()  # read back and compared inside: raises if it differs
    ending = edit.line_ending(text)
    assert after.startswith(text[: text.index("status")])  # nothing above the status moves
    new_breaks = Counter(_line_breaks(after)) - Counter(_line_breaks(text))
    assert set(new_breaks) <= {ending}  # every line break kept; every new one the file's
    assert len(read_bytes(after.encode(), "e.yaml").events) == len(before)


def _line_breaks(text: str) -> list[str]:
    return [found.group() for found in edit.LINE_BREAK.finditer(text)]


def test_the_file_to_edit_is_read_as_a_regular_file_only(tmp_path: Path) -> None:
    # Swapped for a device between the collection's read and the edit's: refused, unread.
    link = tmp_path / "a.yaml"
    link.symlink_to("/dev/null")
    with pytest.raises(EditError, match="not a regular file"):
        edit.read_record_file(link, "events/a.yaml")
