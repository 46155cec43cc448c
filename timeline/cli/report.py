"""`timeline report`: the summary report of a period, or of every period, in a file."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import typer

from timeline.cli.app import (
    STDOUT,
    AsOfOpt,
    EventsOpt,
    KnownOn,
    KnownOnOpt,
    NoCacheOpt,
    app,
    as_of_day,
    exit_if_errors,
    fail,
    filtered,
    is_folder,
    known_on_state,
    load_checked,
    names_folder,
    out,
    refuse_inside,
    write_output,
)
from timeline.collection.collection import Collection
from timeline.collection.files import display_path
from timeline.collection.query import ALL, Filters, select
from timeline.core.periods import (
    Period,
    PeriodError,
    count_periods,
    parse_period,
    period_of,
    periods_covering,
)
from timeline.core.words import plural
from timeline.store.series import write_series
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

#: The most periods `--every` covers unless `--max-periods` says more: a thousand HTML
#: reports take up to about 4.6 GB (each embeds plotly.js).
MAX_PERIODS = 1000


def _period(text: str | None, as_of: date) -> Period:
    try:
        return parse_period(period_of("month", as_of).name if text is None else text)
    except PeriodError as error:
        raise typer.BadParameter(error.message, param_hint="PERIOD") from None


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


def _report_file(text: str | None, events: Path, period: Period, fmt: str) -> Path | None:
    """The file one report goes to (None: standard output), checked before any work."""
    name = f"{period.file_stem}.{fmt}"
    if text == STDOUT:
        return None
    if text is None:
        path = Path("reports") / name
    elif not text:
        raise typer.BadParameter("give a file or folder name, or - for standard output",
                                 param_hint="'-o'")  # fmt: skip
    elif names_folder(text) or is_folder(Path(text)):  # a folder: named after the period
        path = Path(text) / name
    else:
        path = Path(text)
    refuse_inside(path, events, text or "reports")
    return path


def _series_folder(text: str | None, events: Path) -> Path:
    """The folder `--every` writes into, checked before any work."""
    if text == STDOUT or text == "":
        raise typer.BadParameter(
            "--every writes a folder of reports and an index; name a folder", param_hint="'-o'"
        )
    folder = Path(text or "reports")
    refuse_inside(folder, events, text or "reports")
    if not names_folder(text or "") and os.path.lexists(folder) and not is_folder(folder):
        raise typer.BadParameter(
            f"{display_path(folder)!r} is a file; with --every, -o names a folder",
            param_hint="-o",
        )
    return folder


def _series(every: str, span: tuple[date, date] | None, most: int) -> list[Period]:
    """The periods of the series: exit 2 when there are more than `most`, exit 1 when its
    first or last period lacks the neighbour a report compares with or looks ahead into."""
    if span is None:
        return []
    count = count_periods(every, *span)
    if count > most:
        first, last = period_of(every, span[0]), period_of(every, span[1])
        fail(
            f"the series would cover {count:,} {every}s ({first.name} to "
            f"{last.name}), more than {most:,}; give a shorter PERIOD, or raise the bound "
            f"with --max-periods {count}",
            2,
        )
    edges = (period_of(every, span[0]), "previous"), (period_of(every, span[1]), "next")
    for period, neighbour in edges:
        try:
            period.previous() if neighbour == "previous" else period.next()
        except PeriodError:
            if neighbour == "previous":
                use, edge, day = "compare with", "starts after", period.last
            else:
                use, edge, day = "look ahead into", "ends before", period.first
            fail(
                f"the series reaches {period.name}, which has no {neighbour} period in years "
                f"0001–9999 for its report to {use}; give a PERIOD that {edge} "
                f"{day.isoformat()}"
            )
    return periods_covering(every, *span)


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
            "plus an index, into the folder -o names (all of them or none).",
        ),
    ] = None,
    fmt: Annotated[
        Format,
        typer.Option("--format", help="md (Markdown), html (one self-contained page) or json."),
    ] = "md",
    output: Annotated[
        str | None,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            help="The file to write to (default reports/PERIOD.FORMAT), a folder (an "
            "existing one, or a name ending in /) to write PERIOD.FORMAT into, or - for "
            "standard output; with --every, the folder (default reports).",
        ),
    ] = None,
    max_periods: Annotated[
        int,
        typer.Option(
            "--max-periods",
            metavar="N",
            min=1,
            help="With --every: refuse a series that covers more than N periods.",
        ),
    ] = MAX_PERIODS,
    events: EventsOpt = Path("events"),
    as_of: AsOfOpt = None,
    filters: Filters = ALL,
    known_on: KnownOnOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Write the summary report of a period: what happened, changed, is coming and is overdue."""
    known = known_on_state(events, known_on, use_cache=not no_cache)
    day = as_of_day(as_of, known)
    # Without PERIOD a series covers the collection: there is no default period then.
    chosen = _period(period, day) if every is None or period is not None else None
    if every is None:
        assert chosen is not None  # a single report always has its period
        target = _report_file(output, events, chosen, fmt)
    else:
        folder = _series_folder(output, events)
    collection, problems = load_checked(events, day, use_cache=not no_cache, known=known)
    name = display_path(events)
    span = (chosen.first, chosen.last) if chosen is not None else _span(collection, filters)
    # The bound and the calendar's edges are checked before any history is read.
    periods = _series(every, span, max_periods) if every is not None else []
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
        assert chosen is not None
        built = make(chosen)
        text = render_report(built, fmt, collection)
        write_output(target, text.encode("utf-8"), plural(built.counts.total, "event"))
    else:
        index = ReportIndex(
            format=INDEX_FORMAT, every=every, as_of=day.isoformat(), collection=name,
            filters=describe_filters(filters), reports=[],
        )  # fmt: skip
        render = functools.partial(render_report, fmt=fmt, collection=collection)
        _write_series(folder, periods, fmt, make, render, index)
    if known is not None:
        exit_if_errors(collection, problems, known)


def _write_series(
    folder: Path,
    periods: list[Period],
    fmt: Format,
    make: Callable[[Period], Report],
    render: Callable[[Report], str],
    index: ReportIndex,
) -> None:
    """Each period's report (those with events) and the index, all or none; then say so."""
    notes: list[tuple[str, str]] = []

    def files() -> Iterator[tuple[str, bytes]]:
        for each in periods:
            built = make(each)
            if built.counts.total:  # only periods that have events get a report
                file = f"{each.file_stem}.{fmt}"
                index.reports.append(index_entry(built, file))
                notes.append((file, plural(built.counts.total, "event")))
                yield file, render(built).encode("utf-8")
        notes.append((f"index.{fmt}", plural(len(index.reports), "report")))
        yield f"index.{fmt}", render_index(index, fmt).encode("utf-8")

    write_series(folder, files())
    for file, what in notes:
        out(f"wrote {display_path(folder / file)} ({what})")
