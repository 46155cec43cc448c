"""`timeline render` and the figure library: honest glyphs, lanes, safety, bytes, refusal."""

from __future__ import annotations

import base64
import json
import re
import shutil
import struct
import sys
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import ACTORS, SEED, event_yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import Result

from timeline.collection.collection import Collection
from timeline.collection.pipeline import load_collection
from timeline.views.render.figure import (
    DAY_MS,
    DENSITY_ABOVE,
    day_ms,
    figure_div,
    render_html,
    timeline_figure,
)
from timeline.views.render.layout import _first_fit
from timeline.views.render.text import search_text

AS_OF = date(2014, 9, 13)
Tree = Callable[[Mapping[str, str | bytes]], Path]

HOSTILE_TITLES = [
    "<img src=x onerror=window.__pwned=1>",
    "<script>window.__pwned=2</script> after",
    "javascript:window.__pwned=3",
    "%{x} %{customdata} %{hovertext}",
    "{{ 7*7 }} {% raw %}",
    "</script><b>bold?</b> &amp; &lt;",
]


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def hostile_files() -> dict[str, str]:
    """A valid collection whose every user string tries to become markup or code."""
    actors = (
        "- id: evil\n"
        "  name: " + _quoted("<img src=x onerror=window.__pwned=4> Evil & Co") + "\n"
        "  kind: group\n"
        "- id: good\n  name: Good Actor\n  kind: person\n"
    )
    files = {"actors.yaml": actors}
    for number, title in enumerate(HOSTILE_TITLES):
        files[f"e{number}.yaml"] = event_yaml(
            f"hostile-{number}",
            title=_quoted(title),
            date=f"2014-09-{10 + number:02d}",
            actors="\n  - actor: evil\n    role: author\n  - good",
            location="\n  name: " + _quoted('<a href="javascript:window.__pwned=5">here</a>'),
            sources="\n  - title: " + _quoted("<svg onload=window.__pwned=6>")
            + "\n    publisher: " + _quoted("<a href='javascript:alert(1)'>pub</a>")
            + f"\n    url: https://example.org/{number}?a=<b>",
        )  # fmt: skip
    return files


def generated_yaml(count: int, *, seed_day: date = date(2010, 1, 1)) -> str:
    """`count` valid events in one YAML list, spread over ten years with every kind of date."""
    types = ("meeting", "summit", "statement", "report", "vote", "visit", "letter")
    statuses = ("occurred", "scheduled", "proposed", "postponed", "cancelled")
    lines: list[str] = []
    for n in range(count):
        day = seed_day + timedelta(days=(n * 7919) % 3650)
        shape = 4 if n % 97 == 0 else n % 4  # a few ongoing, as in real collections
        if shape == 0:
            when = day.isoformat()
        elif shape == 1:
            when = f"{day.isoformat()}/{(day + timedelta(days=n % 9 + 1)).isoformat()}"
        elif shape == 2:
            when = day.strftime("%Y-%m")
        elif shape == 3:
            when = day.isoformat() + "~"
        else:
            when = day.strftime("%Y-%m") + "/.."
        lines.append(
            f"- id: e{n}\n  title: Generated event {n}\n  date: '{when}'\n"
            f"  type: {types[n % len(types)]}\n  status: {statuses[n % len(statuses)]}\n"
            f"  actors: [kerry]\n  tags: [t{n % 4}]\n"
            f"  sources:\n    - url: https://example.org/{n}\n"
        )
    return "".join(lines)


def numbers(value: Any) -> list[float]:
    """A figure array (plain list or plotly typed array) as a list of numbers."""
    if isinstance(value, dict) and "bdata" in value:
        raw = base64.b64decode(value["bdata"])
        code = {"f4": "f", "f8": "d"}[value["dtype"]]
        return list(struct.unpack(f"<{len(raw) // struct.calcsize(code)}{code}", raw))
    return list(value)


@pytest.fixture(scope="module")
def seed() -> Collection:
    return load_collection(SEED)


def event_traces(fig: Any) -> list[Any]:
    return [t for t in fig.data if t.meta == "events"]


