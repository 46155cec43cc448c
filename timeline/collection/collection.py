"""A collection in memory: its records, its files' problems, and the facts the checks read.

`timeline.collection.loading` makes one from the results of its files (through
`timeline.collection.pipeline`); the views read it. It imports nothing that reads files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from timeline.core.facts import ActorFacts, EventFacts, Facts, facts_of
from timeline.core.problems import Problem

if TYPE_CHECKING:  # only named in hints: importing the models builds them
    from timeline.core.model import Actor, Event


@dataclass(slots=True)
class Outline:
    """A collection as the checks see it: its records' facts and its files' problems."""

    root: Path
    events: list[EventFacts]
    actors: list[ActorFacts]
    problems: list[Problem]
    files: int


@dataclass(slots=True)
class Collection:
    """Every event and actor of a collection, and the problems of its files.

    Treat it as read-only once built: the id indexes are computed on first use and kept.
    """

    root: Path
    events: list[Event]
    actors: list[Actor]
    problems: list[Problem]
    files: int
    _outline: Outline | None = field(default=None, repr=False, compare=False)
    _parts: Sequence[FactSource] = field(default=(), repr=False, compare=False)
    _actor_index: dict[str, Actor] | None = field(default=None, repr=False, compare=False)
    _event_index: dict[str, Event] | None = field(default=None, repr=False, compare=False)

    @property
    def outline(self) -> Outline:
        """The collection as the checks see it."""
        if self._outline is None:
            if self._parts:  # facts the cache kept, in the order of the files
                events, actors = merge_facts(self._parts)
            else:
                events, actors = facts_of(self.events, self.actors)
            self._outline = Outline(self.root, events, actors, self.problems, self.files)
            self._parts = ()
        return self._outline

    @property
    def actor_index(self) -> dict[str, Actor]:
        """Actors by id (the first, where an id is repeated)."""
        if self._actor_index is None:
            index: dict[str, Actor] = {}
            for actor in self.actors:
                index.setdefault(actor.id, actor)
            self._actor_index = index
        return self._actor_index

    @property
    def event_index(self) -> dict[str, Event]:
        """Events by id (the first, where an id is repeated)."""
        if self._event_index is None:
            index: dict[str, Event] = {}
            for event in self.events:
                index.setdefault(event.id, event)
            self._event_index = index
        return self._event_index


class FactSource(Protocol):
    """A file's part of a collection, as the collection keeps it until its outline is
    needed: something that gives the facts of the file's records."""

    def record_facts(self) -> Facts:
        """The facts of the file's records."""
        ...


def merge_facts(results: Sequence[FactSource]) -> Facts:
    """The facts of several files' records, in the order of the files."""
    events: list[EventFacts] = []
    actors: list[ActorFacts] = []
    for result in results:
        event_facts, actor_facts = result.record_facts()
        events.extend(event_facts)
        actors.extend(actor_facts)
    return events, actors
