"""The density overview in Chromium: bins at first, each event once zoomed in, and search and
legend filters driving both. One page load per test; a zoom waits for the page's redraw."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers import ACTORS, build_tree
from test_render import HOSTILE_TITLES, generated_yaml, hostile_files

from timeline.collection.collection import Collection
from timeline.collection.pipeline import load_collection
from timeline.views.render.figure import DENSITY_ABOVE, render_html
from timeline.views.render.layout import glyph_kind

pytestmark = pytest.mark.browser

AS_OF = date(2014, 9, 13)
STUB_OPEN = (
    "window.__opened = []; window.open = (...a) => { window.__opened.push(a); return null; };"
)

# What the figure draws: event marks (SVG points and bars) and density polygons.
DRAWN = """() => {
  const gd = document.getElementById("timeline");
  let marks = 0, bins = 0;
  for (const g of gd.querySelectorAll("g.trace")) {
    const cd = g.__data__, trace = cd && cd[0] && cd[0].trace;
    if (!trace || trace.visible !== true) continue;
    if (trace.meta === "events") marks += g.querySelectorAll(".point").length;
    if (trace.meta === "density") bins += 1;
  }
  const types = gd._fullData.map((t) => t.type);
  return {marks, bins, mode: gd.getAttribute("data-mode"), unit: gd.getAttribute("data-unit"),
          shown: Number(gd.getAttribute("data-shown")), gl: types.includes("scattergl"),
          line: document.getElementById("timeline-mode").textContent};
}"""

# Sets the visible range and waits until the page has drawn it again.
ZOOM = """([start, end]) => new Promise((done) => {
  const gd = document.getElementById("timeline");
  gd.addEventListener("timeline:drawn", () => done(), {once: true});
  Plotly.relayout(gd, {"xaxis.range": [start, end]});
})"""

# Screen position of one event's mark (its first), or null.
MARK_AT = """(n) => {
  const gd = document.getElementById("timeline");
  for (const g of gd.querySelectorAll("g.trace")) {
    const cd = g.__data__, trace = cd && cd[0] && cd[0].trace;
    if (!trace || trace.meta !== "events") continue;
    const points = g.querySelectorAll(".point");
    for (let i = 0; i < points.length; i++) {
      if (trace.customdata[points[i].__data__.i] === n) {
        const r = points[i].getBoundingClientRect();
        return [r.x + r.width / 2, r.y + r.height / 2];
      }
    }
  }
  return null;
}"""


class Page:
    """A page with what it did that a test may object to."""

    def __init__(self, page: Any, path: Path) -> None:
        self.page = page
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on(
            "request",
            lambda r: (
                None
                if r.url.startswith(("file:", "data:", "blob:"))
                else self.requests.append(r.url)
            ),
        )
        page.add_init_script(STUB_OPEN)
        page.goto(path.as_uri(), timeout=120_000)
        page.wait_for_selector("#timeline[data-ready]", timeout=120_000)

    def drawn(self) -> dict[str, Any]:
        found: dict[str, Any] = self.page.evaluate(DRAWN)
        return found

    def zoom(self, start: str, end: str) -> dict[str, Any]:
        self.page.evaluate(ZOOM, [start, end])
        return self.drawn()

    def redrawn(self, act: Any) -> dict[str, Any]:
        """`act()`, then what the page drew once it has drawn again."""
        self.page.evaluate(
            "() => { window.__redrawn = false; document.getElementById('timeline')"
            ".addEventListener('timeline:drawn', () => { window.__redrawn = true; },"
            " {once: true}); }"
        )
        act()
        self.page.wait_for_function("window.__redrawn", timeout=30_000)
        return self.drawn()

    def hover_bin(self, lane: int, when: str) -> str:
        """The card of the bin of `lane` that holds the day `when`."""
        spot = self.page.evaluate(
            """([lane, when]) => {
              const gd = document.getElementById("timeline");
              const d = gd.layout.meta.density;
              const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
              const box = gd.querySelector(".draglayer .nsewdrag").getBoundingClientRect();
              return [box.left + xa.l2p(new Date(when).getTime()),
                      box.top + ya.l2p(d.lanes[lane][1])];
            }""",
            [lane, when],
        )
        self.page.mouse.move(spot[0] - 30, spot[1] - 3)
        self.page.mouse.move(spot[0], spot[1])
        card = self.page.locator(".timeline-bin-card")
        card.wait_for(state="visible", timeout=5000)
        text: str = card.inner_text()
        return text

    def hover_and_click(self, number: int) -> tuple[int, str]:
        """Hover the mark of event `number` and click it: the event Plotly found under the
        mouse (marks may overlap, in a crowded week) and the card shown."""
        spot = self.page.evaluate(MARK_AT, number)
        assert spot is not None, f"event {number} is not drawn"
        self.page.mouse.move(spot[0] - 30, spot[1] - 30)
        self.page.mouse.move(spot[0], spot[1])
        self.page.wait_for_timeout(300)
        text: str = self.page.locator(".hoverlayer").text_content() or ""
        found: int = self.page.evaluate(
            "() => document.getElementById('timeline')._hoverdata[0].customdata"
        )
        self.page.mouse.click(spot[0], spot[1])
        self.page.wait_for_timeout(200)
        return found, text

    def assert_clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.requests == [], self.requests


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()


def page_of(folder: Path, collection: Collection) -> Path:
    path = folder / "page.html"
    path.write_text(render_html(collection.events, collection, as_of=AS_OF), encoding="utf-8")
    return path


def marks_in(collection: Collection, start: date, end: date) -> list[int]:
    """Numbers of the events whose dates overlap `start`..`end` (end excluded), as drawn:
    an open end runs to the as-of day."""
    found = []
    for n, event in enumerate(collection.events):
        last = event.date.end or max(AS_OF, event.date.start)
        if event.date.start < end and last >= start:
            found.append(n)
    return found


def test_five_thousand_events_overview_zoom_search_and_legend(tab: Any, tmp_path: Path) -> None:
    files = {"actors.yaml": ACTORS, "many.yaml": generated_yaml(5000)}
    collection = load_collection(build_tree(tmp_path / "events", files))
    page = Page(tab, page_of(tmp_path, collection))

    # The overview: bins, not one mark, by month over the ten years
    first = page.drawn()
    assert first["mode"] == "density" and first["marks"] == 0 and first["bins"] == 5
    assert first["unit"] == "month" and first["shown"] == 5000 and not first["gl"]
    assert first["line"].startswith("Density by month: 5,000 events in view")
    # a bin's card: the lane and month, counts by status and type, a few titles
    card = page.hover_bin(0, "2012-03-15")
    lines = card.splitlines()
    assert lines[0] == "Letter · Mar 2012", card
    assert re.fullmatch(r"\d+ events: \d+ [a-z]+(, \d+ [a-z]+)*", lines[1]), card
    assert lines[2].startswith("by type: letter "), card
    assert sum("Generated event" in line for line in lines) == 5, card
    assert "more; zoom in to see them" in lines[-1], card

    # A week: the events themselves, as a small page draws them
    start, end = date(2012, 3, 5), date(2012, 3, 12)
    week = page.zoom(start.isoformat(), end.isoformat())
    expected = marks_in(collection, start, end)
    assert week["mode"] == "events" and week["bins"] == 0
    assert week["shown"] == week["marks"] == len(expected), week
    assert week["line"].startswith(f"Each event: {len(expected)} of 5,000 events in view")
    day = next(n for n in expected if glyph_kind(collection.events[n]) == "point")  # a dot
    day, hovered = page.hover_and_click(day)
    event = collection.events[day]
    assert event.title in hovered and "click to open the source" in hovered, hovered
    assert "who:" in hovered and "tags:" in hovered
    assert page.page.evaluate("() => window.__opened") == [
        [event.sources[0].url, "_blank", "noopener,noreferrer"]
    ]

    # Back to everything: bins again
    page.page.locator(".updatemenu-button", has_text="all").click()
    page.page.wait_for_function(
        "document.getElementById('timeline').getAttribute('data-mode') === 'density'"
    )
    assert page.drawn()["unit"] == "month"

    # The legend: hiding a status takes its events out of the counts
    occurred = page.page.locator(".legend .traces", has_text="occurred").locator(".legendtoggle")
    fewer = page.redrawn(occurred.click)
    assert fewer["mode"] == "density" and fewer["shown"] == 4000
    page.page.wait_for_timeout(700)  # a second click sooner would be a double-click
    assert page.redrawn(occurred.click)["shown"] == 5000

    # A search that matches few events shows them as marks, and only them
    # every word is found (the words of title, type, tags and actors): "12" only in titles
    matching = [n for n, e in enumerate(collection.events) if "12" in e.title]
    assert len(matching) <= DENSITY_ABOVE
    found = page.redrawn(lambda: page.page.fill("#search", "event 12"))
    assert found["mode"] == "events" and found["marks"] == found["shown"] == len(matching)
    assert "matching the search" in found["line"]
    assert page.page.locator("#count").inner_text() == f"{len(matching)} of 5000 match"
    # in a week, what does not match is there, faded, as on a small page
    week = page.zoom(start.isoformat(), end.isoformat())
    assert week["marks"] == len(expected)
    bright = page.page.evaluate(
        """() => document.getElementById("timeline").data.filter((t) => t.meta === "events")
             .flatMap((t) => (t.selectedpoints || []).map((i) => t.customdata[i]))"""
    )
    assert set(bright) == set(expected) & set(matching)
    assert page.redrawn(lambda: page.page.fill("#search", ""))["shown"] == len(expected)
    page.assert_clean()


def test_overview_cards_keep_hostile_text_as_text(tab: Any, tmp_path: Path) -> None:
    files = hostile_files() | {
        "many.yaml": generated_yaml(DENSITY_ABOVE, seed_day=date(1995, 1, 1))
    }
    files["actors.yaml"] += ACTORS
    collection = load_collection(build_tree(tmp_path / "events", files))
    assert not collection.problems
    page = Page(tab, page_of(tmp_path, collection))
    assert page.drawn()["mode"] == "density"
    hostile = [n for n, e in enumerate(collection.events) if e.title in HOSTILE_TITLES]
    days = sorted(collection.events[n].date.start for n in hostile)
    lane = page.page.evaluate(
        "() => document.getElementById('timeline').layout.meta.density.laneNames"
    ).index(collection.events[hostile[0]].type.capitalize())
    card = page.hover_bin(lane, days[0].isoformat())
    assert any(title in card for title in HOSTILE_TITLES), card
    assert page.page.locator(".timeline-bin-card").locator("img, script, a").count() == 0
    week = page.zoom(days[0].isoformat(), f"{days[-1].isoformat()} 23:59")
    assert week["mode"] == "events"
    found, text = page.hover_and_click(hostile[0])
    assert found in hostile and collection.events[found].title in text, text  # as text
    assert page.page.evaluate("() => window.__pwned") is None
    assert page.page.locator("#timeline img, #timeline script, svg a").count() == 0
    page.assert_clean()


@pytest.mark.slow
def test_one_hundred_thousand_events_overview_search_and_week(tab: Any, tmp_path: Path) -> None:
    text = generated_yaml(100_000)
    chunks = text.split("- id: ")[1:]
    files = {"actors.yaml": ACTORS} | {
        f"many-{n:03d}.yaml": "".join("- id: " + c for c in chunks[n * 1000 : (n + 1) * 1000])
        for n in range(100)
    }
    collection = load_collection(build_tree(tmp_path / "events", files))
    assert not collection.problems and len(collection.events) == 100_000
    page = Page(tab, page_of(tmp_path, collection))

    first = page.drawn()
    assert first["mode"] == "density" and first["marks"] == 0 and first["bins"] == 5
    assert first["shown"] == 100_000 and first["unit"] == "month"

    # The search narrows the counts, and they stay counts while too many match
    matching = {n for n, e in enumerate(collection.events) if "12" in e.title}
    assert len(matching) > DENSITY_ABOVE
    found = page.redrawn(lambda: page.page.fill("#search", "event 12"))
    assert found["mode"] == "density" and found["shown"] == len(matching)
    assert page.page.locator("#count").inner_text() == f"{len(matching)} of 100000 match"

    # A week: every event in it drawn, those that match bright
    start, end = date(2013, 6, 3), date(2013, 6, 10)
    expected = marks_in(collection, start, end)
    assert len(expected) <= DENSITY_ABOVE
    week = page.zoom(start.isoformat(), end.isoformat())
    assert week["mode"] == "events" and week["marks"] == len(expected)
    assert week["shown"] == len(set(expected) & matching)
    bright = page.page.evaluate(
        """() => document.getElementById("timeline").data.filter((t) => t.meta === "events")
             .flatMap((t) => (t.selectedpoints || []).map((i) => t.customdata[i]))"""
    )
    assert set(bright) == set(expected) & matching
    day = next(n for n in set(expected) & matching if glyph_kind(collection.events[n]) == "point")
    day, hovered = page.hover_and_click(day)
    event = collection.events[day]
    assert event.title in hovered and "click to open the source" in hovered, hovered
    assert page.page.evaluate("() => window.__opened") == [
        [event.sources[0].url, "_blank", "noopener,noreferrer"]
    ]
    assert page.redrawn(lambda: page.page.fill("#search", ""))["shown"] == len(expected)
    page.page.locator(".updatemenu-button", has_text="all").click()
    page.page.wait_for_function(
        "document.getElementById('timeline').getAttribute('data-mode') === 'density'"
    )
    page.assert_clean()
