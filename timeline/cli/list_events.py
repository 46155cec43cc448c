"""`timeline list`: events in date order, as a table or as data."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

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
    print_json,
    terminal_safe,
    write_data,
)
from timeline.collection.query import ALL, Filters, select

if TYPE_CHECKING:
    from rich.table import Table

    from timeline.core.model import Event

STATUS_STYLE = {
    "occurred": "green",
    "scheduled": "cyan",
    "proposed": "magenta",
    "postponed": "yellow",
    "cancelled": "dim strike",
}


def event_table(events: list[Event], *, wrap: bool = True) -> Table:
    """A table of events: date, status, type, id, title."""
    from rich.table import Table  # imported lazily: only the table format needs it

    table = Table(box=None, pad_edge=False, header_style="bold")
    for name in ("date", "status", "type", "id", "title"):
        table.add_column(name, overflow="fold", no_wrap=not wrap)
    for event in events:
        table.add_row(
            event.date.label,
            f"[{STATUS_STYLE[event.status]}]{event.status}[/]",
            event.type,
            terminal_safe(event.id),
            terminal_safe(event.title).replace("[", "\\["),
        )
    return table


@app.command("list")
@filtered
def list_events(
    fmt: Annotated[
        Literal["table", "json", "csv"],
        typer.Option(
            "--format", help="table for people; json (normalized records) or csv for programs."
        ),
    ] = "table",
    events: EventsOpt = Path("events"),
    as_of: AsOfOpt = None,
    filters: Filters = ALL,
    known_on: KnownOnOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """List events in date order."""
    known = known_on_state(events, known_on, use_cache=not no_cache)
    collection, problems = load_checked(
        events, as_of_day(as_of, known), use_cache=not no_cache, refuse=False, known=known
    )
    chosen = select(collection.events, filters)
    if fmt == "json":
        print_json([event.normalized() for event in chosen])
        note_known_on(known, err=True)
    elif fmt == "csv":
        from timeline.views.export import export_csv

        write_data(export_csv(chosen, collection))
        note_known_on(known, err=True)
    else:
        from rich.console import Console

        console = Console(soft_wrap=False)
        footer = f"{len(chosen)} of {len(collection.events)} events"
        if known is not None:
            footer += f", as committed in {known.label}"
        if console.is_terminal:
            console.print(event_table(chosen))
            console.print(footer, style="dim")
        else:
            # Piped: one plain line per event, never wrapped, no trailing padding.
            plain = Console(width=100_000, no_color=True, highlight=False)
            with plain.capture() as captured:
                plain.print(event_table(chosen, wrap=False))
            for line in captured.get().splitlines():
                typer.echo(line.rstrip())
            typer.echo(footer)
    exit_if_errors(collection, problems, known)
