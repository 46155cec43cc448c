"""Values at the edge of what the format allows: whole-string patterns, hostile URLs, and
the first and last days of the calendar, through every command and export."""

from __future__ import annotations

import ast
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import icalendar
import pytest
from helpers import ACTORS, ROOT, event_yaml, tree_snapshot
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import Result

from timeline.core import urls
from timeline.core.model import Actor, Event
from timeline.core.urls import url_problem, web_url

Tree = Callable[[Mapping[str, str | bytes]], Path]
Cli = Callable[..., Result]

BASE = {"id": "e1", "title": "T", "date": "2014-09-13", "type": "meeting", "status": "occurred"}


def codes(model: type[Event] | type[Actor], **fields: object) -> list[str]:
    try:
        model.model_validate(fields)
    except ValidationError as error:
        return [str(detail["type"]) for detail in error.errors()]
    return []


# --- 1. Every pattern is a whole-string match ------------------------------------------------


@pytest.mark.parametrize("tail", ["\n", "\r\n", " ", "\t", "\x00"])
def test_an_id_tag_or_reference_with_a_trailing_character_is_not_a_slug(tail: str) -> None:
    assert codes(Event, **{**BASE, "id": f"e1{tail}"}) == ["invalid-slug"]
    assert codes(Event, **{**BASE, "tags": [f"t{tail}"]}) == ["invalid-slug"]
    assert codes(Event, **{**BASE, "actors": [f"kerry{tail}"]}) == ["invalid-slug"]
    related = [{"event": f"e2{tail}", "relation": "follows"}]
    assert codes(Event, **{**BASE, "related": related}) == ["invalid-slug"]
    actor = {"id": "a", "name": "A", "kind": "person"}
    assert codes(Actor, **{**actor, "id": f"a{tail}"}) == ["invalid-slug"]
    assert codes(Actor, **{**actor, "affiliation": f"b{tail}"}) == ["invalid-slug"]
    assert codes(Actor, **{**actor, "wikidata": f"Q30{tail}"}) == ["invalid-value"]
    assert codes(Actor, **{**actor, "country": f"us{tail}"}) == ["invalid-country"]


def test_no_pattern_in_the_code_can_end_at_a_trailing_newline() -> None:
    """A `$` in a Python pattern also matches before a final newline: patterns end in `\\Z`
    or are used with `fullmatch`. (JSON Schema patterns are ECMA-262, where `$` ends the
    text; they live in `*_PATTERN` constants of views/schema.py and are never compiled.)"""
    found = []
    for path in sorted((ROOT / "timeline").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and node.args[0].value.endswith("$")
            ):
                found.append(f"{path.name}:{node.lineno}")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "match"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id.lstrip("_").isupper()
            ):
                # a compiled pattern's .match: allowed only for patterns meant as prefixes
                name = node.func.value.id
                source = path.read_text(encoding="utf-8")
                defined = re.search(rf"^{name} = re\.compile\((r?\".*\")\)", source, re.M)
                if defined and defined.group(1).endswith('$"'):
                    found.append(f"{path.name}:{node.lineno} {name}")
    assert found == []


def test_an_id_with_a_newline_is_refused_by_validate_and_add(
    tree: Tree, cli: Cli, tmp_path: Path
) -> None:
    tree({"actors.yaml": ACTORS, "2014/a.yaml": event_yaml("a").replace("id: a\n", 'id: "a\\n"\n')})
    result = cli("validate", "--as-of", "2014-09-13")
    assert result.exit_code == 1
    assert "[invalid-slug]" in result.stdout
    draft = tmp_path / "draft.yaml"
    draft.write_text(event_yaml("x").replace("id: x\n", 'id: "x\\n"\n'), encoding="utf-8")
    before = tree_snapshot(tmp_path / "events")
    result = cli("add", str(draft), "--as-of", "2014-09-13")
    assert result.exit_code == 1
    assert "[invalid-slug]" in result.stderr
    assert tree_snapshot(tmp_path / "events") == before


