"""`timeline history`: every committed version of one event, oldest first."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from timeline.cli.app import EventsOpt, NoCacheOpt, app, fail, out, print_json


@app.command()
def history(
    event_id: Annotated[str, typer.Argument(metavar="ID", help="The event's id.")],
    fmt: Annotated[
        Literal["text", "json"],
        typer.Option("--format", help="text for a terminal; json: a list of the versions."),
    ] = "text",
    events: EventsOpt = Path("events"),
    no_cache: NoCacheOpt = False,
) -> None:
    """Show every committed version of one event, oldest first, and what each commit changed."""
    from timeline.collection.gitchanges import event_versions  # git only where it is used
    from timeline.collection.gitstates import History
    from timeline.views.changes import history_data, history_text

    history_of = History.of(events, use_cache=not no_cache)
    versions = event_versions(history_of, event_id)
    if history_of.repository.shallow:
        first = history_of.repository.line()[-1]
        out(
            f"note: this clone is shallow: its history starts on {first.day.isoformat()}, so "
            "earlier versions are missing ('git fetch --unshallow' fetches them)",
            err=True,
        )
    if not versions:
        fail(
            f"no commit of the collection's history has an event with the id {event_id!r}; "
            "see 'timeline list' for the ids"
        )
    if fmt == "json":
        print_json(history_data(versions))
    else:
        for line in history_text(event_id, versions):
            out(line)
