"""A sheet to a plan of changes: which events it adds, which it changes, which it leaves,
with every problem at its cell, the new records checked as if added to the collection."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from timeline.collection.checks import run_checks
from timeline.collection.collection import Collection
from timeline.collection.loading import merge_results
from timeline.collection.reading import FileResult
from timeline.collection.sheetcolumns import REQUIRED, match_columns
from timeline.collection.sheetrows import SheetEvent, sheet_events
from timeline.collection.sheets import Sheet, SheetRead
from timeline.core.model import EVENT_KEYS, ActorRef, Event, Source
from timeline.core.problems import Problem, sort_problems

#: The field a check's problem is about, to place it at that field's cell.
_CHECKED_FIELD = {
    "duplicate-id": "id", "unknown-actor": "actors", "stale-status": "status",
    "future-occurred": "status", "status-mismatch": "status", "no-source": "sources",
    "part-of-outside": "date",
}  # fmt: skip
_EXAMPLES = {"type": "other", "status": "occurred", "date": "2014", "title": "'Talks'"}


@dataclass(slots=True)
class Change:
    """A row whose id the collection has: the record there and the record the row makes."""

    row: SheetEvent
    old: Event
    new: Event
    keys: list[str]  # the keys whose values differ, in the format's order


@dataclass(slots=True)
class ImportPlan:
    """What importing a sheet would do, and every problem that forbids it."""

    sheet: Sheet | None
    added: list[Event] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows: int = 0


def merged_event(old: Event, new: Event, given: frozenset[str]) -> Event:
    """The record `old` with the values of the fields a row gives (`given`) from `new`.

    What the sheet cannot say is kept: an actor's role, the sources it does not list by
    link (a source without one, when the sheet lists links only), a location's country
    when the sheet gives only the place's name, and the place when it gives only a
    country.
    """
    changes: dict[str, object] = {}
    for key in given & set(EVENT_KEYS):
        if key == "actors":
            roles = {ref.actor: ref.role for ref in old.actors}
            changes[key] = [
                ActorRef(actor=ref.actor, role=roles.get(ref.actor, ref.role)) for ref in new.actors
            ]
        elif key == "sources":
            changes[key] = _merged_sources(old.sources, new.sources)
        elif key == "location" and new.location is not None and old.location is not None:
            if "location-name" not in given:  # a country alone: the place stays
                changes[key] = old.location.model_copy(update={"country": new.location.country})
            elif new.location.name == old.location.name and new.location.country is None:
                changes[key] = old.location
            else:
                changes[key] = new.location
        else:
            changes[key] = getattr(new, key)
    return old.model_copy(update=changes)


def _source_key(source: Source) -> tuple[str, str | None]:
    return ("url", source.url) if source.url else ("title", source.title)


def _merged_sources(old: list[Source], new: list[Source]) -> list[Source]:
    new_keys = {_source_key(source) for source in new}
    old_keys = {_source_key(source) for source in old}
    titles_given = any(source.url is None for source in new)
    kept = [
        source
        for source in old
        if _source_key(source) in new_keys or (source.url is None and not titles_given)
    ]
    return kept + [source for source in new if _source_key(source) not in old_keys]


def _changed_keys(old: Event, new: Event) -> list[str]:
    before, after = old.model_dump(), new.model_dump()
    return [key for key in EVENT_KEYS if before[key] != after[key]]


def plan_import(
    collection: Collection,
    read: SheetRead,
    mapping: Mapping[str, str],
    defaults: Mapping[str, str],
    as_of: date,
    *,
    update: bool = False,
) -> ImportPlan:
    """What importing the sheet into the collection would do, checked as `add` checks."""
    plan = ImportPlan(read.sheet, problems=list(read.problems), notes=list(read.notes))
    sheet = read.sheet
    if sheet is None or plan.problems:
        return plan
    columns = match_columns(sheet, mapping)
    if columns is None:
        plan.problems.append(
            Problem(sheet.label, 1, 1, "error", "not-a-sheet", "the sheet is empty; "
                    "put a header row (title, date, type, status, ...) and a row per event")
        )  # fmt: skip
        return plan
    plan.problems += columns.problems
    plan.notes += columns.notes
    rows, row_problems = sheet_events(sheet, columns, defaults, collection.actors,
                                      collection.event_index)  # fmt: skip
    plan.problems += row_problems
    for key in REQUIRED:
        has_column = columns.column(key) is not None or (
            key == "date" and columns.column("year") is not None
        )
        if not has_column and key not in defaults and any(row.new for row in rows):
            plan.problems.append(
                Problem(
                    sheet.label, columns.header_row, 1, "error", "missing-field",
                    f"the sheet has no column for {key!r}, which every new event needs; "
                    f"add a column {key!r}, or give one value for every row with --set "
                    f"{key}={_EXAMPLES[key]}",
                )
            )  # fmt: skip
    plan.rows = len(rows)
    sheet_records: list[Event] = []
    for row in rows:
        if row.event is None:
            continue
        old = collection.event_index.get(row.event.id)
        if old is None:
            plan.added.append(row.event)
            sheet_records.append(row.event)
            continue
        new = merged_event(old, row.event, row.given).place(sheet.label, row.row, row.event.column)
        change = Change(row, old, new, _changed_keys(old, new))
        sheet_records.append(new)
        if not change.keys:
            plan.unchanged.append(change)
            continue
        plan.changed.append(change)
        if not update:
            plan.problems.append(
                Problem(
                    sheet.label, row.row, row.columns.get("id", row.event.column), "error",
                    "import-conflict",
                    f"{old.id!r} is already in the collection ({old.path}:{old.line}) with "
                    f"another {', '.join(change.keys)}; give --update to change that record, "
                    "or give this row another id",
                )
            )  # fmt: skip
    plan.problems += _checked(collection, sheet, rows, sheet_records, as_of, columns.by_field)
    plan.problems = sort_problems(plan.problems)
    return plan


def _checked(
    collection: Collection,
    sheet: Sheet,
    rows: list[SheetEvent],
    records: list[Event],
    as_of: date,
    sheet_columns: Mapping[str, int],
) -> list[Problem]:
    """The problems of the collection with the sheet's records in it (in place of the
    records of the same ids): those at the sheet's rows, and every error elsewhere."""
    replaced = {event.id for event in records} & set(collection.event_index)
    kept = FileResult(
        "",
        [event for event in collection.events if event.id not in replaced],
        collection.actors,
        list(collection.problems),
    )
    merged = merge_results(collection.root, [kept, FileResult(sheet.label, records)])
    # the sheet is not YAML: no re-reading it to place problems, its rows place them
    found = run_checks(merged.outline, as_of, sources={sheet.label: b""})
    columns = {row.row: row.columns for row in rows}
    placed = []
    for problem in found:
        if problem.path == sheet.label:
            about = _CHECKED_FIELD.get(problem.code, "")
            where = columns.get(problem.line, {})
            column = where.get(about) or sheet_columns.get(about) or problem.column
            placed.append(
                Problem(problem.path, problem.line, column, problem.level, problem.code,
                        problem.message)
            )  # fmt: skip
        elif problem.level == "error":
            placed.append(problem)
    return placed
