"""`timeline report`: the content as data, its three renderings, hostile text, the CLI and
the committed sample reports (golden files)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers import ACTORS, ROOT, SEED, build_tree, event_yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from typer.testing import Result

from timeline.collection.checks import run_checks
from timeline.collection.collection import Collection
from timeline.collection.pipeline import load_collection
from timeline.collection.query import Filters
from timeline.core.periods import parse_period
from timeline.views.direction import balance_direction
from timeline.views.report.build import build_report
from timeline.views.report.model import Report
from timeline.views.report.render import md_text, render_report

AS_OF = date(2014, 9, 13)
SIDE_EVENT = "dprk-human-rights-ministerial-side-event"
RESOLUTION = "unga-dprk-human-rights-resolution-2014"
#: The committed samples: (period, format) -> reports/<period>.<format>
SAMPLES = [(period, fmt) for period in ("2014-09", "2014-Q3") for fmt in ("md", "html", "json")]


def seed() -> Collection:
    return load_collection(SEED)


def report_on(
    collection: Collection, period: str, as_of: date = AS_OF, filters: Filters | None = None
) -> Report:
    problems = run_checks(collection.outline, as_of)
    return build_report(
        collection, parse_period(period), as_of=as_of, filters=filters, problems=problems
    )


def collection_of(tmp_path: Path, files: Mapping[str, str]) -> Collection:
    return load_collection(build_tree(tmp_path / "events", {"actors.yaml": ACTORS, **files}))


def ids(items: Any) -> list[str]:
    return [item.id for item in items]


# --- Content -------------------------------------------------------------------------------


def test_seed_september_reads_as_a_briefing() -> None:
    report = report_on(seed(), "2014-09")
    assert ids(report.happened) == [
        "us-interest-cosponsoring-dprk-resolution",
        "japan-eu-draft-dprk-resolution",
        "us-south-korea-un-side-event-preparations",
        "former-officials-letter-to-kerry",
        "csis-publishes-letter-to-kerry",
        "hrw-sifton-statement-side-event",
        SIDE_EVENT,
        "unga-69-leaders-week",
    ]
    # what is coming: the side event and the leaders' week; the December resolution lies
    # after the end of October, the end of the next period
    assert ids(report.coming_up) == [SIDE_EVENT, "unga-69-leaders-week"]
    assert report.overdue == []
    assert (report.changed[0].date, report.changed[0].event) == (
        "12 Sep 2014", "former-officials-letter-to-kerry",
    )  # fmt: skip
    assert {c.event for c in report.changed} >= {SIDE_EVENT, "japan-eu-draft-dprk-resolution"}
    letter = next(e for e in report.happened if e.id == "former-officials-letter-to-kerry")
    assert ("Victor Cha", "signatory") in [(a.name, a.role) for a in letter.actors]
    assert ("John Kerry", "Secretary of State", "addressee") in [
        (a.name, a.title, a.role) for a in letter.actors
    ]
    assert letter.sources[0].url == "https://www.koreaherald.com/view.php?ud=20140913000222"
    who = {w.id: w for w in report.who}
    assert who["us"].roles == ["organizer", "participant", "author"]
    assert who["john-kerry"].events == 2
    assert report.counts.total == 8 and report.counts.previous_total == 0
    assert {c.name: c.count for c in report.counts.by_status} == {"scheduled": 2, "occurred": 6}


def test_the_thread_runs_from_the_report_to_the_resolution_in_the_quarter() -> None:
    (thread,) = report_on(seed(), "2014-Q3").threads
    order = [step.id for step in thread.steps]
    chain = ["un-coi-dprk-report", "former-officials-letter-to-kerry", SIDE_EVENT, RESOLUTION]
    assert [order.index(event) for event in chain] == sorted(order.index(e) for e in chain)
    in_period = {step.id: step.in_period for step in thread.steps}
    assert in_period["un-coi-dprk-report"] is False and in_period[SIDE_EVENT] is True
    letter = next(step for step in thread.steps if step.id == "former-officials-letter-to-kerry")
    assert ("references", "un-coi-dprk-report") in [(k.relation, k.event) for k in letter.links]


def test_nothing_wholly_after_the_next_period_is_mentioned_in_any_format() -> None:
    collection = seed()
    resolution = collection.event_index[RESOLUTION]
    report = report_on(collection, "2014-09")
    assert all(RESOLUTION not in step.id for t in report.threads for step in t.steps)
    for fmt in ("md", "json", "html"):
        text = render_report(report, fmt, collection)
        # (the figure's hover texts escape quotes: look for the title's first words)
        assert RESOLUTION not in text and resolution.title[:40] not in text, fmt
    # the quarter's next period runs to December: there it is coming up
    assert RESOLUTION in ids(report_on(collection, "2014-Q3").coming_up)


def test_events_wider_than_the_period_are_marked(tmp_path: Path) -> None:
    report = report_on(seed(), "2014-W37")
    wider = {e.id: e.wider for e in report.happened}
    assert wider["japan-eu-draft-dprk-resolution"] is True  # c. Sep 2014, ongoing
    assert wider["us-interest-cosponsoring-dprk-resolution"] is True  # from c. Sep 2014
    assert wider["former-officials-letter-to-kerry"] is False  # 8–12 Sep, inside the week
    assert "spans beyond this period" in render_report(report, "md", seed())


def test_overdue_changes_and_counts_against_the_previous_period(tmp_path: Path) -> None:
    update = "\n  - date: {d}\n    status: {s}\n    note: {n}"
    collection = collection_of(tmp_path, {
        "a.yaml": event_yaml("missed-visit", date="2014-09-02", status="scheduled", type="visit"),
        "b.yaml": event_yaml(
            "talks", date="2014-09-20", status="scheduled",
            updates=update.format(d="2014-08-20", s="proposed", n="Floated")
            + update.format(d="2014-09-05", s="scheduled", n="Dates fixed")
            + update.format(d="2014-09-20", s="occurred", n="Held"),
        ),
        "c.yaml": event_yaml("august", date="2014-08-10"),
        "d.yaml": event_yaml("august-too", date="2014-08-11", type="letter"),
    })  # fmt: skip
    report = report_on(collection, "2014-09", as_of=date(2014, 9, 13))
    assert ids(report.overdue) == ["missed-visit"]
    assert ids(report.coming_up) == ["talks"]
    # the update of 20 September was not known on the 13th; August's is outside the period
    assert [(c.date, c.previous_status, c.status) for c in report.changed] == [
        ("5 Sep 2014", "proposed", "scheduled")
    ]
    assert report.counts.total == 2 and report.counts.previous_total == 2
    by_type = {c.name: (c.count, c.previous, c.change) for c in report.counts.by_type}
    assert by_type == {"meeting": (1, 1, 0), "visit": (1, 0, 1), "letter": (0, 1, -1)}
    warnings = [q.detail for q in report.quality.warnings if q.id == "missed-visit"]
    assert any("[stale-status]" in w for w in warnings)


def test_data_quality_lists_missing_sources_and_imprecise_dates(tmp_path: Path) -> None:
    collection = collection_of(tmp_path, {
        "a.yaml": "id: unsourced\ntitle: T\ndate: 2014-09-03\ntype: meeting\nstatus: occurred\n",
        "b.yaml": event_yaml("fuzzy", date="2014-09~"),
        "c.yaml": event_yaml("exact", date="2014-09-04"),
    })  # fmt: skip
    quality = report_on(collection, "2014-09").quality
    assert ids(quality.no_sources) == ["unsourced"]
    assert [(q.id, q.detail) for q in quality.imprecise_dates] == [
        ("fuzzy", "month precision, approximate")
    ]
    assert quality.no_sources[0].path.endswith("a.yaml")


def test_threads_are_components_that_touch_the_period(tmp_path: Path) -> None:
    link = "\n  - event: {0}\n    relation: {1}"
    collection = collection_of(tmp_path, {
        "a.yaml": event_yaml("root", date="2014-06-01"),
        "b.yaml": event_yaml("reply", date="2014-09-05", related=link.format("root", "supports")),
        "c.yaml": event_yaml("old-a", date="2014-05-01"),
        "d.yaml": event_yaml("old-b", date="2014-05-02", related=link.format("old-a", "follows")),
        "e.yaml": event_yaml("alone", date="2014-09-06"),
    })  # fmt: skip
    threads = report_on(collection, "2014-09").threads
    assert [[s.id for s in t.steps] for t in threads] == [["root", "reply"]]
    assert threads[0].label == "2 linked events, 1 Jun 2014 to 5 Sep 2014"


def test_filters_narrow_every_section_and_are_named(tmp_path: Path) -> None:
    report = report_on(seed(), "2014-09", filters=Filters(types=("side-event",)))
    assert ids(report.happened) == ids(report.coming_up) == [SIDE_EVENT]
    assert report.filters == ["--type side-event"]


@pytest.mark.parametrize(
    ("period", "unit", "labels"),
    [
        ("2014-W38", "day", ["15 Sep", "16 Sep", "17 Sep", "18 Sep", "19 Sep", "20 Sep", "21 Sep"]),
        ("2014-09", "week", ["1–7 Sep", "8–14 Sep", "15–21 Sep", "22–28 Sep", "29–30 Sep"]),
        ("2014-Q3", "month", ["Jul", "Aug", "Sep"]),
        ("2013-11-01/2014-02-28", "month", ["Nov 2013", "Dec 2013", "Jan 2014", "Feb 2014"]),
        ("2012-01-01/2014-12-31", "year", ["2012", "2013", "2014"]),
    ],
)
def test_activity_bars_fit_the_period(period: str, unit: str, labels: list[str]) -> None:
    report = report_on(seed(), period)
    assert report.activity_unit == unit
    assert [bar.label for bar in report.activity] == labels
    if period == "2014-09":  # 1–7 Sep: the US interest and the two open-ended efforts
        # the letter (sometime 8–12 Sep) counts in 8–14 Sep, the side event (sometime
        # 22–30 Sep) once, in 22–28 Sep: neither is under way on every day of its window
        # the two open-ended efforts count up to the as-of day (13 Sep) only
        assert [bar.events for bar in report.activity] == [3, 6, 0, 2, 1]
        assert [bar.windows for bar in report.activity] == [0, 1, 0, 1, 0]


def test_a_window_is_reported_once_with_its_label(tmp_path: Path) -> None:
    collection = collection_of(tmp_path, {
        "a.yaml": event_yaml("passed", date='"[2014-09-01..2014-09-05]"', status="scheduled"),
        "b.yaml": event_yaml("open", date='"[2014-09-10..2014-09-20]"', status="scheduled"),
        "c.yaml": event_yaml("sent", date='"[2014-08-25..2014-09-09]"', type="letter"),
        "d.yaml": event_yaml("week", date="2014-09-10/2014-09-20"),
    })  # fmt: skip
    report = report_on(collection, "2014-09", as_of=date(2014, 9, 13))
    happened = {e.id: e for e in report.happened}
    assert list(happened) == ["sent", "passed", "open", "week"]
    assert happened["open"].label == "sometime 10–20 Sep 2014"
    assert [e.window for e in happened.values()] == [True, True, True, False]
    assert ids(report.overdue) == ["passed"]  # a planned window whose end has passed
    assert ids(report.coming_up) == ["open"]
    # each window counts once, in the first week of the period it reaches; the interval
    # counts in every week it is under way
    assert [(b.label, b.events, b.windows) for b in report.activity] == [
        ("1–7 Sep", 2, 2), ("8–14 Sep", 2, 1), ("15–21 Sep", 1, 0), ("22–28 Sep", 0, 0),
        ("29–30 Sep", 0, 0),
    ]  # fmt: skip
    imprecise = {q.id: q.detail for q in report.quality.imprecise_dates}
    assert imprecise["open"] == "a window: the day is not known"
    markdown = render_report(report, "md", collection)
    assert "### sometime 10–20 Sep 2014 · Event open" in markdown
    # "sent" reaches back into August: the day may be outside the period, not the event
    assert "· may fall outside this period ·" in markdown
    html = render_report(report, "html", collection)
    assert "may fall outside this period" in html
    assert "counts once, in the week its window starts" in html


def test_json_is_exactly_the_data() -> None:
    collection = seed()
    report = report_on(collection, "2014-09")
    text = render_report(report, "json", collection)
    data = asdict(report)
    # read from files, not git: no commit was read and no history learned, and JSON says so
    # by leaving the two keys out
    assert data.pop("known_on") is None and data.pop("learned") is None
    assert json.loads(text) == data
    assert list(json.loads(text))[:4] == ["format", "period", "previous", "next"]
    assert "Sep 2014" in text and "\\u" not in text  # UTF-8, not escapes: "1–30 Sep 2014"


# --- Hostile text ----------------------------------------------------------------------------

HOSTILE = "<script>alert(1)</script> | [x](javascript:alert(1)) {{ 7*7 }} *a* _b_ `c` &lt;"
HOSTILE_YAML = json.dumps(HOSTILE)  # a JSON string is a YAML double-quoted scalar
HOSTILE_EVENT = event_yaml(
    "hostile",
    title=HOSTILE_YAML,
    summary=json.dumps(HOSTILE + "\nline two | <img src=x onerror=alert(2)>"),
    location=json.dumps(HOSTILE),
    actors="\n  - actor: evil\n    role: organizer",
    sources=f"\n  - title: {HOSTILE_YAML}\n    url: https://example.org/a(b)c?x=<y>",
    date="2014-09-25",
    status="scheduled",
)
ODD_FILE = "odd `<b>x</b>` [y](javascript:z) name.yaml"  # named in "Data quality"
HOSTILE_ACTORS = ACTORS + f"- id: evil\n  name: {HOSTILE_YAML}\n  kind: group\n"


@pytest.fixture
def hostile(tmp_path: Path) -> Collection:
    unsourced = "id: odd\ntitle: Odd\ndate: 2014-09-06\ntype: meeting\nstatus: occurred\n"
    root = build_tree(
        tmp_path / "events",
        {"actors.yaml": HOSTILE_ACTORS, "h.yaml": HOSTILE_EVENT, ODD_FILE: unsourced},
    )
    collection = load_collection(root)
    assert not collection.problems
    return collection


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a|b", "a\\|b"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("<script>", "\\<script\\>"),
        ("back\\slash", "back\\\\slash"),
        ("*em* _em_ `code` ~~s~~", "\\*em\\* \\_em\\_ \\`code\\` \\~\\~s\\~\\~"),
        ("two\nlines\r\n  here", "two lines here"),
        ("AT&T &amp; &#60; #1", "AT&T \\&amp; \\&\\#60; \\#1"),
        ("![img](x)", "\\!\\[img\\](x)"),
    ],
)
def test_markdown_escaping(text: str, escaped: str) -> None:
    assert md_text(text) == escaped


_ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)
_MARKDOWN = MarkdownIt("commonmark").enable("table")


@settings(max_examples=300, deadline=None)
@given(text=_ANY_TEXT)
def test_any_text_reads_back_as_itself_in_a_paragraph_and_a_table_cell(text: str) -> None:
    """Whatever a record says, a CommonMark reader shows exactly that text: no markup."""
    # direction controls come back closed (test_report_edges.py): nothing else changes
    one_line = balance_direction(re.sub(r"\s*[\r\n\u2028\u2029]+\s*", " ", text))
    paragraph = _MARKDOWN.render(f"x {md_text(text)}")
    assert paragraph.startswith("<p>") and paragraph.endswith("</p>\n")
    assert html.unescape(paragraph[3:-5]).rstrip() == f"x {one_line}".rstrip()
    table = _MARKDOWN.render(f"| a | b |\n|---|---|\n| x | {md_text(text)} |\n")
    cells = re.findall(r"<td>(.*?)</td>", table, flags=re.DOTALL)
    assert len(cells) == 2 and "<" not in cells[1].replace("&lt;", "")
    assert html.unescape(cells[1]).strip() == one_line.strip()


def test_hostile_text_stays_text_in_markdown(hostile: Collection) -> None:
    text = render_report(report_on(hostile, "2014-09"), "md", hostile)
    assert re.search(r"(?<!\\)<", text) is None  # every < escaped
    assert "49" not in text
    assert "{{ 7\\*7 }}" in text  # Jinja never evaluates data; the * is escaped
    # read by a real CommonMark reader with GFM tables: no HTML, no script link
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "<script" not in html and "<img" not in html
    assert "javascript:" not in "".join(part.split('"')[0] for part in html.split('href="')[1:])
    assert "[x](javascript:alert(1)) {{ 7*7 }} *a* _b_ `c` &amp;lt;" in html  # text as it is
    assert html.count(ODD_FILE.replace("<", "&lt;").replace(">", "&gt;")) == 1  # as text
    # the source URL stays one link with its parentheses encoded
    assert 'href="https://example.org/a%28b%29c?x=%3Cy%3E"' in html
    # pipes in the title and location cannot add cells to the coming-up and who tables
    tables = [t.split("</table>")[0] for t in html.split("<table>")[1:]]
    assert len(tables) == 4
    for table in tables:
        columns = len(re.findall(r"<th[ >]", table.split("</thead>")[0]))
        rows = table.split("<tbody>")[1].split("<tr>")[1:]
        assert rows and all(row.count("<td") == columns for row in rows)


def test_hostile_text_stays_text_in_json(hostile: Collection) -> None:
    data = json.loads(render_report(report_on(hostile, "2014-09"), "json", hostile))
    (event,) = [item for item in data["happened"] if item["id"] == "hostile"]
    assert event["title"] == event["location"] == event["actors"][0]["name"] == HOSTILE


@pytest.mark.browser
def test_hostile_text_stays_text_in_html_in_chromium(
    hostile: Collection, tmp_path: Path, browser: Any
) -> None:
    page_file = tmp_path / "hostile.html"
    page_file.write_text(
        render_report(report_on(hostile, "2014-09"), "html", hostile), encoding="utf-8"
    )
    page = browser.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(page_file.as_uri(), wait_until="load")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=15000)
    assert dialogs == []
    heading = page.inner_text("#event-hostile h3")
    assert heading == f"25 Sep 2014 · {HOSTILE}"
    assert HOSTILE in page.inner_text("#coming-up")
    assert page.locator("img").count() == 0
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    assert hrefs and not any(h.lower().startswith("javascript:") for h in hrefs)
    assert page.evaluate(
        "[...document.scripts].every(s => !s.textContent.includes('alert(1)') || s.type === "
        "'application/json')"
    )
    page.close()


# --- Command line ----------------------------------------------------------------------------

Cli = Callable[..., Result]


@pytest.mark.parametrize(
    ("period", "reason"),
    [
        ("2014-13", "no month 13"),
        ("2014-W54", "weeks W01 to W52"),
        ("2014-Q5", "quarters Q1 to Q4"),
        ("2014-09-30/2014-09-01", "ends before it starts"),
        ("next-month", "matches none of the forms"),
    ],
)
def test_bad_period_is_a_usage_error(cli: Cli, seeded: Path, period: str, reason: str) -> None:
    result = cli("report", period, "--as-of", "2014-09-13")
    assert result.exit_code == 2, result.output
    message = " ".join(result.stderr.replace("│", " ").split())
    assert reason in message and "2014-W38 (an ISO week)" in message
    assert "Traceback" not in result.output
    assert not (seeded / "reports").exists()


@pytest.mark.parametrize(
    ("args", "written"),
    [
        ((), "reports/2014-09.md"),
        (("2014-W38", "--format", "html"), "reports/2014-W38.html"),
        (("2014-Q3", "--format", "json"), "reports/2014-Q3.json"),
        (("2014",), "reports/2014.md"),
        (("2014-09-01/2014-09-30",), "reports/2014-09-01_2014-09-30.md"),
        (("2014-09", "-o", "out/brief.md"), "out/brief.md"),
    ],
)
def test_reports_are_named_after_their_period(
    cli: Cli, seeded: Path, args: tuple[str, ...], written: str
) -> None:
    result = cli("report", *args, "--as-of", "2014-09-13")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {written} (")
    assert (seeded / written).stat().st_size > 0


def test_output_into_a_folder_is_named_after_the_period(cli: Cli, seeded: Path) -> None:
    (seeded / "briefs").mkdir()
    result = cli("report", "2014-Q3", "--as-of", "2014-09-13", "-o", "briefs")
    assert result.exit_code == 0, result.output
    assert result.stdout == "wrote briefs/2014-Q3.md (8 events)\n"


def test_events_at_the_edge_of_the_calendar_fail_cleanly(cli: Cli, tmp_path: Path) -> None:
    build_tree(tmp_path / "events", {"e.yaml": event_yaml("first", date='"0001-03"')})
    result = cli("report", "--every", "year", "--as-of", "2014-09-13")
    assert result.exit_code == 1
    assert "the series reaches 0001, which has no previous period" in result.stderr
    result = cli("report", "--as-of", "0001-01-05")
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_every_month_writes_reports_with_events_and_an_index(cli: Cli, seeded: Path) -> None:
    for fmt in ("md", "json", "html"):
        result = cli(
            "report", "2014", "--every", "quarter", "--format", fmt, "-o", f"q-{fmt}",
            "--as-of", "2014-09-13",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        folder = seeded / f"q-{fmt}"
        # Q2 2014 has no events: no report
        assert sorted(p.name for p in folder.iterdir()) == [
            f"{name}.{fmt}" for name in ("2014-Q1", "2014-Q3", "2014-Q4", "index")
        ]
    index = json.loads((seeded / "q-json" / "index.json").read_text(encoding="utf-8"))
    assert [(r["name"], r["file"], r["events"]) for r in index["reports"]] == [
        ("2014-Q1", "2014-Q1.json", 2), ("2014-Q3", "2014-Q3.json", 8),
        ("2014-Q4", "2014-Q4.json", 2),  # the open-ended efforts count up to 13 Sep only
    ]  # fmt: skip
    markdown = (seeded / "q-md" / "index.md").read_text(encoding="utf-8")
    assert "| [Q3 2014](2014-Q3.md) | 1 Jul – 30 Sep 2014 | 8 |" in markdown
    assert 'href="2014-Q4.html"' in (seeded / "q-html" / "index.html").read_text("utf-8")


def test_every_without_a_period_covers_the_collection(cli: Cli, seeded: Path) -> None:
    result = cli("report", "--every", "year", "--as-of", "2014-09-13", "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "wrote reports/2013.json (1 event)",
        "wrote reports/2014.json (11 events)",
        "wrote reports/index.json (2 reports)",
    ]


def test_every_refuses_a_file_for_its_folder(cli: Cli, seeded: Path) -> None:
    (seeded / "taken").write_text("x")
    result = cli("report", "--every", "month", "-o", "taken", "--as-of", "2014-09-13")
    assert result.exit_code == 2
    assert "names a folder" in result.stderr


def test_a_collection_with_errors_is_not_reported_on(cli: Cli, tmp_path: Path) -> None:
    build_tree(tmp_path / "events", {"e.yaml": event_yaml("x", date="2014-02-30")})
    result = cli("report", "2014-09", "--as-of", "2014-09-13")
    assert result.exit_code == 1
    assert "[invalid-date]" in result.stderr
    assert not (tmp_path / "reports").exists()


def test_an_unwritable_output_fails_cleanly(cli: Cli, seeded: Path) -> None:
    (seeded / "blocker").write_text("a file, not a folder")
    result = cli("report", "2014-09", "--as-of", "2014-09-13", "-o", "blocker/r.md")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot write") and "Traceback" not in result.output


def test_the_cli_passes_its_filters_through(cli: Cli, seeded: Path) -> None:
    result = cli(
        "report", "2014-09", "--as-of", "2014-09-13", "--format", "json", "--actor",
        "john-kerry", "--status", "scheduled",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads((seeded / "reports" / "2014-09.json").read_text(encoding="utf-8"))
    assert [e["id"] for e in data["happened"]] == [SIDE_EVENT]
    assert data["filters"] == ["--actor john-kerry", "--status scheduled"]
    assert data["as_of"] == "2014-09-13"


# --- The committed samples (golden files) ------------------------------------------------------


def test_sample_reports_match_the_code(cli: Cli, seeded: Path) -> None:
    """Regenerate with: timeline report PERIOD --as-of 2014-09-13 --format FMT (see README)."""
    stale = []
    for period, fmt in SAMPLES:
        result = cli("report", period, "--as-of", "2014-09-13", "--format", fmt)
        assert result.exit_code == 0, result.output
        name = f"reports/{period}.{fmt}"
        if (seeded / name).read_bytes() != (ROOT / name).read_bytes():
            stale.append(name)
    assert not stale, (
        f"the committed samples {stale} differ from what the code writes now; if the change "
        "is intended, regenerate them with 'timeline report PERIOD --as-of 2014-09-13 "
        "--format FMT' and review the diff"
    )


@pytest.mark.browser
def test_sample_html_in_chromium(browser: Any) -> None:
    page = browser.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def on_request(request: Any) -> None:
        if request.url.startswith(("http:", "https:")):
            outside.append(request.url)

    page.on("request", on_request)
    page.goto((ROOT / "reports" / "2014-09.html").as_uri(), wait_until="load")
    page.wait_for_selector("#report-timeline .main-svg", timeout=15000)
    assert errors == [] and outside == []
    sections = page.eval_on_selector_all("main > section", "els => els.map(e => e.id)")
    assert sections == [
        "at-a-glance", "activity", "timeline", "happened", "changed", "coming-up", "overdue",
        "who", "threads", "quality",
    ]  # fmt: skip
    assert page.locator("#activity-chart rect.bar").count() == 5  # the weeks of September
    coming = page.inner_text("#coming-up")
    assert "Ministerial side event" in coming and "leaders' week" in coming
    page.emulate_media(media="print")
    after = page.evaluate("getComputedStyle(document.querySelector('a.source'), '::after').content")
    assert "koreaherald.com" in after  # printed pages show where a source lives
    page.close()


def test_readme_examples_print_what_the_readme_says(cli: Cli, seeded: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### timeline report\n", 1)[1].split("\n### ", 1)[0]
    block = section.split("```console\n", 1)[1].split("```", 1)[0]
    commands = re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]
    assert len(commands) == 4
    for command in commands:
        line, *expected = command.rstrip("\n").split("\n")
        words = line.split()
        assert words[0] == "timeline"
        result = cli(*words[1:])
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines() == expected