def glyph_of(fig: Any, event_id: str) -> tuple[Any, int]:
    """The events trace drawing `event_id`, and the point's index in it."""
    number = list(fig.layout.meta["ids"]).index(event_id)
    for trace in event_traces(fig):
        if number in list(trace.customdata):
            return trace, list(trace.customdata).index(number)
    raise AssertionError(f"{event_id} is not drawn")


# --- honest dates --------------------------------------------------------------------


def test_each_event_is_drawn_once_by_type(seed: Collection) -> None:
    fig = timeline_figure(seed.events, seed, as_of=AS_OF)
    drawn = sorted(n for t in event_traces(fig) for n in t.customdata)
    assert drawn == list(range(len(seed.events)))


def test_month_precision_is_a_band_over_the_whole_month(seed: Collection) -> None:
    fig = timeline_figure(seed.events, seed, as_of=AS_OF)
    trace, i = glyph_of(fig, "un-coi-dprk-report")  # date: 2014-02
    assert trace.type == "bar" and trace.opacity < 0.5
    start = numbers(trace.base)[i]
    assert start == day_ms(date(2014, 2, 1))
    assert start + numbers(trace.x)[i] == day_ms(date(2014, 3, 1))


def test_exact_interval_is_an_opaque_bar_from_start_to_end(seed: Collection) -> None:
    fig = timeline_figure(seed.events, seed, as_of=AS_OF)
    trace, i = glyph_of(fig, "unga-69-leaders-week")  # 2014-09-22/2014-10-01
    assert trace.type == "bar" and trace.opacity == 1
    start = numbers(trace.base)[i]
    assert (start, start + numbers(trace.x)[i]) == (
        day_ms(date(2014, 9, 22)), day_ms(date(2014, 10, 2))
    )  # fmt: skip


def test_window_is_an_outlined_band_with_end_marks_unlike_a_bar(seed: Collection) -> None:
    fig = timeline_figure(seed.events, seed, as_of=AS_OF)
    window, i = glyph_of(fig, "former-officials-letter-to-kerry")  # [2014-09-08..2014-09-12]
    start = numbers(window.base)[i]
    assert (start, start + numbers(window.x)[i]) == (
        day_ms(date(2014, 9, 8)), day_ms(date(2014, 9, 13))
    )  # fmt: skip
    bar, _ = glyph_of(fig, "unga-69-leaders-week")
    band, _ = glyph_of(fig, "un-coi-dprk-report")  # 2014-02: a faint, filled band
    assert window.type == "bar" and window not in (bar, band)
    # no solid fill: a faint wash inside a full-strength outline
    assert window.marker.color.startswith("rgba(") and window.marker.color.endswith(",0.1)")
    assert window.opacity == 1 and window.marker.line.width > 0
    # the window's bounds are marked with ticks, drawn apart from the clickable glyphs
    ends = [numbers(t.x) for t in fig.data if t.meta == "window-ends"]
    assert [day_ms(date(2014, 9, 8)), day_ms(date(2014, 9, 13))] in ends  # one per status
    assert [day_ms(date(2014, 9, 22)), day_ms(date(2014, 10, 1))] in ends
    ends_trace = next(t for t in fig.data if t.meta == "window-ends")
    assert ends_trace.marker.symbol == "line-ns" and ends_trace.hoverinfo == "skip"
    assert "one day in it, not known which" in window.hovertext[i]
    assert "sometime 8–12 Sep 2014" in window.hovertext[i]
    side, _ = glyph_of(fig, "dprk-human-rights-ministerial-side-event")  # scheduled window
    assert side is not bar and side.marker.color.endswith(",0.1)")


def test_the_key_explains_windows(seed: Collection) -> None:
    fig = timeline_figure(seed.events, seed, as_of=AS_OF)
    [key] = [a for a in fig.layout.annotations if "from–to" in a.text]
    assert "sometime in this window" in key.text


