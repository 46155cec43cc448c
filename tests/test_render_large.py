"""Large pages (WebGL): one compact event table instead of a hover card per glyph."""

from __future__ import annotations

import base64
import re
import struct
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers import ACTORS, build_tree
from test_render import HOSTILE_TITLES, generated_yaml, hostile_files

from timeline.collection.pipeline import load_collection
from timeline.views.render.figure import WEBGL_ABOVE, render_html, timeline_plot
from timeline.views.render.page import plotly_js, unpack_table

AS_OF = date(2014, 9, 13)
COUNT = WEBGL_ABOVE + 500


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
    events = [t for t in fig.data if t.meta in ("events", "open")]
    assert events and all(t.hoverinfo == "none" and t.hovertext is None for t in events)
    assert all(t.hovertemplate is None for t in fig.data)
    assert table is not None and "table" not in fig.layout.meta
    assert "search" not in fig.layout.meta and "ids" not in fig.layout.meta
    # the page carries the same table, packed
    assert _table(render_html(big.events, big, as_of=AS_OF)) == table
    # every point's number leads to its own event's row
    for trace in events:
        for n in _ints(trace.customdata)[:50]:
            event = big.events[int(n)]
            assert table["titles"][int(n)] == event.title
            assert table["labels"][int(n)] == event.date.label
            url = table["urlDirs"][table["urlDir"][int(n)]] + table["urlRest"][int(n)]
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


def test_large_page_links_are_pairs_of_event_numbers(tmp_path: Path) -> None:
    big = _linked_collection(tmp_path)
    plot = timeline_plot(big.events, big, as_of=AS_OF)
    assert plot.table is not None
    number = {event.id: n for n, event in enumerate(big.events)}
    pairs = [("linked0", "e0"), ("linked0", "e1"), ("linked1", "e2")]
    assert plot.table["links"] == [number[id] for pair in pairs for id in pair]
    # the trace is there (its legend entry), its points are drawn by the page from the table
    (links,) = [t for t in plot.figure.data if t.meta == "links"]
    assert links.visible == "legendonly" and list(links.x) == [] and list(links.y) == []
    by_actor = timeline_plot(big.events, big, as_of=AS_OF, group_by="actor").figure
    assert not [t for t in by_actor.data if t.meta == "links"]  # an event has many glyphs


@pytest.mark.browser
def test_large_page_draws_links_between_the_linked_events_markers(
    browser: Any, tmp_path: Path
) -> None:
    big = _linked_collection(tmp_path)
    path = tmp_path / "big.html"
    path.write_text(render_html(big.events, big, as_of=AS_OF), encoding="utf-8")
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri())
    page.wait_for_selector("#timeline[data-ready]", timeout=20000)
    links, markers = page.evaluate(
        """() => {
          const gd = document.getElementById("timeline");
          const links = gd._fullData.filter((t) => t.meta === "links")[0];
          const markers = {};
          for (const t of gd._fullData) {
            if (t.meta !== "events") continue;
            for (let i = 0; i < t._length; i++) markers[t.customdata[i]] = [t.x[i], t.y[i]];
          }
          return [[Array.from(gd.data[gd._fullData.indexOf(links)].x),
                   Array.from(gd.data[gd._fullData.indexOf(links)].y)], markers];
        }"""
    )
    number = {event.id: n for n, event in enumerate(big.events)}
    expected_x: list[Any] = []
    expected_y: list[Any] = []
    for a, b in [("linked0", "e0"), ("linked0", "e1"), ("linked1", "e2")]:
        (xa, ya), (xb, yb) = markers[str(number[a])], markers[str(number[b])]
        expected_x += [xa, xb, None]
        expected_y += [ya, yb, None]
    nan_as_none = [[None if v != v else v for v in values] for values in links]
    assert nan_as_none == [expected_x, expected_y]
    assert errors == []
    page.close()


def test_large_page_is_plotly_plus_a_little_per_event(tmp_path: Path) -> None:
    root = build_tree(
        tmp_path / "events", {"actors.yaml": ACTORS, "many.yaml": generated_yaml(COUNT)}
    )
    big = load_collection(root)
    page = render_html(big.events, big, as_of=AS_OF)
    figure = len(page) - len(plotly_js())
    # was about 700 bytes an event with a ready card per glyph; the page around the figure
    # adds about 8 here
    assert figure / COUNT < 120, figure / COUNT


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


@pytest.mark.browser
def test_large_page_hover_card_and_search(browser: Any, tmp_path: Path) -> None:
    files = hostile_files() | {"many.yaml": generated_yaml(COUNT, seed_day=date(1995, 1, 1))}
    files["actors.yaml"] += ACTORS
    root = build_tree(tmp_path / "events", files)
    big = load_collection(root)
    path = tmp_path / "big.html"
    path.write_text(render_html(big.events, big, as_of=AS_OF), encoding="utf-8")
    number = next(i for i, e in enumerate(big.events) if e.title == HOSTILE_TITLES[0])
    context = browser.new_context(viewport={"width": 1400, "height": 4200})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri())
    page.wait_for_selector("#timeline[data-ready]", timeout=20000)
    spot = page.evaluate(
        """(n) => {
          const gd = document.getElementById("timeline");
          const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
          const box = gd.querySelector(".draglayer .nsewdrag").getBoundingClientRect();
          for (const t of gd._fullData) {
            if (t.meta !== "events") continue;
            for (let i = 0; i < t._length; i++) {
              if (t.customdata[i] === n) {
                return [box.left + xa.d2p(t.x[i]), box.top + ya.d2p(t.y[i])];
              }
            }
          }
          return null;
        }""",
        number,
    )
    assert spot is not None
    page.mouse.move(spot[0] - 40, spot[1] - 40)
    page.mouse.move(spot[0], spot[1])
    card = page.locator(".timeline-card")
    card.wait_for(state="visible", timeout=5000)
    text = card.inner_text()
    # hostile events lie apart from the rest, a day from each other: one of them is shown
    assert any(text.startswith(title) for title in HOSTILE_TITLES), text  # text, not markup
    assert "Evil & Co" in text and "click to open the source" in text
    assert card.locator("img, script, a, svg").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    page.fill("#search", "<img src=x onerror=window.__pwned=1")
    page.wait_for_timeout(300)
    assert page.locator("#count").inner_text() == f"1 of {len(big.events)} match"
    assert errors == []
    context.close()


WINDOWS = "".join(
    f"- id: window{n}\n  title: Window {n}\n  date: '[2014-0{n + 1}-03..2014-0{n + 1}-09]'\n"
    f"  type: letter\n  status: occurred\n"
    for n in range(3)
)


def test_large_pages_draw_windows_as_thin_lines_and_say_so_on_hover(tmp_path: Path) -> None:
    files = {"actors.yaml": ACTORS, "many.yaml": generated_yaml(COUNT), "w.yaml": WINDOWS}
    big = load_collection(build_tree(tmp_path / "events", files))
    plot = timeline_plot(big.events, big, as_of=AS_OF)
    assert plot.table is not None
    numbers = [n for n, e in enumerate(big.events) if e.id.startswith("window")]
    # flags: precision 3 is a window, which the page's hover card reads as such
    assert {plot.table["flags"][n] for n in numbers} == {"3"}
    assert all(plot.table["labels"][n].startswith("sometime ") for n in numbers)
    widths = {t.line.width for t in plot.figure.data if t.meta == "segments"}
    assert 1.5 in widths  # the windows' thin lines, beside the bars' and bands' thicker ones
    page = render_html(big.events, big, as_of=AS_OF)
    assert '(flags & 3) === 3) notes.push("a window: one day in it, not known which")' in page
