"""What each commit changed in the collection: the events it recorded, changed or removed.

A commit's change is the diff of the events in the files it touched, before and after:
the old blobs of those files against their new blobs. An event moved from one file to
another in a commit is in both sets, so it is a change (of `path`), not a removal and an
addition. Blobs come from the blob cache (`timeline.collection.gitstates`), so going
through a thousand commits parses only the blobs never seen before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from timeline.collection.files import ACTORS_FILE as ACTORS
from timeline.collection.gitrepo import Change, Commit, TreeFile
from timeline.collection.gitstates import History
from timeline.core.changes import CollectionDiff, FieldChanges, diff_events, record_values
from timeline.core.model import Event
from timeline.core.periods import period_of
from timeline.core.problems import Problem


@dataclass(slots=True)
class CommitChanges:
    """One commit and what it changed in the collection's events."""

    commit: Commit
    diff: CollectionDiff


def _sides(changes: Sequence[Change]) -> tuple[list[TreeFile], list[TreeFile]]:
    old = [TreeFile(c.below, c.old, False) for c in changes if c.old is not None]
    new = [TreeFile(c.below, c.new, False) for c in changes if c.new is not None]
    return old, new


def _might_hold(event_id: str) -> Callable[[bytes], bool]:
    """A quick test of a blob's bytes that is true of every blob holding `event_id`: the id
    written out, or any escape or encoding that could spell it otherwise."""
    needle = event_id.encode()
    return lambda data: needle in data or b"\\" in data or b"\0" in data


def commit_changes(
    history: History,
    *,
    first: date | None = None,
    last: date | None = None,
    until: Commit | None = None,
    event_id: str | None = None,
) -> list[CommitChanges]:
    """Every commit of the first-parent history (oldest first) that changed events, with
    its changes: only commits made from `first` to `last` (days) and up to `until`, and
    with `event_id` only that event's changes (reading only blobs that may hold it)."""
    log = history.repository.changes(until.oid if until is not None else "HEAD")
    chosen = [
        (commit, [c for c in changes if c.below != ACTORS])
        for commit, changes in log
        if (first is None or commit.day >= first) and (last is None or commit.day <= last)
    ]
    sides = [(commit, *_sides(changes)) for commit, changes in chosen]
    contents: dict[str, bytes] = {}
    if event_id is not None:
        # Blobs the cache knows tell their ids; the others are read, and only those whose
        # bytes may hold the id are parsed.
        test = _might_hold(event_id)
        files = {f.blob: f for _, old, new in sides for f in (*old, *new)}
        kept = {blob for blob, f in files.items() if event_id in (history.ids(f) or ())}
        unknown = [blob for blob, f in files.items() if history.ids(f) is None]
        contents = {b: data for b, data in history.repository.blobs(unknown).items() if test(data)}
        kept.update(contents)
        sides = [
            (commit, [f for f in old if f.blob in kept], [f for f in new if f.blob in kept])
            for commit, old, new in sides
        ]
    history.prepare((f for _, old, new in sides for f in (*old, *new)), contents)
    found = []
    keep = None if event_id is None else (lambda key: key == event_id)
    for commit, old, new in sides:
        if not old and not new:
            continue
        diff = diff_events(history.events_in(old, None), history.events_in(new, None), keep=keep)
        if not diff.empty:
            found.append(CommitChanges(commit, diff))
    history.cache.save()
    return found


def events_changed_between(
    history: History, old: Commit, new: Commit
) -> tuple[list[Event], list[Event], list[Problem]]:
    """The events of the files that differ between two commits, as they were in each
    (shown as in the working tree), and those files' problems: all that can differ
    between the two collections, without reading the files they share."""
    changed = [c for c in history.repository.changed_between(old, new) if c.below != ACTORS]
    before, after = _sides(changed)
    history.prepare([*before, *after])
    results = [*history.results(before, old), *history.results(after, new)]
    history.cache.save()
    problems = [p for result in results for p in result.problems]
    events = [e for result in results for e in result.events]
    split = sum(len(r.events) for r in results[: len(before)])
    return events[:split], events[split:], problems


def first_committed(history: History, until: Commit | None = None) -> date | None:
    """The day record files were first committed to the collection folder, or None."""
    log = history.repository.changes(until.oid if until is not None else "HEAD")
    return log[0][0].day if log else None


@dataclass(slots=True)
class Version:
    """A commit that changed one event: how (`recorded`, `changed`, `removed`, `recorded
    again`), the fields it changed (old, new), and the event as it then stood."""

    commit: Commit
    change: str
    fields: FieldChanges
    event: Event | None


def _present(event: Event) -> dict[str, Any]:
    """The fields an event has (those not empty)."""
    return {k: v for k, v in record_values(event).items() if v not in (None, [], "")}


def event_versions(history: History, event_id: str) -> list[Version]:
    """Every committed version of one event, oldest first, following it across files."""
    versions: list[Version] = []
    seen = False
    for step in commit_changes(history, event_id=event_id):
        diff = step.diff
        if diff.added:
            event = diff.added[0]
            fields = {k: (None, v) for k, v in _present(event).items()}
            change = "recorded again" if seen else "recorded"
            versions.append(Version(step.commit, change, fields, event))
            seen = True
        elif diff.removed:
            event = diff.removed[0]
            fields = {k: (v, None) for k, v in _present(event).items()}
            versions.append(Version(step.commit, "removed", fields, None))
        else:
            change_of = diff.changed[0]
            versions.append(Version(step.commit, "changed", change_of.fields, change_of.event))
    return versions


#: A replay of the collection's history has at most this many states.
MAX_STATES = 60
_UNITS = ("day", "week", "month", "quarter", "year")


@dataclass(slots=True)
class ReplayState:
    """The collection as known at the end of a day, week, month, quarter or year of its
    history: the ids it held then, and what the commits of that step changed."""

    unit: str
    first: date  # the step's first day
    commit: Commit  # its last commit
    ids: frozenset[str]
    steps: list[tuple[str, Event]]  # (recorded, changed or removed; the event then)


def _bucket(day: date, unit: str) -> date:
    """The first day of the step (a day, or the week, month, quarter or year) `day` is in."""
    return day if unit == "day" else period_of(unit, day).first


def replay_states(history: History, until: Commit | None = None) -> list[ReplayState]:
    """The collection's history in at most `MAX_STATES` steps: one per commit day, or per
    week, month, quarter or year when there are more days than that."""
    steps = commit_changes(history, until=until)
    unit = "year"
    for unit in _UNITS:
        if len({_bucket(s.commit.day, unit) for s in steps}) <= MAX_STATES:
            break
    states: list[ReplayState] = []
    known: set[str] = set()
    for step in steps:
        first = _bucket(step.commit.day, unit)
        if not states or states[-1].first != first:
            states.append(ReplayState(unit, first, step.commit, frozenset(), []))
        state = states[-1]
        state.commit = step.commit
        known.update(e.id for e in step.diff.added)
        known.difference_update(e.id for e in step.diff.removed)
        state.ids = frozenset(known)
        state.steps.extend(("recorded", e) for e in step.diff.added)
        state.steps.extend(("changed", c.event) for c in step.diff.changed)
        state.steps.extend(("removed", e) for e in step.diff.removed)
    return states
