"""Reports at their edges: open ends as of a day, text that runs right to left, and the
page's Content-Security-Policy."""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Mapping
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from helpers import ACTORS, SEED, build_tree, event_yaml

from timeline.collection.checks import run_checks
from timeline.collection.collection import Collection
from timeline.collection.pipeline import load_collection
from timeline.core.periods import parse_period
from timeline.views.direction import balance_direction, isolate
from timeline.views.policy import CONTENT_SECURITY_POLICY
from timeline.views.render.figure import render_html
from timeline.views.render.text import escape
from timeline.views.report.build import build_report
from timeline.views.report.model import Report
from timeline.views.report.render import ReportIndex, render_index, render_report

AS_OF = date(2014, 9, 13)
ONGOING = ["japan-eu-draft-dprk-resolution", "us-south-korea-un-side-event-preparations"]


def report_on(collection: Collection, period: str, as_of: date = AS_OF) -> Report:
    problems = run_checks(collection.outline, as_of)
    return build_report(collection, parse_period(period), as_of=as_of, problems=problems)


def collection_of(tmp_path: Path, files: Mapping[str, str]) -> Collection:
    return load_collection(build_tree(tmp_path / "events", {"actors.yaml": ACTORS, **files}))


def ids(items: Any) -> list[str]:
    return sorted(item.id for item in items)


# --- 10. An open end is known up to the as-of day ---------------------------------------------


@pytest.mark.parametrize(
    "period", ["2030-W01", "2014-10", "2014-W39", "2099", "2014-09-14/2014-09-20"]
)
def test_a_period_wholly_after_the_as_of_day_has_nothing_open_ended_in_it(period: str) -> None:
    report = report_on(load_collection(SEED), period)
    assert not set(ONGOING) & {item.id for item in report.happened}


def test_open_ends_count_up_to_the_as_of_day() -> None:
    seed = load_collection(SEED)
    assert set(ONGOING) <= {item.id for item in report_on(seed, "2014-09").happened}
    assert set(ONGOING) <= {item.id for item in report_on(seed, "2014-W37").happened}
    later = report_on(seed, "2014-10", as_of=date(2014, 10, 15))
    assert set(ONGOING) <= {item.id for item in later.happened}
    assert all(item.wider for item in later.happened if item.id in ONGOING)
    # The previous period counts them as it stood on the as-of day, too.
    assert report_on(seed, "2014-11", as_of=date(2014, 10, 15)).counts.previous_total >= 2
    assert report_on(seed, "2030-W02").counts.previous_total == 0


def test_an_open_end_starting_later_is_in_the_period_of_its_start(tmp_path: Path) -> None:
    collection = collection_of(
        tmp_path, {"a.yaml": event_yaml("talks", date="2014-11-03/..", status="scheduled")}
    )
    assert ids(report_on(collection, "2014-W45").happened) == ["talks"]
    assert ids(report_on(collection, "2014-W46").happened) == []
    assert ids(report_on(collection, "2014-W45").coming_up) == ["talks"]


def test_activity_counts_an_open_end_up_to_the_as_of_day(tmp_path: Path) -> None:
    collection = collection_of(tmp_path, {"a.yaml": event_yaml("talks", date="2014-09-02/..")})
    bars = [(bar.first, bar.events) for bar in report_on(collection, "2014-09").activity]
    assert bars == [
        ("2014-09-01", 1), ("2014-09-08", 1), ("2014-09-15", 0), ("2014-09-22", 0),
        ("2014-09-29", 0),
    ]  # fmt: skip


def test_threads_see_open_ends_as_of_the_day(tmp_path: Path) -> None:
    collection = collection_of(
        tmp_path,
        {
            "a.yaml": event_yaml("talks", date="2014-09-01/.."),
            "b.yaml": event_yaml(
                "round", date="2014-09-02", related="\n  - {event: talks, relation: part-of}"
            ),
        },
    )
    assert report_on(collection, "2014-09").threads
    assert report_on(collection, "2015-03").threads == []


# --- 14. Text that runs right to left, and direction controls ---------------------------------

RLO, PDF, LRI, RLI, FSI, PDI = "\u202e", "\u202c", "\u2066", "\u2067", "\u2068", "\u2069"


@pytest.mark.parametrize(
    ("text", "balanced"),
    [
        ("plain text", "plain text"),
        (f"evil{RLO}", f"evil{RLO}{PDF}"),
        (f"a{RLO}b{PDF}c", f"a{RLO}b{PDF}c"),
        (f"a{PDF}b{PDI}c", "abc"),  # closes that open nothing are dropped
        (f"{RLI}a{RLO}b", f"{RLI}a{RLO}b{PDF}{PDI}"),
        (f"{RLI}a{RLO}b{PDI}c{PDF}", f"{RLI}a{RLO}b{PDI}c"),  # PDI closes what it holds
        (f"one{RLO}\ntwo", f"one{RLO}{PDF}\ntwo"),  # a line break ends every embedding
        (f"{LRI}{FSI}x", f"{LRI}{FSI}x{PDI}{PDI}"),
        ("שלום", "שלום"),
    ],
)
def test_direction_controls_are_closed_or_dropped(text: str, balanced: str) -> None:
    assert balance_direction(text) == balanced


