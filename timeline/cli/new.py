"""`timeline new`: print a commented event template to start a record from."""

from __future__ import annotations

from typing import Annotated

import typer

from timeline.cli.app import app
from timeline.core.vocabulary import EventType


@app.command()
def new(
    type_: Annotated[
        EventType | None,
        typer.Option("--type", metavar="TYPE", help="Fill in the event's type."),
    ] = None,
) -> None:
    """Print a commented event template: timeline new > draft.yaml, fill it in, timeline add."""
    from timeline.store.canonical import event_template  # ruamel: only for this command

    typer.echo(event_template(type_), nl=False)
