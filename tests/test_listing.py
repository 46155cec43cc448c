"""The events as HTML beside the chart: list rows, their order, the chart's summary, and the
page's list markup (escaped, in date order, links only to http and https)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

from helpers import ACTORS, SEED
from test_render import HOSTILE_TITLES, generated_yaml, hostile_files

from timeline.collection.pipeline import load_collection
from timeline.views.render.figure import DENSITY_ABOVE, render_html, timeline_plot
from timeline.views.render.listing import event_rows

AS_OF = date(2014, 9, 13)
Tree = Callable[[Mapping[str, str | bytes]], Path]


def _list_html(page: str) -> str:
    found = re.search(r'<ol id="event-list".*?</ol>', page, re.S)
    assert found is not None
    return found.group(0)


def test_seed_rows_are_in_date_order_with_every_field() -> None:
    seed = load_collection(SEED)
    plot = timeline_plot(seed.events, seed, as_of=AS_OF)
    rows = event_rows(seed.events, plot.order, seed.actor_index, seed.event_index)
    assert sorted(row.number for row in rows) == list(range(len(seed.events)))
    starts = [seed.events[row.number].date.start for row in rows]
    assert starts == sorted(starts)
    side = next(row for row in rows if row.id == "dprk-human-rights-ministerial-side-event")
    assert side.type == "side event" and side.status == "scheduled"
    assert side.actors.startswith("United States, South Korea, ")
    assert side.actors.endswith(" and 3 more")
    assert any(who.startswith("John Kerry (") for who in side.who)
    assert side.source is not None and side.source.url is not None
    assert side.source.url.startswith("https://")
    # related events in the same list are linked by id; the relation reads as words
    linked = [r for row in rows for r in row.related if r.target is not None]
    assert linked and all(r.target in {row.id for row in rows} for r in linked)
    assert all("-" not in r.relation for r in linked)


def test_summary_names_count_span_as_of_and_lanes() -> None:
    seed = load_collection(SEED)
    summary = timeline_plot(seed.events, seed, as_of=AS_OF).summary
    assert summary.startswith("Timeline chart of 11 events, Jan 2013 – Dec 2014")
    assert "as of 13 Sep 2014, in 9 lanes by type: " in summary
    assert "Side event (1)" in summary and summary.endswith("and 1 more.")


def test_page_lists_every_event_escaped(tree: Tree) -> None:
    collection = load_collection(tree(hostile_files()))
    page = render_html(collection.events, collection, as_of=AS_OF)
    listed = _list_html(page)
    assert listed.count("<li ") == len(HOSTILE_TITLES)
    assert "<img" not in listed and "<script" not in listed and "<b>" not in listed
    assert "&lt;img src=x onerror=window.__pwned=1&gt;" in listed
    hrefs = re.findall(r'href="([^"]*)"', listed)
    assert hrefs and all(h.startswith(("https://", "http://", "#event-")) for h in hrefs)
    summary = re.search(r'<p id="timeline-summary" class="timeline-summary">(.*?)</p>', page)
    assert summary is not None and "<img" not in summary.group(1)
    assert 'aria-describedby="timeline-summary"' in page


def test_seed_page_lists_every_title_in_full() -> None:
    seed = load_collection(SEED)
    listed = _list_html(render_html(seed.events, seed, as_of=AS_OF))
    for event in seed.events:
        title = event.title.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&#34;")
        assert f'<bdi class="what">{title}</bdi>' in listed


def test_large_page_carries_no_rows_and_the_date_order(tree: Tree) -> None:
    count = DENSITY_ABOVE + 100
    collection = load_collection(tree({"actors.yaml": ACTORS, "many.yaml": generated_yaml(count)}))
    plot = timeline_plot(collection.events, collection, as_of=AS_OF)
    assert plot.table is not None
    order = plot.table.get("order", list(range(count)))  # left out when it is the table's
    starts = [collection.events[n].date.start for n in order]
    assert sorted(order) == list(range(count)) and starts == sorted(starts)
    listed = _list_html(render_html(collection.events, collection, as_of=AS_OF))
    assert "<li" not in listed and 'data-from-table="true"' in listed
