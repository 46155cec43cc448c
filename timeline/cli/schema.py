"""`timeline schema`: the JSON Schema of event files (or of `actors.yaml`), for editors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from timeline.cli.app import app, write_output
from timeline.views.schema import actors_file_schema, event_file_schema, schema_text


@app.command()
def schema(
    actors: Annotated[
        bool, typer.Option("--actors", help="The schema of actors.yaml instead of event files.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            dir_okay=False,
            help="Write the schema to FILE (default: standard output).",
        ),
    ] = None,
) -> None:
    """Print the JSON Schema of an event file, for editors' completion and checks."""
    text = schema_text(actors_file_schema() if actors else event_file_schema())
    if output is None:
        typer.echo(text, nl=False)
        return
    write_output(output, text.encode("utf-8"))
