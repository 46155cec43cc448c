"""Values at the edge of their range, generated: far dates through every command, hostile
URLs through the model and every export, and outputs aimed at the collection."""

from __future__ import annotations

import json
import shutil
import string
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from helpers import ACTORS, SEED, tree_snapshot
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar
from pydantic import ValidationError
from typer.testing import CliRunner, Result

from fuzz.budget import budget
from fuzz.figures import TALLY, expect_files, expect_no_traceback
from timeline.cli.app import app
from timeline.collection.collection import Collection
from timeline.core.model import Event
from timeline.core.urls import url_problem, web_url
from timeline.store.canonical import event_yaml
from timeline.views.export import FORMATS, export_events

runner = CliRunner()

# --- Far dates ------------------------------------------------------------------------------

_EDGE_YEARS = st.sampled_from([1, 2, 3, 1000, 1999, 2014, 9997, 9998, 9999])
_FIRST = date(1, 1, 1).toordinal()
_LAST = date.max.toordinal()


@st.composite
def edge_day(draw: st.DrawFn) -> date:
    """A day near either end of the calendar (or, now and then, anywhere)."""
    near = draw(st.sampled_from(["start", "end", "any"]))
    if near == "any":
        return date.fromordinal(draw(st.integers(_FIRST, _LAST)))
    offset = draw(st.integers(0, 800))
    return date.fromordinal(_FIRST + offset if near == "start" else _LAST - offset)


def _part(day: date, precision: str, qualifier: str) -> str:
    text = {"year": f"{day.year:04d}", "month": f"{day.year:04d}-{day.month:02d}"}.get(
        precision, day.isoformat()
    )
    return text + qualifier


@st.composite
def edge_date(draw: st.DrawFn) -> str:
    """A valid date expression with parts near the ends of the calendar."""
    precision = st.sampled_from(["year", "month", "day"])
    qualifier = st.sampled_from(["", "", "~", "?", "%"])
    first = draw(edge_day())
    text = _part(first, draw(precision), draw(qualifier))
    shape = draw(st.sampled_from(["one", "interval", "open"]))
    if shape == "open":
        return text + "/.."
    if shape == "interval":
        second = date.fromordinal(draw(st.integers(first.toordinal(), _LAST)))
        return f"{text}/{_part(second, draw(precision), draw(qualifier))}"
    return text


def _edge_period(day: date, kind: str) -> str:
    if kind == "year":
        return f"{day.year:04d}"
    if kind == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    if kind == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if kind == "week":
        year, week, _ = day.isocalendar()
        return f"{year:04d}-W{week:02d}"
    end = day + timedelta(days=min(3, (date.max - day).days))  # (day + 3 may pass 9999)
    return f"{day.isoformat()}/{end.isoformat()}"


@contextmanager
def _folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as root:
        yield Path(root)