@pytest.mark.parametrize(
    ("as_of", "anchor"),
    [(date(2026, 12, 1), "right"), (date(2011, 1, 1), "left")],
)
def test_the_as_of_label_stays_inside_the_chart(seed: Collection, as_of: date, anchor: str) -> None:
    # Near the right end of the range (every event past: the usual case), a label to the
    # right of the line would be cut off at the chart's edge; it goes to its left there.
    fig = timeline_figure(seed.events, seed, as_of=as_of)
    [label] = [a for a in fig.layout.annotations if a.text.startswith("as of ")]
    assert label.xanchor == anchor
    assert (label.xshift > 0) == (anchor == "left")


def test_day_is_a_marker_and_an_approximate_day_is_faint(seed: Collection) -> None:
    fig = timeline_figure(seed.events, seed, as_of=AS_OF)
    exact, i = glyph_of(fig, "csis-publishes-letter-to-kerry")  # 2014-09-12
    assert exact.type == "scatter" and exact.mode == "markers" and exact.opacity == 1
    assert numbers(exact.x)[i] == day_ms(date(2014, 9, 12)) + DAY_MS // 2
    fuzzy, _ = glyph_of(fig, "hrw-sifton-statement-side-event")  # 2014-09-12~
    assert fuzzy.type == "scatter" and fuzzy.opacity < 1


def test_open_end_runs_to_the_as_of_day_with_an_arrow(seed: Collection) -> None:
    fig = timeline_figure(seed.events, seed, as_of=AS_OF)
    trace, i = glyph_of(fig, "japan-eu-draft-dprk-resolution")  # 2014-09~/..
    end = numbers(trace.base)[i] + numbers(trace.x)[i]
    assert end == day_ms(AS_OF) + DAY_MS // 2
    number = list(fig.layout.meta["ids"]).index("japan-eu-draft-dprk-resolution")
    arrows = [t for t in fig.data if t.meta == "open" and number in list(t.customdata)]
    assert len(arrows) == 1 and arrows[0].marker.symbol == "triangle-right"
    assert "ongoing" in trace.hovertext[i]


def test_statuses_look_different_and_have_legend_entries(seed: Collection) -> None:
    fig = timeline_figure(seed.events, seed, as_of=AS_OF)
    legend = {t.legendgroup: t for t in fig.data if t.meta == "legend"}
    assert set(legend) == {"occurred", "scheduled", "proposed"}
    assert legend["occurred"].name == "occurred (8)"
    symbols = {status: t.marker.symbol for status, t in legend.items()}
    assert len(set(symbols.values())) == 3 and symbols["occurred"] == "circle"
    planned, _ = glyph_of(fig, "unga-69-leaders-week")
    assert planned.marker.color == "#ffffff"  # scheduled: hollow
    proposed, _ = glyph_of(fig, "unga-dprk-human-rights-resolution-2014")
    assert proposed.marker.pattern.shape == "/"  # proposed: hatched
    # every drawn trace belongs to its status's legend group: a legend click hides it all
    for trace in event_traces(fig):
        assert trace.legendgroup in legend and trace.showlegend is False


def test_traces_are_per_category_not_per_event(tree: Tree) -> None:
    root = tree({"actors.yaml": ACTORS, "many.yaml": generated_yaml(400)})
    collection = load_collection(root)
    fig = timeline_figure(collection.events, collection, as_of=AS_OF)
    assert len(collection.events) == 400
    assert len(fig.data) <= 5 * 6 + 1


def test_density_only_above_the_threshold(tree: Tree) -> None:
    root = tree({"actors.yaml": ACTORS, "many.yaml": generated_yaml(DENSITY_ABOVE + 1)})
    big = load_collection(root)
    metas = {t.meta for t in timeline_figure(big.events, big, as_of=AS_OF).data}
    assert "density" in metas and "events" not in metas
    at = {t.meta for t in timeline_figure(big.events[:-1], big, as_of=AS_OF).data}
    assert "events" in at and "density" not in at


# --- lanes --------------------------------------------------------------------------


def test_type_lanes_are_ordered_by_first_event(seed: Collection) -> None:
    fig = timeline_figure(seed.events, seed, as_of=AS_OF)
    heads = [a.text for a in fig.layout.annotations if a.text.startswith("<b>")]
    assert heads[:2] == ["<b>Other  ·  1</b>", "<b>Report  ·  1</b>"]
    assert heads[-1] == "<b>Resolution  ·  1</b>"


