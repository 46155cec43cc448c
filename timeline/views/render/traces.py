"""The figure's traces: each status's glyphs in its own style, the legend, the links.

Traces are built by hand, one per status and glyph kind: `px.timeline` cannot draw single
days, and error bars are not drawn on date axes (plotly.js #3722). User text reaches them
escaped (see `timeline.views.render.text`), only in data arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from timeline.core.model import Event
from timeline.views.render.layout import STATUS_ORDER, Glyph, Kind
from timeline.views.render.page import typed_array

COLOURS = {
    "occurred": "#1f4e89",
    "scheduled": "#13815a",
    "proposed": "#7d3c98",
    "postponed": "#c77c0e",
    "cancelled": "#8a8f98",
}
# Status is told by fill as well as colour, so it survives grey print and colour blindness.
MARKERS = {
    "occurred": "circle",
    "scheduled": "circle-open",
    "proposed": "diamond-open",
    "postponed": "square-open",
    "cancelled": "x-thin-open",
}
BAR_PATTERNS = {"proposed": "/", "postponed": ".", "cancelled": "x"}


def _rgba(colour: str, alpha: float) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _status_style(status: str, kind: Kind) -> dict[str, Any]:
    colour = COLOURS[status]
    if kind == "window":
        # A window is not a span of activity: no solid bar, a faint wash in a full-strength
        # outline (and ticks at its bounds, `window_ends_trace`), status told as for bars.
        wash: dict[str, Any] = {
            "color": _rgba(colour, 0.1),
            "line": {"color": colour, "width": 1.5},
        }
        pattern = BAR_PATTERNS.get(status)
        if pattern:
            wash["pattern"] = {"shape": pattern, "fgcolor": colour, "size": 6, "solidity": 0.2}
        return {"marker": wash, "opacity": 1.0}
    if kind in ("bar", "band"):
        hollow = status != "occurred"
        fill = "#ffffff" if hollow else colour
        pattern = BAR_PATTERNS.get(status)
        marker: dict[str, Any] = {"color": fill, "line": {"color": colour, "width": 1.5}}
        if pattern:
            marker["pattern"] = {"shape": pattern, "fgcolor": colour, "size": 6, "solidity": 0.3}
        return {"marker": marker, "opacity": 0.38 if kind == "band" else 1.0}
    symbol = MARKERS[status]
    size = 11 if kind in ("point", "fuzzy-point") else 6
    return {
        "marker": {
            "symbol": symbol,
            "size": size,
            "color": colour,
            "line": {"color": colour, "width": 2},
        },
        "opacity": 0.5 if kind in ("fuzzy-point", "band") else 1.0,
    }


def event_traces(glyphs: list[Glyph], status: str, hover: dict[tuple[int, int], str]) -> list[Any]:
    """The traces of one status: markers, bars, bands, windows and open ends, each with its
    cards. (Overview pages draw the same in the browser: `timeline/views/templates/density.js`.)"""
    traces: list[Any] = []
    common = {"legendgroup": status, "showlegend": False, "name": status, "hoverinfo": "text"}

    def cards(chosen: list[Glyph]) -> dict[str, Any]:
        numbers = [g.number for g in chosen]
        return {"customdata": numbers, "hovertext": [hover[(g.number, g.lane)] for g in chosen]}

    for kind in ("band", "window", "bar", "fuzzy-point", "point"):
        chosen = [g for g in glyphs if g.kind == kind]
        if not chosen:
            continue
        style = _status_style(status, kind)
        rows = typed_array([g.row for g in chosen], "f4")
        if kind in ("bar", "band", "window"):
            if kind == "window":
                traces.append(window_ends_trace(chosen, status))
            traces.append(
                go.Bar(
                    orientation="h", base=typed_array([g.start for g in chosen], "f8"),
                    x=typed_array([g.end - g.start for g in chosen], "f8"), y=rows,
                    width=0.56 if kind == "bar" else 0.82, meta="events",
                    **cards(chosen), **style, **common,
                    selected={"marker": {"opacity": 1}},
                    unselected={"marker": {"opacity": 0.1}},
                )
            )  # fmt: skip
            continue
        traces.append(
            go.Scatter(
                x=typed_array([g.anchor for g in chosen], "f8"), y=rows, mode="markers",
                meta="events", **cards(chosen), **style, **common,
                selected={"marker": {"opacity": 1}},
                unselected={"marker": {"opacity": 0.1}},
            )
        )  # fmt: skip
    ongoing = [g for g in glyphs if g.open_end]
    if ongoing:
        # An arrow at the as-of day: the span has no known end yet.
        traces.append(
            go.Scatter(
                x=typed_array([g.end for g in ongoing], "f8"),
                y=typed_array([g.row for g in ongoing], "f4"), mode="markers",
                marker={"symbol": "triangle-right", "size": 10, "color": COLOURS[status]},
                meta="open", **cards(ongoing),
                selected={"marker": {"opacity": 1}},
                unselected={"marker": {"opacity": 0.1}}, **common,
            )
        )  # fmt: skip
    return traces


def window_ends_trace(glyphs: list[Glyph], status: str) -> Any:
    """Ticks at the bounds of each window, like brackets: the day is somewhere in between.
    Drawn only, never hovered or clicked (the window's own glyph is)."""
    xs: list[float] = []
    ys: list[float] = []
    for g in glyphs:
        xs += [g.start, g.end]
        ys += [g.row, g.row]
    return go.Scatter(
        x=typed_array(xs, "f8"), y=typed_array(ys, "f4"), mode="markers",
        marker={"symbol": "line-ns", "size": 24, "line": {"color": COLOURS[status], "width": 2.5}},
        hoverinfo="skip", meta="window-ends", legendgroup=status, showlegend=False,
    )  # fmt: skip


def link_trace(glyphs: list[Glyph], events: Sequence[Event]) -> Any | None:
    """Thin connectors for `related` links between two shown events (first glyph of each)."""
    # Where each event's first glyph is, by event number (glyphs know their event's number:
    # no id is hashed for them), and event numbers by id for the links' targets.
    first: list[Glyph | None] = [None] * len(events)
    for glyph in reversed(glyphs):
        first[glyph.number] = glyph
    numbers: dict[str, int] = {}
    linked = []
    for number, event in enumerate(events):
        numbers.setdefault(event.id, number)
        if event.related:
            linked.append((number, event))
    xs: list[float | None] = []
    ys: list[float | None] = []
    for number, event in linked:
        a = first[number]
        for link in event.related:
            other = numbers.get(link.event)
            b = None if other is None else first[other]
            if a is None or b is None or a is b:
                continue
            xs += [a.anchor, b.anchor, None]
            ys += [a.row, b.row, None]
    if not xs:
        return None
    return go.Scatter(x=xs, y=ys, mode="lines", **_LINK_STYLE)


def link_legend_trace() -> Any:
    """On overview pages, the connectors' trace without points: its legend entry. The page
    draws the links between the events it shows, from the event table's `related`."""
    return go.Scatter(x=[], y=[], mode="lines", **_LINK_STYLE)


_LINK_STYLE: dict[str, Any] = {
    "name": "related events", "legendgroup": "links",
    "line": {"color": "#9aa3ae", "width": 1, "dash": "dot"}, "hoverinfo": "skip",
    "meta": "links", "legendrank": 900, "visible": "legendonly",
}  # fmt: skip


def legend_trace(status: str, count: int) -> Any:
    """A legend entry with no data: the status's marker, whatever glyphs it has."""
    style = _status_style(status, "point")
    return go.Scatter(
        x=[None], y=[None], mode="markers", name=f"{status} ({count})", legendgroup=status,
        marker=style["marker"], meta="legend", hoverinfo="skip",
        legendrank=100 + STATUS_ORDER.index(status),
    )  # fmt: skip
