"""The overview of a large timeline: how many events each lane holds in each time bin.

Above `DENSITY_ABOVE` marks (an event in three actors' lanes is three marks) a timeline
drawn mark by mark is a solid mat: nothing of its shape, and no single event, can be read.
Such a timeline shows, in each lane, a stacked histogram of its events per bin, coloured
by status; bins are days, weeks, months or years, the smallest that keep the visible range
within `MAX_BINS` bins. The page (`timeline/views/templates/density.js`) bins again on every
zoom, search and legend click, and draws the events themselves, as a small page does, once
the visible range holds `DENSITY_ABOVE` marks or fewer. This module draws the first view
(and the whole of an image); the page script mirrors its rules (`bin_unit`, `bin_edges`,
what a bin counts), so a zoom back out shows the same bars.

A bin counts every event whose dates overlap it: an event in `2014-02` counts in each
week of February, one that runs from May to July in May, June and July. So a fuzzy date
is shown wherever it may lie, the way the timeline draws it as a band.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import plotly.graph_objects as go

from timeline.core.model import Event
from timeline.views.render.layout import (
    DAY_MS,
    STATUS_ORDER,
    GroupBy,
    Lane,
    _lanes_of,
    day_ms,
    ms_day,
)
from timeline.views.render.page import typed_array
from timeline.views.render.traces import BAR_PATTERNS, COLOURS, MARKERS

#: Above this many marks in view, lanes show counts per bin instead of the marks.
DENSITY_ABOVE = 1500
#: At most this many bins across the visible range (the smallest unit that keeps to it).
MAX_BINS = 160
#: Bin units, smallest first, with their mean length in days (to choose one).
UNITS = (("day", 1.0), ("week", 7.0), ("month", 30.436875), ("year", 365.2425))
#: A lane's height in rows (the y axis's units) and the air between two lanes.
LANE_ROWS = 4
LANE_GAP = 1.6
# The fullest bin in view fills this share of its lane; a bin with any event at least
# the second share, so a single event is seen.
_FULLEST = 0.9
_LEAST = 0.06
_FIRST_DAY = day_ms(date(1, 1, 1))
_LAST_DAY = day_ms(date(9999, 12, 31)) + DAY_MS


def mark_count(events: Sequence[Event], group_by: GroupBy) -> int:
    """How many marks the timeline of `events` draws: one per event and lane it is in."""
    if group_by in ("type", "status"):
        return len(events)
    return sum(len(_lanes_of(event, group_by)) for event in events)


@dataclass(frozen=True, slots=True)
class Spans:
    """Where each event lies (ms, end exclusive; an open end runs to the as-of day), its
    status (index in `STATUS_ORDER`) and lanes (numbers); the lanes as `Lane`s; and, for
    the page, the lane of each of the table's types, statuses, actors or tags (by their
    place there) and of the events with no actor or tag (-1: none)."""

    starts: list[int]
    ends: list[int]
    open_ends: list[bool]
    statuses: list[int]
    lanes_of: list[list[int]]
    lanes: list[Lane]
    lane_of: list[int]
    lane_none: int


def event_spans(table: Mapping[str, Any], group_by: GroupBy, as_of: date) -> Spans:
    """The spans and lanes of the events of `table` (`event_table`), read from its columns
    rather than the records (another pass over 100,000 records costs); lanes in order of
    their first event (statuses in their own order), each `LANE_ROWS` tall."""
    today_end = day_ms(as_of) + DAY_MS // 2
    starts = [day * DAY_MS for day in table["day"]]
    lengths = table["length"]
    ends = [
        start + length * DAY_MS if length else max(today_end, start + DAY_MS)
        for start, length in zip(starts, lengths, strict=True)
    ]
    statuses = [int(code, 32) for code in table["status"]]
    names: list[str]
    if group_by == "type":
        names, rows = table["typeNames"], [[n] for n in table["types"]]
    elif group_by == "status":
        names, rows = list(STATUS_ORDER), [[n] for n in statuses]
    elif group_by == "actor":
        names, rows = [row[0] for row in table["actorNames"]], table["actors"]
    else:
        names, rows = table["tagNames"], table["tags"]
    none = len(names)  # the key of events with no actor or tag: ""
    first: dict[int, int] = {}
    count: dict[int, int] = {}
    for start, row in zip(starts, rows, strict=True):
        for key in row or (none,):
            if first.get(key, start + 1) > start:
                first[key] = start
            count[key] = count.get(key, 0) + 1
    names = [*names, ""]
    if group_by == "status":
        order = sorted(first)
    else:
        order = sorted(first, key=lambda key: (first[key], names[key]))
    number = {key: n for n, key in enumerate(order)}
    lanes: list[Lane] = []
    for n, key in enumerate(order):
        top = n * (LANE_ROWS + LANE_GAP)
        lanes.append((names[key], top, top + LANE_ROWS - 1, count[key]))
    lanes_of = [[number[key] for key in row or (none,)] for row in rows]
    lane_of = [number.get(key, -1) for key in range(none)]
    open_ends = [length == 0 for length in lengths]
    return Spans(starts, ends, open_ends, statuses, lanes_of, lanes, lane_of, number.get(none, -1))


def bin_unit(x0: float, x1: float) -> str:
    """The smallest unit that cuts `x0`..`x1` (ms) into at most `MAX_BINS` bins."""
    days = (x1 - x0) / DAY_MS
    for unit, length in UNITS:
        if days / length <= MAX_BINS:
            return unit
    return "year"


def _unit_start(day: date, unit: str) -> date:
    if unit == "year":
        return date(day.year, 1, 1)
    if unit == "month":
        return date(day.year, day.month, 1)
    if unit == "week":  # weeks start on Monday
        return date.fromordinal(day.toordinal() - day.weekday())
    return day


def _next(day: date, unit: str) -> date | None:
    """The start of the bin after the one starting on `day`; None past the year 9999."""
    if unit in ("day", "week"):
        after = day.toordinal() + (1 if unit == "day" else 7)
        return date.fromordinal(after) if after <= date.max.toordinal() else None
    if unit == "month" and day.month < 12:
        return date(day.year, day.month + 1, 1)
    return date(day.year + 1, 1, 1) if day.year < 9999 else None


def bin_edges(x0: float, x1: float, unit: str) -> list[int]:
    """The bins' edges (ms, each a bin's first day), from the bin holding `x0` to the first
    edge at or past `x1`, within the years 1 to 9999."""
    x0 = min(max(x0, _FIRST_DAY), _LAST_DAY - DAY_MS)
    x1 = min(max(x1, x0 + 1), _LAST_DAY)
    day: date | None = _unit_start(ms_day(int(x0)), unit)
    edges: list[int] = []
    while day is not None:
        edges.append(day_ms(day))
        if edges[-1] >= x1:
            break
        day = _next(day, unit)
    if day is None:
        edges.append(_LAST_DAY)
    return edges


def bin_counts(spans: Spans, edges: Sequence[int]) -> list[list[list[int]]]:
    """counts[lane][bin][status]: the events of each lane whose dates overlap each bin."""
    bins = len(edges) - 1
    counts = [[[0] * len(STATUS_ORDER) for _ in range(bins)] for _ in spans.lanes]
    low, high = edges[0], edges[-1]
    for start, end, status, lanes in zip(
        spans.starts, spans.ends, spans.statuses, spans.lanes_of, strict=True
    ):
        if end <= low or start >= high:
            continue
        first = max(0, bisect_right(edges, start) - 1)
        last = min(bins - 1, bisect_right(edges, end - 1) - 1)
        for lane in lanes:
            row = counts[lane]
            for b in range(first, last + 1):
                row[b][status] += 1
    return counts


def density_traces(spans: Spans, edges: Sequence[int]) -> list[Any]:
    """One filled trace per status: in each lane, its share of each bin's bar, stacked in
    status order on the lane's floor (one polygon per lane; NaN separates them). Dates are
    f4: off by at most a few minutes, invisible at a bin's scale, and half the bytes."""
    counts = bin_counts(spans, edges)
    fullest = max((sum(b) for lane in counts for b in lane), default=0)
    traces: list[Any] = []
    if not fullest:
        return traces
    scale = LANE_ROWS * _FULLEST / fullest
    least = LANE_ROWS * _LEAST
    xs: list[list[float]] = [[] for _ in STATUS_ORDER]
    ys: list[list[float]] = [[] for _ in STATUS_ORDER]
    gap = float("nan")
    for (_, _, bottom, _), lane in zip(spans.lanes, counts, strict=True):
        floor = bottom + 0.5
        # per status, the lower and upper edge of its share in each bin
        lower: list[list[float]] = [[] for _ in STATUS_ORDER]
        upper: list[list[float]] = [[] for _ in STATUS_ORDER]
        used = [False] * len(STATUS_ORDER)
        for tally in lane:
            total = sum(tally)
            height = max(total * scale, least) if total else 0.0
            unit = height / total if total else 0.0
            below = 0
            for status, n in enumerate(tally):
                lower[status].append(floor - below * unit)
                below += n
                upper[status].append(floor - below * unit)
                used[status] = used[status] or n > 0
        for status in range(len(STATUS_ORDER)):
            if not used[status]:
                continue
            x, y = xs[status], ys[status]
            for b, top in enumerate(upper[status]):
                x += (edges[b], edges[b + 1])
                y += (top, top)
            for b in range(len(edges) - 2, -1, -1):
                x += (edges[b + 1], edges[b])
                y += (lower[status][b], lower[status][b])
            x.append(gap)
            y.append(gap)
    for status, name in enumerate(STATUS_ORDER):
        if not xs[status]:
            continue
        traces.append(
            go.Scatter(
                x=typed_array(xs[status], "f4"), y=typed_array(ys[status], "f4"),
                mode="lines", fill="toself", fillcolor=COLOURS[name], opacity=0.85,
                line={"width": 0}, hoverinfo="skip", legendgroup=name, showlegend=False,
                name=name, meta="density",
            )
        )  # fmt: skip
    return traces


