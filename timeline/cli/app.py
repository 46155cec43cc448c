"""The Typer application and what its commands share: options, loading, printing.

A command reads its options, calls the library, prints, and picks the exit code.
Every failure the library raises is a `TimelineError`, caught here in one place
(`_Commands.invoke`): the command stops with `error: MESSAGE` and the error's exit code.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import inspect
import os
import stat
import sys
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from timeline.cli.group import LazyGroup
from timeline.core.chars import UNSAFE_CATEGORIES as _UNSAFE
from timeline.core.errors import TimelineError
from timeline.core.vocabulary import EVENT_TYPES, STATUSES

# The library is imported where it is used: `timeline --help` and a command's own help
# need none of it, and each command loads only its part (README, "Speed").
if TYPE_CHECKING:
    from timeline.collection.cache import ContentCache
    from timeline.collection.collection import Collection
    from timeline.collection.gitrepo import Commit
    from timeline.collection.gitstates import History
    from timeline.collection.loading import Progress
    from timeline.collection.query import Filters
    from timeline.core.problems import Problem


class _Commands(LazyGroup):
    """The command group: a `TimelineError` from any command ends it with one line."""

    def registered(self) -> list[Any]:
        return app.registered_commands

    def invoke(self, ctx: Any) -> Any:  # a Click context (Typer bundles its own Click)
        try:
            return super().invoke(ctx)
        except TimelineError as error:
            fail(error.message, error.exit_code)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # `--events ""` must not become the current folder: a Path option reads "" as ".",
        # so the empty value is refused here, before it is converted.
        for index, arg in enumerate(args):
            if arg == "--":
                break
            if arg == "--events=" or (arg == "--events" and args[index + 1 : index + 2] == [""]):
                raise typer.BadParameter(
                    f"an empty path names no folder; {_EVENTS_FIX}", param_hint="'--events'"
                )
        result: list[str] = super().parse_args(ctx, args)
        return result


app = typer.Typer(
    name="timeline",
    cls=_Commands,
    help="Track diplomatic events as YAML records: validate, render, report, export.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help and usage errors: Rich's help formatting costs more to import than a
    # whole `timeline validate` of a small collection takes (README, "Speed").
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _group() -> None:
    # With a callback, Typer always makes a group, even before any command is imported;
    # the group's help is the `help` above.
    pass


def day_option(value: str | None) -> date | None:
    """A day given on the command line, or None; a bad day is a usage error (exit 2)."""
    if value is None:
        return None
    from timeline.core.dates import DateError, parse_day

    try:
        return parse_day(value)
    except DateError as error:
        raise typer.BadParameter(f"{error.message}; write a day as YYYY-MM-DD") from None


_EVENTS_FIX = "give the collection folder, e.g. --events events"


def events_folder(value: Path) -> Path:
    """The `--events` folder; anything but an existing folder (a file, a device, a FIFO)
    is a usage error naming it and the fix. (A callback on a Path option, not a parser:
    Typer builds a parser's type with Pydantic, which `validate` does not import.)"""
    from timeline.collection.files import display_path, file_kind

    shown = display_path(value)
    try:
        mode = os.stat(value).st_mode
    except OSError as error:
        raise typer.BadParameter(
            f"cannot use '{shown}' ({error.strerror}); {_EVENTS_FIX}"
        ) from None
    if not stat.S_ISDIR(mode):
        raise typer.BadParameter(f"'{shown}' is {file_kind(mode)}, not a folder; {_EVENTS_FIX}")
    return value


EventsOpt = Annotated[
    Path,
    typer.Option(
        "--events",
        help="The collection folder.",
        metavar="DIR",
        callback=events_folder,
        show_default=True,
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DAY", help="The day to judge from (default: today)."),
]
FromOpt = Annotated[
    str | None,
    typer.Option("--from", metavar="DAY", help="Keep events that end on or after DAY."),
]
ToOpt = Annotated[
    str | None,
    typer.Option("--to", metavar="DAY", help="Keep events that start on or before DAY."),
]
ActorOpt = Annotated[
    list[str] | None,
    typer.Option("--actor", metavar="ID", help="Keep events naming this actor (repeatable)."),
]


def _choices(allowed: Sequence[str]) -> Any:
    def check(values: list[str] | None) -> list[str] | None:
        for value in values or ():
            if value not in allowed:
                from timeline.core.problems import did_you_mean

                hint = did_you_mean(value, allowed)
                raise typer.BadParameter(f"{value!r} is not one of {', '.join(allowed)}{hint}")
        return values

    return check


TypeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--type",
        metavar="TYPE",
        callback=_choices(EVENT_TYPES),
        help=f"Keep this type (repeatable): {', '.join(EVENT_TYPES)}.",
    ),
]
TagOpt = Annotated[
    list[str] | None, typer.Option("--tag", metavar="TAG", help="Keep this tag (repeatable).")
]
StatusOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--status",
        metavar="STATUS",
        callback=_choices(STATUSES),
        help=f"Keep this status (repeatable): {', '.join(STATUSES)}.",
    ),
]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="Read every file afresh, bypassing the cache.")
]


