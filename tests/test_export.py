"""Exports read back by their real readers: json, csv, icalendar, and TimelineJS's documented
JSON format; plus the CLI and the pre-commit hook."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import icalendar
import pytest
import yaml
from helpers import ROOT, SEED, event_yaml
from typer.testing import Result

from timeline.collection.collection import Collection
from timeline.collection.pipeline import load_collection
from timeline.core.model import Actor, Event, Source
from timeline.views.export import (
    CSV_COLUMNS,
    FORMATS,
    export_csv,
    export_events,
    export_ics,
    export_json,
    export_jsonl,
    export_timelinejs,
)

AS_OF = date(2014, 9, 13)
LONG = "A sentence that goes on, and on; and on. " * 6


def make_event(id: str, **fields: Any) -> Event:
    record: dict[str, Any] = {
        "id": id, "title": f"Event {id}", "date": "2014-09-22", "type": "meeting",
        "status": "scheduled",
    }  # fmt: skip
    record.update(fields)
    return Event.model_validate(record).place(f"events/{id}.yaml", 1, 1)


ACTORS = [
    Actor.model_validate({"id": "kerry", "name": "John Kerry", "kind": "person",
                          "title": "Secretary of State"}),
    Actor.model_validate({"id": "yun", "name": "Yun Byung-se", "kind": "person"}),
]  # fmt: skip

TRICKY = make_event(
    "tricky",
    title='Talks, "round 2"; <b>bold</b> & more',
    date="2014-09-22/2014-09-26",
    actors=["kerry", {"actor": "yun", "role": "organizer"}],
    location={"name": "New York, NY", "country": "US"},
    summary=f"First; paragraph, with <script>alert(1)</script>\nand a line.\n\n{LONG}\n\n"
    "- one item\n  continued\n- two\n",
    sources=[
        {"title": "Untitled note"},
        {"title": "Yonhap <story>", "publisher": "Yonhap", "url": "https://example.org/a?b=1&c=2",
         "published": "2014-09-10"},
    ],
    tags=["human-rights", "unga-69"],
    updates=[{"date": "2014-09-12", "status": "scheduled", "note": "set"}],
)  # fmt: skip


def collection_of(*events: Event) -> Collection:
    return Collection(Path("events"), list(events), list(ACTORS), [], len(events))


# --- json, jsonl --------------------------------------------------------------------------


def test_json_is_the_normalized_records() -> None:
    events = [TRICKY, make_event("plain")]
    text = export_json(events, collection_of(*events))
    assert json.loads(text) == [e.normalized() for e in events]
    assert json.loads(text)[0]["label"] == "22–26 Sep 2014"


def test_jsonl_is_one_record_per_line() -> None:
    events = [TRICKY, make_event("plain")]
    lines = export_jsonl(events, collection_of(*events)).splitlines()
    assert [json.loads(line) for line in lines] == [e.normalized() for e in events]
    assert export_jsonl([], collection_of()) == ""


# --- csv ----------------------------------------------------------------------------------


def read_csv(text: str) -> list[dict[str, str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    assert tuple(header) == CSV_COLUMNS
    return [dict(zip(header, row, strict=True)) for row in reader]


def test_csv_round_trips_through_the_csv_module() -> None:
    open_ended = make_event("open", date="2014-09~/..", location='Line one\nline two, "x"')
    rows = read_csv(export_csv([TRICKY, open_ended], collection_of(TRICKY, open_ended)))
    assert rows[0] == {
        "id": "tricky", "title": 'Talks, "round 2"; <b>bold</b> & more',
        "date": "2014-09-22/2014-09-26", "start": "2014-09-22", "end": "2014-09-26",
        "precision": "day",
        "label": "22–26 Sep 2014", "window": "false", "type": "meeting", "status": "scheduled",
        "actors": "kerry;yun", "location": "New York, NY", "country": "US",
        "summary": TRICKY.summary or "", "tags": "human-rights;unga-69", "source_urls": "https://example.org/a?b=1&c=2",
        "path": "events/tricky.yaml",
    }  # fmt: skip
    assert rows[1]["location"] == 'Line one\nline two, "x"'
    assert rows[1]["end"] == "" and rows[1]["label"] == "c. Sep 2014 – ongoing"


def test_csv_says_which_dates_are_windows() -> None:
    window = make_event("w", date="[2014-09-22..2014-09-30]")
    [row] = read_csv(export_csv([window], collection_of(window)))
    assert (row["date"], row["start"], row["end"], row["window"]) == (
        "[2014-09-22..2014-09-30]",
        "2014-09-22",
        "2014-09-30",
        "true",
    )


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "'"])
def test_csv_defuses_formulas(start: str) -> None:
    # A title is one line, so it cannot hold a CR; a location's name can.
    title = f'{start}HYPERLINK("http://evil")' if start != "\r" else "Plain"
    event = make_event("f", title=title, location=f"{start}1+1")
    [row] = read_csv(export_csv([event], collection_of(event)))
    assert row["title"] == (f"'{title}" if start != "\r" else "Plain")
    assert row["location"] == f"'{start}1+1"


def test_csv_leaves_ordinary_cells_alone() -> None:
    event = make_event("plain", title="Talks 2014 - round 2", location="Geneva")
    [row] = read_csv(export_csv([event], collection_of(event)))
    assert row["title"] == "Talks 2014 - round 2" and row["location"] == "Geneva"


# --- ics ----------------------------------------------------------------------------------


def read_ics(text: str) -> tuple[icalendar.Calendar, list[icalendar.Event]]:
    calendar = icalendar.Calendar.from_ical(text)
    return calendar, [c for c in calendar.walk("VEVENT") if isinstance(c, icalendar.Event)]


def test_ics_calendar_and_event_properties() -> None:
    text = export_ics([TRICKY], collection_of(TRICKY), AS_OF)
    calendar, [item] = read_ics(text)
    assert str(calendar["VERSION"]) == "2.0" and "timeline" in str(calendar["PRODID"])
    assert str(item["UID"]) == "tricky@timeline"
    assert item.start == date(2014, 9, 22)
    assert item.end == date(2014, 9, 27)  # exclusive: the day after the last
    assert "DTSTART;VALUE=DATE:20140922" in text
    assert str(item["SUMMARY"]) == TRICKY.title
    assert str(item["STATUS"]) == "CONFIRMED"
    assert str(item["URL"]) == "https://example.org/a?b=1&c=2"  # the first with a url
    assert item.categories == ["meeting", "human-rights", "unga-69"]
    assert str(item["LOCATION"]) == "New York, NY, United States"
    assert item.sequence == 1
    description = str(item["DESCRIPTION"])
    assert description.startswith("22–26 Sep 2014 (scheduled, meeting)\n")
    assert "- John Kerry (Secretary of State), participant\n" in description
    assert "- Yun Byung-se, organizer" in description
    assert TRICKY.summary and TRICKY.summary.strip() in description
    assert "- Yonhap <story> — Yonhap, 10 Sep 2014 <https://example.org/a?b=1&c=2>" in description


def test_ics_folds_long_lines_and_escapes_text() -> None:
    text = export_ics([TRICKY], collection_of(TRICKY), AS_OF)
    lines = text.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # folded continuation lines
    assert 'SUMMARY:Talks\\, "round 2"\\; <b>bold</b> & more' in text
    assert "\\n" in text and "\n\n" not in text.replace("\r\n", "")


@pytest.mark.parametrize(
    ("status", "expected"),
    [("proposed", "TENTATIVE"), ("scheduled", "CONFIRMED"), ("occurred", "CONFIRMED"),
     ("postponed", "TENTATIVE"), ("cancelled", "CANCELLED")],
)  # fmt: skip
def test_ics_status(status: str, expected: str) -> None:
    event = make_event("s", status=status)
    _, [item] = read_ics(export_ics([event], collection_of(event), AS_OF))
    assert str(item["STATUS"]) == expected


@pytest.mark.parametrize(
    ("expression", "start", "end"),
    [("2014-09-22/..", date(2014, 9, 22), date(2014, 9, 23)),
     ("2014-12~", date(2014, 12, 1), date(2015, 1, 1)),
     ("2014", date(2014, 1, 1), date(2015, 1, 1)),
     ("2014-09-22", date(2014, 9, 22), date(2014, 9, 23))],
)  # fmt: skip
def test_ics_all_day_spans(expression: str, start: date, end: date) -> None:
    event = make_event("d", date=expression)
    _, [item] = read_ics(export_ics([event], collection_of(event), AS_OF))
    assert (item.start, item.end) == (start, end)


@pytest.mark.parametrize(
    ("status", "expected"),
    [("proposed", "TENTATIVE"), ("scheduled", "TENTATIVE"), ("occurred", "CONFIRMED"),
     ("postponed", "TENTATIVE"), ("cancelled", "CANCELLED")],
)  # fmt: skip
def test_ics_window_is_a_free_all_day_event_over_it_saying_the_day_is_not_fixed(
    status: str, expected: str
) -> None:
    event = make_event("w", date="[2014-09-22..2014-09-30]", status=status)
    _, [item] = read_ics(export_ics([event], collection_of(event), AS_OF))
    assert (item.start, item.end) == (date(2014, 9, 22), date(2014, 10, 1))
    # a planned window is tentative even when scheduled: the day is not fixed
    assert str(item["STATUS"]) == expected
    assert str(item["TRANSP"]) == "TRANSPARENT"  # not busy on every day of the window
    description = str(item["DESCRIPTION"])
    assert description.startswith(f"sometime 22–30 Sep 2014 ({status}, meeting)\n")
    assert (
        "The day is not fixed: the event falls on one day (or a few) between 22 Sep "
        "2014 and 30 Sep 2014, not on every day." in description.replace("\n", " ")
    )


def test_ics_a_duration_has_no_window_note() -> None:
    event = make_event("d", date="2014-09-22/2014-09-30", status="scheduled")
    _, [item] = read_ics(export_ics([event], collection_of(event), AS_OF))
    assert str(item["STATUS"]) == "CONFIRMED"
    assert "TRANSP" not in item
    assert "not fixed" not in str(item["DESCRIPTION"])


def test_ics_dtstamp_comes_from_the_record_never_the_clock() -> None:
    bare = make_event("bare")
    _, items = read_ics(export_ics([TRICKY, bare], collection_of(TRICKY, bare), AS_OF))
    stamps = [item.DTSTAMP for item in items]
    assert [s.date() for s in stamps] == [date(2014, 9, 12), AS_OF]  # newest update; as-of
    assert all(s.utcoffset() is not None and not s.utcoffset() for s in stamps)
    assert export_ics([TRICKY], collection_of(TRICKY), date(2030, 1, 1)) == export_ics(
        [TRICKY], collection_of(TRICKY), AS_OF
    )


def test_ics_title_is_escaped() -> None:
    text = export_ics([], collection_of(), AS_OF, title="DPRK; rights, 2014\nnotes")
    assert read_ics(text)[1] == []
    assert "NAME:DPRK\\; rights\\, 2014\\nnotes" in text


# --- timelinejs ---------------------------------------------------------------------------

# The fields of the TimelineJS JSON format, as documented at
# https://timeline.knightlab.com/docs/json-format.html
TJS_TOP = {"events", "title", "eras", "scale"}
TJS_SLIDE = {"start_date", "end_date", "text", "media", "group", "display_date", "background",
             "autolink", "unique_id"}  # fmt: skip
TJS_DATE = {"year", "month", "day", "hour", "minute", "second", "millisecond", "display_date",
            "format"}  # fmt: skip
TJS_TEXT = {"headline", "text"}


def check_date(value: Any) -> None:
    assert isinstance(value, dict) and set(value) <= TJS_DATE
    assert isinstance(value["year"], int)  # "A number"
    if "month" in value:
        assert isinstance(value["month"], int) and 1 <= value["month"] <= 12
    if "day" in value:
        assert "month" in value and isinstance(value["day"], int) and 1 <= value["day"] <= 31


def check_timelinejs(document: Any) -> None:
    """The structure the TimelineJS documentation asks for, field by field."""
    assert isinstance(document, dict) and set(document) <= TJS_TOP
    assert isinstance(document["events"], list)
    title = document["title"]
    assert set(title) <= TJS_SLIDE and set(title["text"]) <= TJS_TEXT
    ids = []
    for slide in document["events"]:
        assert set(slide) <= TJS_SLIDE
        check_date(slide["start_date"])  # required, except for title slides
        if "end_date" in slide:
            check_date(slide["end_date"])
        assert set(slide["text"]) <= TJS_TEXT
        assert all(isinstance(v, str) for v in slide["text"].values())
        assert isinstance(slide["display_date"], str) and isinstance(slide["group"], str)
        assert isinstance(slide["autolink"], bool)
        ids.append(slide["unique_id"])
    assert all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids)


def test_timelinejs_structure_for_the_seed() -> None:
    collection = load_collection(SEED)
    document = json.loads(export_timelinejs(collection.events, collection, "Seed"))
    check_timelinejs(document)
    assert len(document["events"]) == len(collection.events)
    assert document["title"]["text"]["headline"] == "Seed"
    first, last = collection.events[0].date.label, collection.events[-1].date.label
    assert (
        document["title"]["text"]["text"] == f"{len(collection.events)} events, {first} to {last}"
    )
    one = collection.events[:1]
    single = json.loads(export_timelinejs(one, collection))["title"]["text"]["text"]
    assert single == f"1 event, {first}"


@pytest.mark.parametrize(
    ("expression", "start", "end"),
    [("2014", {"year": 2014}, None),
     ("2014-12~", {"year": 2014, "month": 12}, None),
     ("2014-09-22", {"year": 2014, "month": 9, "day": 22}, None),
     ("2014-09-22/..", {"year": 2014, "month": 9, "day": 22}, None),
     ("2013~/2014-02", {"year": 2013}, {"year": 2014, "month": 2}),
     ("2014-09-08/2014-09-12", {"year": 2014, "month": 9, "day": 8},
      {"year": 2014, "month": 9, "day": 12}),
     # a window: its bounds (TimelineJS has no window), its label as the display date
     ("[2014-09-08..2014-09-12]", {"year": 2014, "month": 9, "day": 8},
      {"year": 2014, "month": 9, "day": 12}),
     ("[2014-09..2014-10]~", {"year": 2014, "month": 9}, {"year": 2014, "month": 10}),
     ("[2014..2015-03-02]", {"year": 2014}, {"year": 2015, "month": 3, "day": 2})],
)  # fmt: skip
def test_timelinejs_dates_at_the_events_precision(
    expression: str, start: dict[str, int], end: dict[str, int] | None
) -> None:
    event = make_event("d", date=expression)
    [slide] = json.loads(export_timelinejs([event], collection_of(event)))["events"]
    assert slide["start_date"] == start
    assert slide.get("end_date") == end
    assert slide["display_date"] == event.date.label


def test_timelinejs_text_is_escaped_html_with_web_links_only() -> None:
    hostile = make_event(
        "hostile",
        sources=[Source.model_construct(title="<img src=x onerror=alert(1)>",
                                        url="javascript:alert(1)")],
    )  # fmt: skip
    document = json.loads(export_timelinejs([TRICKY, hostile], collection_of(TRICKY, hostile)))
    check_timelinejs(document)
    tricky, evil = document["events"]
    assert tricky["text"]["headline"] == ('Talks, "round 2"; &lt;b&gt;bold&lt;/b&gt; &amp; more')
    body = tricky["text"]["text"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script" not in body
    assert "<ul><li>one item continued</li><li>two</li></ul>" in body
    assert '<a href="https://example.org/a?b=1&amp;c=2" target="_blank" rel="noopener">' in body
    assert "Yonhap &lt;story&gt;</a>" in body
    assert "John Kerry (Secretary of State) (participant)" in body
    assert tricky["group"] == "meeting" and tricky["unique_id"] == "tricky"
    evil_body = evil["text"]["text"]
    assert "javascript:" not in evil_body and "<img" not in evil_body
    assert "&lt;img src=x onerror=alert(1)&gt;" in evil_body


def test_timelinejs_link_addresses_cannot_leave_the_attribute() -> None:
    event = make_event("q", sources=[{"title": "t", "url": 'https://x.org/"><script>a()'}])
    [slide] = json.loads(export_timelinejs([event], collection_of(event)))["events"]
    body = slide["text"]["text"]
    assert '<a href="https://x.org/&quot;&gt;&lt;script&gt;a()" target="_blank"' in body
    assert "<script" not in body


def test_export_events_dispatches_every_format() -> None:
    collection = collection_of(TRICKY)
    for fmt in FORMATS:
        text = export_events(fmt, [TRICKY], collection, as_of=AS_OF)
        assert text == export_events(fmt, [TRICKY], collection, as_of=AS_OF)  # deterministic
        assert "tricky" in text
    with pytest.raises(ValueError, match="use one of json, jsonl, csv, ics, timelinejs"):
        export_events("xml", [TRICKY], collection, as_of=AS_OF)


# --- command line -------------------------------------------------------------------------


@pytest.fixture
def seed_cli(cli: Any, tmp_path: Path) -> Any:
    def run(*args: str) -> Result:
        result: Result = cli("export", "--events", SEED, "--as-of", "2014-09-13", *args)
        return result

    return run


def test_cli_every_format_reads_back(seed_cli: Any) -> None:
    count = len(load_collection(SEED).events)
    assert len(json.loads(seed_cli("--format", "json").stdout)) == count
    assert len(seed_cli("--format", "jsonl").stdout.splitlines()) == count
    assert len(read_csv(seed_cli("--format", "csv").stdout)) == count
    assert len(read_ics(seed_cli("--format", "ics").stdout)[1]) == count
    check_timelinejs(json.loads(seed_cli("--format", "timelinejs").stdout))


def test_cli_filters_and_writes_a_file(seed_cli: Any, tmp_path: Path) -> None:
    wanted = [e.id for e in load_collection(SEED).events if e.type in ("letter", "report")]
    assert len(wanted) >= 2
    result = seed_cli(
        "--format", "ics", "--type", "letter", "--type", "report", "-o", "out/some.ics"
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote out/some.ics ({len(wanted)} events)"
    _, items = read_ics((tmp_path / "out" / "some.ics").read_text("utf-8"))
    assert [str(i["UID"]) for i in items] == [f"{id}@timeline" for id in wanted]


def test_cli_output_is_reproducible(seed_cli: Any) -> None:
    for fmt in FORMATS:
        assert seed_cli("--format", fmt).stdout == seed_cli("--format", fmt).stdout


def test_cli_unknown_format_is_a_usage_error(seed_cli: Any) -> None:
    result = seed_cli("--format", "xml")
    assert result.exit_code == 2
    assert all(name in result.output for name in FORMATS)


def test_cli_exports_what_it_can_and_fails_on_errors(cli: Any, tree: Any) -> None:
    # render, report and add refuse (README, Design choices); export shows the valid records, names
    # the errors on standard error and exits 1 because the data has errors
    tree({"a.yaml": event_yaml("a", type="meating"), "b.yaml": event_yaml("b")})
    result: Result = cli("export", "--format", "json", "--as-of", "2014-09-13")
    assert result.exit_code == 1
    assert "a.yaml:4:7: error:" in result.stderr
    assert [record["id"] for record in json.loads(result.stdout)] == ["b"]


def test_cli_unwritable_output(seed_cli: Any, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    result = seed_cli("--format", "csv", "-o", "file/out.csv")
    assert result.exit_code == 1 and "nothing was written" in result.stderr


def test_list_csv_is_the_export_csv(cli: Any) -> None:
    listed: Result = cli("list", "--events", SEED, "--as-of", "2014-09-13", "--format", "csv")
    exported: Result = cli("export", "--events", SEED, "--as-of", "2014-09-13", "--format", "csv")
    assert listed.exit_code == 0 and listed.stdout == exported.stdout


# --- pre-commit hook ----------------------------------------------------------------------


def test_pre_commit_hook_definition() -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["id"] == "timeline-validate"
    assert hook["entry"] == "timeline validate" and hook["language"] == "python"
    assert hook["pass_filenames"] is True
    files = re.compile(hook["files"])
    assert files.search("events/2014/talks.yaml") and files.search("events/actors.yml")
    # Not the repository's other YAML files: they are not records.
    assert not files.search(".pre-commit-config.yaml")
    assert not files.search(".github/workflows/ci.yml")


def test_pre_commit_runs_validate_on_the_staged_files(cli: Any, tree: Any) -> None:
    """What pre-commit runs: the entry with the staged files that match `files`."""
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    tree({"2014/good.yaml": event_yaml("good"), "2014/bad.yaml": event_yaml("bad", status="x")})
    staged = ["events/2014/good.yaml", "events/2014/bad.yaml", ".pre-commit-config.yaml"]
    files = [p for p in staged if re.search(hook["files"], p)]
    command = hook["entry"].split()[1:]
    good: Result = cli(*command, "--as-of", "2014-09-13", files[0])
    assert good.exit_code == 0, good.output
    both: Result = cli(*command, "--as-of", "2014-09-13", *files)
    assert both.exit_code == 1
    assert "events/2014/bad.yaml:5:9: error:" in both.stdout


def test_timelinejs_summary_keeps_paragraphs_and_lists_in_order() -> None:
    event = make_event("md", summary="Intro\nline\n- a\n  more\n- b\nOutro <x>\n\nLast")
    [slide] = json.loads(export_timelinejs([event], collection_of(event)))["events"]
    assert slide["text"]["text"].endswith(
        "<p>Intro line</p><ul><li>a more</li><li>b</li></ul><p>Outro &lt;x&gt;</p><p>Last</p>"
    )


def test_cli_escapes_control_characters_only_on_a_terminal(tree: Any, tmp_path: Path) -> None:
    tree({"a.yaml": event_yaml("a", title='"Talks \\u202eevil"')})
    command = [sys.executable, "-m", "timeline", "export", "--format", "csv"]
    piped = subprocess.run(command, cwd=tmp_path, capture_output=True, check=True)
    assert "Talks \u202eevil".encode() in piped.stdout and b"\r\n" in piped.stdout
    main, child = pty.openpty()
    subprocess.run(command, cwd=tmp_path, stdout=child, check=True)
    os.close(child)
    shown = b""
    while chunk := _read(main):
        shown += chunk
    os.close(main)
    assert b"Talks \\u202eevil" in shown and "\u202e".encode() not in shown
    assert b"\\r" not in shown


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # the terminal closed: all was read
        return b""