def mode_line(unit: str, in_view: int, total: int) -> str:
    """What the overview shows, in words (the page writes the same as it zooms)."""
    of = f" of {total:,}" if in_view != total else ""
    return (
        f"Density by {unit}: {in_view:,}{of} events in view, counted in each lane per {unit} "
        f"and coloured by status. Zoom in to {DENSITY_ABOVE:,} or fewer to see each event."
    )


def density_key(unit: str) -> str:
    """The key under an overview (the page writes the same as it zooms)."""
    return (
        f"<b>Density by {unit}</b>: each lane's events per {unit}, stacked by status; zoom in "
        f"to see each event<br>an event counts in every {unit} its dates overlap    "
        "<span style='color:#c0392b'>┆</span> as-of day"
    )


def density_meta(
    spans: Spans,
    unit: str,
    group_by: GroupBy,
    as_of_ms: int,
    key: str,
    total: int,
    lane_names: list[str],
) -> dict[str, Any]:
    """What the page needs to bin and draw again as the reader zooms: the rules above,
    the lanes, the styles, and the key of single events (`key`)."""
    return {
        "above": DENSITY_ABOVE, "maxBins": MAX_BINS, "units": [list(u) for u in UNITS],
        "unit": unit, "laneRows": LANE_ROWS, "fill": [_FULLEST, _LEAST],
        "lanes": [[top, bottom] for _, top, bottom, _ in spans.lanes], "laneNames": lane_names,
        "laneOf": spans.lane_of, "laneNone": spans.lane_none, "groupBy": group_by,
        "asOf": as_of_ms,
        "first": _FIRST_DAY, "last": _LAST_DAY, "total": total, "key": key,
        "line": mode_line(unit, total, total),
        "style": {"colours": COLOURS, "markers": MARKERS, "patterns": BAR_PATTERNS},
    }  # fmt: skip