def test_actor_lanes_name_actors_and_repeat_events_with_their_role(seed: Collection) -> None:
    fig = timeline_figure(seed.events, seed, as_of=AS_OF, group_by="actor")
    heads = [a.text for a in fig.layout.annotations if a.text.startswith("<b>")]
    assert "<b>North Korea  ·  8</b>" in heads and "<b>John Kerry  ·  2</b>" in heads
    assert not any("north-korea" in h for h in heads)
    number = list(fig.layout.meta["ids"]).index("former-officials-letter-to-kerry")
    texts = [
        text
        for t in event_traces(fig)
        for n, text in zip(t.customdata, t.hovertext, strict=True)
        if n == number
    ]
    assert len(texts) == 7  # one glyph in each of its seven actors' lanes
    assert any("role in this lane: <b>addressee</b>" in text for text in texts)


@pytest.mark.parametrize("group_by", ["type", "actor", "tag", "status"])
def test_every_group_by_draws_every_event(seed: Collection, group_by: Any) -> None:
    fig = timeline_figure(seed.events, seed, as_of=AS_OF, group_by=group_by)
    drawn = {n for t in event_traces(fig) for n in t.customdata}
    assert drawn == set(range(len(seed.events)))


def test_status_lanes_follow_the_life_of_an_event(seed: Collection) -> None:
    fig = timeline_figure(seed.events, seed, as_of=AS_OF, group_by="status")
    heads = [a.text for a in fig.layout.annotations if a.text.startswith("<b>")]
    assert heads == ["<b>Occurred  ·  8</b>", "<b>Scheduled  ·  2</b>", "<b>Proposed  ·  1</b>"]


def test_events_without_actors_get_their_own_lane(tree: Tree) -> None:
    root = tree({"actors.yaml": ACTORS, "a.yaml": event_yaml("lonely")})
    collection = load_collection(root)
    fig = timeline_figure(collection.events, collection, as_of=AS_OF, group_by="actor")
    assert any("(no actors)" in a.text for a in fig.layout.annotations)


# --- hover and safety ---------------------------------------------------------------


def test_hover_tells_who_where_when_and_the_source(seed: Collection) -> None:
    fig = timeline_figure(seed.events, seed, as_of=AS_OF)
    trace, i = glyph_of(fig, "dprk-human-rights-ministerial-side-event")
    text = trace.hovertext[i]
    for part in (
        "sometime 22–30 Sep 2014", "scheduled", "United States (organizer)",
        "John Kerry (participant)",
        "New York, United States", "north-korea", "Yonhap via The Korea Herald, 13 Sep 2014",
        "part of:</b> UN General Assembly, 69th session",
    ):  # fmt: skip
        assert part in text, part
    report, j = glyph_of(fig, "un-coi-dprk-report")
    assert "month precision" in report.hovertext[j]


def test_user_text_reaches_plotly_escaped_and_never_as_a_template(tree: Tree) -> None:
    collection = load_collection(tree(hostile_files()))
    assert not collection.problems
    fig = timeline_figure(collection.events, collection, as_of=AS_OF, group_by="actor")
    payload = json.dumps(fig.to_plotly_json())
    for raw in ("<img", "<script", "<svg", "<a href", "</script>", "<b>bold"):
        assert raw not in payload
    assert "&lt;img src=x onerror=window.__pwned=1&gt;" in payload
    for trace in fig.data:
        assert trace.hovertemplate is None
    ticks = list(fig.layout.yaxis.ticktext)
    assert any(t.startswith("&lt;script&gt;window.__pwned=2&lt;/script&gt; after") for t in ticks)


def test_page_escapes_the_title_and_has_no_raw_user_markup(tree: Tree) -> None:
    collection = load_collection(tree(hostile_files()))
    page = render_html(collection.events, collection, as_of=AS_OF, title="<i>{{ 7*7 }}</i>")
    head, _, rest = page.partition('<div id="timeline"')
    assert "&lt;i&gt;{{ 7*7 }}&lt;/i&gt;" in head and "<i>" not in head
    data = re.search(r'id="timeline-figure">(.*?)</script>', rest, re.S)
    assert data is not None
    assert "<" not in data.group(1)  # the JSON block cannot close its script


