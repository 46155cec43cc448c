"""`timeline report`: the summary report of a period, or of every period, in a file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import typer

from timeline.cli.app import (
    AsOfOpt,
    EventsOpt,
    KnownOn,
    KnownOnOpt,
    NoCacheOpt,
    app,
    as_of_day,
    exit_if_errors,
    filtered,
    known_on_state,
    load_checked,
    write_output,
)
from timeline.collection.collection import Collection
from timeline.collection.files import display_path
from timeline.collection.query import ALL, Filters, select
from timeline.core.periods import Period, PeriodError, parse_period, period_of, periods_covering
from timeline.core.words import plural
from timeline.views.report.build import build_report, describe_filters
from timeline.views.report.model import Learned, Report
from timeline.views.report.render import (
    INDEX_FORMAT,
    Format,
    ReportIndex,
    index_entry,
    render_index,
    render_report,
)

Every = Literal["week", "month", "quarter", "year"]


def _period(text: str | None, as_of: date) -> Period:
    try:
        return parse_period(period_of("month", as_of).name if text is None else text)
    except PeriodError as error:
        raise typer.BadParameter(error.message, param_hint="PERIOD") from None


def _write(path: Path, text: str, what: str) -> None:
    write_output(path, text.encode("utf-8"), what)


def _span(collection: Collection, filters: Filters) -> tuple[date, date] | None:
    """The days the chosen events cover (an open end counts as its start)."""
    chosen = select(collection.events, filters)
    if not chosen:
        return None
    first = min(event.date.start for event in chosen)
    last = max(event.date.end or event.date.start for event in chosen)
    return first, last


def _learning(
    events: Path, known: KnownOn | None, use_cache: bool, first: date, last: date
) -> Callable[[Period, date, Filters], Learned | None]:
    """What makes each report's "What we learned" from the collection's git history, for
    periods from `first` to `last`; it gives None where there is no history to tell (not
    in git, or the collection first committed after the period)."""
    from timeline.collection.gitchanges import commit_changes, first_committed
    from timeline.collection.gitrepo import GitError
    from timeline.collection.gitstates import History
    from timeline.views.report.learned import learned_section

    until = known.commit if known is not None else None
    try:
        history = known.history if known is not None else History.of(events, use_cache=use_cache)
        start = first_committed(history, until)
        steps = commit_changes(history, first=first, last=last, until=until)
    except GitError:
        return lambda period, as_of, filters: None

    def learned(period: Period, as_of: date, filters: Filters) -> Learned | None:
        if start is None or start > min(period.last, as_of):
            return None  # the history begins after the period: it tells nothing of it
        return learned_section(steps, period, as_of=as_of, history_from=start, filters=filters)

    return learned


@app.command()
@filtered
def report(
    period: Annotated[
        str | None,
        typer.Argument(
            metavar="PERIOD",
            help="2014, 2014-Q3, 2014-09, 2014-W38 (ISO week) or 2014-09-01/2014-09-30 "
            "(default: the month of the as-of day). With --every: the span to cover.",
            show_default=False,
        ),
    ] = None,
    every: Annotated[
        Every | None,
        typer.Option(
            "--every",
            help="Write a report for every week, month, quarter or year that has events, "
            "plus an index, into the folder -o names.",
        ),
    ] = None,
    fmt: Annotated[
        Format,
        typer.Option("--format", help="md (Markdown), html (one self-contained page) or json."),
    ] = "md",
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            help="The file (or folder) to write to (default reports/PERIOD.FORMAT); with "
            "--every, the folder (default reports).",
        ),
    ] = None,
    events: EventsOpt = Path("events"),
    as_of: AsOfOpt = None,
    filters: Filters = ALL,
    known_on: KnownOnOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Write the summary report of a period: what happened, changed, is coming and is overdue."""
    known = known_on_state(events, known_on, use_cache=not no_cache)
    day = as_of_day(as_of, known)
    chosen = _period(period, day)
    if every is not None and output is not None and output.exists() and not output.is_dir():
        raise typer.BadParameter(
            f"{display_path(output)!r} is a file; with --every, -o names a folder",
            param_hint="-o",
        )
    collection, problems = load_checked(events, day, use_cache=not no_cache, known=known)
    name = display_path(events)
    span = (chosen.first, chosen.last) if period is not None else _span(collection, filters)
    if every is None:
        span = (chosen.first, chosen.last)
    learned = _learning(events, known, not no_cache, *span) if span else None
    read_from = None
    if known is not None:
        from timeline.views.report.learned import known_on_info

        read_from = known_on_info(known.day, known.commit)

    def make(period: Period) -> Report:
        return build_report(
            collection, period, as_of=day, filters=filters, problems=problems,
            collection_name=name, known_on=read_from,
            learned=learned(period, day, filters) if learned is not None else None,
        )  # fmt: skip

    if every is None:
        built = make(chosen)
        path = output or Path("reports")
        if output is None or output.is_dir():  # a folder: the file is named after the period
            path = path / f"{chosen.file_stem}.{fmt}"
        _write(path, render_report(built, fmt, collection), plural(built.counts.total, "event"))
        if known is not None:
            exit_if_errors(collection, problems, known)
        return
    periods = periods_covering(every, *span) if span else []
    index = ReportIndex(
        format=INDEX_FORMAT, every=every, as_of=day.isoformat(), collection=name,
        filters=describe_filters(filters), reports=[],
    )  # fmt: skip
    folder = output or Path("reports")
    for each in periods:
        built = make(each)  # PeriodError for years 0001 and 9999, which lack a neighbour
        if built.counts.total:  # only periods that have events get a report
            file = f"{each.file_stem}.{fmt}"
            text = render_report(built, fmt, collection)
            _write(folder / file, text, plural(built.counts.total, "event"))
            index.reports.append(index_entry(built, file))
    count = len(index.reports)
    _write(folder / f"index.{fmt}", render_index(index, fmt), plural(count, "report"))
    if known is not None:
        exit_if_errors(collection, problems, known)
