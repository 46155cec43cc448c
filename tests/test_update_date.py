"""`timeline update ID --date EXPR`: a new date in place, the change recorded in `updates`."""

from __future__ import annotations

import difflib
import shutil
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
from timeline.core.dates import parse_date
from timeline.store import redate
from timeline.store.edit import EditError
from timeline.store.redate import date_change_note, redate_file

Tree = Callable[[Mapping[str, str | bytes]], Path]
Cli = Callable[..., Result]

SIDE_EVENT = "dprk-human-rights-ministerial-side-event"
SIDE_EVENT_FILE = f"2014/{SIDE_EVENT}.yaml"

# Dates written in several styles, with comments that must stay.
STYLES = """\
# Dates in every style.
- id: plain
  title: Plain
  date: 2014-09   # month only
  type: meeting
  status: scheduled
- id: quoted
  title: Quoted
  date: '2014-09-22/2014-09-30'
  type: meeting
  status: scheduled
- id: window
  title: Window
  date: "[2014-09-08..2014-09-12]"  # earlier this week
  type: letter
  status: occurred
  updates:
    - date: 2014-09-13
      note: Reported.
"""


def diff(before: str, after: str) -> tuple[list[str], list[str]]:
    lines = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return ([line[2:] for line in lines if line.startswith("+ ")],
            [line[2:] for line in lines if line.startswith("- ")])  # fmt: skip


def test_later_this_month_becomes_the_day_and_the_report_shows_it(cli: Cli, tmp_path: Path) -> None:
    events = tmp_path / "events"
    shutil.copytree(SEED, events)
    others = {p: p.read_bytes() for p in events.rglob("*.yaml") if p.name != f"{SIDE_EVENT}.yaml"}
    path = events / SIDE_EVENT_FILE
    before = path.read_text(encoding="utf-8")
    result = cli(
        "update", SIDE_EVENT, "--date", "2014-09-23", "--status", "occurred",
        "--on", "2014-09-24", "--note", "Held at UN headquarters.",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == f"events/{SIDE_EVENT_FILE}\n"
    added, removed = diff(before, path.read_text(encoding="utf-8"))
    assert removed == ['date: "[2014-09-22..2014-09-30]"', "status: scheduled"]
    assert added == [
        "date: 2014-09-23",
        "status: occurred",
        "  - date: 2014-09-24",
        "    status: occurred",
        "    note: Date set to 23 Sep 2014 (was sometime 22–30 Sep 2014). Held at UN headquarters.",
    ]
    assert {p: p.read_bytes() for p in others} == others
    event = load_collection(events).event_index[SIDE_EVENT]
    assert event.date == parse_date("2014-09-23") and not event.date.is_window
    assert cli("validate", "--as-of", "2014-09-24").exit_code == 0
    report = cli("report", "2014-09", "--as-of", "2014-09-24", "--format", "md", "-o", "r.md")
    assert report.exit_code == 0, report.output
    changed = (tmp_path / "r.md").read_text(encoding="utf-8").split("## What changed")[1]
    assert "Date set to 23 Sep 2014 (was sometime 22–30 Sep 2014)" in changed


def test_a_date_alone_is_news_enough(tree: Tree, cli: Cli) -> None:
    events = tree({"actors.yaml": ACTORS, "a.yaml": event_yaml("a", date="2014-09")})
    result = cli("update", "a", "--date", "[2014-09-08..2014-09-12]", "--on", "2014-09-13")
    assert result.exit_code == 0, result.output
    text = (events / "a.yaml").read_text(encoding="utf-8")
    # a window is written in quotes: unquoted, YAML would read a list
    assert 'date: "[2014-09-08..2014-09-12]"\n' in text
    assert "note: Date set to sometime 8–12 Sep 2014 (was Sep 2014).\n" in text
    assert load_collection(events).event_index["a"].date.is_window


def test_comments_and_quotes_elsewhere_are_kept(tree: Tree, cli: Cli) -> None:
    events = tree({"actors.yaml": ACTORS, "styles.yaml": STYLES})
    path = events / "styles.yaml"
    for event_id, expression in (("plain", "2014-09-25"), ("quoted", "2014-09-22/2014-09-26"),
                                 ("window", "2014-09-10")):  # fmt: skip
        result = cli("update", event_id, "--date", expression, "--on", "2014-09-20")
        assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert "  date: 2014-09-25   # month only\n" in text
    assert "  date: '2014-09-22/2014-09-26'\n" in text  # its quotes kept
    assert "  date: 2014-09-10  # earlier this week\n" in text  # a window's quotes go
    assert text.startswith("# Dates in every style.\n")
    assert [e.date.text for e in load_collection(events).events] == [
        "2014-09-10", "2014-09-22/2014-09-26", "2014-09-25",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("2014-02-30", "'2014-02-30' is not a calendar date"),
        ("[2014-09-12..2014-09-08]", "ends before it starts; swap the two dates"),
        ("Sept 2014", "'Sept 2014' is not a date expression"),
        ("", "'' is not a date expression"),
    ],
)
def test_a_bad_date_is_a_usage_error(tree: Tree, cli: Cli, expression: str, message: str) -> None:
    events = tree({"actors.yaml": ACTORS, "a.yaml": event_yaml("a")})
    before = (events / "a.yaml").read_bytes()
    result = cli("update", "a", "--date", expression, "--on", "2014-09-20")
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.replace("│", " ").split())
    assert (events / "a.yaml").read_bytes() == before


