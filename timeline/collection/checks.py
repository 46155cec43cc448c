"""The rules across a whole collection: one small function per check, each yielding problems.

The checks read each record's facts (`timeline.core.facts`), not the records themselves, so
a collection can be checked straight from the content cache. Running them over the files
of a folder is `timeline.collection.pipeline`'s job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from timeline.collection.collection import Outline
from timeline.collection.positions import Locator
from timeline.core.codes import CODES
from timeline.core.facts import ActorFacts, EventFacts, day
from timeline.core.problems import Problem, did_you_mean, sort_problems


@dataclass(slots=True)
class Context:
    """What every check sees: the outline, the as-of day, and a way to place problems."""

    outline: Outline
    as_of: date
    locator: Locator = field(default_factory=Locator)
    today: int = field(init=False)  # the as-of day as an ordinal, as the facts hold days
    events: dict[str, EventFacts] = field(init=False)  # by id, the first where repeated
    actors: dict[str, ActorFacts] = field(init=False)

    def __post_init__(self) -> None:
        self.today = self.as_of.toordinal()
        # A record whose id is invalid has the id "": it is in no index.
        self.events = {}
        for event in self.outline.events:
            self.events.setdefault(event.id, event)
        self.events.pop("", None)
        self.actors = {}
        for actor in self.outline.actors:
            self.actors.setdefault(actor.id, actor)
        self.actors.pop("", None)

    def problem(
        self,
        record: EventFacts | ActorFacts,
        loc: tuple[str | int, ...],
        code: str,
        message: str,
        *,
        key: bool = False,
    ) -> Problem:
        """A problem of `code` (at the level the table of codes gives it) at `loc` in
        `record`."""
        path, line, column = self.locator.at(record, loc, key=key)
        return Problem(path, line, column, CODES[code].level, code, message)


Check = Callable[[Context], Iterator[Problem]]


def _where(record: EventFacts | ActorFacts) -> str:
    return f"{record.path}:{record.line}"


def _duplicates(
    records: Sequence[EventFacts] | Sequence[ActorFacts],
    first: Mapping[str, EventFacts | ActorFacts],
    what: str,
    ctx: Context,
) -> Iterator[Problem]:
    # Groups are made only for repeated ids: `first` (the index by id) already tells them.
    repeated: dict[str, list[EventFacts | ActorFacts]] = {}
    for record in records:
        seen = first.get(record.id, record)
        if seen is not record:
            repeated.setdefault(record.id, [seen]).append(record)
    for record_id, group in repeated.items():
        for record in group:
            others = ", ".join(_where(other) for other in group if other is not record)
            yield ctx.problem(
                record,
                ("id",),
                "duplicate-id",
                f"the {what} id {record_id!r} is also used at {others}; "
                f"give each {what} its own id",
            )


def check_duplicate_ids(ctx: Context) -> Iterator[Problem]:
    """Two events, or two actors, share an id: both places are named."""
    yield from _duplicates(ctx.outline.events, ctx.events, "event", ctx)
    yield from _duplicates(ctx.outline.actors, ctx.actors, "actor", ctx)


def check_unknown_actors(ctx: Context) -> Iterator[Problem]:
    """An event names an actor id that is not in the registry."""
    known = ctx.actors
    for event in ctx.outline.events:
        for index, actor in enumerate(event.actors):
            if actor not in known:
                hint = did_you_mean(actor, known) or "; add it to actors.yaml"
                yield ctx.problem(
                    event,
                    ("actors", index, "actor"),  # the item itself when written as text
                    "unknown-actor",
                    f"actors[{index}]: no actor has the id {actor!r}{hint}",
                )


def check_related(ctx: Context) -> Iterator[Problem]:
    """`related` names an event that does not exist, or the event itself."""
    known = ctx.events
    for event in ctx.outline.events:
        for index, (other, _) in enumerate(event.related):
            loc = ("related", index, "event")
            if other == event.id:
                yield ctx.problem(
                    event,
                    loc,
                    "self-reference",
                    f"related[{index}]: the event relates to itself; name another event",
                )
            elif other not in known:
                hint = did_you_mean(other, known)
                yield ctx.problem(
                    event,
                    loc,
                    "unknown-event",
                    f"related[{index}]: no event has the id {other!r}{hint}",
                )


def check_affiliations(ctx: Context) -> Iterator[Problem]:
    """An actor's `affiliation` names no actor."""
    for actor in ctx.outline.actors:
        if actor.affiliation is not None and actor.affiliation not in ctx.actors:
            hint = did_you_mean(actor.affiliation, ctx.actors) or "; add that actor too"
            yield ctx.problem(
                actor,
                ("affiliation",),
                "unknown-affiliation",
                f"affiliation: no actor has the id {actor.affiliation!r}{hint}",
            )


