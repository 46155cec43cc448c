"""Changes between versions, as people and programs read them: `diff`, `history` and the
report's "What we learned".

A field's change reads `old -> new` for a single value; for a list (actors, sources, tags,
related links, updates) it names the items added and removed, since a whole list before
and after hides the one source that was added.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as default
from typing import Any

from timeline.core.changes import CollectionDiff, FieldChanges
from timeline.core.model import Event
from timeline.views.markdown import md_text

#: Text values longer than this are cut in text and Markdown (JSON has them whole).
SHORT = 90


@dataclass(slots=True)
class FieldChange:
    """One field's change as text: the value before and after (None: absent), or for a
    list the items added and removed."""

    name: str
    old: str | None = None
    new: str | None = None
    added: list[str] = default(default_factory=list)
    removed: list[str] = default(default_factory=list)

    def line(self, arrow: str = "->") -> str:
        """The change in one line: `status: proposed -> scheduled`, `tags: + a; - b`."""
        if self.added or self.removed:
            parts = [f"+ {item}" for item in self.added] + [f"- {item}" for item in self.removed]
            return f"{self.name}: {'; '.join(parts)}"
        return f"{self.name}: {self.old if self.old is not None else '(none)'} {arrow} " + (
            self.new if self.new is not None else "(none)"
        )


def short(text: str, limit: int = SHORT) -> str:
    """Text on one line, cut to `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _item(name: str, value: Any) -> str:
    """One item of a list field, as text."""
    if not isinstance(value, dict):
        return short(str(value))
    if name == "actors":
        return f"{value.get('actor')} ({value.get('role')})"
    if name == "related":
        return f"{value.get('relation')} {value.get('event')}"
    if name == "updates":
        status = f" {value['status']}" if value.get("status") else ""
        note = f": {value['note']}" if value.get("note") else ""
        return short(f"{value.get('date')}{status}{note}")
    if name == "sources":
        return short(str(value.get("title") or value.get("url") or ""))
    return short(json.dumps(value, ensure_ascii=False))


def _scalar(value: Any) -> str | None:
    if value is None or value == []:
        return None
    if isinstance(value, dict):
        return short(", ".join(str(v) for v in value.values() if v is not None))
    return short(str(value))


def describe_field(name: str, old: Any, new: Any) -> FieldChange:
    """A field's change (values as the record's JSON has them) as text."""
    if isinstance(old, list) or isinstance(new, list):
        before = [_item(name, v) for v in old or []]
        after = [_item(name, v) for v in new or []]
        added = [item for item in after if item not in before]
        removed = [item for item in before if item not in after]
        if added or removed:
            return FieldChange(name, added=added, removed=removed)
        return FieldChange(name, "(in another order)", "(reordered)")
    return FieldChange(name, _scalar(old), _scalar(new))


def describe_fields(fields: FieldChanges) -> list[FieldChange]:
    return [describe_field(name, old, new) for name, (old, new) in fields.items()]


def event_line(event: Event) -> str:
    return f"{event.date.label}  {event.id}  {short(event.title, 70)}"


def diff_data(
    diff: CollectionDiff, origin: dict[str, Any], target: dict[str, Any]
) -> dict[str, Any]:
    """The diff as JSON data: `from`, `to`, `added`, `removed` (ids), `changed` (id and fields,
    each `[old, new]` as the record's JSON has them)."""
    data = {
        "from": origin,
        "to": target,
        "added": [event.id for event in diff.added],
        "removed": [event.id for event in diff.removed],
        "changed": [
            {"id": change.id, "fields": {k: list(v) for k, v in change.fields.items()}}
            for change in diff.changed
        ],
    }
    return data


def _counts(diff: CollectionDiff) -> str:
    return f"{len(diff.added)} added, {len(diff.removed)} removed, {len(diff.changed)} changed"


def diff_text(diff: CollectionDiff, origin: str, target: str) -> list[str]:
    """The diff as lines of text for a terminal."""
    lines = [f"{origin} -> {target}: {_counts(diff)}"]
    for event in diff.added:
        lines.append(f"+ added    {event_line(event)}")
    for event in diff.removed:
        lines.append(f"- removed  {event_line(event)}")
    for change in diff.changed:
        lines.append(f"~ changed  {event_line(change.event)}")
        lines.extend(f"    {item.line()}" for item in describe_fields(change.fields))
    return lines


def diff_markdown(diff: CollectionDiff, origin: str, target: str) -> str:
    """The diff as a Markdown section, for a briefing or a pull request; record text is
    escaped as the Markdown report escapes it."""
    out = [f"# Changes from {md_text(origin)} to {md_text(target)}", "", f"{_counts(diff)}.", ""]

    def events(heading: str, items: Sequence[Event]) -> None:
        if items:
            out.extend([f"## {heading}", ""])
            out.extend(f"- {e.date.label}: {md_text(e.title)} (`{e.id}`)" for e in items)
            out.append("")

    events("Added", diff.added)
    events("Removed", diff.removed)
    if diff.changed:
        out.extend(["## Changed", ""])
        for change in diff.changed:
            event = change.event
            out.append(f"- {event.date.label}: {md_text(event.title)} (`{event.id}`)")
            out.extend(f"  - {md_text(item.line('→'))}" for item in describe_fields(change.fields))
        out.append("")
    return "\n".join(out)


def history_text(event_id: str, versions: Sequence[Any]) -> list[str]:
    """An event's versions (`timeline.collection.gitchanges.Version`) as lines of text."""
    first = versions[0].commit
    lines = [
        f"{event_id}: {len(versions)} committed {'version' if len(versions) == 1 else 'versions'}"
        f", first recorded on {first.day.isoformat()} ({first.short}, {first.author})"
    ]
    for version in versions:
        commit = version.commit
        lines.append("")
        subject = short(commit.subject, 70)
        lines.append(f"{commit.day.isoformat()}  {commit.short}  {commit.author}  {subject}")
        lines.append(f"  {version.change}")
        if version.change == "changed":
            lines.extend(f"    {item.line()}" for item in describe_fields(version.fields))
    return lines


def history_data(versions: Sequence[Any]) -> list[dict[str, Any]]:
    """An event's versions as JSON data: commit, date, author, subject, change, fields."""
    return [
        {
            "commit": version.commit.oid,
            "short": version.commit.short,
            "date": version.commit.when.isoformat(),
            "author": version.commit.author,
            "subject": version.commit.subject,
            "change": version.change,
            "fields": {k: list(v) for k, v in version.fields.items()},
        }
        for version in versions
    ]
