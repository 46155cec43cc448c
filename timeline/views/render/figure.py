"""Events to an honest, interactive Plotly timeline: lanes, glyphs, hover, and the page.

Every user string reaches Plotly escaped (`html.escape`): Plotly's text renderer reads a
few tags (`<a href>`, `<span style>`), so raw text could draw links or styles. User text
goes only into data arrays (`hovertext`, `text`, `ticktext`, `layout.meta`), never into
`hovertemplate` or script code. Above `DENSITY_ABOVE` marks the figure is the density
overview (`timeline.views.render.density`) and the page carries one compact event table
(`timeline.views.render.table`) instead of a card per glyph: the browser bins, draws and
builds cards and search text from it, escaping every string. The traces are built in
`timeline.views.render.traces`.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from timeline.collection.collection import Collection
from timeline.core.memory import collector_paused
from timeline.core.model import Actor, Event
from timeline.core.urls import web_url
from timeline.views.describe import location_label
from timeline.views.render.density import (
    DENSITY_ABOVE,
    bin_edges,
    bin_unit,
    density_key,
    density_meta,
    density_traces,
    event_spans,
    mark_count,
)
from timeline.views.render.layout import (
    DAY_MS,
    STATUS_ORDER,
    Glyph,
    GroupBy,
    Lane,
    day_ms,
    layout_glyphs,
    ms_day,
)
from timeline.views.render.listing import chart_summary, date_order, event_rows
from timeline.views.render.page import (
    ImageError,
    figure_div,
    figure_image,
    pack_table_soon,
    page_html,
)
from timeline.views.render.replay import replay_payload
from timeline.views.render.table import event_table, linked_pairs, status_counts_of
from timeline.views.render.text import (
    event_hover,
    lane_title,
    search_text,
    short,
    span_label,
    status_counts,
)
from timeline.views.render.traces import (
    event_traces,
    legend_trace,
    link_legend_trace,
    link_trace,
)

if TYPE_CHECKING:
    from timeline.collection.gitchanges import ReplayState

__all__ = [
    "DAY_MS", "DENSITY_ABOVE", "GroupBy", "ImageError", "Plot", "day_ms", "default_title",
    "figure_div", "figure_image", "render_html", "timeline_figure", "timeline_plot",
]  # fmt: skip

# The shaded future reaches this far past the view, so panning right keeps it shaded.
_FAR = 20 * 366 * DAY_MS
# plotly.js falls back to showing the year 2000 when a date axis is asked to reach 31 Dec
# 9999 (its last drawable instant is just before): ranges are kept inside this.
_CALENDAR = (day_ms(date.min), day_ms(date.max) - 1)


def _drawable(start: int, end: int) -> list[int]:
    """An x range (ms) kept to what plotly.js draws."""
    return [max(start, _CALENDAR[0]), min(end, _CALENDAR[1])]


HEIGHT_CAP = 2000
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def default_title(collection: Collection) -> str:
    """The collection folder's name made readable, or 'Timeline' for a plain `events`."""
    name = collection.root.resolve().name.replace("_", " ").replace("-", " ").strip()
    if not name or name.lower() in ("events", "event"):
        return "Timeline"
    return name[0].upper() + name[1:]


@dataclass(frozen=True, slots=True)
class Plot:
    """A timeline: its Plotly figure and, on large pages, the compact event table the page
    builds hover cards and search from (`render_table`). The table stays out of the
    figure: Plotly deep-copies everything a figure holds, several times, which took three
    seconds for the table of 100,000 events."""

    figure: go.Figure
    table: dict[str, Any] | None
    #: The table being packed for the page (`timeline_plot(..., pack=True)`).
    packed: Future[str] | None = None
    #: The chart in one sentence, for readers who do not see it (`chart_summary`).
    summary: str = ""
    #: The events' numbers in date order, the order of the list of events.
    order: list[int] = field(default_factory=list)


def timeline_figure(
    events: Sequence[Event],
    collection: Collection,
    *,
    as_of: date,
    group_by: GroupBy = "type",
    title: str | None = None,
) -> go.Figure:
    """The interactive timeline of `events` as a Plotly figure (deterministic for its input)."""
    return timeline_plot(events, collection, as_of=as_of, group_by=group_by, title=title).figure