def test_isolation_for_plain_text_is_needed_only_by_right_to_left_text() -> None:
    assert isolate("Talks in New York") == "Talks in New York"
    assert isolate("שלום") == f"{FSI}שלום{PDI}"
    assert isolate(f"evil{RLO}") == f"{FSI}evil{RLO}{PDF}{PDI}"
    assert isolate("محادثات 2014") == f"{FSI}محادثات 2014{PDI}"


EVIL_TITLE = f"Talks confirmed for 12 September{RLO}"
EVIL = {
    "a.yaml": event_yaml(
        "evil",
        title=json.dumps(EVIL_TITLE),
        location=json.dumps(f"Geneva{RLO}"),
        summary=json.dumps(f"First{RLO} paragraph\n\n- item{RLO}"),
        sources=f"\n  - title: {json.dumps('Source' + RLO)}"
        f"\n    publisher: {json.dumps('Pub' + RLO)}",
        updates=f"\n  - date: 2014-09-10\n    note: {json.dumps('Noted' + RLO)}",
        date="2014-09-12",
    ),
    "b.yaml": event_yaml(
        "next", related="\n  - {event: evil, relation: follows}", date="2014-09-13"
    ),
}
ACTORS_RTL = ACTORS + f"- id: rtl\n  name: {json.dumps('نور' + RLO)}\n  kind: person\n"


class _Isolation(HTMLParser):
    """The text nodes of a page, each with whether it sits in an isolate (`<bdi>` or an
    element with a `dir` attribute), and the `<title>` text aside."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.nodes: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "meta", "link", "img", "input", "rect", "line"):
            return
        isolated = tag == "bdi" or any(name == "dir" for name, _ in attrs)
        self.stack.append(isolated or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("br", "meta", "link", "img", "input", "rect", "line") and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.nodes.append((data, bool(self.stack) and self.stack[-1]))


def _isolated_texts(page: str) -> tuple[list[str], list[str]]:
    parser = _Isolation()
    parser.feed(re.sub(r"<script.*?</script>", "", page.split("<body>", 1)[1], flags=re.S))
    return [t for t, inside in parser.nodes if inside], [
        t for t, inside in parser.nodes if not inside
    ]


def test_every_user_text_in_the_html_report_is_isolated(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "events", {"actors.yaml": ACTORS_RTL, **EVIL})
    (root / "a.yaml").write_text(
        (root / "a.yaml").read_text().replace("sources:", "actors: [rtl]\nsources:")
    )
    collection = load_collection(root)
    assert not collection.problems
    page = render_report(report_on(collection, "2014-09"), "html", collection)
    inside, outside = _isolated_texts(page)
    assert not any(RLO in text for text in outside), [t for t in outside if RLO in t]
    for text in (EVIL_TITLE, f"Geneva{RLO}", "نور", "Source", "Pub", "Noted", "item"):
        assert any(text in node for node in inside), text
    # every control is closed inside its own isolate
    assert all(text.count(RLO) == text.count(PDF) for text in inside)
    assert f"<bdi>{EVIL_TITLE}{PDF}</bdi>" in page


def test_markdown_closes_direction_controls(tmp_path: Path) -> None:
    collection = collection_of(tmp_path, EVIL)
    text = render_report(report_on(collection, "2014-09"), "md", collection)
    assert f"{EVIL_TITLE}{PDF}" in text and "Geneva\u202e\u202c" in text
    for line in text.splitlines():
        assert line.count(RLO) == line.count(PDF), line


def test_the_index_isolates_the_collection_name(tmp_path: Path) -> None:
    index = ReportIndex(
        "timeline-report-index/1", "month", "2014-09-13", f"ev{RLO}", [f"--tag x{RLO}"], []
    )
    page = render_index(index, "html")
    inside, outside = _isolated_texts(page)
    assert not any(RLO in text for text in outside)
    assert f"ev{RLO}{PDF}" in "".join(inside)
    assert f"ev{RLO}{PDF}" in render_index(index, "md")


def test_plotly_texts_isolate_right_to_left_text_only() -> None:
    assert escape("Talks <b>") == "Talks &lt;b&gt;"
    assert escape(f"evil{RLO} <b>") == f"{FSI}evil{RLO} &lt;b&gt;{PDF}{PDI}"


# --- 15. One Content-Security-Policy for every page --------------------------------------------

_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def test_every_html_output_carries_the_same_policy(tmp_path: Path) -> None:
    seed = load_collection(SEED)
    report = render_report(report_on(seed, "2014-09"), "html", seed)
    index = render_index(ReportIndex("x", "month", "2014-09-13", "events", [], []), "html")
    page = render_html(seed.events, seed, as_of=AS_OF)
    for html in (report, index, page):
        assert _CSP.findall(html) == [CONTENT_SECURITY_POLICY]
        assert '<meta name="referrer" content="no-referrer">' in html
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY


def test_every_right_to_left_character_is_isolated() -> None:
    missed = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if unicodedata.bidirectional(chr(code)) in ("R", "AL") and isolate(chr(code)) == chr(code)
    ]
    assert missed == []