# --- 7. URLs, by a real parser ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://e.example/a\r\nX-INJ:2", "url-characters"),
        ("https://e.example/a\nb", "url-characters"),
        ("https://e.example/\x00", "url-characters"),
        ("https://e.example/a\tb", "url-characters"),
        ("https://e.example/\x1b[31m", "url-characters"),
        ("https://e.example/a b", "url-characters"),
        ("https://e.example/\u202egnp.exe", "url-characters"),
        ("https://e.example/\u2028", "url-characters"),
        # found by the long fuzz run: an ics reader took `\N` for an escaped line break
        ("http://e.example/\\N", "url-characters"),
        ("https://e.example/\x7f", "url-characters"),
        (" https://e.example/", "url-characters"),
        ("https://e.example/\n", "url-characters"),
        ("javascript:alert(1)", "url-scheme"),
        ("ftp://e.example/x", "url-scheme"),
        ("e.example/page", "url-scheme"),
        ("https://:80", "url-host"),
        ("https:///path", "url-host"),
        ("http:e.example", "url-host"),
        ("https://user@:8080/x", "url-host"),
        ("https://[::1/", "url-host"),
        ("https://e.example:99999/", "url-port"),
        ("https://e.example:0/", "url-port"),
        ("https://e.example:http/", "url-port"),
        ("https://e.example:-1/", "url-port"),
    ],
)
def test_hostile_urls_are_refused_with_their_code(url: str, code: str) -> None:
    problem = url_problem(url)
    assert problem is not None and problem[0] == code
    source = {"title": "s", "url": url}
    assert codes(Event, **{**BASE, "sources": [source]}) == [code]
    assert web_url(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "https://www.koreaherald.com/view.php?ud=20140913000222",
        "HTTP://E.EXAMPLE",
        "https://e.example:8443/a?b=c#d",
        "http://[2001:db8::1]/x",
        "https://user:pw@e.example/",
        "https://例え.jp/パス",
        "https://e.example/a%20b",
    ],
)
def test_web_addresses_pass(url: str) -> None:
    assert url_problem(url) is None
    assert web_url(url) == url
    assert codes(Event, **{**BASE, "sources": [{"url": url}]}) == []


def _bad_character_by_character(url: str) -> tuple[int, str] | None:
    """The rule `_bad_character` follows, one character at a time, with no fast path."""
    for position, char in enumerate(url):
        if char.isspace() or char == "\\" or unicodedata.category(char) in urls._FORBIDDEN:
            return position, char
    return None


@given(
    st.text(st.characters(codec="ascii"))
    | st.text()
    | st.builds("https://e.example/{}".format, st.text(st.characters(max_codepoint=0x3000)))
)
@example("https://e.example/\x7f")
@example("https://e.example/a b")
@example("https://e.example/\\N")
@example("https://e.example/\x1f")
def test_the_quick_path_for_url_characters_agrees_with_the_rule(url: str) -> None:
    assert urls._bad_character(url) == _bad_character_by_character(url)


def test_an_injected_header_never_reaches_an_export(tree: Tree, cli: Cli) -> None:
    url = '"https://e.example/a\\r\\nX-INJ: 2"'
    tree({"actors.yaml": ACTORS, "e.yaml": event_yaml("a", sources=f"\n  - url: {url}")})
    result = cli("validate", "--as-of", "2014-09-13")
    assert result.exit_code == 1 and "[url-characters]" in result.stdout
    for fmt in ("ics", "csv", "json", "timelinejs"):
        result = cli("export", "--format", fmt, "--as-of", "2014-09-13")
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert "X-INJ" not in result.stdout


# --- 8. The first and last days of the calendar ----------------------------------------------

