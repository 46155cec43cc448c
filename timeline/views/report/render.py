"""Reports rendered: JSON is the report's data as it is; Markdown and HTML are Jinja2
templates over it (`timeline/views/templates/`), escaping every piece of user text."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date
from functools import cache
from typing import Literal, get_args
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from timeline.collection.collection import Collection
from timeline.core.model import Event
from timeline.core.urls import web_url
from timeline.core.words import noun
from timeline.views.direction import balance_direction, bdi
from timeline.views.markdown import md_block, md_text
from timeline.views.policy import CONTENT_SECURITY_POLICY, REFERRER_POLICY
from timeline.views.report.model import Count, Report

Format = Literal["md", "html", "json"]
FORMATS: tuple[str, ...] = get_args(Format)

_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|[0-9]+[.)])\s+")


def text_blocks(value: object) -> list[tuple[str, list[str]]]:
    """Summary text as `("p", [paragraph])` and `("ul", [items])` blocks: hard-wrapped lines
    are joined again, and a paragraph of `- ` lines becomes a list (for HTML)."""
    blocks: list[tuple[str, list[str]]] = []
    text = balance_direction(str(value).replace("\r\n", "\n").replace("\r", "\n"))
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines = paragraph.split("\n")
        if _LIST_ITEM.match(lines[0]):
            items: list[str] = []
            for line in lines:
                if _LIST_ITEM.match(line):
                    items.append(_LIST_ITEM.sub("", line))
                else:
                    items[-1] += " " + line.strip()
            blocks.append(("ul", items))
        else:
            blocks.append(("p", [" ".join(line.strip() for line in lines)]))
    return blocks


def http_url(value: object) -> str | None:
    """The URL when it is a web address (only those become links), else None."""
    return web_url(value)


def md_url(value: object) -> str:
    """An http(s) URL as a Markdown link destination (characters that end one encoded)."""
    return quote(str(value), safe=":/?#@!$&'*+,;=%~.-_[]")


def signed(value: int) -> str:
    return f"+{value}" if value > 0 else ("±0" if value == 0 else f"−{-value}")


@cache
def environment() -> Environment:
    """The Jinja2 environment over `timeline/views/templates`: autoescape on for HTML only."""
    env = Environment(
        loader=PackageLoader("timeline.views", "templates"),
        autoescape=select_autoescape(["html", "html.j2"], default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=md_text, md_block=md_block, md_url=md_url, signed=signed, blocks=text_blocks, bdi=bdi
    )
    env.globals.update(
        http_url=http_url, noun=noun, csp=Markup(CONTENT_SECURITY_POLICY), referrer=REFERRER_POLICY
    )
    return env


#: Keys of a report that only reports read from git have: left out of JSON when empty.
_GIT_KEYS = ("known_on", "learned")


def report_json(report: Report | ReportIndex) -> str:
    """The report (or index) as JSON: exactly its data (without `known_on` and `learned`
    where the report was not read from git)."""
    data = asdict(report)
    for key in _GIT_KEYS:
        if key in data and data[key] is None:
            del data[key]
    return json.dumps(data, sort_keys=False, ensure_ascii=False, indent=2) + "\n"


def _without_links_beyond(event: Event, known: Mapping[str, Event]) -> Event:
    kept = [link for link in event.related if link.event in known]
    if len(kept) == len(event.related):
        return event
    return event.model_copy(update={"related": kept})  # keeps where it was read


def render_report(report: Report, fmt: Format, collection: Collection) -> str:
    """The report as Markdown, HTML (with the period's timeline figure) or JSON text."""
    if fmt == "json":
        return report_json(report)
    if fmt == "md":
        return environment().get_template("report.md.j2").render(r=report)
    from timeline.views.render.figure import figure_div, timeline_plot  # Plotly: only for HTML

    # The figure's hover texts name related events: it sees only the events the report may
    # mention (none after its horizon), and links to later ones are dropped.
    horizon = date.fromisoformat(report.horizon)
    known = [event for event in collection.events if event.date.start <= horizon]
    index = {event.id: event for event in known}
    events = [_without_links_beyond(index[item.id], index) for item in report.happened]
    figure = ""
    if events:
        plot = timeline_plot(
            events, replace(collection, events=known), as_of=date.fromisoformat(report.as_of),
            title=f"{report.period.label}: events in the period",
        )  # fmt: skip
        figure = figure_div(
            plot.figure, div_id="report-timeline", include_plotlyjs=True, table=plot.table,
            summary=plot.summary,
        )  # fmt: skip
    return environment().get_template("report.html.j2").render(r=report, figure=figure)


#: The data format of the index `--every` writes.
INDEX_FORMAT = "timeline-report-index/1"


@dataclass(slots=True)
class IndexEntry:
    """One report of a series: where it is and how many events it holds."""

    name: str
    label: str
    days: str
    file: str
    events: int
    by_status: list[Count]


@dataclass(slots=True)
class ReportIndex:
    """The reports `--every` wrote, in period order."""

    format: str
    every: str
    as_of: str
    collection: str
    filters: list[str]
    reports: list[IndexEntry]


def index_entry(report: Report, file: str) -> IndexEntry:
    return IndexEntry(
        report.period.name, report.period.label, report.period.days, file,
        report.counts.total, report.counts.by_status,
    )  # fmt: skip


def render_index(index: ReportIndex, fmt: Format) -> str:
    """The index of a series of reports as Markdown, HTML or JSON."""
    if fmt == "json":
        return report_json(index)
    return environment().get_template(f"index.{fmt}.j2").render(i=index)
