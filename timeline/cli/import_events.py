"""`timeline import`: events from a spreadsheet, shown first, written all or none."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from timeline.cli.app import AsOfOpt, EventsOpt, app, as_of_day, fail, out, print_problems
from timeline.collection.files import display_path
from timeline.core.problems import Problem, did_you_mean, has_errors
from timeline.core.vocabulary import EVENT_TYPES, STATUSES
from timeline.core.words import plural

if TYPE_CHECKING:
    from timeline.collection.importing import ImportPlan
    from timeline.collection.sheets import Sheet
    from timeline.core.model import Event

# The fields `--map` and `--set` name (timeline.collection.sheetcolumns.FIELDS, written out
# here so that `--help` needs no spreadsheet code; a test keeps the two the same).
FIELDS = (
    "id", "title", "date", "end", "year", "month", "day", "end-year", "end-month", "end-day",
    "type", "status", "actors", "location", "country", "summary", "sources", "source-title",
    "publisher", "tags",
)  # fmt: skip
_CHOICES = {"type": EVENT_TYPES, "status": STATUSES}


def _pairs(option: str, values: list[str] | None, ignore: bool) -> dict[str, str]:
    """`A=B` option values as a mapping; a malformed one or an unknown field is exit 2."""
    pairs: dict[str, str] = {}
    for value in values or ():
        left, sep, right = value.partition("=")
        left, right = left.strip(), right.strip()
        field = right if option == "--map" else left
        if not sep or not left or not right:
            example = "Headline=title" if option == "--map" else "type=other"
            raise typer.BadParameter(f"{value!r} is not NAME=VALUE; write e.g. {example}")
        allowed = (*FIELDS, "ignore") if ignore else FIELDS
        if field not in allowed:
            hint = did_you_mean(field, allowed)
            raise typer.BadParameter(
                f"{field!r} is not a field{hint}; the fields: {', '.join(allowed)}"
            )
        if option == "--set" and field in _CHOICES and right not in _CHOICES[field]:
            hint = did_you_mean(right, _CHOICES[field])
            raise typer.BadParameter(
                f"{value!r}: {right!r} is not one of {', '.join(_CHOICES[field])}{hint}"
            )
        pairs[left] = right
    return pairs


def _map_option(values: list[str] | None) -> list[str] | None:
    _pairs("--map", values, ignore=True)
    return values


def _set_option(values: list[str] | None) -> list[str] | None:
    _pairs("--set", values, ignore=False)
    return values


@app.command("import")
def import_events(
    source: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="A CSV (any delimiter, UTF-8), XLSX or ODS sheet, or the TimelineJS template.",
            show_default=False,
        ),
    ],
    sheet_name: Annotated[
        str | None,
        typer.Option(
            "--sheet", metavar="NAME", help="The workbook's sheet (default: the first visible)."
        ),
    ] = None,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="COLUMN=FIELD",
            callback=_map_option,
            help="Read COLUMN as FIELD (or 'ignore' it); repeatable.",
        ),
    ] = None,
    defaults: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="FIELD=VALUE",
            callback=_set_option,
            help="The value of FIELD for every row that has none (e.g. type=other); repeatable.",
        ),
    ] = None,
    write: Annotated[
        bool, typer.Option("--write", help="Write the events (default: a dry run).")
    ] = False,
    update: Annotated[
        bool,
        typer.Option("--update", help="Change records whose id exists with other content."),
    ] = False,
    events: EventsOpt = Path("events"),
    as_of: AsOfOpt = None,
) -> None:
    """Import events from a sheet: a dry run with every problem at its cell unless --write."""
    day = as_of_day(as_of)
    if not source.is_file():
        fail(f"{str(source)!r} is not a file; give a CSV, XLSX or ODS sheet", 2)
    options = (
        _pairs("--map", mapping, ignore=True),
        _pairs("--set", defaults, ignore=False),
    )
    if not write:
        _import(source, sheet_name, options, events, day, write=False, update=update)
        return
    from timeline.store.atomic import collection_lock

    with collection_lock(events):  # check and write as one step, as `add` does
        _import(source, sheet_name, options, events, day, write=True, update=update)


def _import(
    source: Path,
    sheet_name: str | None,
    options: tuple[dict[str, str], dict[str, str]],
    events: Path,
    day: date,
    *,
    write: bool,
    update: bool,
) -> None:
    """Read the sheet, plan the import with the collection, show it, write it."""
    # The spreadsheet readers are imported here: other commands never load them.
    from timeline.collection.importing import plan_import
    from timeline.collection.pipeline import load_collection
    from timeline.collection.sheets import read_sheet
    from timeline.store.atomic import write_changes
    from timeline.store.edit import plan_new_files, read_record_file
    from timeline.store.importing import new_paths, replace_events

    read = read_sheet(source, display_path(source), sheet_name)
    collection = load_collection(events)
    plan = plan_import(collection, read, *options, day, update=update)
    paths: list[Path] = []
    created: list[tuple[Path, bytes]] = []
    replaced: list[tuple[Path, bytes, bytes]] = []
    if not has_errors(plan.problems):
        if write:  # the YAML of each new file, read back before it may be written
            planned, plan_problems = plan_new_files(events, plan.added)
            created = [(item.path, item.data) for item in planned]
            paths = [item.path for item in planned]
        else:
            paths, plan_problems = new_paths(events, plan.added)
        plan.problems += plan_problems
        by_file: dict[str, list[tuple[Event, Event]]] = {}
        for change in plan.changed if update else []:
            by_file.setdefault(change.old.path, []).append((change.old, change.new))
        for path, pairs in by_file.items():
            old_data = read_record_file(Path(path), path)
            replaced.append((Path(path), old_data, replace_events(old_data, path, pairs)))
    for note in plan.notes:
        out(f"note: {note}", err=True)
    sheet = plan.sheet
    print_problems(plan.problems, err=True, place=_placer(sheet))
    _show(plan, paths, update)
    if has_errors(plan.problems):
        fail("nothing was written; fix the problems above and run again")
    if not write:
        out("dry run: nothing was written; give --write to write")
        return
    for written in write_changes(created, replaced):
        out(display_path(written))


def _placer(sheet: Sheet | None) -> Callable[[Problem], str]:
    def place(problem: Problem) -> str:
        if sheet is not None and problem.path == sheet.label:
            return sheet.place(problem.line, problem.column)
        return f"{problem.path}:{problem.line}:{problem.column}"

    return place


def _show(plan: ImportPlan, paths: list[Path], update: bool) -> None:
    """What the import adds and changes, a line each, and the counts."""
    sheet = plan.sheet
    if sheet is None:
        return
    shown = {path.stem: display_path(path) for path in paths}
    for event in plan.added:
        where = f" as {shown[event.id]}" if event.id in shown else ""
        out(f"add {event.id} ({sheet.place(event.line, event.column)}){where}")
    for change in plan.changed:
        verb = "update" if update else "conflict:"
        out(f"{verb} {change.old.id} ({change.old.path}): {', '.join(change.keys)}")
    counts = [
        plural(len(plan.added), "event") + " to add",
        f"{len(plan.changed)} to {'update' if update else 'change (give --update)'}",
        f"{len(plan.unchanged)} unchanged",
    ]
    out(f"{plural(plan.rows, 'row')} read: {', '.join(counts)}")