def _run(root: Path, *args: str) -> Result:
    """The CLI run in `root` (its cache there too); a traceback fails the test."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.setenv("TIMELINE_CACHE_DIR", str(root / ".cache"))
        result = runner.invoke(app, list(args))
    expect_no_traceback(result.output, result.exception)
    return result


def _far_collection(root: Path, dates: list[str]) -> Path:
    events = root / "events"
    events.mkdir()
    (events / "actors.yaml").write_text(ACTORS, encoding="utf-8")
    for number, expression in enumerate(dates):
        record = Event.model_validate(
            {"id": f"e{number}", "title": f"Far {number}", "date": expression,
             "type": "meeting", "status": "scheduled", "sources": [{"title": "s"}]}
        )  # fmt: skip
        (events / f"e{number}.yaml").write_text(event_yaml(record), encoding="utf-8")
    return events


@budget(ci=12, long=300)
@given(
    dates=st.lists(edge_date(), min_size=1, max_size=4),
    as_of=edge_day(),
    period_day=edge_day(),
    kind=st.sampled_from(["year", "quarter", "month", "week", "range"]),
    every=st.sampled_from(["year", "quarter", "month", "week"]),
)
def test_far_dates_work_in_every_command(
    dates: list[str], as_of: date, period_day: date, kind: str, every: str
) -> None:
    """Every value that validates works in every command and export: no command ends in a
    traceback, a report on a period without a neighbour is a usage error, and a series
    either is written whole or leaves nothing."""
    TALLY.tried("edges: far dates", 1)
    with _folder() as root:
        _far_collection(root, dates)
        day = ("--as-of", as_of.isoformat())
        assert _run(root, "validate", *day).exit_code == 0
        for args in (
            ["list"], ["list", "--format", "json"], ["show", "e0"], ["render", "-o", "t.html"],
            *(["export", "--format", fmt] for fmt in FORMATS),
        ):  # fmt: skip
            result = _run(root, *args, *day)
            assert result.exit_code == 0, (args, result.output)
        ics = _run(root, "export", "--format", "ics", *day).stdout
        assert len(Calendar.from_ical(ics).walk("VEVENT")) == len(dates)
        period = _edge_period(period_day, kind)
        for fmt in ("md", "json"):
            result = _run(root, "report", period, "--format", fmt, "-o", "-", *day)
            assert result.exit_code in (0, 2), result.output
        before = tree_snapshot(root / "events")
        series = ("report", "--every", every, "--format", "json", "-o", "series")
        result = _run(root, *series, "--max-periods", "60", *day)
        assert result.exit_code in (0, 1, 2), result.output
        if result.exit_code:  # refused: the bound, or a period at the calendar's edge
            assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
            assert not (root / "series").exists()
        else:  # whole: the index and every report it lists
            index = json.loads((root / "series" / "index.json").read_text(encoding="utf-8"))
            assert all((root / "series" / entry["file"]).is_file() for entry in index["reports"])
        assert tree_snapshot(root / "events") == before


# --- Hostile URLs ---------------------------------------------------------------------------

_HOSTILE_CHARS = (
    "\r\n", "\n", "\r", "\x00", "\t", "\x1b", "\x7f", " ", "\u00a0", "\u2028", "\u2029",
    "\u202e", "\u2066", "\u200b", "\ufeff", "\x85", "\x0b", "\x0c",
)  # fmt: skip
_SCHEMES = ("http://", "https://", "HTTPS://", "javascript:", "ftp://", "", "http:/", "https:",
            "file://", "data:text/html,", "hTTp://")  # fmt: skip
_HOSTS = ("e.example", "", "[::1]", "[::1", "user@", "user:pw@e.example", "例え.jp",
          "e.example.", "127.0.0.1", ":80")  # fmt: skip
_PORTS = ("", ":", ":0", ":1", ":65535", ":65536", ":-1", ":http", ":٣", ":99999999")
_TAILS = st.lists(
    st.one_of(st.sampled_from(_HOSTILE_CHARS), st.text(string.printable, max_size=6)),
    max_size=3,
).map("".join)


@st.composite
def hostile_url(draw: st.DrawFn) -> str:
    """An address built from the parts that break parsers, headers and terminals."""
    return (
        draw(st.sampled_from(_SCHEMES)) + draw(st.sampled_from(_HOSTS))
        + draw(st.sampled_from(_PORTS)) + "/" + draw(_TAILS)
    )  # fmt: skip


def _acceptable(url: str) -> bool:
    """What a web address is, said a second way: the oracle for `url_problem`."""
    if any(c.isspace() or c == "\\" or unicodedata.category(c)[0] in "CZ" for c in url):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    return (
        parts.scheme.lower() in ("http", "https")
        and bool(parts.hostname)
        and (port is None or 0 < port < 65536)
    )


@budget(ci=150, long=3_000)
@given(url=st.one_of(hostile_url(), st.text(max_size=30)))
def test_hostile_urls_are_refused_or_exported_safely(url: str) -> None:
    TALLY.tried("edges: URLs")
    problem = url_problem(url)
    assert (problem is None) == _acceptable(url), (url, problem)
    record = {"id": "e", "title": "T", "date": "2014-09-13", "type": "meeting",
              "status": "occurred", "sources": [{"title": "s", "url": url}]}  # fmt: skip
    try:
        event = Event.model_validate(record)
    except ValidationError as error:
        assert problem is not None
        assert [detail["type"] for detail in error.errors()] == [problem[0]]
        assert problem[0].startswith("url-")
        assert web_url(url) is None
        return
    assert problem is None and web_url(url) == url
    collection = Collection(Path("events"), [event], [], [], 1)
    for fmt in FORMATS:
        text = export_events(fmt, [event], collection, as_of=date(2014, 9, 13))
        if fmt == "ics":
            (item,) = Calendar.from_ical(text).walk("VEVENT")
            assert str(item["URL"]) == url  # one property, not a header spliced in


# --- Outputs aimed at the collection --------------------------------------------------------

_INSIDE = (
    "events", "events/", "./events", "events/.", "events/2014", "events/2014/",
    "events/../events", "events/2014/../..//events/x", "in-link", "in-link/", "record-link",
    "{abs}/events", "{abs}/./events/2014/",
)  # fmt: skip
_NAMES = ("", "x.html", "unga-69-leaders-week.yaml", "actors.yaml", "new/deeper/x.md",
          "2014-09.md", "index.md", ".hidden")  # fmt: skip
_WRITERS = (
    ("render",), ("report", "2014-09"), ("report", "2014", "--every", "quarter"),
    ("export", "--format", "csv"), ("schema",),
)  # fmt: skip


@st.composite
def aimed_output(draw: st.DrawFn) -> str:
    base = draw(st.sampled_from(_INSIDE))
    name = draw(st.sampled_from(_NAMES))
    if base == "record-link":
        return base
    return f"{base.rstrip('/')}/{name}" if name else base


@budget(ci=40, long=800)
@given(target=aimed_output(), command=st.sampled_from(_WRITERS))
def test_outputs_aimed_at_the_collection_are_refused(target: str, command: tuple[str, ...]) -> None:
    TALLY.tried("edges: outputs")
    with _folder() as root:
        shutil.copytree(SEED, root / "events")
        (root / "in-link").symlink_to(root / "events")
        (root / "record-link").symlink_to(root / "events" / "2014" / "unga-69-leaders-week.yaml")
        before = tree_snapshot(root / "events")
        day = () if command[0] == "schema" else ("--as-of", "2014-09-13")
        result = _run(root, *command, "-o", target.replace("{abs}", str(root)), *day)
        assert result.exit_code == 2, (command, target, result.output)
        assert "inside the collection" in " ".join(result.stderr.replace("│", " ").split())
        after = tree_snapshot(root / "events")
        expect_files(after, [before], f"after -o {target!r}")  # type: ignore[arg-type,list-item]
        assert not (root / "reports").exists()
