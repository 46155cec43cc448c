"""`timeline validate`: check files and the whole collection."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from timeline.cli.app import (
    AsOfOpt,
    EventsOpt,
    KnownOnOpt,
    NoCacheOpt,
    app,
    as_of_day,
    fail,
    known_on_state,
    note_known_on,
    open_cache,
    out,
    print_json,
    print_problems,
    progress_bar,
)
from timeline.collection.files import display_path, path_of, walk_collection
from timeline.collection.pipeline import check_collection
from timeline.core.problems import Problem, has_errors, sort_problems, summary_line


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
    known_on: KnownOnOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Check every file and the whole collection; print every problem."""
    if known_on is not None and paths:
        fail("PATH and --known-on cannot be used together: --known-on checks the collection "
             "as committed, not files; drop one of them", 2)  # fmt: skip
    known = known_on_state(events, known_on, use_cache=not no_cache)
    day = as_of_day(as_of, known)
    files: list[Path] = []
    unwalked: list[Problem] = []  # folders given that could not be walked (too deep, ...)
    for path in paths or ():
        if path.is_dir():
            jobs, not_walked = walk_collection(path)
            files.extend(job[0] for job in jobs)
            unwalked.extend(not_walked)
        else:
            files.append(path)
    tally: tuple[int, int]
    if known is not None:
        collection, problems = known.history.checked_at(known.commit, day)
        tally = (collection.files, len(collection.events))
    else:
        with progress_bar() as progress:
            # the problems and counts are enough: no records need building (check_collection)
            tally, problems = check_collection(
                events, day, records=False, extra=files, cache=open_cache(events, not no_cache),
                progress=progress,
            )  # fmt: skip
    if paths:
        problems = sort_problems([*unwalked, *_of_files(problems, files, unwalked)])
    if fmt == "json":
        print_json([p.as_dict() for p in problems])
        out(summary_line(problems, *tally), err=True)
        note_known_on(known, err=True)
    else:
        print_problems(problems)
        out(summary_line(problems, *tally))
        note_known_on(known)
    if has_errors(problems, strict=strict):
        raise typer.Exit(1)


def _of_files(problems: list[Problem], files: list[Path], unwalked: list[Problem]) -> list[Problem]:
    """The problems of the files given, by their name or by the name the collection reads
    them under (a link, or another spelling of the path, to a file of the collection)."""
    wanted = {display_path(path) for path in files} | {p.path for p in unwalked}
    given = {path.resolve() for path in files}
    resolved: dict[str, bool] = {}
    kept = []
    for problem in problems:
        if problem.path not in resolved:
            resolved[problem.path] = (
                problem.path in wanted or path_of(problem.path).resolve() in given
            )
        if resolved[problem.path]:
            kept.append(problem)
    return kept