KnownOnOpt = Annotated[
    str | None,
    typer.Option(
        "--known-on",
        metavar="DAY|REV",
        help="Read the collection as committed at the end of DAY (or at the git revision "
        "REV) from its git history, not from the files; --as-of defaults to that day.",
    ),
]


@dataclasses.dataclass(frozen=True, slots=True)
class KnownOn:
    """What `--known-on` named: the history read, the commit, and the day it stands for
    (the day asked, or the commit's day for a revision)."""

    history: History
    commit: Commit
    day: date

    @property
    def label(self) -> str:
        """The commit as outputs name it: short hash and day."""
        return f"{self.commit.short} ({self.commit.day.isoformat()})"

    def describe(self) -> dict[str, str]:
        """The `known_on` object of JSON outputs."""
        return {"asked": self.day.isoformat(), **self.commit.describe()}


def known_on_state(events: Path, spec: str | None, *, use_cache: bool = True) -> KnownOn | None:
    """The commit `--known-on` names, or None without it; outside git, before the first
    commit or in a shallow clone lacking the day, a `GitError` (one line, exit 2)."""
    if spec is None:
        return None
    from timeline.collection.gitrepo import day_of_spec  # git only when asked for
    from timeline.collection.gitstates import History

    history = History.of(events, use_cache=use_cache)
    commit = history.repository.resolve(spec)
    if not history.repository.files(commit):
        history.repository.no_records(events, commit)
    return KnownOn(history, commit, day_of_spec(spec) or commit.day)


def note_known_on(known: KnownOn | None, *, err: bool = False) -> None:
    """Say which commit the output was read from (for outputs without a place for it)."""
    if known is not None:
        out(f"known on {known.day.isoformat()}: as committed in {known.label}", err=err)


def as_of_day(value: str | None, known: KnownOn | None = None) -> date:
    """The as-of day from `--as-of`: by default the `--known-on` day, or today."""
    day = day_option(value)
    if day is not None:
        return day
    return known.day if known is not None else date.today()


def make_filters(
    start: str | None = None,
    end: str | None = None,
    actor: Sequence[str] | None = None,
    type_: Sequence[str] | None = None,
    tag: Sequence[str] | None = None,
    status: Sequence[str] | None = None,
) -> Filters:
    """Filters from the filter options (bad days are usage errors)."""
    from timeline.collection.query import Filters

    first, last = day_option(start), day_option(end)
    if first and last and last < first:
        raise typer.BadParameter(
            f"--to {last.isoformat()} is before --from {first.isoformat()}; swap them"
        )
    return Filters(
        first,
        last,
        tuple(actor or ()),
        tuple(type_ or ()),
        tuple(tag or ()),
        tuple(status or ()),
    )


#: The filter options, declared once: (parameter, its option) for `filtered` commands.
_FILTER_OPTIONS = (
    ("start", FromOpt),
    ("end", ToOpt),
    ("actor", ActorOpt),
    ("type_", TypeOpt),
    ("tag", TagOpt),
    ("status", StatusOpt),
)


def filtered(command: Callable[..., None]) -> Callable[..., None]:
    """Give a command the filter options (`--from`, `--to`, `--actor`, `--type`, `--tag`,
    `--status`) where its `filters` parameter stands; it receives them as one `Filters`."""
    signature = inspect.signature(command, eval_str=True)
    options = [
        inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None,
                          annotation=option)
        for name, option in _FILTER_OPTIONS
    ]  # fmt: skip
    parameters = []
    for parameter in signature.parameters.values():
        parameters.extend(options if parameter.name == "filters" else [parameter])

    @functools.wraps(command)
    def run(**values: Any) -> None:
        chosen = {name: values.pop(name) for name, _ in _FILTER_OPTIONS}
        command(filters=make_filters(**chosen), **values)

    # Typer reads the options from the signature: the one with the filters in it.
    run.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in parameters}
    return run


_SAFE_CONTROLS = {"\n", "\t"}


