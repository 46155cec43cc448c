"""What the checks across a collection read of each record, in a small plain form.

The checks (duplicate ids, unknown actors and events, stale status, ...) need a dozen
plain values of each record, not the whole record. Kept as tuples of strings and
numbers, these facts are cheap to store in the content cache and to read back: a
collection can be validated from its facts without rebuilding a single Pydantic model
(rebuilding 100,000 events costs seconds, reading their facts a tenth of that).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # only named in hints: importing the models builds them
    from timeline.core.model import Actor, Event


class EventFacts(NamedTuple):
    """An event as the checks see it; days are ordinals (`date.toordinal`)."""

    id: str  # "" when the record's id is invalid
    path: str
    line: int
    column: int
    doc: int
    index: int | None  # type: ignore[assignment]  # shadows tuple.index, never called here
    status: str  # "" when the record's status is invalid
    start: int | None  # None only when the record's date is invalid (and `end` is None)
    end: int | None  # None: open (ongoing)
    label: str
    actors: tuple[str, ...]
    related: tuple[tuple[str, str], ...]  # (event id, relation), in the record's order
    report: tuple[int, str] | None  # the last update that gives a status: its day, status
    sourced: bool
    window: bool = False  # the date is a window, [A..B]: one day in start..end, not all

    @classmethod
    def of(cls, event: Event) -> EventFacts:
        span = event.date
        report = next(
            ((u.date.toordinal(), u.status) for u in reversed(event.updates) if u.status), None
        )
        return cls(
            event.id, event.path, event.line, event.column, event.doc, event.index,
            event.status, span.start.toordinal(),
            None if span.end is None else span.end.toordinal(), span.label,
            tuple(ref.actor for ref in event.actors),
            tuple((link.event, link.relation) for link in event.related),
            report, bool(event.sources), span.is_window,
        )  # fmt: skip


class ActorFacts(NamedTuple):
    """An actor as the checks see it."""

    id: str
    path: str
    line: int
    column: int
    doc: int
    index: int | None  # type: ignore[assignment]  # shadows tuple.index, never called here
    affiliation: str | None

    @classmethod
    def of(cls, actor: Actor) -> ActorFacts:
        return cls(
            actor.id, actor.path, actor.line, actor.column, actor.doc, actor.index,
            actor.affiliation,
        )  # fmt: skip


#: The facts of a file's (or a collection's) records: its events', and its actors'.
Facts = tuple[list[EventFacts], list[ActorFacts]]


def facts_of(events: Sequence[Event], actors: Sequence[Actor]) -> Facts:
    """The facts of records that were built (read from a file, not from the cache)."""
    return [EventFacts.of(event) for event in events], [ActorFacts.of(actor) for actor in actors]


def day(ordinal: int) -> str:
    """An ordinal day as ISO text, for messages."""
    return date.fromordinal(ordinal).isoformat()


def pack_facts(events: list[EventFacts], actors: list[ActorFacts]) -> tuple[Any, ...]:
    """Facts as plain tuples (for `marshal`)."""
    return ([tuple(f) for f in events], [tuple(f) for f in actors])


def unpack_facts(packed: tuple[Any, ...]) -> Facts:
    """The facts `pack_facts` gave, as they were."""
    events, actors = packed
    make_event, make_actor = EventFacts._make, ActorFacts._make
    return (
        [make_event(item) for item in events],
        [make_actor(item) for item in actors],
    )
