"""Large pages (the density overview): one compact event table instead of a hover card per
glyph, from which the page bins and draws events as the reader zooms."""

from __future__ import annotations

import base64
import re
import struct
from datetime import date
from pathlib import Path
from typing import Any

from helpers import ACTORS, build_tree
from test_render import HOSTILE_TITLES, generated_yaml, hostile_files

from timeline.collection.pipeline import load_collection
from timeline.views.render.figure import DENSITY_ABOVE, render_html, timeline_plot
from timeline.views.render.page import plotly_js, unpack_table
from timeline.views.render.table import linked_pairs

AS_OF = date(2014, 9, 13)
COUNT = DENSITY_ABOVE + 1000


def _ints(value: Any) -> list[int]:
    assert value["dtype"] == "i4"
    raw = base64.b64decode(value["bdata"])
    return list(struct.unpack(f"<{len(raw) // 4}i", raw))


def _table(page: str) -> dict[str, Any]:
    found = re.search(r'id="timeline-table">(.*?)</script>', page, re.S)
    assert found is not None
    return unpack_table(found.group(1))


def test_large_figure_has_no_cards_and_one_table(tmp_path: Path) -> None:
    root = build_tree(
        tmp_path / "events", {"actors.yaml": ACTORS, "many.yaml": generated_yaml(COUNT)}
    )
    big = load_collection(root)
    plot = timeline_plot(big.events, big, as_of=AS_OF)
    fig, table = plot.figure, plot.table
    # the overview draws bins, not marks, and no card
    assert not [t for t in fig.data if t.meta in ("events", "open")]
    assert {t.meta for t in fig.data} == {"legend", "density"}
    assert all(t.hovertemplate is None and t.hovertext is None for t in fig.data)
    assert table is not None and "table" not in fig.layout.meta
    assert "search" not in fig.layout.meta and "ids" not in fig.layout.meta
    # the page carries the same table, packed
    assert _table(render_html(big.events, big, as_of=AS_OF)) == table
    # every event's row holds what the page draws it from
    epoch = date(1970, 1, 1).toordinal()
    for n, event in enumerate(big.events[:200]):
        assert table["titles"][n] == event.title
        assert table["labels"][n] == event.date.label
        assert table["day"][n] == event.date.start.toordinal() - epoch
        end = event.date.end
        assert table["length"][n] == (0 if end is None else (end - event.date.start).days + 1)
        url = table["urlDirs"][table["urlDir"][n]] + table["urlRest"][n]
        assert url == event.sources[0].url


# Three events linked to generated ones (e0, e1, e2), one of them twice; one link to an
# event not in the collection and one to itself, neither drawn.
LINKED = "".join(
    f"- id: linked{n}\n  title: Linked event {n}\n  date: '2012-0{n + 1}-10'\n"
    f"  type: meeting\n  status: occurred\n  related:\n{targets}"
    for n, targets in enumerate(
        [
            "    - {event: e0, relation: follows}\n    - {event: e1, relation: supports}\n",
            "    - {event: e2, relation: responds-to}\n    - {event: nowhere, relation: follows}\n",
            "    - {event: linked2, relation: references}\n",
        ]
    )
)


def _linked_collection(tmp_path: Path) -> Any:
    files = {"actors.yaml": ACTORS, "many.yaml": generated_yaml(COUNT), "linked.yaml": LINKED}
    collection = load_collection(build_tree(tmp_path / "events", files))
    assert not collection.problems
    return collection


def test_large_page_links_are_relations_and_event_numbers(tmp_path: Path) -> None:
    big = _linked_collection(tmp_path)
    plot = timeline_plot(big.events, big, as_of=AS_OF)
    assert plot.table is not None
    number = {event.id: n for n, event in enumerate(big.events)}
    pairs = [("linked0", "e0"), ("linked0", "e1"), ("linked1", "e2")]
    expected = [(number[a], number[b]) for a, b in pairs]
    assert linked_pairs(plot.table) == expected  # not to itself, nor outside the page
    # the events' related links by relation and event number (or, outside the page, title)
    linked0 = plot.table["related"][number["linked0"]]
    names = plot.table["relationNames"]
    assert [names[linked0[0]], linked0[1], names[linked0[2]], linked0[3]] == [
        "follows",
        number["e0"],
        "supports",
        number["e1"],
    ]
    linked1 = plot.table["related"][number["linked1"]]
    assert plot.table["relatedNames"][-1 - linked1[3]] == "nowhere"
    # the trace is there (its legend entry), its points are drawn by the page from the table
    (links,) = [t for t in plot.figure.data if t.meta == "links"]
    assert links.visible == "legendonly" and list(links.x) == [] and list(links.y) == []
    by_actor = timeline_plot(big.events, big, as_of=AS_OF, group_by="actor").figure
    assert not [t for t in by_actor.data if t.meta == "links"]  # an event has many glyphs


def test_large_page_is_plotly_plus_a_little_per_event(tmp_path: Path) -> None:
    root = build_tree(
        tmp_path / "events", {"actors.yaml": ACTORS, "many.yaml": generated_yaml(COUNT)}
    )
    big = load_collection(root)
    page = render_html(big.events, big, as_of=AS_OF)
    figure = len(page) - len(plotly_js())
    # was about 700 bytes an event with a ready card per glyph; the page around the figure
    # and its scripts add about 26 here (8 of them the list of events' and the keyboard's
    # code, the same 20 KB whatever the number of events), the overview's bins (lanes x
    # bins, whatever the number of events) about 30
    assert figure / COUNT < 140, figure / COUNT


