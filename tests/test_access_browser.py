"""The timeline page and the HTML report read on a phone, with a keyboard and with a screen
reader, in a real headless Chromium: at 390x844 and 1400x900, on the seed page, a page of
5,000 events and the report. axe-core (shipped by axe-playwright-python) checks them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers import ACTORS, ROOT, SEED, build_tree
from test_render import HOSTILE_TITLES, generated_yaml, hostile_files

from timeline.collection.pipeline import load_collection
from timeline.views.render.figure import render_html

pytestmark = pytest.mark.browser

AS_OF = date(2014, 9, 13)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 900}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
MANY = 5000
REPORT = ROOT / "reports" / "2014-09.html"
#: What marks an event a keyboard can reach: a list row's summary, a report's event link.
EVENT = '#event-list summary, a[href^="#event-"]'


def _write(path: Path, events_root: Path, **options: Any) -> Path:
    collection = load_collection(events_root)
    assert not collection.problems
    path.write_text(
        render_html(collection.events, collection, as_of=AS_OF, **options), encoding="utf-8"
    )
    return path


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    many = build_tree(folder / "many", {"actors.yaml": ACTORS, "many.yaml": generated_yaml(MANY)})
    return {
        "seed": _write(folder / "seed.html", SEED),
        "many": _write(folder / "many.html", many),
        "report": REPORT,
    }


def _titles(name: str) -> list[str]:
    if name == "report":
        report = json.loads(REPORT.with_suffix(".json").read_text(encoding="utf-8"))
        return [event["title"] for event in report["happened"]]
    if name == "many":
        return [f"Generated event {n}" for n in range(MANY)]
    return [event.title for event in load_collection(SEED).events]


@pytest.fixture
def opened(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A tab at the viewport `request.param` names; `open(path)` loads a page in it."""
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))

    def open_page(path: Path) -> Any:
        tab.goto(path.as_uri(), wait_until="load", timeout=60_000)
        if path == REPORT:
            tab.wait_for_selector("#report-timeline[data-ready]", timeout=60_000)
        else:
            tab.wait_for_selector("#events[data-ready]", timeout=60_000)
        tab.wait_for_timeout(300)  # the narrow-screen relayout
        return tab

    tab.open = open_page
    yield tab
    assert errors == []
    context.close()


both = pytest.mark.parametrize("opened", ["phone", "desktop"], indirect=True)
every_page = pytest.mark.parametrize("name", ["seed", "many", "report"])


@both
@every_page
def test_no_sideways_scrolling(opened: Any, pages: dict[str, Path], name: str) -> None:
    tab = opened.open(pages[name])
    width, inner = tab.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{name}: {width} px of content in a {inner} px window"


