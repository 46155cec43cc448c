"""Outputs of valid collections full of hostile text: produced, readable, never markup or code."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
import tempfile
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import SEED
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar
from typer.testing import CliRunner

from fuzz.budget import budget
from fuzz.figures import TALLY, assert_terminal_safe, expect_no_traceback
from fuzz.records import MARKER, events, one_line, write_collection
from timeline.cli.app import app
from timeline.collection.collection import Collection
from timeline.collection.pipeline import check_collection, load_collection
from timeline.core.model import Event
from timeline.core.problems import has_errors
from timeline.views.export import export_events

AS_OF = date(2014, 9, 13)
#: A spreadsheet runs a cell starting with one of these as a formula (OWASP).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The export escapes these and `'` itself, so that `timeline import` can undo the escape.
ESCAPED_STARTS = (*_FORMULA_STARTS, "'")
runner = CliRunner()
has_render = importlib.util.find_spec("timeline.cli.render") is not None
has_report = importlib.util.find_spec("timeline.cli.report") is not None


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of every script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        if self.lasttag == "script" and self.tags and self.tags[-1][0] == "script":
            self.scripts.append(data)


def elements(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser


def assert_no_user_markup(html: str, allowed_tags: set[str] | None = None) -> Elements:
    """No element, attribute, handler or script link in `html` came from user text."""
    parsed = elements(html)
    for tag, attrs in parsed.tags:
        assert MARKER not in attrs, (tag, attrs)
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "formaction", "xlink:href"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "vbscript:", "data:text/html")), attrs
        if allowed_tags is not None:
            assert tag in allowed_tags, tag
    for script in parsed.scripts:
        assert "<!--" not in script and "<script" not in script.lower()
    return parsed


def load(folder: Path) -> Collection:
    collection, problems = check_collection(folder, AS_OF)
    assert not has_errors(problems), [p.format() for p in problems if p.level == "error"]
    return collection


def check_exports(chosen: list[Event], collection: Collection, title: str) -> None:
    """Every export format: produced, read back by its own reader, user text kept as text."""
    events = collection.events
    titles = [e.title for e in events]
    records = json.loads(export_events("json", events, collection, as_of=AS_OF, title=title))
    assert [r["title"] for r in records] == titles
    lines = export_events("jsonl", events, collection, as_of=AS_OF, title=title)
    assert [json.loads(line)["title"] for line in lines.split("\n")[:-1]] == titles

    table = export_events("csv", events, collection, as_of=AS_OF, title=title)
    rows = list(csv.DictReader(io.StringIO(table, newline="")))
    defused = ["'" + t if t.startswith(ESCAPED_STARTS) else t for t in titles]
    assert [r["title"] for r in rows] == defused
    for row in rows:  # a spreadsheet never runs a cell as a formula
        assert not any(cell.startswith(_FORMULA_STARTS) for cell in row.values() if cell)

    ics = export_events("ics", events, collection, as_of=AS_OF, title=title)
    calendar = Calendar.from_ical(ics)
    summaries = [str(v["SUMMARY"]) for v in calendar.walk("VEVENT")]
    # icalendar's reader drops a value's leading BOM (an invisible copy-paste leftover).
    assert summaries == [t.removeprefix("\ufeff") for t in titles]

    slides = json.loads(export_events("timelinejs", events, collection, as_of=AS_OF, title=title))
    assert len(slides["events"]) == len(events)
    for slide in [slides["title"], *slides["events"]]:
        for fragment in slide["text"].values():
            assert_no_user_markup(
                fragment, {"p", "em", "strong", "ul", "ol", "li", "a", "br", "blockquote"}
            )


@budget(ci=60, long=1_500)
@given(chosen=events(), title=one_line)
def test_every_export_of_hostile_text_reads_back(chosen: list[Event], title: str) -> None:
    TALLY.tried("outputs: export")
    with tempfile.TemporaryDirectory() as root:
        collection = load(write_collection(Path(root), chosen))
        check_exports(chosen, collection, title)


@pytest.fixture(scope="module")
def seed_scripts() -> int:
    """How many scripts the page of the bundled collection has: user text adds none."""
    from timeline.views.render.figure import render_html

    collection = load_collection(SEED)
    page = render_html(collection.events, collection, as_of=AS_OF, group_by="type", title="x")
    return sum(tag == "script" for tag, _ in elements(page).tags)


@pytest.mark.skipif(not has_render, reason="timeline render is not in this tree yet")
@budget(ci=25, long=400)
@given(
    chosen=events(),
    title=st.one_of(st.none(), one_line),
    group_by=st.sampled_from(["type", "actor", "tag", "status"]),
)
def test_the_rendered_page_never_runs_user_text(
    seed_scripts: int, chosen: list[Event], title: str | None, group_by: str
) -> None:
    from timeline.views.render.figure import render_html

    TALLY.tried("outputs: render")
    with tempfile.TemporaryDirectory() as root:
        collection = load(write_collection(Path(root), chosen))
        page = render_html(
            collection.events, collection, as_of=AS_OF, group_by=group_by,  # type: ignore[arg-type]
            title=title,
        )  # fmt: skip
    parsed = assert_no_user_markup(page)
    assert sum(tag == "script" for tag, _ in parsed.tags) == seed_scripts


def _cli_commands(chosen: list[Event]) -> list[list[str]]:
    commands = [
        ["list"], ["show", chosen[0].id], ["validate"],
        ["export", "--format", "ics", "-o", "out/cal.ics"],
    ]  # fmt: skip
    if has_render:
        commands.append(["render", "-o", "out/t.html"])
    if has_report:
        commands += [
            ["report", "2014", "--format", fmt, "-o", f"out/report.{fmt}"]
            for fmt in ("md", "html", "json")
        ]
    return commands


_RAW_LT = re.compile(r"(?<!\\)<")
_MD_LINK = re.compile(r"(?<!\\)\]\(([^)]*)\)")


def check_written(folder: Path) -> None:
    """The files the commands wrote read back in their formats, with user text as text."""
    for written in folder.iterdir():
        text = written.read_text(encoding="utf-8")
        assert text
        if written.suffix == ".md":  # Markdown: no raw HTML, links only to the web
            assert not _RAW_LT.search(text), _RAW_LT.search(text)
            links = _MD_LINK.findall(text)
            assert all(t.lower().startswith(("http://", "https://")) for t in links), links
        elif written.suffix == ".html":
            assert_no_user_markup(text)
        elif written.suffix == ".json":
            json.loads(text)
        elif written.suffix == ".ics":
            Calendar.from_ical(text)


@budget(ci=15, long=200)
@given(chosen=events(max_size=3))
def test_commands_print_hostile_text_safely(chosen: list[Event]) -> None:
    TALLY.tried("outputs: whole CLI")
    with tempfile.TemporaryDirectory() as root, pytest.MonkeyPatch.context() as patch:
        write_collection(Path(root), chosen)
        patch.chdir(root)
        patch.setenv("TIMELINE_CACHE_DIR", str(Path(root) / ".cache"))
        for args in _cli_commands(chosen):
            result = runner.invoke(app, [*args, "--as-of", AS_OF.isoformat()])
            expect_no_traceback(result.output, result.exception)
            assert result.exit_code == 0, (args, result.output)
            assert_terminal_safe(result.output)
        check_written(Path(root, "out"))


def test_the_html_check_can_fail() -> None:
    """The checker is real: markup that came through unescaped is caught."""
    for unsafe in (
        f"<p>ok</p><img {MARKER} src=x>", "<a href=' javascript:alert(1)'>x</a>",
        "<b onclick=x>", "<script>var a = '<!--';</script>",
    ):  # fmt: skip
        with pytest.raises(AssertionError):
            assert_no_user_markup(unsafe)
    assert_no_user_markup("<p>&lt;script&gt; data-fuzz onerror=</p>")