def terminal_safe(text: str) -> str:
    """Text with control and bidirectional-override characters escaped, so data can never
    rewrite the terminal (`repr` style escapes)."""
    if text.isprintable():
        return text
    return "".join(
        ch if ch in _SAFE_CONTROLS or unicodedata.category(ch) not in _UNSAFE else repr(ch)[1:-1]
        for ch in text
    )


def out(text: str = "", *, err: bool = False) -> None:
    """Print a line of output (escaped for the terminal)."""
    stream = sys.stderr if err else sys.stdout
    stream.write(terminal_safe(text) + "\n")


#: What `-o` takes for standard output, as Unix tools do.
STDOUT = "-"


def lies_inside(path: Path, folder: Path) -> bool:
    """True when `path` is `folder` or lies below it, once links and `..` are resolved.

    The folders above the target that exist are also compared with `folder` by device
    and inode, so another spelling of it (a case-insensitive file system, a bind mount)
    is caught too. Never raises: a name the system cannot resolve is compared as written.
    """
    target, root = Path(os.path.realpath(path)), Path(os.path.realpath(folder))
    if target == root or root in target.parents:
        return True
    try:
        found = os.stat(folder)
    except (OSError, ValueError):
        return False
    for ancestor in (target, *target.parents):
        try:
            seen = os.stat(ancestor)
        except (OSError, ValueError):
            continue
        if (seen.st_dev, seen.st_ino) == (found.st_dev, found.st_ino):
            return True
    return False


def is_folder(path: Path) -> bool:
    """`path.is_dir()`, False where the system cannot even look (a name too long)."""
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def names_folder(text: str) -> bool:
    """True when the text of `-o` ends in a slash, which names a folder."""
    return text.endswith(("/", os.sep))


def refuse_inside(path: Path, events: Path | None, text: str) -> None:
    """A usage error (exit 2) when an output would land inside the collection."""
    if events is not None and lies_inside(path, events):
        from timeline.collection.files import display_path

        raise typer.BadParameter(
            f"{text!r} is inside the collection {display_path(events)!r}; outputs are "
            "never written there: name a file beside it",
            param_hint="'-o'",
        )


def output_file(text: str | None, events: Path | None) -> Path | None:
    """The file `-o TEXT` names, checked before any work: None for standard output (`-`
    or no `-o`); a usage error (exit 2) inside the collection or for a folder."""
    if text is None or text == STDOUT:
        return None
    if not text:
        raise typer.BadParameter("give a file name, or - for standard output", param_hint="'-o'")
    path = Path(text)
    refuse_inside(path, events, text)
    if names_folder(text) or is_folder(path):
        raise typer.BadParameter(f"{text!r} is a folder; give a file name", param_hint="'-o'")
    return path


def write_output(path: Path | None, data: bytes, what: str | None = None) -> None:
    """Write a command's output file whole or not at all, and say so; None is standard
    output (`-o -`), written as `write_data` does with no note. The note goes to standard
    error when the file is standard output itself (`-o /dev/stdout`), so that it does not
    end up inside the output."""
    if path is None:
        write_data(data.decode("utf-8"))
        return
    from timeline.collection.files import display_path
    from timeline.store.atomic import standard_stream, write_atomic  # only to write

    write_atomic(path, data)
    note = f"wrote {display_path(path)}" + (f" ({what})" if what else "")
    out(note, err=standard_stream(path) == 1)


def write_data(text: str) -> None:
    """Data for programs on standard output, as it is; on a terminal, control characters
    are escaped so that a record cannot rewrite the screen (the CRLF line ends of CSV and
    iCalendar are shown as plain line ends, not as escapes)."""
    if sys.stdout.isatty():
        text = terminal_safe(text.replace("\r\n", "\n"))
    sys.stdout.write(text)


def fail(message: str, code: int = 1) -> NoReturn:
    """Stop the command with one clear line on standard error."""
    out(f"error: {message}", err=True)
    raise typer.Exit(code)


_LEVEL_STYLE = {"error": "\x1b[1;31merror\x1b[0m", "warning": "\x1b[1;33mwarning\x1b[0m"}


def print_problems(
    problems: Sequence[Problem],
    *,
    err: bool = False,
    place: Callable[[Problem], str] | None = None,
) -> None:
    """Every problem as one line (at most 100 per file), coloured on a terminal; `place`
    names where a problem is when `path:line:column` does not (a workbook's cell)."""
    from timeline.core.problems import cap_per_file

    kept, left_out = cap_per_file(problems)
    stream = sys.stderr if err else sys.stdout
    colour = stream.isatty()
    for problem in kept:
        level = _LEVEL_STYLE[problem.level] if colour else problem.level
        where = place(problem) if place else f"{problem.path}:{problem.line}:{problem.column}"
        stream.write(f"{one_line(where)}: {level}: {one_line(problem.message)} [{problem.code}]\n")
    for path, count in sorted(left_out.items()):
        stream.write(one_line(f"{path}: {count} more problems not shown") + "\n")


