"""`timeline show`: one event in full."""

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
    known_on_state,
    load_checked,
    note_known_on,
    out,
)
from timeline.core.problems import did_you_mean


@app.command()
def show(
    event_id: Annotated[str, typer.Argument(metavar="ID", help="The event's id.")],
    events: EventsOpt = Path("events"),
    as_of: AsOfOpt = None,
    known_on: KnownOnOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Show one event in full, with its actors' names and related events."""
    known = known_on_state(events, known_on, use_cache=not no_cache)
    collection, problems = load_checked(
        events, as_of_day(as_of, known), use_cache=not no_cache, refuse=False, known=known
    )
    event = collection.event_index.get(event_id)
    if event is None:
        hint = did_you_mean(event_id, collection.event_index) or "; see 'timeline list'"
        out(f"error: no event has the id {event_id!r}{hint}", err=True)
        exit_if_errors(collection, problems, known)  # the event may be one of those with errors
        raise typer.Exit(1)
    from timeline.views.describe import describe_event  # the models: once records are read

    for line in describe_event(event, collection):
        out(line)
    note_known_on(known)
    exit_if_errors(collection, problems, known)