@both
@every_page
def test_every_title_is_in_the_page_text(opened: Any, pages: dict[str, Path], name: str) -> None:
    tab = opened.open(pages[name])
    text = tab.evaluate("document.body.innerText")
    if name == "many":  # a page of rows at a time: every page of the list, in turn
        assert tab.locator("#event-list > li").count() == 100
        if tab.get_attribute("#list-toggle", "aria-expanded") == "false":
            tab.click("#list-toggle")  # on a desktop the list is out of sight until shown
        next_page = tab.locator('.pager [data-step="1"]')
        for _ in range(MANY // 100 - 1):
            next_page.click()
            text += tab.evaluate("document.getElementById('event-list').innerText")
            assert tab.locator("#event-list > li").count() == 100
        assert next_page.is_disabled()
    missing = [title for title in _titles(name) if f"{title}\n" not in text + "\n"]
    assert missing == [], f"{name}: {len(missing)} titles not in the text, e.g. {missing[:3]}"


def _tab_to(tab: Any, selector: str, presses: int = 40) -> bool:
    for _ in range(presses):
        tab.keyboard.press("Tab")
        if tab.evaluate("(s) => document.activeElement.matches(s)", selector):
            return True
        if tab.evaluate(
            "() => document.activeElement.id === 'list-toggle' && "
            "document.activeElement.getAttribute('aria-expanded') === 'false'"
        ):
            tab.keyboard.press("Enter")  # "Show the list"
    return False


@both
@every_page
def test_tab_reaches_an_event_and_enter_opens_it(
    opened: Any, pages: dict[str, Path], name: str
) -> None:
    tab = opened.open(pages[name])
    assert _tab_to(tab, EVENT), f"{name}: Tab never reached an event"
    focus_ring = tab.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focus_ring != "none"
    tab.keyboard.press("Enter")
    tab.wait_for_timeout(200)
    if name == "report":
        target = tab.evaluate("location.hash")
        assert target.startswith("#event-")
        assert tab.locator(f"article{target}").is_visible()
    else:
        assert tab.evaluate("document.activeElement.parentElement.open") is True
        details = tab.evaluate("document.activeElement.parentElement.innerText")
        assert "Status" in details


@both
@every_page
def test_axe_finds_no_serious_violation(opened: Any, pages: dict[str, Path], name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    tab = opened.open(pages[name])
    results = Axe().run(tab)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], bad


@pytest.mark.parametrize("opened", ["desktop"], indirect=True)
def test_keyboard_drives_search_legend_and_range(opened: Any, pages: dict[str, Path]) -> None:
    tab = opened.open(pages["seed"])
    shown = "() => [...document.querySelectorAll('#event-list > li')].filter(r => !r.hidden).length"
    # The modebar keeps only offline buttons.
    titles = tab.eval_on_selector_all(".modebar-btn", "bs => bs.map(b => b.dataset.title)")
    assert titles == ["Download plot as a PNG", "Zoom", "Reset axes"]
    # Search first, then Escape empties it and every event is back.
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.id") == "search"
    tab.keyboard.type("kerry")
    tab.wait_for_timeout(200)
    assert tab.evaluate(shown) == 3
    assert tab.inner_text("#list-status").startswith("3 of 11 events that match the search")
    tab.keyboard.press("Escape")
    tab.wait_for_timeout(200)
    assert tab.input_value("#search") == "" and tab.evaluate(shown) == 11
    # A legend entry, by keyboard: Enter hides the occurred events, Space shows them again.
    assert _tab_to(tab, '[data-key="legend:occurred"]')
    tab.keyboard.press("Enter")
    tab.wait_for_timeout(300)
    assert tab.evaluate(shown) == 3
    assert tab.evaluate("document.activeElement.getAttribute('aria-pressed')") == "false"
    tab.keyboard.press(" ")
    tab.wait_for_timeout(300)
    assert tab.evaluate(shown) == 11
    # A range button: "1m" keeps the events that reach into that month.
    assert _tab_to(tab, '[data-key="range:1m"]')
    tab.keyboard.press("Enter")
    tab.wait_for_timeout(300)
    days = tab.evaluate(
        "document.getElementById('timeline').layout.xaxis.range"
        ".map(v => new Date(v).toISOString().slice(0, 10))"
    )
    assert days == ["2014-08-24", "2014-09-23"]
    assert 0 < tab.evaluate(shown) < 11


@pytest.mark.parametrize("opened", ["phone"], indirect=True)
def test_large_page_lists_a_page_of_matches(opened: Any, pages: dict[str, Path]) -> None:
    tab = opened.open(pages["many"])
    assert tab.evaluate("document.querySelectorAll('#event-list li').length") == 100
    first = tab.locator("#event-list .when").first.inner_text()
    assert first.startswith(("c. Jan 2010", "1 Jan 2010", "Jan 2010"))  # date order
    tab.fill("#search", "event 4999")
    tab.wait_for_timeout(300)
    assert tab.locator("#event-list .what").all_inner_texts() == ["Generated event 4999"]
    assert tab.locator(".pager").is_hidden()
    row = tab.locator("#event-list > li").first
    assert row.locator("a").get_attribute("href") == "https://example.org/4999"
    tab.keyboard.press("Escape")  # the focus is still in the box
    tab.wait_for_timeout(300)
    assert tab.inner_text("#list-status").startswith(f"all {MANY} events")
    # The legend by keyboard, on the overview too: a fifth of the events are occurred.
    assert _tab_to(tab, '[data-key="legend:occurred"]', presses=300)
    tab.keyboard.press("Enter")
    tab.wait_for_timeout(500)
    status = tab.inner_text("#list-status")
    assert status.startswith(f"{MANY - MANY // 5} of {MANY} events that have a status"), status


@pytest.mark.parametrize("opened", ["desktop"], indirect=True)
def test_hostile_text_in_the_list_is_text(opened: Any, tmp_path: Path) -> None:
    root = build_tree(tmp_path / "events", hostile_files())
    tab = opened.open(_write(tmp_path / "hostile.html", root))
    tab.click("#list-toggle")
    titles = tab.locator("#event-list .what").all_inner_texts()
    assert sorted(titles) == sorted(HOSTILE_TITLES)
    assert tab.evaluate("() => window.__pwned") is None
    assert tab.locator("#event-list img, #event-list script, #event-list b").count() == 0


@pytest.mark.parametrize("opened", ["desktop"], indirect=True)
def test_printing_shows_the_list_and_no_controls(opened: Any, pages: dict[str, Path]) -> None:
    tab = opened.open(pages["seed"])
    tab.emulate_media(media="print")
    for hidden in (".search", "#list-toggle", ".timeline-plot", ".pager"):
        assert tab.locator(hidden).is_hidden(), hidden
    assert tab.locator("#event-list > li").first.is_visible()
    assert tab.evaluate("getComputedStyle(document.getElementById('list-body')).position") == (
        "static"
    )
    report = opened.open(pages["report"])
    report.emulate_media(media="print")
    assert report.locator("#report-timeline .updatemenu-container").is_hidden()