FAR = {
    "actors.yaml": ACTORS,
    "2014/middle.yaml": event_yaml("middle", actors="[kerry]"),
    "0001/first-day.yaml": event_yaml("first-day", date="0001-01-01"),
    "0001/ongoing-since-1.yaml": event_yaml("ongoing-since-1", date="0001-01~/.."),
    "0001/whole-calendar.yaml": event_yaml("whole-calendar", date="0001/9999"),
    "9999/last-day.yaml": event_yaml("last-day", date="9999-12-31", status="scheduled"),
    "9999/last-month.yaml": event_yaml("last-month", date="9999-12~", status="proposed"),
    "9999/last-days.yaml": event_yaml("last-days", date="9999-12-27/9999-12-31"),
}


def _clean(result: Result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )


@pytest.mark.parametrize("as_of", ["2014-09-13", "0001-01-01", "9999-12-31"])
def test_every_command_takes_the_first_and_last_days(tree: Tree, cli: Cli, as_of: str) -> None:
    tree(FAR)
    for args in (
        ["validate"], ["list"], ["list", "--format", "json"], ["list", "--format", "csv"],
        ["show", "last-day"], ["show", "first-day"], ["render", "-o", "far.html"],
        *(["export", "--format", fmt] for fmt in ("json", "jsonl", "csv", "ics", "timelinejs")),
    ):  # fmt: skip
        result = cli(*args, "--as-of", as_of)
        _clean(result)
        assert result.exit_code == 0, (args, result.output)


def test_ics_ends_an_event_on_the_last_day_of_the_calendar(tree: Tree, cli: Cli) -> None:
    tree(FAR)
    result = cli("export", "--format", "ics", "--as-of", "2014-09-13")
    assert result.exit_code == 0, result.output
    calendar = icalendar.Calendar.from_ical(result.stdout)
    spans = {
        str(item["uid"]): (
            item.decoded("dtstart"),
            item.decoded("dtend") if "dtend" in item else None,
            item.decoded("duration") if "duration" in item else None,
        )
        for item in calendar.walk("VEVENT")
    }
    start, end, duration = spans["last-day@timeline"]
    assert (start.isoformat(), end, duration.days) == ("9999-12-31", None, 1)
    start, end, duration = spans["last-days@timeline"]
    assert (start.isoformat(), end, duration.days) == ("9999-12-27", None, 5)
    start, end, duration = spans["whole-calendar@timeline"]
    assert (start.isoformat(), end, duration.days) == ("0001-01-01", None, 3652059)
    start, end, duration = spans["middle@timeline"]
    assert (start.isoformat(), end.isoformat(), duration) == ("2014-09-12", "2014-09-13", None)


def test_timelinejs_and_json_carry_the_far_dates(tree: Tree, cli: Cli) -> None:
    tree(FAR)
    result = cli("export", "--format", "timelinejs", "--as-of", "2014-09-13")
    slides = {s["unique_id"]: s for s in json.loads(result.stdout)["events"]}
    assert slides["last-day"]["start_date"] == {"year": 9999, "month": 12, "day": 31}
    assert slides["first-day"]["start_date"] == {"year": 1, "month": 1, "day": 1}
    records = json.loads(cli("export", "--format", "json", "--as-of", "2014-09-13").stdout)
    assert {r["id"]: r["end"] for r in records}["whole-calendar"] == "9999-12-31"


@pytest.mark.parametrize(
    ("period", "message"),
    [
        *((period, "has no next period in years 0001–9999")
          for period in ["9999-W52", "9999-12", "9999-Q4", "9999", "9999-12-31/9999-12-31"]),
        *((period, "has no previous period")
          for period in ["0001-W01", "0001-01", "0001-Q1", "0001", "0001-01-01/0001-01-02"]),
    ],
)  # fmt: skip
def test_a_report_on_a_period_at_the_calendar_s_edge_is_one_clean_line(
    cli: Cli, tree: Tree, period: str, message: str
) -> None:
    tree(FAR)
    result = cli("report", period, "--as-of", "2014-09-13")
    _clean(result)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.replace("│", " ").split())
    assert not (tree({}).parent / "reports").exists()