def one_line(text: str) -> str:
    """`terminal_safe` text that also keeps to its line: a file name with a newline in it
    cannot fake a problem line for a program reading them."""
    return terminal_safe(text).replace("\n", "\\n")


def print_json(value: Any) -> None:
    """JSON on standard output, UTF-8, indented.

    On a terminal, control and bidi characters are written as JSON escapes: the same
    data, but it cannot rewrite the screen."""
    import json  # imported lazily: most runs print no JSON

    text = json.dumps(value, ensure_ascii=False, indent=2) + "\n"
    if sys.stdout.isatty() and not text.replace("\n", "").isprintable():
        text = "".join(
            json.dumps(ch)[1:-1] if ch != "\n" and unicodedata.category(ch) in _UNSAFE else ch
            for ch in text
        )
    sys.stdout.write(text)


#: Parsing fewer files than this takes about a second or less: no progress bar for it.
PROGRESS_MIN_FILES = 2000
#: Drawing a page of fewer events than this takes about a second or less: no spinner.
BUSY_MIN_EVENTS = 20_000


@contextlib.contextmanager
def busy(message: str, events: int) -> Iterator[None]:
    """A spinner and `message` on standard error while long work on `events` events runs;
    only on a terminal, and only when the work takes about a second or more."""
    if events < BUSY_MIN_EVENTS or not sys.stderr.isatty():
        yield
        return
    from rich.console import Console  # imported lazily: most runs never draw one

    with Console(stderr=True).status(message):
        yield


@contextlib.contextmanager
def progress_bar() -> Iterator[Progress | None]:
    """A progress callback drawing a bar on standard error, shown only on a terminal and
    only once the work is known to be long; silent when piped."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console  # imported lazily: most runs never draw a bar
    from rich.progress import Progress as Bar

    bar: Bar | None = None
    task: Any = None

    def advance(done: int, total: int) -> None:
        nonlocal bar, task
        if total < PROGRESS_MIN_FILES:
            return
        if bar is None:
            bar = Bar(console=Console(stderr=True), transient=True)
            bar.start()
            task = bar.add_task("Reading files", total=total)
        bar.update(task, completed=done)

    try:
        yield advance
    finally:
        if bar is not None:
            bar.stop()


def open_cache(events: Path, use_cache: bool) -> ContentCache | None:
    """The collection's content cache, unless `--no-cache` said not to use one."""
    from timeline.collection.cache import ContentCache

    return ContentCache(events) if use_cache else None


def load_checked(
    events: Path,
    as_of: date,
    *,
    refuse: bool = True,
    use_cache: bool = True,
    known: KnownOn | None = None,
) -> tuple[Collection, list[Problem]]:
    """Load and check the collection (as committed where `known` says); with `refuse`,
    print the errors and exit 1 if any. A past commit's errors cannot be fixed any more:
    with `known`, nothing is refused, and the command ends with `exit_if_errors`."""
    from timeline.collection.pipeline import check_collection
    from timeline.core.problems import has_errors, summary_line

    if known is not None:
        collection, problems = known.history.checked_at(known.commit, as_of)
    else:
        with progress_bar() as progress:
            collection, problems = check_collection(
                events, as_of, cache=open_cache(events, use_cache), progress=progress
            )
    if refuse and known is None and has_errors(problems):
        print_problems([p for p in problems if p.level == "error"], err=True)
        out(summary_line(problems, collection.files, len(collection.events)), err=True)
        fail("the collection has errors; fix them (see 'timeline validate') and run again")
    return collection, problems


def exit_if_errors(
    collection: Collection, problems: Sequence[Problem], known: KnownOn | None = None
) -> None:
    """For commands that show what they can despite errors (list, show, export, and render
    and report of a past commit): after the output, print the errors on standard error and
    exit 1, since the data has errors."""
    from timeline.core.problems import summary_line

    errors = [p for p in problems if p.level == "error"]
    if errors:
        print_problems(errors, err=True)
        out(summary_line(problems, collection.files, len(collection.events)), err=True)
        if known is not None:
            fail(
                f"the collection as committed in {known.label} has errors, so records may "
                "be missing or incomplete in what was shown or written"
            )
        fail(
            "the collection has errors, so records may be missing or incomplete above; "
            "fix them (see 'timeline validate')"
        )
