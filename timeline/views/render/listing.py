"""The events as plain HTML beside the chart: list rows and the chart's summary in words.

A screen reader, a text search and a printer read these, not the chart. Strings here are
plain text: the page's template escapes them (Jinja2 autoescape), never Plotly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from timeline.core.dates import day_label
from timeline.core.model import Actor, Event
from timeline.core.words import noun
from timeline.views.describe import location_label
from timeline.views.render.layout import Glyph
from timeline.views.render.text import STATUS_WORDS, how_sure, lane_title

#: A list row names this many actors; its details name them all.
ROW_ACTORS = 3
#: Status marks as the chart draws them (filled, hollow, diamond, square, cross).
STATUS_GLYPHS = {
    "occurred": "●", "scheduled": "○", "proposed": "◇", "postponed": "□", "cancelled": "×",
}  # fmt: skip
#: The chart's summary names this many lanes, then says how many more there are.
SUMMARY_LANES = 8


@dataclass(frozen=True, slots=True)
class Link:
    """A link's text and its address (http or https only; None: text without a link)."""

    text: str
    url: str | None


@dataclass(frozen=True, slots=True)
class Related:
    """A `related` link of a row: the relation in words, the other event's title, and its
    id when that event is in the same list (so the row links to it)."""

    relation: str
    title: str
    target: str | None


@dataclass(frozen=True, slots=True)
class EventRow:
    """One event of the list: the row's fields, then what its details add."""

    number: int  # the event's number in the page (the chart's customdata)
    id: str
    label: str
    title: str
    type: str
    status: str
    status_words: str
    actors: str
    source: Link | None
    how_sure: str
    who: list[str]
    where: str | None
    tags: list[str]
    sources: list[Link]
    related: list[Related]


def date_order(glyphs: Sequence[Glyph], count: int) -> list[int]:
    """The numbers of `count` events in date order (start, then end, then their order in
    the collection), read from their first glyphs: the records are not read again."""
    first: dict[int, tuple[int, int]] = {}
    for glyph in glyphs:
        first.setdefault(glyph.number, (glyph.start, glyph.end))
    return sorted(range(count), key=lambda n: first.get(n, (0, 0)))


def http_url(url: str | None) -> str | None:
    """The URL when it is http or https (only those become links), else None."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def _source_link(event: Event, number: int) -> Link:
    source = event.sources[number]
    bits = [source.title or source.publisher or source.url or "source"]
    if source.title and source.publisher:
        bits.append(source.publisher)
    if source.published:
        bits.append(day_label(source.published))
    return Link(", ".join(bits), http_url(source.url))


def _row_source(event: Event, number: int) -> Link:
    """The row's link to its first source: named by its publisher, or else its title."""
    source = event.sources[number]
    return Link(source.publisher or source.title or "source", http_url(source.url))


def event_rows(
    events: Sequence[Event],
    order: Sequence[int],
    actors: Mapping[str, Actor],
    index: Mapping[str, Event],
) -> list[EventRow]:
    """The list rows of `events`, in `order` (their numbers); `actors` and `index` are
    the collection's actors and events by id (related events outside `events` are named,
    not linked)."""
    shown = {event.id for event in events}
    rows = []
    for number in order:
        event = events[number]
        names = [actors[r.actor].name if r.actor in actors else r.actor for r in event.actors]
        names = list(dict.fromkeys(names))
        more = len(names) - ROW_ACTORS
        first = next((n for n, s in enumerate(event.sources) if http_url(s.url)), None)
        rows.append(
            EventRow(
                number=number,
                id=event.id,
                label=event.date.label,
                title=event.title,
                type=event.type.replace("-", " "),
                status=event.status,
                status_words=STATUS_WORDS[event.status],
                actors=", ".join(names[:ROW_ACTORS]) + (f" and {more} more" if more > 0 else ""),
                source=None if first is None else _row_source(event, first),
                how_sure=how_sure(event),
                who=[
                    f"{actors[r.actor].name if r.actor in actors else r.actor} ({r.role})"
                    for r in event.actors
                ],
                where=location_label(event),
                tags=list(dict.fromkeys(event.tags)),
                sources=[_source_link(event, n) for n in range(len(event.sources))],
                related=[
                    Related(
                        link.relation.replace("-", " "),
                        index[link.event].title if link.event in index else link.event,
                        link.event if link.event in shown else None,
                    )
                    for link in event.related
                ],
            )
        )
    return rows


def chart_summary(
    count: int,
    span: str,
    as_of: str,
    group_by: str,
    lanes: Sequence[tuple[str, int]],
    actors: Mapping[str, Actor],
) -> str:
    """The chart in one sentence: how many events, their span, the as-of day and the
    lanes with their counts (`lanes`: each lane's key and number of events)."""
    named = [f"{lane_title(key, group_by, actors)} ({n})" for key, n in lanes[:SUMMARY_LANES]]
    more = len(lanes) - SUMMARY_LANES
    if more > 0:
        named.append(f"and {more} more")
    lanes_text = f", in {len(lanes)} {noun(len(lanes), 'lane')} by {group_by}: " + ", ".join(named)
    return (
        f"Timeline chart of {count} {noun(count, 'event')}, {span}, as of {as_of}"
        f"{lanes_text if lanes else ''}."
    )