def timeline_plot(
    events: Sequence[Event],
    collection: Collection,
    *,
    as_of: date,
    group_by: GroupBy = "type",
    title: str | None = None,
    pack: bool = False,
) -> Plot:
    """The timeline of `events`: the figure and, on large pages, its event table; with
    `pack`, that table already being packed for the page while the figure is built.
    Above `DENSITY_ABOVE` marks the figure is the density overview (`density_plot`)."""
    if mark_count(events, group_by) > DENSITY_ABOVE:
        return density_plot(events, collection, as_of, group_by, title, pack)
    glyphs, lanes, labelled = layout_glyphs(events, group_by, as_of)
    actors = collection.actor_index
    hover = {
        (g.number, g.lane): event_hover(
            g.event, actors, collection.event_index, g.role, with_click=bool(g.event.sources)
        )
        for g in glyphs
    }
    as_of_ms = min(day_ms(as_of) + DAY_MS // 2, _CALENDAR[1])
    first = min([g.start for g in glyphs] + [as_of_ms])
    last = max([g.end for g in glyphs] + [as_of_ms])
    pad = max((last - first) // 25, 3 * DAY_MS)
    x_range = _drawable(first - pad, last + pad)
    traces = _traces(glyphs, events, status_counts(events), hover, group_by)
    order = date_order(glyphs, len(events))
    lane_names, tick_rows, tick_text, left = _labels(glyphs, lanes, labelled, group_by, actors)
    shapes, annotations, buttons = _marks(as_of, as_of_ms, x_range, lanes, lane_names, labelled)
    rows_total = lanes[-1][2] + 1 if lanes else 1
    row_px = 24 if labelled else max(6, min(22, 900 // max(rows_total, 1)))
    height = int(min(HEIGHT_CAP, max(380, 150 + rows_total * row_px)))
    meta = {
        "ids": [event.id for event in events],
        "urls": [_first_url(event) for event in events],
        "search": [search_text(event, actors) for event in events],
        "span": _span(glyphs, as_of),
    }
    layout = _layout(
        title, height, left, x_range, rows_total, tick_rows, tick_text, shapes, annotations,
        buttons, meta,
    )  # fmt: skip
    summary = chart_summary(
        len(events), str(meta["span"]), f"{as_of.day} {as_of:%b %Y}", group_by,
        [(key, count) for key, _, _, count in lanes], actors,
    )  # fmt: skip
    return Plot(go.Figure(data=traces, layout=layout), None, None, summary, order)


def density_plot(
    events: Sequence[Event],
    collection: Collection,
    as_of: date,
    group_by: GroupBy,
    title: str | None,
    pack: bool,
) -> Plot:
    """The density overview of `events` (`timeline.views.render.density`): per lane, its
    events per bin across the whole range, stacked by status; the event table the page
    draws each event from once the reader zooms in."""
    actors = collection.actor_index
    # the events by id are built only if a link leads outside `events`
    table = event_table(events, actors, _first_url, lambda: collection.event_index, location_label)
    order = sorted(range(len(events)), key=lambda n: (table["day"][n], table["length"][n] or 1e9))
    if any(n != at for at, n in enumerate(order)):
        table["order"] = order  # the list of events' order (date order), when not the table's
    packed = pack_table_soon(table) if pack else None
    spans = event_spans(table, group_by, as_of)
    as_of_ms = min(day_ms(as_of) + DAY_MS // 2, _CALENDAR[1])
    first = min([*spans.starts, as_of_ms])
    last = max([*spans.ends, as_of_ms])
    pad = max((last - first) // 25, 3 * DAY_MS)
    x_range = _drawable(first - pad, last + pad)
    counts = status_counts_of(table)
    unit = bin_unit(x_range[0], x_range[1])
    edges = bin_edges(x_range[0], x_range[1], unit)
    traces = [legend_trace(status, counts[status]) for status in STATUS_ORDER if counts[status]]
    traces += density_traces(spans, edges)
    if group_by in ("type", "status") and linked_pairs(table):
        traces.append(link_legend_trace())
    lanes = spans.lanes
    lane_names, tick_rows, tick_text, left = _labels([], lanes, False, group_by, actors)
    shapes, annotations, buttons = _marks(as_of, as_of_ms, x_range, lanes, lane_names, False)
    key = annotations[-1]["text"]
    annotations[-1]["text"] = density_key(unit)
    rows_total = lanes[-1][2] + 1 if lanes else 1
    height = int(min(HEIGHT_CAP, max(380, 150 + rows_total * max(6, min(22, 900 // rows_total)))))
    ends = [end for end, open_end in zip(spans.ends, spans.open_ends, strict=True) if not open_end]
    # never empty: there are more marks than DENSITY_ABOVE
    last_day = ms_day(max(ends) - DAY_MS) if ends else None  # ends are exclusive
    span = span_label(ms_day(min(spans.starts)), last_day, len(ends) < len(events), as_of)
    meta = {
        "span": span,
        "density": density_meta(
            spans, unit, group_by, as_of_ms, key, len(events),
            [lane_title(name, group_by, actors) for name, _, _, _ in lanes],
        )
        | {"heightCap": HEIGHT_CAP},  # events drawn one by one: as tall as a small page
    }  # fmt: skip
    layout = _layout(
        title, height, left, x_range, rows_total, tick_rows, tick_text, shapes, annotations,
        buttons, meta,
    )  # fmt: skip
    summary = chart_summary(
        len(events), span, f"{as_of.day} {as_of:%b %Y}", group_by,
        [(key, count) for key, _, _, count in lanes], actors,
    )  # fmt: skip
    return Plot(go.Figure(data=traces, layout=layout), table, packed, summary, order)


def _layout(
    title: str | None,
    height: int,
    left: int,
    x_range: list[int],
    rows_total: float,
    tick_rows: list[float],
    tick_text: list[str],
    shapes: list[dict[str, Any]],
    annotations: list[dict[str, Any]],
    buttons: list[dict[str, Any]],
    meta: dict[str, Any],
) -> dict[str, Any]:
    """The figure's layout: axes, lanes' names, marks, range buttons, legend."""
    return {
        "title": {"text": short(title, 120) if title else None},
        "height": height,
        "margin": {"l": left, "r": 24, "t": 92, "b": 96},
        "font": {"family": _FONT, "size": 12, "color": "#2d3440"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hovermode": "closest",
        "hoverlabel": {"bgcolor": "#ffffff", "bordercolor": "#aab2bd", "align": "left",
                       "font": {"size": 12, "family": _FONT, "color": "#1f2630"}},
        "dragmode": "zoom",
        "showlegend": True,
        "legend": {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.0, "yanchor": "bottom",
                   "title": {"text": "status:"},
                   "groupclick": "togglegroup", "itemclick": "toggle", "font": {"size": 12}},
        "xaxis": {"type": "date", "range": x_range, "showgrid": True, "gridcolor": "#e6e9ef",
                  "zeroline": False, "showline": True, "linecolor": "#c8ced8", "ticks": "outside",
                  "tickcolor": "#c8ced8", "hoverformat": "%-d %b %Y", "side": "bottom"},
        "yaxis": {"range": [rows_total - 0.2, -0.9], "tickvals": tick_rows,
                  "ticktext": tick_text, "showgrid": False, "zeroline": False, "fixedrange": True,
                  "ticks": "", "automargin": False},
        "shapes": shapes,
        "annotations": annotations,
        "updatemenus": [{"type": "buttons", "direction": "right", "x": 0, "xanchor": "left",
                         "y": 1.0, "yanchor": "bottom", "pad": {"b": 34}, "showactive": False,
                         "buttons": buttons, "bgcolor": "#f3f5fa", "bordercolor": "#c8ced8",
                         "font": {"size": 11}}],
        "barmode": "overlay",
        "meta": meta,
    }  # fmt: skip


def _traces(
    glyphs: list[Glyph],
    events: Sequence[Event],
    counts: dict[str, int],
    hover: dict[tuple[int, int], str],
    group_by: GroupBy,
) -> list[Any]:
    """The figure's traces: per status, its legend entry and its glyphs; then the links."""
    traces: list[Any] = []
    by_status: dict[str, list[Glyph]] = {}
    for glyph in glyphs:
        by_status.setdefault(glyph.status, []).append(glyph)
    for status in STATUS_ORDER:
        mine = by_status.get(status)
        if not mine:
            continue
        traces.append(legend_trace(status, counts[status]))
        traces += event_traces(mine, status, hover)
    links = link_trace(glyphs, events) if group_by in ("type", "status") else None
    if links is not None:
        traces.append(links)

    return traces


def _labels(
    glyphs: list[Glyph],
    lanes: Sequence[Lane],
    labelled: bool,
    group_by: GroupBy,
    actors: dict[str, Actor],
) -> tuple[list[str], list[float], list[str], int]:
    """The lanes' names, the y-axis ticks (rows and texts) and the left margin they need."""
    lane_names = [
        f"{short(lane_title(key, group_by, actors), 40)}  ·  {count}" for key, _, _, count in lanes
    ]
    if labelled:
        # One row per event: its title is the row's label, read like a list in date order.
        # The date label follows in grey, so "when" is read without hovering.
        tick_rows = [g.row for g in glyphs]
        tick_text = [
            f"{short(g.event.title, 50)}  <span style='color:#7a828e'>"
            f"{short(g.event.date.label, 32)}</span>"
            for g in glyphs
        ]
        widest = max(
            (min(len(g.event.title), 50) + 2 + len(g.event.date.label) for g in glyphs),
            default=8,
        )
    else:
        tick_rows = [(top + bottom) / 2 for _, top, bottom, _ in lanes]
        tick_text = lane_names
        widest = max((len(t) for t in tick_text), default=8)
    left = min(540, max(110, 24 + int(6.3 * widest)))
    return lane_names, tick_rows, tick_text, left


def _marks(
    as_of: date,
    as_of_ms: int,
    x_range: list[int],
    lanes: Sequence[Lane],
    lane_names: list[str],
    labelled: bool,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """What is drawn over the events: the as-of line and the future's shade, lane bands,
    labels and the key (annotations), and the range buttons."""
    shapes: list[dict[str, Any]] = [
        # The future, lightly shaded: what lies right of the as-of line is still to come.
        {"type": "rect", "xref": "x", "yref": "paper", "x0": as_of_ms, "x1": x_range[1] + _FAR,
         "y0": 0, "y1": 1, "fillcolor": "#f3f5fa", "line": {"width": 0}, "layer": "below"},
        {"type": "line", "xref": "x", "yref": "paper", "x0": as_of_ms, "x1": as_of_ms, "y0": 0,
         "y1": 1, "line": {"color": "#c0392b", "width": 1.5, "dash": "dash"}},
    ]  # fmt: skip
    for number, (_, top, bottom, _) in enumerate(lanes):
        if number % 2 == 0:
            shapes.append(
                {"type": "rect", "xref": "paper", "yref": "y", "x0": 0, "x1": 1,
                 "y0": top - 0.5, "y1": bottom + 0.5, "fillcolor": "rgba(120,135,160,0.07)",
                 "line": {"width": 0}, "layer": "below"}
            )  # fmt: skip
    # The label goes on the line's left when the line is in the range's right part (as when
    # every event is past), where on its right it would be cut off at the chart's edge.
    late = as_of_ms - x_range[0] > (x_range[1] - x_range[0]) * 0.7
    annotations: list[dict[str, Any]] = [
        {"x": as_of_ms, "y": 1, "xref": "x", "yref": "paper", "yanchor": "top",
         "xanchor": "right" if late else "left", "xshift": -3 if late else 3,
         "text": f"as of {as_of.day} {as_of:%b %Y}",
         "showarrow": False, "bgcolor": "rgba(255,255,255,0.85)",
         "font": {"color": "#c0392b", "size": 11}},
        *(
            {"x": 0, "y": top, "xref": "paper", "yref": "y", "xanchor": "left",
             "xshift": 4, "text": f"<b>{name}</b>", "showarrow": False,
             "font": {"size": 12, "color": "#3d4654"}}
            for name, (_, top, _, _) in zip(lane_names, lanes, strict=True)
            if labelled
        ),
        # anchored at the plot's right edge, the key grows left into the label margin
        # instead of being cut off on narrow pages (reports, print)
        {"x": 1, "y": 0, "xref": "paper", "yref": "paper", "xanchor": "right", "yanchor": "top",
         "yshift": -48, "name": "key", "align": "right", "showarrow": False,
         "font": {"size": 11, "color": "#5b6470"},
         "text": "● a day    ▬ from–to    <span style='color:#8a9bb5'>█</span> faint: month, year "
                 "or approximate date (the whole possible span)<br>┃▭┃ outlined: sometime in "
                 "this window, the day not known    ▶ ongoing    "
                 "<span style='color:#c0392b'>┆</span> as-of day    click an event: its source"},
    ]  # fmt: skip
    windows = [("1m", 30), ("6m", 182), ("1y", 365)]
    buttons = [
        {"label": label, "method": "relayout",
         "args": [{"xaxis.range": _drawable(as_of_ms - days * DAY_MS * 2 // 3,
                                            as_of_ms + days * DAY_MS // 3)}]}
        for label, days in windows
    ] + [{"label": "all", "method": "relayout", "args": [{"xaxis.range": x_range}]}]  # fmt: skip
    return shapes, annotations, buttons


def _span(glyphs: list[Glyph], as_of: date) -> str:
    """`Jan 2013 – Dec 2014`: the events' span, read from their glyphs (first start, last
    known end, any ongoing): the glyphs are at hand, and a pass over 100,000 events costs."""
    if not glyphs:
        return "no events"
    ends = [g.end for g in glyphs if not g.open_end]
    last = ms_day(max(ends) - DAY_MS) if ends else None  # glyph ends are exclusive
    first = ms_day(min(g.start for g in glyphs))
    return span_label(first, last, len(ends) < len(glyphs), as_of)


def _first_url(event: Event) -> str | None:
    for source in event.sources:
        if web_url(source.url):
            return source.url
    return None


def render_html(
    events: Sequence[Event],
    collection: Collection,
    *,
    as_of: date,
    group_by: GroupBy = "type",
    title: str | None = None,
    known_on: tuple[str, str] | None = None,
    replay: Sequence[ReplayState] | None = None,
) -> str:
    """The whole timeline page: one self-contained HTML file, plotly.js inside, no network;
    `known_on` (a day, and the commit read) is named in its header; with `replay` (the
    history's states), a control steps through the collection as known at each."""
    heading = title if title is not None else default_title(collection)
    # Drawing 100,000 events makes a million small objects and no cycles among them: the
    # collector's passes over them cost a quarter of the time (0.55 s of 2.4 s).
    with collector_paused():
        payload = replay_payload(replay, events) if replay else None
        return _page(events, collection, heading, as_of, group_by, known_on, payload)


def _page(
    events: Sequence[Event],
    collection: Collection,
    heading: str,
    as_of: date,
    group_by: GroupBy,
    known_on: tuple[str, str] | None = None,
    replay: str | None = None,
) -> str:
    plot = timeline_plot(events, collection, as_of=as_of, group_by=group_by, pack=True)
    # Small pages carry their list rows as HTML; large ones build a page of rows at a time
    # from their event table in the browser (never 100,000 rows at once).
    rows = (
        None
        if plot.table is not None
        else event_rows(events, plot.order, collection.actor_index, collection.event_index)
    )
    return page_html(
        plot.figure,
        table=plot.packed,
        rows=rows,
        summary=plot.summary,
        title=heading,
        shown=len(events),
        total=len(collection.events),
        span=plot.figure.layout.meta["span"],
        as_of=f"{as_of.day} {as_of:%b %Y}",
        group_by=group_by,
        known_on=known_on,
        replay=replay,
    )
