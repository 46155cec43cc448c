"""`timeline diff`: what changed in the collection between two states of its git history."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from timeline.cli.app import (
    EventsOpt,
    NoCacheOpt,
    app,
    filtered,
    open_cache,
    out,
    print_json,
    write_data,
)
from timeline.collection.query import ALL, Filters, select

if TYPE_CHECKING:
    from timeline.core.problems import Problem


def _warn_errors(problems: Sequence[Problem], where: str) -> None:
    """File errors of a state: its records may be missing; said once, on standard error."""
    files = {p.path for p in problems if p.level == "error"}
    if files:
        out(
            f"warning: {len(files)} {'file has' if len(files) == 1 else 'files have'} errors "
            f"in {where}, so some of its records may be missing above (see 'timeline "
            "validate')",
            err=True,
        )


@app.command()
@filtered
def diff(
    origin: Annotated[
        str, typer.Argument(metavar="FROM", help="A day (YYYY-MM-DD) or a git revision.")
    ],
    target: Annotated[
        str | None,
        typer.Argument(
            metavar="TO",
            help="A day or a git revision (default: the working tree, as the files are now).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        Literal["text", "md", "json"],
        typer.Option("--format", help="text for a terminal; md (Markdown); json for programs."),
    ] = "text",
    exit_code: Annotated[
        bool,
        typer.Option("--exit-code", help="Exit 1 when something changed, 0 when nothing did."),
    ] = False,
    events: EventsOpt = Path("events"),
    filters: Filters = ALL,
    no_cache: NoCacheOpt = False,
) -> None:
    """Show the events added, removed and changed (field by field) between two states."""
    from timeline.collection.gitchanges import events_changed_between  # git: only here
    from timeline.collection.gitstates import History
    from timeline.collection.pipeline import load_collection
    from timeline.core.changes import diff_events
    from timeline.views.changes import diff_data, diff_markdown, diff_text

    history = History.of(events, use_cache=not no_cache)
    first = history.repository.resolve(origin)
    origin_name = f"{first.short} ({first.day.isoformat()})"
    prefixes = [f"{first.short}:"]
    origin_data: dict[str, Any] = {"asked": origin, "working_tree": False, **first.describe()}
    if target is None:
        # The files first: the commit's blobs that are the same bytes are then taken from
        # what reading them just cached, not parsed again.
        cache = open_cache(events, not no_cache)
        after = load_collection(events, cache=cache)
        history.files_cache = cache
        before = history.collection_at(first)
        old, new = before.events, after.events
        old_problems, new_problems = before.problems, after.problems
        target_name = "working tree"
        target_data: dict[str, Any] = {"asked": None, "working_tree": True}
    else:
        last = history.repository.resolve(target)
        # Only the files that differ are read: events in the files both share are the same.
        old, new, problems = events_changed_between(history, first, last)
        old_problems = [p for p in problems if p.path.startswith(f"{first.short}:")]
        new_problems = [p for p in problems if not p.path.startswith(f"{first.short}:")]
        target_name = f"{last.short} ({last.day.isoformat()})"
        prefixes.append(f"{last.short}:")
        target_data = {"asked": target, "working_tree": False, **last.describe()}

    def path_of(event: Any) -> str:
        path: str = event.path
        for prefix in prefixes:
            if path.startswith(prefix):
                return path[len(prefix) :]
        return path

    kept = {e.id for e in select(old, filters)} | {e.id for e in select(new, filters)}
    changes = diff_events(old, new, keep=kept.__contains__, path_of=path_of)
    if fmt == "json":
        print_json(diff_data(changes, origin_data, target_data))
    elif fmt == "md":
        write_data(diff_markdown(changes, origin_name, target_name))
    else:
        for line in diff_text(changes, origin_name, target_name):
            out(line)
    _warn_errors(old_problems, origin_name)
    _warn_errors(new_problems, target_name)
    if exit_code and not changes.empty:
        raise typer.Exit(1)
