"""What changed between two versions of a collection, or of one event: field by field.

A field's change is its value before and after, as the record's JSON writes it (a date as
its expression, lists whole); `path` is a field too, so a record moved to another file
with the same id is a change, not a removal and an addition.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from timeline.core.model import Event

#: The fields compared, in the order a record's keys are written, then where it is kept.
FIELDS: tuple[str, ...] = (*Event.model_fields, "path")

FieldChanges = dict[str, tuple[Any, Any]]


def record_values(event: Event) -> dict[str, Any]:
    """An event's fields as JSON values (absent optional fields as null or empty)."""
    values = event.model_dump(mode="json")
    values["path"] = event.path
    return values


def field_changes(
    old: Event, new: Event, path_of: Callable[[Event], str] | None = None
) -> FieldChanges:
    """Each field whose value differs between two versions of an event: (old, new).
    `path_of` gives where a version is kept (default: its path)."""
    before, after = record_values(old), record_values(new)
    if path_of is not None:
        before["path"], after["path"] = path_of(old), path_of(new)
    return {name: (before[name], after[name]) for name in FIELDS if before[name] != after[name]}


@dataclass(slots=True)
class EventChange:
    """One event present in both states, with its changed fields; `event` is its new version."""

    id: str
    event: Event
    fields: FieldChanges


@dataclass(slots=True)
class CollectionDiff:
    """Events added, removed (as they were) and changed between two states, in date order."""

    added: list[Event] = field(default_factory=list)
    removed: list[Event] = field(default_factory=list)
    changed: list[EventChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _index(events: Sequence[Event]) -> dict[str, Event]:
    index: dict[str, Event] = {}
    for event in events:
        index.setdefault(event.id, event)  # the first, where an id is repeated
    return index


def diff_events(
    old: Sequence[Event],
    new: Sequence[Event],
    *,
    keep: Callable[[str], bool] | None = None,
    path_of: Callable[[Event], str] | None = None,
) -> CollectionDiff:
    """What changed from the events `old` to the events `new`, by id; with `keep`, only the
    ids it keeps."""
    before, after = _index(old), _index(new)
    diff = CollectionDiff()
    for key, event in after.items():
        if keep is not None and not keep(key):
            continue
        previous = before.get(key)
        if previous is None:
            diff.added.append(event)
        else:
            changes = field_changes(previous, event, path_of)
            if changes:
                diff.changed.append(EventChange(key, event, changes))
    diff.removed = [e for k, e in before.items() if k not in after and (keep is None or keep(k))]
    diff.added.sort(key=Event.sort_key)
    diff.removed.sort(key=Event.sort_key)
    diff.changed.sort(key=lambda change: change.event.sort_key())
    return diff
