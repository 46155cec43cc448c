"""A collection in memory: its records, its files' problems, and the facts the checks read.

`timeline.collection.pipeline` makes one from the files; the views read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from timeline.collection.reading import FileResult
from timeline.core.facts import ActorFacts, EventFacts, Facts, facts_of
from timeline.core.model import Actor, Event
from timeline.core.problems import Problem, sort_problems


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
    _parts: Sequence[FileResult] = field(default=(), repr=False, compare=False)
    _actor_index: dict[str, Actor] | None = field(default=None, repr=False, compare=False)
    _event_index: dict[str, Event] | None = field(default=None, repr=False, compare=False)

    @property
    def outline(self) -> Outline:
        """The collection as the checks see it."""
        if self._outline is None:
            if self._parts:  # facts the cache kept, in the order of the files
                events, actors = _merge_facts(self._parts)
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


def _merge_facts(results: Sequence[FileResult]) -> Facts:
    events: list[EventFacts] = []
    actors: list[ActorFacts] = []
    for result in results:
        event_facts, actor_facts = result.outline()
        events.extend(event_facts)
        actors.extend(actor_facts)
    return events, actors


def _merge_problems(results: Sequence[FileResult]) -> list[Problem]:
    return sort_problems(problem for result in results for problem in result.problems)


def merge_outlines(root: Path, results: Sequence[FileResult]) -> Outline:
    return Outline(root, *_merge_facts(results), _merge_problems(results), len(results))


def merge_results(root: Path, results: Sequence[FileResult]) -> Collection:
    """One collection from the results of its files, events in date order. Its outline is
    made from the files' facts when first asked for (often never: the checks' result of
    the same files is often known; see `timeline.collection.pipeline`)."""
    events: list[Event] = []
    actors: list[Actor] = []
    for result in results:
        events.extend(result.events)
        actors.extend(result.actors)
    events.sort(key=Event.sort_key)
    problems = _merge_problems(results)
    return Collection(root, events, actors, problems, len(results), _parts=list(results))
