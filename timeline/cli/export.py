"""`timeline export`: the events in another tool's format."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from timeline.cli.app import (
    AsOfOpt,
    EventsOpt,
    KnownOnOpt,
    NoCacheOpt,
    app,
    as_of_day,
    exit_if_errors,
    filtered,
    known_on_state,
    load_checked,
    note_known_on,
    output_file,
    write_data,
    write_output,
)
from timeline.collection.query import ALL, Filters, select
from timeline.core.words import plural
from timeline.views.export import Format, export_events


@app.command()
@filtered
def export(
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            help="json: normalized records; jsonl: one per line; csv: for spreadsheets; "
            "ics: iCalendar; timelinejs: Knight Lab TimelineJS JSON.",
        ),
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            help="Write to FILE (default, or -: standard output).",
        ),
    ] = None,
    title: Annotated[
        str,
        typer.Option(
            "--title", help="Title of the calendar (ics) or of the title slide (timelinejs)."
        ),
    ] = "Timeline",
    events: EventsOpt = Path("events"),
    as_of: AsOfOpt = None,
    filters: Filters = ALL,
    known_on: KnownOnOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Export the events as JSON, JSON Lines, CSV, iCalendar or TimelineJS JSON."""
    path = output_file(output, events)
    known = known_on_state(events, known_on, use_cache=not no_cache)
    day = as_of_day(as_of, known)
    collection, problems = load_checked(
        events, day, use_cache=not no_cache, refuse=False, known=known
    )
    chosen = select(collection.events, filters)
    text = export_events(fmt, chosen, collection, as_of=day, title=title)
    if path is None:
        write_data(text)
    else:
        write_output(path, text.encode("utf-8"), plural(len(chosen), "event"))
    note_known_on(known, err=True)
    exit_if_errors(collection, problems, known)