def check_stale_status(ctx: Context) -> Iterator[Problem]:
    """Proposed or scheduled, but its latest day has passed."""
    today = ctx.today
    for event in ctx.outline.events:
        end = event.end
        if end is not None and end < today and event.status in ("proposed", "scheduled"):
            passed = (
                f"the event's window ended on {day(end)},"
                if event.window
                else f"the event's latest day ({day(end)}) is"
            )
            yield ctx.problem(
                event,
                ("status",),
                "stale-status",
                f"status is {event.status!r} but {passed} before {ctx.as_of.isoformat()}; "
                f"record what happened with 'timeline update {event.id} --status ...'",
            )


def check_future_occurred(ctx: Context) -> Iterator[Problem]:
    """Occurred, but it starts after the as-of day; or, for a window, the window runs past
    it: an event that has happened falls on a day by the as-of day, so a window still
    open after it says more than is known, or the status says too much."""
    today = ctx.today
    for event in ctx.outline.events:
        if event.status != "occurred" or event.start is None:
            continue
        if event.start > today:
            starts = "the event's window starts" if event.window else "the event starts"
            yield ctx.problem(
                event,
                ("status",),
                "future-occurred",
                f"status is 'occurred' but {starts} on {day(event.start)}, "
                f"after {ctx.as_of.isoformat()}; use 'scheduled' or check the date",
            )
        elif event.window and event.end is not None and event.end > today:
            yield ctx.problem(
                event,
                ("status",),
                "future-occurred",
                f"status is 'occurred' but the event's window runs to {day(event.end)}, "
                f"after {ctx.as_of.isoformat()}; if it has happened, narrow the window to end "
                f"by then ('timeline update {event.id} --date ...'), or use 'scheduled'",
            )


def check_status_history(ctx: Context) -> Iterator[Problem]:
    """The last `updates` entry with a status disagrees with `status`."""
    for event in ctx.outline.events:
        report = event.report
        if report is not None and event.status and report[1] != event.status:
            yield ctx.problem(
                event,
                ("status",),
                "status-mismatch",
                f"status is {event.status!r} but the last update ({day(report[0])}) "
                f"says {report[1]!r}; make them agree",
            )


def check_sources(ctx: Context) -> Iterator[Problem]:
    """An event with no sources."""
    for event in ctx.outline.events:
        if not event.sourced:
            yield ctx.problem(
                event,
                ("id",),
                "no-source",
                "the event has no sources; add where it was reported under 'sources'",
            )


def check_part_of(ctx: Context) -> Iterator[Problem]:
    """A `part-of` event's span is not inside its parent's span."""
    events = ctx.events
    for event in ctx.outline.events:
        for index, (other, relation) in enumerate(event.related):
            parent = events.get(other) if relation == "part-of" else None
            if parent is None or parent is event or event.start is None or parent.start is None:
                continue  # (a record whose date is invalid is reported for that alone)
            inside = event.start >= parent.start and (
                parent.end is None or (event.end is not None and event.end <= parent.end)
            )
            if not inside:
                yield ctx.problem(
                    event,
                    ("related", index),
                    "part-of-outside",
                    f"related[{index}]: the event ({event.label}) is part of {parent.id!r} "
                    f"({parent.label}) but lies outside its dates; check both dates",
                )