def test_large_table_keeps_hostile_text_plain_and_out_of_code(tmp_path: Path) -> None:
    files = hostile_files() | {"many.yaml": generated_yaml(COUNT)}
    files["actors.yaml"] += ACTORS
    root = build_tree(tmp_path / "events", files)
    big = load_collection(root)
    assert not big.problems
    page = render_html(big.events, big, as_of=AS_OF)
    assert set(HOSTILE_TITLES) <= set(_table(page)["titles"])
    block = re.search(r'id="timeline-figure">(.*?)</script>', page, re.S)
    assert block is not None and "<" not in block.group(1)
    packed = re.search(r'id="timeline-table">(.*?)</script>', page, re.S)
    assert packed is not None and re.fullmatch(r"[A-Za-z0-9+/=]+", packed.group(1))


WINDOWS = "".join(
    f"- id: window{n}\n  title: Window {n}\n  date: '[2014-0{n + 1}-03..2014-0{n + 1}-09]'\n"
    f"  type: letter\n  status: occurred\n"
    for n in range(3)
)


def test_large_pages_carry_windows_and_say_so_on_hover(tmp_path: Path) -> None:
    files = {"actors.yaml": ACTORS, "many.yaml": generated_yaml(COUNT), "w.yaml": WINDOWS}
    big = load_collection(build_tree(tmp_path / "events", files))
    plot = timeline_plot(big.events, big, as_of=AS_OF)
    assert plot.table is not None
    numbers = [n for n, e in enumerate(big.events) if e.id.startswith("window")]
    # flags: precision 3 is a window, which the page's hover card reads as such
    assert {plot.table["flags"][n] for n in numbers} == {"3"}
    assert all(plot.table["labels"][n].startswith("sometime ") for n in numbers)
    page = render_html(big.events, big, as_of=AS_OF)
    assert '(flags & 3) === 3) notes.push("a window: one day in it, not known which")' in page


def _year_of_events(count: int, year: int = 2014) -> str:
    """`count` events within one year, a few of every kind of date."""
    lines = []
    for n in range(count):
        day = date(year, 1, 1).toordinal() + n % 365
        when = date.fromordinal(day).isoformat()
        if n % 5 == 1:
            when = when[:7]
        lines.append(
            f"- id: y{n}\n  title: Yearly event {n}\n  date: '{when}'\n  type: meeting\n"
            f"  status: occurred\n  actors: [kerry]\n"
        )
    return "".join(lines)


def test_report_and_image_over_many_events_show_the_overview(tmp_path: Path) -> None:
    from timeline.collection.checks import run_checks
    from timeline.core.periods import parse_period
    from timeline.views.render.figure import timeline_figure
    from timeline.views.report.build import build_report
    from timeline.views.report.render import render_report

    files = {"actors.yaml": ACTORS, "year.yaml": _year_of_events(DENSITY_ABOVE + 100)}
    big = load_collection(build_tree(tmp_path / "events", files))
    assert not big.problems
    report = build_report(
        big, parse_period("2014"), as_of=AS_OF, problems=run_checks(big.outline, AS_OF)
    )
    page = render_report(report, "html", big)
    assert '<p id="report-timeline-mode"' in page and "Density by week:" in page
    assert 'id="report-timeline-table"' in page
    # the image (`render -o x.png`) draws the same overview, its key naming the bins
    image = timeline_figure(big.events, big, as_of=AS_OF, title="A year")
    assert {t.meta for t in image.data} == {"legend", "density"}
    assert image.layout.annotations[-1].text.startswith("<b>Density by week</b>")


def test_bins_are_the_smallest_unit_that_fits_and_count_every_overlap() -> None:
    from timeline.views.render.density import (
        MAX_BINS,
        Spans,
        bin_counts,
        bin_edges,
        bin_unit,
    )
    from timeline.views.render.layout import DAY_MS, day_ms

    assert bin_unit(0, MAX_BINS * DAY_MS) == "day"
    assert bin_unit(0, (MAX_BINS + 1) * DAY_MS) == "week"
    assert bin_unit(0, 7 * (MAX_BINS + 1) * DAY_MS) == "month"
    assert bin_unit(0, 40 * 365 * DAY_MS) == "year"
    # weeks from Monday, months from the first, the last edge at or past the end
    weeks = bin_edges(day_ms(date(2014, 2, 5)), day_ms(date(2014, 3, 2)), "week")
    assert [str(_day(ms)) for ms in weeks] == [
        "2014-02-03", "2014-02-10", "2014-02-17", "2014-02-24", "2014-03-03"
    ]  # fmt: skip
    months = bin_edges(day_ms(date(2013, 11, 15)), day_ms(date(2014, 2, 10)), "month")
    assert [str(_day(ms)) for ms in months] == [
        "2013-11-01", "2013-12-01", "2014-01-01", "2014-02-01", "2014-03-01"
    ]  # fmt: skip
    # `2014-02` (occurred) counts in each of the weeks it overlaps; a day (cancelled) in one
    february = (day_ms(date(2014, 2, 1)), day_ms(date(2014, 3, 1)))
    one_day = (day_ms(date(2014, 2, 12)), day_ms(date(2014, 2, 13)))
    spans = Spans(
        [february[0], one_day[0]], [february[1], one_day[1]], [False, False], [0, 4],
        [[0], [0]], [("meeting", 0, 3, 2)], [0], -1,
    )  # fmt: skip
    counts = bin_counts(spans, weeks)[0]
    assert [bin[0] for bin in counts] == [1, 1, 1, 1]
    assert [bin[4] for bin in counts] == [0, 1, 0, 0]


def _day(ms: int) -> date:
    return date.fromordinal(date(1970, 1, 1).toordinal() + ms // 86_400_000)