@pytest.mark.parametrize(
    "period", ["9999-W51", "9999-11", "9999-Q3", "9998", "0001-W02", "0001-02"]
)
def test_reports_next_to_the_edge_are_written(cli: Cli, tree: Tree, period: str) -> None:
    tree(FAR)
    for fmt in ("md", "html", "json"):
        result = cli("report", period, "--as-of", "2014-09-13", "--format", fmt)
        _clean(result)
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize("every", ["week", "month", "quarter", "year"])
@pytest.mark.parametrize("edge", ["0001", "9999"])
def test_a_series_reaching_the_edge_of_the_calendar_is_refused_whole(
    cli: Cli, tree: Tree, every: str, edge: str
) -> None:
    events = tree({k: v for k, v in FAR.items() if k.startswith((edge, "2014", "actors"))})
    (events.parent / "reports").mkdir()
    (events.parent / "reports" / "keep.md").write_text("an earlier series")
    before = tree_snapshot(events.parent / "reports")
    result = cli("report", "--every", every, "--as-of", "2014-09-13", "--max-periods", "10000000")
    _clean(result)
    assert result.exit_code == 1, result.output
    neighbour = "next" if edge == "9999" else "previous"
    assert result.stderr.count("\n") == 1 and f"has no {neighbour} period" in result.stderr
    assert tree_snapshot(events.parent / "reports") == before


@pytest.mark.parametrize("expression", ["0001", "0999", "0001~/..", "0001-01-01", "9999-12-31"])
def test_add_files_far_years_so_that_they_read_back(
    tree: Tree, cli: Cli, tmp_path: Path, expression: str
) -> None:
    """A year before 1000 written as a number would read back as `1`: it stays text."""
    tree({"actors.yaml": ACTORS})
    draft = tmp_path / "draft.yaml"
    draft.write_text(event_yaml("far", date=json.dumps(expression)), encoding="utf-8")
    result = cli("add", str(draft), "--as-of", "2014-09-13")
    assert result.exit_code == 0, result.output
    assert cli("validate", "--as-of", "2014-09-13").exit_code == 0
    shown = json.loads(cli("list", "--format", "json", "--as-of", "2014-09-13").stdout)
    assert [record["date"] for record in shown] == [expression]


@pytest.mark.browser
@pytest.mark.parametrize("as_of", ["9999-12-31", "2014-09-13", "0001-01-01"])
def test_the_page_draws_the_whole_calendar(tree: Tree, cli: Cli, browser: Any, as_of: str) -> None:
    """plotly.js shows the year 2000 instead of a date axis that reaches 31 Dec 9999: the
    ranges of the page and of its zoom buttons stay where it draws."""
    events = tree(FAR)
    assert cli("render", "--as-of", as_of, "-o", "far.html").exit_code == 0
    page = browser.new_page()
    page.goto((events.parent / "far.html").as_uri())
    page.wait_for_selector("#timeline[data-ready]", timeout=30000)
    shown = page.evaluate("document.getElementById('timeline')._fullLayout.xaxis.range")
    assert shown[0].startswith("0001-") and shown[1].startswith("9999-12-30")
    buttons = page.evaluate("document.getElementById('timeline').layout.updatemenus[0].buttons")
    for button in buttons:
        shown = page.evaluate(
            "args => Plotly.relayout('timeline', args).then(() => "
            "document.getElementById('timeline')._fullLayout.xaxis.range)",
            button["args"][0],
        )
        assert not shown[0].startswith("2000-01-01"), (button["label"], shown)
    page.close()


def test_a_file_name_with_a_newline_cannot_fake_a_problem_line(tree: Tree, cli: Cli) -> None:
    tree({"actors.yaml": ACTORS, "a\nfake.yaml": event_yaml("a", date="2014-02-30")})
    result = cli("validate", "--as-of", "2014-09-13")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("events/a\\nfake.yaml:3:7: error: date:")
    assert len(lines) == 2 and lines[1].startswith("1 event in 2 files")