#: Cycles up to this many events are shown link by link; larger ones (a generated or
#: corrupted collection) are named by their size and a few members, so that the messages
#: and the time to find the chains stay linear in the collection's size.
CYCLE_SHOWN = 32


def check_part_of_cycles(ctx: Context) -> Iterator[Problem]:
    """Events that are, through their `part-of` links, part of themselves: each is named
    at its link, with the chain of events (and their files) back to itself."""
    parents: dict[str, list[tuple[int, str]]] = {}  # event id -> (link index, parent id)
    for record in ctx.events.values():
        for index, (other, relation) in enumerate(record.related):
            if relation == "part-of" and other in ctx.events and other != record.id:
                parents.setdefault(record.id, []).append((index, other))
    for component in _cycles(parents):
        some = ", ".join(
            f"'{member}' ({_where(ctx.events[member])})" for member in sorted(component)[:3]
        )
        for event_id in sorted(component):
            event = ctx.events[event_id]
            for index, parent in parents[event_id]:
                if parent not in component:
                    continue
                if len(component) <= CYCLE_SHOWN:
                    chain = _path_back(parent, event_id, parents, component)
                    steps = "".join(
                        f"'{step}' ({_where(ctx.events[step])}), which is part of "
                        for step in chain
                    )
                    how = f"'{event_id}' is part of {steps}'{event_id}'"
                else:
                    how = (
                        f"'{event_id}' is part of '{parent}' ({_where(ctx.events[parent])}), "
                        f"one of {len(component):,} events that are part of each other in "
                        f"a circle (among them {some})"
                    )
                yield ctx.problem(
                    event,
                    ("related", index),
                    "part-of-cycle",
                    f"related[{index}]: {how}: an event cannot contain itself; remove one "
                    "of these part-of links",
                )


def _cycles(parents: Mapping[str, Sequence[tuple[int, str]]]) -> list[set[str]]:
    """The groups of events that reach each other through `part-of` links (Tarjan's
    strongly connected components, without recursion: chains can be long)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for root in parents:
        if root in order:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, next_edge = work.pop()
            if next_edge == 0:
                order[node] = low[node] = len(order)
                stack.append(node)
                on_stack.add(node)
            edges = parents.get(node, ())
            if next_edge < len(edges):
                work.append((node, next_edge + 1))
                child = edges[next_edge][1]
                if child not in order:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], order[child])
                continue
            if low[node] == order[node]:
                component: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
            if work:
                caller = work[-1][0]
                low[caller] = min(low[caller], low[node])
    return found


def _path_back(
    start: str, goal: str, parents: Mapping[str, Sequence[tuple[int, str]]], within: set[str]
) -> list[str]:
    """The shortest chain of `part-of` links from `start` to `goal` inside one cycle group,
    `start` included, `goal` not."""
    came_from: dict[str, str | None] = {start: None}
    queue = [start]
    for node in queue:  # breadth first; the list grows as it is read
        if node == goal:
            break
        for _, parent in parents.get(node, ()):
            if parent in within and parent not in came_from:
                came_from[parent] = node
                queue.append(parent)
    chain: list[str] = []
    step = came_from.get(goal)
    while step is not None:
        chain.append(step)
        step = came_from[step]
    return chain[::-1]


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
    check_part_of_cycles,
)


def run_checks(
    outline: Outline, as_of: date, *, sources: Mapping[str, bytes] | None = None
) -> list[Problem]:
    """Every problem of the collection: those of its files and those across it, sorted.

    `sources` gives the bytes of records read from somewhere other than a file (standard
    input), so that their problems are placed as precisely as a file's.
    """
    ctx = Context(outline, as_of, Locator(sources))
    found = list(outline.problems)
    for check in CHECKS:
        found.extend(check(ctx))
    return sort_problems(found)
