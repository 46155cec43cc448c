"""`timeline schema`: the JSON Schema of event files (or of `actors.yaml`), for editors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from timeline.cli.app import app, output_file, write_output
from timeline.views.schema import actors_file_schema, event_file_schema, schema_text


@app.command()
def schema(
    actors: Annotated[
        bool, typer.Option("--actors", help="The schema of actors.yaml instead of event files.")
    ] = False,
    output: Annotated[
        str | None,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            help="Write the schema to FILE (default, or -: standard output); never "
            "inside the collection (use > there).",
        ),
    ] = None,
    events: Annotated[
        Path,
        typer.Option(
            "--events",
            help="The collection folder, which -o never writes into.",
            show_default=True,
        ),
    ] = Path("events"),
) -> None:
    """Print the JSON Schema of an event file, for editors' completion and checks."""
    path = output_file(output, events)
    text = schema_text(actors_file_schema() if actors else event_file_schema())
    if path is None:
        typer.echo(text, nl=False)
        return
    write_output(path, text.encode("utf-8"))
