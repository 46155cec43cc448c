"""Where events go on the timeline: glyph kinds for honest dates, lanes and rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from timeline.model import Event

GroupBy = Literal["type", "actor", "tag", "status"]
Kind = Literal["point", "fuzzy-point", "bar", "band"]

DAY_MS = 86_400_000
_EPOCH = date(1970, 1, 1)
#: Up to this many rows every event gets its own row and a title beside it.
LABELLED_UP_TO = 60
# Legend and lane order: what happened first, then what is planned, then what fell through.
STATUS_ORDER = ("occurred", "scheduled", "proposed", "postponed", "cancelled")


def day_ms(day: date) -> int:
    """Milliseconds since 1970-01-01 UTC at the start of `day` (Plotly's date numbers)."""
    return (day - _EPOCH).days * DAY_MS


@dataclass(frozen=True, slots=True)
class Glyph:
    """One drawn occurrence of an event: which row, from when to when, and how."""

    number: int  # the event's index in the figure's event list (customdata)
    event: Event
    lane: int
    role: str | None
    kind: Kind
    start: int  # ms
    end: int  # ms, exclusive (a day event: start + 1 day)
    open_end: bool
    row: float = 0.0

    @property
    def anchor(self) -> int:
        """Where a marker or connector meets this glyph: a day's noon, a span's middle."""
        return (self.start + self.end) // 2


def glyph_kind(event: Event) -> Kind:
    """How honest drawing shows a date: exact day, fuzzy day, exact span or fuzzy band."""
    span = event.date
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


def layout_glyphs(
    events: Sequence[Event], group_by: GroupBy, as_of: date
) -> tuple[list[Glyph], list[tuple[str, float, float, int]], bool]:
    """Glyphs with their rows, the lanes as (key, first row, last row, count), and whether
    rows are one per glyph (small collections: a title per row, the lane's name on its
    first row); otherwise glyphs are packed into as few rows as keep them apart."""
    today_end = day_ms(as_of) + DAY_MS // 2
    by_lane: dict[str, list[Glyph]] = {}
    for number, event in enumerate(events):
        span = event.date
        start = day_ms(span.start)
        if span.end is None:
            end, open_end = max(today_end, start + DAY_MS), True
        else:
            end, open_end = day_ms(span.end) + DAY_MS, False
        kind = glyph_kind(event)
        for key, role in _lanes_of(event, group_by):
            glyph = Glyph(number, event, 0, role, kind, start, end, open_end)
            by_lane.setdefault(key, []).append(glyph)
    # Lanes in order of their first event; name breaks ties so the order is stable.
    if group_by == "status":
        order = sorted(by_lane, key=STATUS_ORDER.index)
    else:
        order = sorted(by_lane, key=lambda k: (min(g.start for g in by_lane[k]), k))
    labelled = sum(len(g) for g in by_lane.values()) <= LABELLED_UP_TO
    total = max((g.end for gs in by_lane.values() for g in gs), default=0) - min(
        (g.start for gs in by_lane.values() for g in gs), default=0
    )
    gap = total // 80  # packed rows keep glyphs this far apart so they stay distinct
    glyphs: list[Glyph] = []
    lanes: list[tuple[str, float, float, int]] = []
    top = 0.0
    for lane_number, key in enumerate(order):
        row_ends: list[int] = []
        members = sorted(by_lane[key], key=lambda g: (g.start, g.end, g.event.id))
        for glyph in members:
            if labelled:
                row = len(row_ends) + 1  # row 0 of the lane holds its name
                row_ends.append(glyph.end)
            else:
                free = next((i for i, e in enumerate(row_ends) if e + gap <= glyph.start), None)
                if free is None:
                    free = len(row_ends)
                    row_ends.append(glyph.end)
                row_ends[free] = glyph.end
                row = free
            glyphs.append(
                Glyph(
                    glyph.number, glyph.event, lane_number, glyph.role, glyph.kind,
                    glyph.start, glyph.end, glyph.open_end, top + row,
                )
            )  # fmt: skip
        bottom = top + len(row_ends) - (0 if labelled else 1)
        lanes.append((key, top, bottom, len(members)))
        top = bottom + 1.6  # a little air between lanes
    return glyphs, lanes, labelled