def test_only_http_links_reach_the_page(seed: Collection) -> None:
    fig = timeline_figure(seed.events, seed, as_of=AS_OF)
    urls = [u for u in fig.layout.meta["urls"] if u is not None]
    assert urls and all(u.startswith(("http://", "https://")) for u in urls)


def test_search_text_holds_title_actor_names_and_tags(seed: Collection) -> None:
    event = seed.event_index["dprk-human-rights-ministerial-side-event"]
    text = search_text(event, seed.actor_index)
    assert "john kerry" in text and "unga-69" in text and "ministerial side event" in text


# --- the page and its bytes ---------------------------------------------------------


def test_page_is_offline_and_deterministic(seed: Collection) -> None:
    first = render_html(seed.events, seed, as_of=AS_OF)
    again = render_html(list(seed.events), seed, as_of=AS_OF)
    assert first == again
    assert "Content-Security-Policy" in first and "default-src 'none'" in first
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", first)
    assert len(first) > 3_000_000  # plotly.js is inside


def test_figure_div_is_a_fragment_without_plotlyjs_on_request(seed: Collection) -> None:
    fig = timeline_figure(seed.events, seed, as_of=AS_OF, title="Seed")
    fragment = figure_div(fig, div_id="seed-plot", include_plotlyjs=False)
    assert fragment.startswith('<div id="seed-plot"') and len(fragment) < 100_000
    assert fragment == figure_div(fig, div_id="seed-plot", include_plotlyjs=False)
    with pytest.raises(ValueError):
        figure_div(fig, div_id='x"><script>')


def test_file_stays_small_at_scale(tree: Tree) -> None:
    root = tree({"actors.yaml": ACTORS, "many.yaml": generated_yaml(5000)})
    collection = load_collection(root)
    size = len(render_html(collection.events, collection, as_of=AS_OF).encode())
    bare = len(render_html([], collection, as_of=AS_OF).encode())
    per_event = (size - bare) / 5000
    print(f"\n5000 events: {size / 1e6:.2f} MB, {per_event:.0f} bytes an event beyond plotly.js")
    assert per_event < 900


# --- the command --------------------------------------------------------------------


def run_seed(cli: Callable[..., Result], *args: str) -> Result:
    return cli("render", "--events", str(SEED), "--as-of", "2014-09-13", *args)


def test_cli_writes_the_page_and_prints_its_path(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    result = run_seed(cli)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "wrote timeline.html (11 events)"
    first = (tmp_path / "timeline.html").read_bytes()
    assert b"<title>Timeline</title>" in first
    assert run_seed(cli).exit_code == 0
    assert (tmp_path / "timeline.html").read_bytes() == first  # same input, same bytes


def test_cli_filters_group_by_and_title(cli: Callable[..., Result], tmp_path: Path) -> None:
    result = run_seed(cli, "--type", "report", "--type", "letter", "--group-by", "actor",
                      "--title", "COI & letters", "-o", "out/coi.html")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "wrote out/coi.html (2 events)" in result.stdout
    page = (tmp_path / "out" / "coi.html").read_text(encoding="utf-8")
    assert "<h1><bdi>COI &amp; letters</bdi></h1>" in page and "of 11 in the collection" in page
    meta = json.loads(re.findall(r'id="timeline-figure">(.*?)</script>', page, re.S)[0])
    assert meta["layout"]["meta"]["ids"] == [
        "un-coi-dprk-report", "former-officials-letter-to-kerry"
    ]  # fmt: skip


def test_default_title_is_the_folder_name(cli: Callable[..., Result], tree: Tree) -> None:
    root = tree({"a.yaml": event_yaml("one")})
    renamed = root.rename(root.parent / "korea_talks-2014")
    result = cli("render", "--events", str(renamed), "--as-of", "2014-09-13")
    assert result.exit_code == 0, result.output
    assert "<title>Korea talks 2014</title>" in (renamed.parent / "timeline.html").read_text()


def test_collection_with_errors_is_not_rendered(
    cli: Callable[..., Result], tree: Tree, tmp_path: Path
) -> None:
    tree({"a.yaml": event_yaml("one", date="2014-02-30")})
    result = cli("render", "--as-of", "2014-09-13")
    assert result.exit_code == 1
    assert "invalid-date" in result.stderr
    assert not (tmp_path / "timeline.html").exists()
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))


