"""The rendered page in a real headless Chromium: it draws, stays offline, searches, toggles,
opens sources, and shows hostile text as text. One page load is shared where possible."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers import SEED, build_tree
from test_render import HOSTILE_TITLES, hostile_files

from timeline.collection.pipeline import load_collection
from timeline.views.render.figure import render_html

pytestmark = pytest.mark.browser

AS_OF = date(2014, 9, 13)
LOCAL = ("file:", "data:", "blob:", "about:")

# Counts the drawn glyphs of events (SVG points; large pages: tests/test_render_density.py).
COUNT_DRAWN = """() => {
  const gd = document.getElementById("timeline");
  let svg = 0;
  for (const g of gd.querySelectorAll("g.trace")) {
    const cd = g.__data__;
    const trace = cd && cd[0] && cd[0].trace;
    if (trace && trace.meta === "events" && trace.visible === true) {
      svg += g.querySelectorAll(".point").length;
    }
  }
  return svg;
}"""

# Records window.open instead of opening a tab (which would leave the machine).
STUB_OPEN = (
    "window.__opened = []; window.open = (...args) => { window.__opened.push(args); return null; };"
)


class Watched:
    """A page with everything it did that a test may object to."""

    def __init__(self, page: Any) -> None:
        self.page = page
        page.set_default_timeout(8000)
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", self._request)
        page.on("dialog", self._dialog)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _request(self, request: Any) -> None:
        if not request.url.startswith(LOCAL):
            self.requests.append(request.url)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: Path) -> Watched:
        self.page.add_init_script(STUB_OPEN)
        self.page.goto(path.as_uri(), wait_until="load", timeout=30_000)
        self.page.wait_for_selector("#timeline[data-ready]", timeout=30_000)
        return self

    def drawn(self) -> int:
        return int(self.page.evaluate(COUNT_DRAWN))

    def assert_clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.requests == [], self.requests
        assert self.dialogs == [], self.dialogs


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    yield Watched(context.new_page())
    context.close()


def write_page(folder: Path, events_root: Path, name: str, **options: Any) -> Path:
    collection = load_collection(events_root)
    assert not collection.problems
    path = folder / name
    path.write_text(
        render_html(collection.events, collection, as_of=AS_OF, **options), encoding="utf-8"
    )
    return path


def point_center(page: Any, event_number: int) -> tuple[float, float]:
    """Screen position of the drawn glyph of one event (first lane it appears in)."""
    box = page.evaluate(
        """(n) => {
          const gd = document.getElementById("timeline");
          for (const g of gd.querySelectorAll("g.trace")) {
            const cd = g.__data__, trace = cd && cd[0] && cd[0].trace;
            if (!trace || trace.meta !== "events") continue;
            const points = g.querySelectorAll(".point");
            for (let i = 0; i < points.length; i++) {
              const datum = points[i].__data__;
              const index = datum && datum.i !== undefined ? datum.i : i;
              if (trace.customdata[index] === n) {
                const r = points[i].getBoundingClientRect();
                return [r.x + r.width / 2, r.y + r.height / 2];
              }
            }
          }
          return null;
        }""",
        event_number,
    )
    assert box is not None, f"event {event_number} is not drawn"
    return box[0], box[1]


def test_seed_page_draws_offline_and_every_control_works(watched: Watched, tmp_path: Path) -> None:
    page_path = write_page(tmp_path, SEED, "seed.html")
    seed = load_collection(SEED)
    ids = [event.id for event in seed.events]
    page = watched.open(page_path).page

    assert page.locator(".main-svg").count() > 0
    assert watched.drawn() == len(seed.events) == 11
    assert page.locator("header h1").inner_text() == "Timeline"
    assert "11 events" in page.locator(".facts").inner_text()

    # Legend: clicking "occurred" hides its 8 events; clicking again brings them back.
    occurred = page.locator(".legend .traces", has_text="occurred").locator(".legendtoggle")
    occurred.click()
    page.wait_for_timeout(700)  # a legend click waits out the double-click delay
    assert watched.drawn() == 3
    occurred.click()
    page.wait_for_timeout(700)
    assert watched.drawn() == 11

    # Search: title, actor name and tag words; every word must match.
    for query, expected in [
        ("kerry", {"former-officials-letter-to-kerry", "csis-publishes-letter-to-kerry",
                   "dprk-human-rights-ministerial-side-event"}),
        ("us-policy", {"us-interest-cosponsoring-dprk-resolution",
                       "former-officials-letter-to-kerry"}),
        ("Yun Byung-se", {"dprk-human-rights-ministerial-side-event"}),
    ]:  # fmt: skip
        page.fill("#search", query)
        page.wait_for_timeout(200)
        assert page.locator("#count").inner_text() == f"{len(expected)} of 11 match"
        bright = page.evaluate(
            """() => [...new Set(document.getElementById("timeline").data
                 .filter(t => t.meta === "events")
                 .flatMap(t => (t.selectedpoints || []).map(i => t.customdata[i])))]"""
        )
        assert {ids[n] for n in bright} == expected, query
    page.fill("#search", "")
    page.wait_for_timeout(200)
    assert page.locator("#count").inner_text() == ""

    # Range buttons zoom around the as-of day; "all" shows everything again.
    days = """() => document.getElementById("timeline").layout.xaxis.range
                   .map(v => new Date(v).toISOString().slice(0, 10))"""
    page.locator(".updatemenu-button", has_text="1m").click()
    page.wait_for_timeout(300)
    assert page.evaluate(days) == ["2014-08-24", "2014-09-23"]
    page.locator(".updatemenu-button", has_text="all").click()
    page.wait_for_timeout(300)
    first, last = page.evaluate(days)
    assert first < "2013-01-01" and last > "2014-12-31"

    # A click on an event opens its first source in a new tab.
    x, y = point_center(page, ids.index("csis-publishes-letter-to-kerry"))
    page.mouse.move(x, y)
    page.wait_for_timeout(200)
    assert "CSIS makes public" in page.locator(".hoverlayer").text_content()
    page.mouse.click(x, y)
    page.wait_for_timeout(200)
    opened = page.evaluate("() => window.__opened")
    assert opened == [
        ["https://www.koreaherald.com/view.php?ud=20140913000222", "_blank", "noopener,noreferrer"]
    ]
    watched.assert_clean()


def test_hostile_text_shows_literally_and_runs_nothing(watched: Watched, tmp_path: Path) -> None:
    root = build_tree(tmp_path / "events", hostile_files())
    title = "<img src=x onerror=alert(1)>{{ 7*7 }}"
    page_path = write_page(tmp_path, root, "hostile.html", group_by="actor", title=title)
    page = watched.open(page_path).page
    assert watched.drawn() == 2 * len(HOSTILE_TITLES)  # each event in two actors' lanes
    assert page.locator("header h1").inner_text() == title
    labels = page.locator(".ytick text").all_text_contents()
    for title in HOSTILE_TITLES:
        assert any(label.startswith(f"{title}  ") for label in labels), title
    lanes = page.locator(".annotation-text").all_text_contents()
    assert any(text.startswith("<img src=x onerror=window.__pwned=4> Ev") for text in lanes)
    # Hover a card: the markup in titles, names, places and publishers is plain text.
    x, y = point_center(page, 0)
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    card = page.locator(".hoverlayer").text_content()
    assert "<img src=x onerror=window.__pwned=1>" in card
    assert '<a href="javascript:window.__pwned=5">here</a>' in card
    assert "<a href='javascript:alert(1)'>pub</a>" in card
    page.mouse.click(x, y)
    page.wait_for_timeout(200)
    # Nothing ran, nothing became an element or a link, the source opened as its own URL.
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("#timeline img, #timeline script, svg a, header img").count() == 0
    assert page.evaluate("() => window.__opened") == [
        ["https://example.org/0?a=<b>", "_blank", "noopener,noreferrer"]
    ]
    # Searching for the markup itself finds its event.
    page.fill("#search", "<script>")
    page.wait_for_timeout(200)
    assert page.locator("#count").inner_text() == "1 of 6 match"
    watched.assert_clean()


@pytest.mark.parametrize("group_by", ["actor", "tag", "status"])
def test_every_group_by_draws_every_glyph(watched: Watched, tmp_path: Path, group_by: str) -> None:
    page_path = write_page(tmp_path, SEED, f"{group_by}.html", group_by=group_by)
    seed = load_collection(SEED)
    expected = {
        "actor": sum(len({ref.actor for ref in e.actors}) or 1 for e in seed.events),
        "tag": sum(len(set(e.tags)) or 1 for e in seed.events),
        "status": len(seed.events),
    }[group_by]
    watched.open(page_path)
    assert watched.drawn() == expected
    watched.assert_clean()
