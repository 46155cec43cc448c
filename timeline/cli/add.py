"""`timeline add`: file new events into the collection, all of them or none."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from timeline.cli.app import AsOfOpt, EventsOpt, app, as_of_day, fail, out, print_problems
from timeline.collection.files import MAX_FILE_BYTES, NotAFile, TooLarge, display_path, read_limited
from timeline.collection.pipeline import load_collection
from timeline.collection.reading import FileResult, read_bytes
from timeline.core.problems import has_errors
from timeline.store.atomic import collection_lock, write_new_files
from timeline.store.edit import check_change, plan_new_files

STDIN = "-"
_TOO_LARGE = f"larger than {MAX_FILE_BYTES:,} bytes; add fewer events at a time"


def _read_input(source: str, events: Path) -> tuple[bytes, str]:
    """The bytes of the input and the name problems are reported under."""
    if source == STDIN:
        if sys.stdin.isatty():  # a newcomer who typed just `timeline add` is not left wondering
            out(
                "reading new events from standard input; end with Ctrl-D (or give a FILE)", err=True
            )
        return sys.stdin.buffer.read(MAX_FILE_BYTES + 1), "<stdin>"
    path = Path(source)
    if not path.is_file():
        fail(f"{source!r} is not a file; give a YAML file of new events, or - for stdin", 2)
    if path.resolve().is_relative_to(events.resolve()):
        fail(
            f"{source!r} is already inside the collection {str(events)!r}; keep drafts outside "
            "it (e.g. draft.yaml) and add them from there"
        )
    try:
        return read_limited(path)[0], display_path(path)
    except TooLarge:
        fail(f"{display_path(path)} is {_TOO_LARGE}")
    except NotAFile as error:  # it was swapped since it was checked above
        fail(f"{source!r} is {error.kind}, not a file; give a YAML file of new events", 2)
    except OSError as error:
        fail(f"cannot read {source!r} ({error.strerror}); check its permissions")


@app.command()
def add(
    source: Annotated[
        str,
        typer.Argument(
            metavar="FILE|-",
            help="A YAML file of new events (a mapping, a list or several documents); "
            "- (the default) reads standard input.",
            show_default=False,
        ),
    ] = STDIN,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be written where; write nothing.")
    ] = False,
    events: EventsOpt = Path("events"),
    as_of: AsOfOpt = None,
) -> None:
    """File new events as events/<year>/<id>.yaml, checked with the whole collection first."""
    day = as_of_day(as_of)
    data, display = _read_input(source, events)
    if len(data) > MAX_FILE_BYTES:
        fail(f"{display} is {_TOO_LARGE}")
    added = read_bytes(data, display)
    if not added.events and not added.problems:
        fail(f"{display} holds no events; start one with 'timeline new > draft.yaml'")
    if dry_run:
        _add(events, added, data, day, dry_run=True)
    else:
        # The lock makes check-then-write one step: two adds of the same id (even in
        # different year folders) cannot both pass the duplicate check.
        with collection_lock(events):
            _add(events, added, data, day, dry_run=False)


def _add(events: Path, added: FileResult, data: bytes, day: date, *, dry_run: bool) -> None:
    """Check the new events with the collection, then write them (or show them)."""
    collection = load_collection(events)
    problems = check_change(collection, added, day, source=data)
    if not has_errors(problems):
        planned, plan_problems = plan_new_files(events, added.events)
        problems += plan_problems
    print_problems(problems, err=True)
    if has_errors(problems):
        fail("nothing was written; fix the problems above and run again")
    if dry_run:
        for item in planned:
            out(f"# would write {display_path(item.path)}:")
            out(item.data.decode("utf-8"))
        out(f"dry run: {len(planned)} file(s) not written")
        return
    for path in write_new_files([(item.path, item.data) for item in planned]):
        out(display_path(path))