def test_bad_output_suffix_is_a_usage_error(cli: Callable[..., Result], tmp_path: Path) -> None:
    result = run_seed(cli, "-o", "timeline.docx")
    assert result.exit_code == 2
    assert "must end in .html" in result.output
    assert not (tmp_path / "timeline.docx").exists()


def test_unknown_group_by_is_a_usage_error(cli: Callable[..., Result]) -> None:
    assert run_seed(cli, "--group-by", "colour").exit_code == 2


def test_empty_selection_still_writes_an_honest_page(cli: Callable[..., Result]) -> None:
    result = run_seed(cli, "--to", "2000-01-01")
    assert result.exit_code == 0
    assert "no events match" in result.stderr and "(0 events)" in result.stdout


def test_image_without_kaleido_says_how_to_get_it(
    cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "kaleido", None)  # import kaleido now fails
    result = run_seed(cli, "-o", "timeline.png")
    assert result.exit_code == 1
    assert 'pip install "timeline[images]"' in result.stderr
    assert not (tmp_path / "timeline.png").exists()


def test_image_without_a_browser_says_so(
    cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pytest.importorskip("kaleido", reason='needs the images extra: pip install "timeline[images]"')
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chrome"))
    result = run_seed(cli, "-o", "timeline.pdf")
    assert result.exit_code == 1
    assert "it needs Chrome or Chromium" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "timeline.pdf").exists()


def test_related_links_are_connectors_between_shown_events(seed: Collection) -> None:
    fig = timeline_figure(seed.events, seed, as_of=AS_OF)
    (links,) = [t for t in fig.data if t.meta == "links"]
    pairs = sum(1 for e in seed.events for link in e.related if link.event in seed.event_index)
    assert list(links.x).count(None) == pairs and links.visible == "legendonly"
    only_two = [seed.event_index["csis-publishes-letter-to-kerry"],
                seed.event_index["former-officials-letter-to-kerry"]]  # fmt: skip
    fig = timeline_figure(only_two, seed, as_of=AS_OF)
    (links,) = [t for t in fig.data if t.meta == "links"]
    assert list(links.x).count(None) == 1


@pytest.mark.browser
@pytest.mark.parametrize(("suffix", "magic"), [(".png", b"\x89PNG"), (".svg", b"<svg")])
def test_image_through_kaleido(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    suffix: str, magic: bytes,
) -> None:  # fmt: skip
    pytest.importorskip("kaleido", reason='needs the images extra: pip install "timeline[images]"')
    chromium = shutil.which("chromium") or shutil.which("google-chrome")
    if chromium is None:
        pytest.skip("kaleido needs Chrome or Chromium (apt-get install chromium)")
    monkeypatch.setenv("BROWSER_PATH", chromium)
    result = run_seed(cli, "-o", f"seed{suffix}")
    assert result.exit_code == 0, result.output
    assert (tmp_path / f"seed{suffix}").read_bytes()[:200].lstrip().find(magic) >= 0


@given(
    spans=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 60)), min_size=1, max_size=60),
    gap=st.integers(0, 20),
)
def test_packed_rows_are_the_first_row_free(spans: list[tuple[int, int]], gap: int) -> None:
    # The heap-based packing against the plain scan it replaced: the lowest row whose
    # last glyph ends `gap` before the next one starts, else a new row.
    members = sorted((start, start + length + 1) for start, length in spans)
    ends: list[int] = []
    expected = []
    for start, end in members:
        row = next((i for i, last in enumerate(ends) if last + gap <= start), len(ends))
        if row == len(ends):
            ends.append(end)
        ends[row] = end
        expected.append(row)
    assert _first_fit(members, gap) == expected
