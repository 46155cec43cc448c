"""`timeline export`: the events in another tool's format."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from timeline.cli.app import (
    ActorOpt,
    AsOfOpt,
    EventsOpt,
    FromOpt,
    NoCacheOpt,
    StatusOpt,
    TagOpt,
    ToOpt,
    TypeOpt,
    app,
    as_of_day,
    exit_if_errors,
    load_checked,
    make_filters,
    terminal_safe,
    write_output,
)
from timeline.collection.query import select
from timeline.views.export import Format, export_events


@app.command()
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
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            dir_okay=False,
            help="Write to FILE (default: standard output).",
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
    start: FromOpt = None,
    end: ToOpt = None,
    actor: ActorOpt = None,
    type_: TypeOpt = None,
    tag: TagOpt = None,
    status: StatusOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Export the events as JSON, JSON Lines, CSV, iCalendar or TimelineJS JSON."""
    filters = make_filters(start, end, actor, type_, tag, status)
    day = as_of_day(as_of)
    collection, problems = load_checked(events, day, use_cache=not no_cache, refuse=False)
    chosen = select(collection.events, filters)
    text = export_events(fmt, chosen, collection, as_of=day, title=title)
    if output is None:
        # Data for programs, written as it is; on a terminal, control characters are
        # escaped so that a record cannot rewrite the screen (CRLF line ends of CSV and
        # ICS are shown as plain line ends, not as escapes).
        if sys.stdout.isatty():
            text = terminal_safe(text.replace("\r\n", "\n"))
        sys.stdout.write(text)
        exit_if_errors(collection, problems)
        return
    write_output(
        output, text.encode("utf-8"), f"{len(chosen)} event{'' if len(chosen) == 1 else 's'}"
    )
    exit_if_errors(collection, problems)
