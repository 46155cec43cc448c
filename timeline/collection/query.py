"""Choosing events: the filters every command shares."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only named in hints: importing the models builds them
    from timeline.core.model import Event


@dataclass(frozen=True, slots=True)
class Filters:
    """Which events to keep. Empty tuples keep everything; several values of one filter are OR'ed,
    different filters are AND'ed."""

    start: date | None = None
    end: date | None = None
    actors: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()

    def keeps(self, event: Event) -> bool:
        """True when the event passes every filter (a span is kept when it overlaps)."""
        span = event.date
        if self.start is not None and span.end is not None and span.end < self.start:
            return False
        if self.end is not None and span.start > self.end:
            return False
        if self.types and event.type not in self.types:
            return False
        if self.statuses and event.status not in self.statuses:
            return False
        if self.tags and not any(tag in self.tags for tag in event.tags):
            return False
        return not (self.actors and not any(ref.actor in self.actors for ref in event.actors))

    @property
    def active(self) -> bool:
        return any((self.start, self.end, self.actors, self.types, self.tags, self.statuses))


#: Filters that keep every event.
ALL = Filters()


def select(events: Iterable[Event], filters: Filters) -> list[Event]:
    """The events that pass `filters`, in their given (date) order."""
    if not filters.active:
        return list(events)
    return [event for event in events if filters.keeps(event)]
