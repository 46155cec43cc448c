"""`timeline render`: the interactive timeline as one self-contained HTML file (or an image)."""

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
    busy,
    exit_if_errors,
    filtered,
    known_on_state,
    load_checked,
    out,
    output_file,
    write_output,
)
from timeline.collection.query import ALL, Filters, select
from timeline.core.words import plural

_IMAGES = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


@app.command()
@filtered
def render(
    output: Annotated[
        str,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            help="Write to FILE: .html (interactive page), or .png, .svg or .pdf (an image "
            'through kaleido and Chromium: pip install "timeline[images]"); - for the '
            "page on standard output.",
        ),
    ] = "timeline.html",
    group_by: Annotated[
        Literal["type", "actor", "tag", "status"],
        typer.Option(
            "--group-by",
            help="One lane per type, actor, tag or status (an event with several "
            "actors or tags appears in each of their lanes).",
        ),
    ] = "type",
    title: Annotated[
        str | None,
        typer.Option(
            "--title",
            help="The page's title (default: the collection folder's name; 'Timeline' "
            "for a folder named events).",
        ),
    ] = None,
    replay: Annotated[
        bool,
        typer.Option(
            "--history",
            help="Add a control that replays the collection's git history: the events as "
            "known on each commit day (or week or month; at most 60 steps).",
        ),
    ] = False,
    events: EventsOpt = Path("events"),
    as_of: AsOfOpt = None,
    filters: Filters = ALL,
    known_on: KnownOnOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Draw the interactive timeline as one self-contained HTML file (works offline)."""
    path = output_file(output, events)
    suffix = path.suffix.lower() if path is not None else ".html"
    if suffix not in (".html", ".htm", *_IMAGES):
        raise typer.BadParameter(
            f"{output!r} must end in .html, .png, .svg or .pdf", param_hint="'-o'"
        )
    if replay and suffix in _IMAGES:
        raise typer.BadParameter("--history makes an interactive page: write to .html")
    known = known_on_state(events, known_on, use_cache=not no_cache)
    day = as_of_day(as_of, known)
    collection, problems = load_checked(events, day, use_cache=not no_cache, known=known)
    chosen = select(collection.events, filters)
    states = None
    if replay:
        from timeline.collection.gitchanges import replay_states
        from timeline.collection.gitstates import History

        history = known.history if known else History.of(events, use_cache=not no_cache)
        states = replay_states(history, known.commit if known else None)

    # Imported here: plotly costs ~0.3 s to import, and other commands never need it.
    from timeline.views.render.figure import (
        default_title,
        figure_image,
        render_html,
        timeline_figure,
    )

    with busy(f"Drawing {len(chosen):,} events", len(chosen)):
        if suffix in _IMAGES:
            fig = timeline_figure(
                chosen, collection, as_of=day, group_by=group_by,
                title=title if title is not None else default_title(collection),
            )  # fmt: skip
            data = figure_image(fig, _IMAGES[suffix])  # type: ignore[arg-type]
        else:
            page = render_html(
                chosen, collection, as_of=day, group_by=group_by, title=title,
                known_on=(known.day.isoformat(), known.label) if known else None,
                replay=states,
            )  # fmt: skip
            data = page.encode("utf-8")
    if not chosen:
        out("note: no events match the filters; the timeline is empty", err=True)
    write_output(path, data, plural(len(chosen), "event"))
    if known is not None:
        exit_if_errors(collection, problems, known)
