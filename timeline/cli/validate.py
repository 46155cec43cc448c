"""`timeline validate`: check files and the whole collection."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from timeline.cli.app import (
    AsOfOpt,
    EventsOpt,
    NoCacheOpt,
    app,
    as_of_day,
    open_cache,
    out,
    print_json,
    print_problems,
    progress_bar,
)
from timeline.collection.files import collection_files, display_path
from timeline.collection.pipeline import check_collection
from timeline.core.problems import has_errors, summary_line


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files or folders to report on (default: the whole collection). Files outside "
            "the collection are checked as if added to it.",
            exists=True,
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    fmt: Annotated[
        Literal["text", "json"],
        typer.Option("--format", help="text: one line per problem; json: a list of problems."),
    ] = "text",
    events: EventsOpt = Path("events"),
    as_of: AsOfOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Check every file and the whole collection; print every problem."""
    day = as_of_day(as_of)
    files: list[Path] = []
    for path in paths or ():
        files.extend(collection_files(path) if path.is_dir() else [path])
    with progress_bar() as progress:
        # the problems and counts are enough: no records need building (see check_collection)
        tally, problems = check_collection(
            events, day, records=False, extra=files, cache=open_cache(events, not no_cache),
            progress=progress,
        )  # fmt: skip
    if paths:
        wanted = {display_path(path) for path in files}
        problems = [p for p in problems if p.path in wanted]
    if fmt == "json":
        print_json([p.as_dict() for p in problems])
        out(summary_line(problems, *tally), err=True)
    else:
        print_problems(problems)
        out(summary_line(problems, *tally))
    if has_errors(problems, strict=strict):
        raise typer.Exit(1)
