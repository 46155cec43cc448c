"""`timeline update`: record news about an event, changing nothing else in its file."""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from timeline.cli.app import (
    AsOfOpt,
    EventsOpt,
    app,
    as_of_day,
    day_option,
    fail,
    out,
    print_problems,
)
from timeline.collection.files import path_of
from timeline.collection.pipeline import check_collection
from timeline.collection.reading import read_bytes
from timeline.core.dates import DateError, DateSpan, parse_date
from timeline.core.model import Event, Source, Update
from timeline.core.problems import has_errors
from timeline.core.vocabulary import Status
from timeline.store.atomic import collection_lock, write_atomic
from timeline.store.edit import check_change, read_record_file, update_file


def _url(value: str | None) -> str | None:
    if value is not None:
        try:
            Source(url=value)
        except ValidationError as error:
            raise typer.BadParameter(error.errors()[0]["msg"]) from None
    return value


def _date(value: str | None) -> str | None:
    if value is not None:
        try:
            parse_date(value)
        except DateError as error:
            raise typer.BadParameter(error.message) from None
    return value


def _text(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise typer.BadParameter("the text is empty; write something or leave the option out")
    return value


@app.command()
def update(
    event_id: Annotated[str, typer.Argument(metavar="ID", help="The id of the event.")],
    status: Annotated[
        Status | None, typer.Option("--status", help="The event's new status.")
    ] = None,
    new_date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="EXPR",
            callback=_date,
            help="The event's new date (any date expression, e.g. 2014-09-23 to narrow "
            "a window to its day); the change is noted in its updates.",
        ),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option("--note", metavar="TEXT", callback=_text, help="What was reported."),
    ] = None,
    source_url: Annotated[
        str | None,
        typer.Option("--source-url", metavar="URL", callback=_url, help="Where it was reported."),
    ] = None,
    source_title: Annotated[
        str | None,
        typer.Option("--source-title", metavar="TEXT", callback=_text, help="The source's title."),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DAY", help="The day of the news (default: today)."),
    ] = None,
    events: EventsOpt = Path("events"),
    as_of: AsOfOpt = None,
) -> None:
    """Record news about an event: append to its updates and set its status, in place."""
    day = day_option(on) or as_of_day(as_of)
    # the checks judge the collection as of --as-of, else as of the day of the news
    check_day = as_of_day(as_of) if as_of else day
    if (
        status is None
        and note is None
        and source_url is None
        and source_title is None
        and new_date is None
    ):
        fail(
            "nothing to record: give --status, --note, or --source-url / --source-title; "
            "or a new --date (see 'timeline update --help')",
            2,
        )
    source = Source(title=source_title, url=source_url) if source_url or source_title else None
    entry = Update(date=day, status=status, note=note, source=source)
    span = None if new_date is None else parse_date(new_date)
    with collection_lock(events):
        _update(events, event_id, entry, status, day, check_day, span)


def _with_date(event: Event, entry: Update, span: DateSpan) -> Update:
    """The entry with the date change noted first in its note."""
    from timeline.store.redate import date_change_note

    if span.text == event.date.text:
        fail(
            f"the date of {event.id!r} is already {span.text!r}; give another date, or "
            "leave --date out"
        )
    said = date_change_note(event.date, span)
    return entry.model_copy(update={"note": f"{said} {entry.note}" if entry.note else said})


def _update(
    events: Path,
    event_id: str,
    entry: Update,
    status: str | None,
    day: date,
    check_day: date,
    span: DateSpan | None = None,
) -> None:
    """Find the event, splice the entry into its file, check, write."""
    collection, problems = check_collection(events, check_day)
    if has_errors(problems):
        print_problems([p for p in problems if p.level == "error"], err=True)
        fail("the collection has errors; fix them (see 'timeline validate') and run again")
    event = collection.event_index.get(event_id)
    if event is None:
        near = difflib.get_close_matches(event_id, list(collection.event_index), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(repr(i) for i in near)}?" if near else ""
        fail(f"no event has the id {event_id!r}{hint} (see 'timeline list')")
    if event.updates and day < event.updates[-1].date:
        fail(
            f"--on {day.isoformat()} is before {event_id!r}'s last update "
            f"({event.updates[-1].date.isoformat()}); updates are kept oldest first"
        )
    path = path_of(event.path)  # the path as shown leads back to the file, whatever its name
    data = read_record_file(path, event.path)
    if span is not None:
        from timeline.store.redate import redate_file

        entry = _with_date(event, entry, span)
        data = redate_file(data, event.path, event, span)
        event = event.model_copy(update={"date": span})
    new_data = update_file(data, event.path, event, entry, status)
    mine = check_change(collection, read_bytes(new_data, event.path), check_day)
    print_problems(mine, err=True)
    if has_errors(mine):
        fail("nothing was changed; fix the problems above and run again")
    write_atomic(path, new_data, overwrite=True)
    out(event.path)
