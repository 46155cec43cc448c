"""Checks across the whole collection: one small function per check, each yielding problems."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from timeline.loading import Collection, Locator
from timeline.model import Actor, Event
from timeline.problems import Problem, did_you_mean, sort_problems


@dataclass(slots=True)
class Context:
    """What every check sees: the collection, the as-of day, and a way to place problems."""

    collection: Collection
    as_of: date
    locator: Locator = field(default_factory=Locator)
    event_ids: set[str] = field(init=False)
    actors: dict[str, Actor] = field(init=False)

    def __post_init__(self) -> None:
        self.event_ids = {event.id for event in self.collection.events}
        self.actors = self.collection.actor_index

    def problem(
        self,
        record: Event | Actor,
        loc: tuple[str | int, ...],
        level: str,
        code: str,
        message: str,
        *,
        key: bool = False,
    ) -> Problem:
        path, line, column = self.locator.at(record, loc, key=key)
        return Problem(
            path, line, column, "error" if level == "error" else "warning", code, message
        )


Check = Callable[[Context], Iterator[Problem]]


def _where(record: Event | Actor) -> str:
    return f"{record.path}:{record.line}"


def _duplicates(
    records: Sequence[Event] | Sequence[Actor], what: str, ctx: Context
) -> Iterator[Problem]:
    by_id: dict[str, list[Event | Actor]] = defaultdict(list)
    for record in records:
        by_id[record.id].append(record)
    for record_id, group in by_id.items():
        if len(group) < 2:
            continue
        for record in group:
            others = ", ".join(_where(other) for other in group if other is not record)
            yield ctx.problem(
                record,
                ("id",),
                "error",
                "duplicate-id",
                f"the {what} id {record_id!r} is also used at {others}; "
                f"give each {what} its own id",
            )


def check_duplicate_ids(ctx: Context) -> Iterator[Problem]:
    """Two events, or two actors, share an id: both places are named."""
    yield from _duplicates(ctx.collection.events, "event", ctx)
    yield from _duplicates(ctx.collection.actors, "actor", ctx)


def check_unknown_actors(ctx: Context) -> Iterator[Problem]:
    """An event names an actor id that is not in the registry."""
    for event in ctx.collection.events:
        for index, ref in enumerate(event.actors):
            if ref.actor not in ctx.actors:
                hint = did_you_mean(ref.actor, ctx.actors) or "; add it to actors.yaml"
                yield ctx.problem(
                    event,
                    ("actors", index),
                    "error",
                    "unknown-actor",
                    f"actors[{index}]: no actor has the id {ref.actor!r}{hint}",
                )


def check_related(ctx: Context) -> Iterator[Problem]:
    """`related` names an event that does not exist, or the event itself."""
    for event in ctx.collection.events:
        for index, link in enumerate(event.related):
            loc = ("related", index, "event")
            if link.event == event.id:
                yield ctx.problem(
                    event,
                    loc,
                    "error",
                    "self-reference",
                    f"related[{index}]: the event relates to itself; name another event",
                )
            elif link.event not in ctx.event_ids:
                hint = did_you_mean(link.event, ctx.event_ids)
                yield ctx.problem(
                    event,
                    loc,
                    "error",
                    "unknown-event",
                    f"related[{index}]: no event has the id {link.event!r}{hint}",
                )


def check_affiliations(ctx: Context) -> Iterator[Problem]:
    """An actor's `affiliation` names no actor."""
    for actor in ctx.collection.actors:
        if actor.affiliation is not None and actor.affiliation not in ctx.actors:
            hint = did_you_mean(actor.affiliation, ctx.actors) or "; add that actor too"
            yield ctx.problem(
                actor,
                ("affiliation",),
                "error",
                "unknown-affiliation",
                f"affiliation: no actor has the id {actor.affiliation!r}{hint}",
            )


def check_stale_status(ctx: Context) -> Iterator[Problem]:
    """Proposed or scheduled, but its latest day has passed."""
    for event in ctx.collection.events:
        end = event.date.end
        if event.status in ("proposed", "scheduled") and end is not None and end < ctx.as_of:
            yield ctx.problem(
                event,
                ("status",),
                "warning",
                "stale-status",
                f"status is {event.status!r} but the event's latest day ({end.isoformat()}) is "
                f"before {ctx.as_of.isoformat()}; record what happened with "
                f"'timeline update {event.id} --status ...'",
            )


def check_future_occurred(ctx: Context) -> Iterator[Problem]:
    """Occurred, but it starts after the as-of day."""
    for event in ctx.collection.events:
        if event.status == "occurred" and event.date.start > ctx.as_of:
            yield ctx.problem(
                event,
                ("status",),
                "warning",
                "future-occurred",
                f"status is 'occurred' but the event starts on {event.date.start.isoformat()}, "
                f"after {ctx.as_of.isoformat()}; use 'scheduled' or check the date",
            )


def check_status_history(ctx: Context) -> Iterator[Problem]:
    """The last `updates` entry with a status disagrees with `status`."""
    for event in ctx.collection.events:
        last = next((u for u in reversed(event.updates) if u.status is not None), None)
        if last is not None and last.status != event.status:
            yield ctx.problem(
                event,
                ("status",),
                "warning",
                "status-mismatch",
                f"status is {event.status!r} but the last update ({last.date.isoformat()}) "
                f"says {last.status!r}; make them agree",
            )


def check_sources(ctx: Context) -> Iterator[Problem]:
    """An event with no sources."""
    for event in ctx.collection.events:
        if not event.sources:
            yield ctx.problem(
                event,
                ("id",),
                "warning",
                "no-source",
                "the event has no sources; add where it was reported under 'sources'",
            )


def check_part_of(ctx: Context) -> Iterator[Problem]:
    """A `part-of` event's span is not inside its parent's span."""
    events = ctx.collection.event_index
    for event in ctx.collection.events:
        for index, link in enumerate(event.related):
            parent = events.get(link.event)
            if link.relation != "part-of" or parent is None or parent is event:
                continue
            child, outer = event.date, parent.date
            inside = child.start >= outer.start and (
                outer.end is None or (child.end is not None and child.end <= outer.end)
            )
            if not inside:
                yield ctx.problem(
                    event,
                    ("related", index),
                    "warning",
                    "part-of-outside",
                    f"related[{index}]: the event ({child.label}) is part of {parent.id!r} "
                    f"({outer.label}) but lies outside its dates; check both dates",
                )


CHECKS: tuple[Check, ...] = (
    check_duplicate_ids,
    check_unknown_actors,
    check_related,
    check_affiliations,
    check_stale_status,
    check_future_occurred,
    check_status_history,
    check_sources,
    check_part_of,
)


def check_collection(
    collection: Collection, as_of: date, *, sources: Mapping[str, bytes] | None = None
) -> list[Problem]:
    """Every problem of the collection: those of its files and those across it, sorted.

    `sources` gives the bytes of records read from somewhere other than a file (standard
    input), so that their problems are placed as precisely as a file's.
    """
    ctx = Context(collection, as_of, Locator(sources))
    found = list(collection.problems)
    for check in CHECKS:
        found.extend(check(ctx))
    return sort_problems(found)
