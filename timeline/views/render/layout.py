"""Where events go on the timeline: glyph kinds for honest dates, lanes and rows."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from timeline.core.model import Event
from timeline.core.vocabulary import Status

GroupBy = Literal["type", "actor", "tag", "status"]
Kind = Literal["point", "fuzzy-point", "bar", "band", "window"]

DAY_MS = 86_400_000
_EPOCH = date(1970, 1, 1)
#: Up to this many rows every event gets its own row and a title beside it.
LABELLED_UP_TO = 60
# Legend and lane order: what happened first, then what is planned, then what fell through.
STATUS_ORDER = ("occurred", "scheduled", "proposed", "postponed", "cancelled")


def day_ms(day: date) -> int:
    """Milliseconds since 1970-01-01 UTC at the start of `day` (Plotly's date numbers)."""
    return (day - _EPOCH).days * DAY_MS


def ms_day(ms: int) -> date:
    """The day `ms` (Plotly's date number) falls on: `day_ms` undone."""
    return _EPOCH + timedelta(days=ms // DAY_MS)


@dataclass(slots=True)  # not frozen: a frozen dataclass builds slower, and glyphs are many
class Glyph:
    """One drawn occurrence of an event: which row, from when to when, and how."""

    number: int  # the event's index in the figure's event list (customdata)
    event: Event
    lane: int
    role: str | None
    kind: Kind
    status: Status  # read while laying out: reading it again from 100,000 events costs
    start: int  # ms
    end: int  # ms, exclusive (a day event: start + 1 day)
    open_end: bool
    row: float = 0.0

    @property
    def anchor(self) -> int:
        """Where a marker or connector meets this glyph: a day's noon, a span's middle."""
        return (self.start + self.end) // 2


def glyph_kind(event: Event) -> Kind:
    """How honest drawing shows a date: exact day, fuzzy day, exact span, fuzzy band, or a
    window (one day somewhere in it)."""
    span = event.date
    if span.is_window:
        return "window"
    fuzzy = span.precision != "day" or span.approximate or span.uncertain
    if span.end is not None and span.end == span.start:
        return "fuzzy-point" if fuzzy else "point"
    return "band" if fuzzy else "bar"


def _lanes_of(event: Event, group_by: GroupBy) -> list[tuple[str, str | None]]:
    """(lane key, role in that lane) for every lane the event belongs to."""
    if group_by == "type":
        return [(event.type, None)]
    if group_by == "status":
        return [(event.status, None)]
    if group_by == "tag":
        return [(tag, None) for tag in dict.fromkeys(event.tags)] or [("", None)]
    seen: dict[str, str] = {}
    for ref in event.actors:
        seen.setdefault(ref.actor, ref.role)
    return list(seen.items()) or [("", None)]


def _first_fit(spans: Sequence[tuple[int, int]], gap: int) -> list[int]:
    """The row of each (start, end) span, in start order: the lowest row whose last span
    ends `gap` before it starts, or a new row. Rows free up in order of their end, so a
    heap of busy rows by end and a heap of free rows by number find it without scanning
    every row (the scan took most of the layout's time at 100,000 events)."""
    busy: list[tuple[int, int]] = []  # (end + gap, row)
    free: list[int] = []
    placed: list[int] = []
    rows = 0
    for start, end in spans:
        while busy and busy[0][0] <= start:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            row = heapq.heappop(free)
        else:
            row, rows = rows, rows + 1
        heapq.heappush(busy, (end + gap, row))
        placed.append(row)
    return placed


# A glyph before it has a lane and row: sorted as a tuple, by start, end and event id.
_Placing = tuple[int, int, str, int, Event, str | None, Kind, Status, bool]


#: A lane: its key (a type, actor, tag or status), first row, last row, number of events.
Lane = tuple[str, float, float, int]


def layout_glyphs(
    events: Sequence[Event], group_by: GroupBy, as_of: date
) -> tuple[list[Glyph], list[Lane], bool]:
    """Glyphs with their rows, the lanes as (key, first row, last row, count), and whether
    rows are one per glyph (small collections: a title per row, the lane's name on its
    first row); otherwise glyphs are packed into as few rows as keep them apart."""
    today_end = day_ms(as_of) + DAY_MS // 2
    by_lane: dict[str, list[_Placing]] = {}
    spans: dict[str, tuple[int, int | None, Kind]] = {}  # by date text: equal texts, equal
    for number, event in enumerate(events):
        span = event.date
        known = spans.get(span.text)
        if known is None:
            last = None if span.end is None else day_ms(span.end) + DAY_MS
            known = spans[span.text] = (day_ms(span.start), last, glyph_kind(event))
        start, end, kind = known
        open_end = end is None
        if end is None:
            end = max(today_end, start + DAY_MS)
        status = event.status
        for key, role in _lanes_of(event, group_by):
            placing = (start, end, event.id, number, event, role, kind, status, open_end)
            by_lane.setdefault(key, []).append(placing)
    for members in by_lane.values():
        members.sort()  # by start, end, id (numbers differ, so events are never compared)
    # Lanes in order of their first event; name breaks ties so the order is stable.
    if group_by == "status":
        order = sorted(by_lane, key=STATUS_ORDER.index)
    else:
        order = sorted(by_lane, key=lambda k: (by_lane[k][0][0], k))
    labelled = sum(len(g) for g in by_lane.values()) <= LABELLED_UP_TO
    total = max((p[1] for m in by_lane.values() for p in m), default=0) - min(
        (m[0][0] for m in by_lane.values()), default=0
    )
    gap = total // 80  # packed rows keep glyphs this far apart so they stay distinct
    glyphs: list[Glyph] = []
    lanes: list[tuple[str, float, float, int]] = []
    top = 0.0
    for lane_number, key in enumerate(order):
        members = by_lane[key]
        if labelled:
            rows: Sequence[int] = range(1, len(members) + 1)
            used = len(members) + 1
        else:
            rows = _first_fit([(m[0], m[1]) for m in members], gap)
            used = max(rows) + 1
        for (start, end, _, number, event, role, kind, status, open_end), row in zip(
            members, rows, strict=True
        ):
            glyphs.append(
                Glyph(
                    number, event, lane_number, role, kind, status, start, end, open_end, top + row
                )
            )
        bottom = top + used - 1
        lanes.append((key, top, bottom, len(members)))
        top = bottom + 1.6  # a little air between lanes
    return glyphs, lanes, labelled