def test_the_same_date_again_changes_nothing(tree: Tree, cli: Cli) -> None:
    events = tree({"actors.yaml": ACTORS, "a.yaml": event_yaml("a", date="2014-09")})
    before = (events / "a.yaml").read_bytes()
    result = cli("update", "a", "--date", "2014-09", "--on", "2014-09-20")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: the date of 'a' is already '2014-09'; give another date, or leave --date out\n"
    )
    assert (events / "a.yaml").read_bytes() == before


def test_crlf_and_bom_are_kept(tree: Tree, cli: Cli) -> None:
    text = "\ufeff" + event_yaml("win").replace("\n", "\r\n")
    events = tree({"actors.yaml": ACTORS, "win.yaml": text.encode("utf-8")})
    assert cli("update", "win", "--date", "2014-09-11", "--on", "2014-09-20").exit_code == 0
    data = (events / "win.yaml").read_bytes()
    assert (
        data
        == (
            text.replace("date: 2014-09-12", "date: 2014-09-11")
            + "updates:\r\n  - date: 2014-09-20\r\n"
            "    note: Date set to 11 Sep 2014 (was 12 Sep 2014).\r\n"
        ).encode()
    )


def test_a_date_written_as_a_block_is_refused_untouched(tree: Tree, cli: Cli) -> None:
    text = "id: a\ntitle: A\ndate: >-\n  2014\ntype: vote\nstatus: proposed\n"
    [event] = read_bytes(text.encode(), "a.yaml").events
    with pytest.raises(EditError, match="written as a block"):
        redate_file(text.encode(), "a.yaml", event, parse_date("2015"))
    events = tree({"actors.yaml": ACTORS, "a.yaml": text})
    result = cli("update", "a", "--date", "2015", "--on", "2014-10-01")
    assert result.exit_code == 1
    assert "error: the date of 'a' is written as a block (| or >)" in result.stderr
    assert (events / "a.yaml").read_text(encoding="utf-8") == text


def test_a_splice_that_changes_more_is_never_written(
    tree: Tree, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = tree({"actors.yaml": ACTORS, "styles.yaml": STYLES})
    real = redate.splice_date
    monkeypatch.setattr(
        redate, "splice_date", lambda *a: real(*a).replace("title: Quoted", "title: Oops")
    )
    result = cli("update", "plain", "--date", "2014-10", "--on", "2014-10-01")
    assert result.exit_code == 1
    assert "could not change the date in events/styles.yaml without changing more" in (
        result.stderr
    )
    assert (events / "styles.yaml").read_text(encoding="utf-8") == STYLES


def test_the_note_names_both_dates() -> None:
    assert date_change_note(parse_date("[2014-09-22..2014-09-30]"), parse_date("2014-09-23")) == (
        "Date set to 23 Sep 2014 (was sometime 22–30 Sep 2014)."
    )


expressions = st.sampled_from([
    "2014", "2014-09", "2014-09-13", "2014-09~", "2014?", "2014-09-13%", "2014-09-22/2014-09-30",
    "2013~/2014-02", "2014-09-22/..", "[2014-09-08..2014-09-12]", "[2014..2015]~",
    "[2014-09..2014-10]?",
])  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expression=expressions, index=st.integers(0, 2))
def test_any_date_is_spliced_faithfully(expression: str, index: int) -> None:
    data = STYLES.encode()
    before = read_bytes(data, "styles.yaml").events
    target = before[index]
    span = parse_date(expression)
    after = read_bytes(redate_file(data, "styles.yaml", target, span), "x").events
    expected = [e.model_copy(update={"date": span}) if e is target else e for e in before]
    assert [e.model_dump() for e in after] == [e.model_dump() for e in expected]
    assert after[index].date == span
    assert date(2000, 1, 1) < span.start
