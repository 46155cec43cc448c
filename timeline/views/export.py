"""Events in other tools' formats: JSON, JSON Lines, CSV, iCalendar and TimelineJS JSON.

Every exporter takes the chosen events (in date order) and the collection they come from
(for actor names) and returns the whole text; none reads the clock, so the same records
always give the same bytes.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, get_args

from timeline.collection.collection import Collection
from timeline.core.dates import day_label, parse_date
from timeline.core.model import Event, Source
from timeline.core.urls import web_url
from timeline.core.words import plural
from timeline.views.describe import actor_label, location_label, source_label

Format = Literal["json", "jsonl", "csv", "ics", "timelinejs"]
FORMATS: tuple[str, ...] = get_args(Format)

CSV_COLUMNS = (
    "id", "title", "date", "start", "end", "precision", "label", "window", "type", "status",
    "actors", "location", "country", "summary", "tags", "source_urls", "path",
)  # fmt: skip

#: iCalendar has no "proposed" or "postponed": both are not yet firm, so TENTATIVE.
ICS_STATUS = {
    "proposed": "TENTATIVE",
    "scheduled": "CONFIRMED",
    "occurred": "CONFIRMED",
    "postponed": "TENTATIVE",
    "cancelled": "CANCELLED",
}
ICS_PRODID = "-//timeline//timeline export//EN"
UID_DOMAIN = "timeline"

# A spreadsheet runs a cell beginning with one of these as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Cells starting so get a leading `'`: the formula starts, and `'` itself, so that
#: `timeline import` can undo the escape exactly.
ESCAPED_STARTS = (*_FORMULA_STARTS, "'")


def export_json(events: Sequence[Event], collection: Collection) -> str:
    """The normalized records (README, `timeline list`) as one JSON list."""
    return json.dumps([e.normalized() for e in events], ensure_ascii=False, indent=2) + "\n"


def export_jsonl(events: Sequence[Event], collection: Collection) -> str:
    """The normalized records as JSON Lines: one compact object per line."""
    return "".join(json.dumps(e.normalized(), ensure_ascii=False) + "\n" for e in events)


def _cell(value: str | None) -> str:
    text = value or ""
    return "'" + text if text.startswith(ESCAPED_STARTS) else text


def export_csv(events: Sequence[Event], collection: Collection) -> str:
    """One row per event with flat columns; lists joined with `;`, formulas defused.

    Actors are given by id (like tags, they are keys to join on); quoting of commas,
    quotes and newlines is the csv module's, rows end in CRLF as RFC 4180 says. `date` is
    the record's own date expression (start, end and precision alone lose `~`, `?` and
    mixed precision), so that `timeline import` reads the rows back as the same records.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for event in events:
        span = event.date
        location = event.location
        row = (
            event.id, event.title, span.text, span.start.isoformat(),
            span.end.isoformat() if span.end else "", span.precision, span.label,
            "true" if span.is_window else "false", event.type, event.status,
            ";".join(event.actor_ids()),
            location.name if location else "", location.country if location else "",
            event.summary, ";".join(event.tags), ";".join(s.url for s in event.sources if s.url),
            event.path,
        )  # fmt: skip
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def _web_url(url: str | None) -> str | None:
    """The url if it is a web link (the model checks this; exports check again)."""
    return web_url(url)


def _sources_with_links(event: Event) -> list[Source]:
    return [s for s in event.sources if _web_url(s.url)]


def revision_day(event: Event, as_of: date) -> date:
    """The day the record was last revised, as far as it says: its newest update or source
    day, else the as-of day. ICS uses it for DTSTAMP, so output never depends on the clock."""
    days = [update.date for update in event.updates]
    sources = [*event.sources, *(u.source for u in event.updates if u.source)]
    days += [day for s in sources for day in (s.published, s.accessed) if day]
    return max(days, default=as_of)


def _ics_description(event: Event, collection: Collection) -> str:
    actors = collection.actor_index
    span = event.date
    lines = [f"{span.label} ({event.status}, {event.type})"]
    if span.is_window and span.end is not None:
        lines.append(
            f"The day is not fixed: the event falls on one day (or a few) between "
            f"{day_label(span.start)} and {day_label(span.end)}, not on every day."
        )
    if event.actors:
        lines.append("")
        lines.append("Actors:")
        lines += [f"- {actor_label(r.actor, actors)}, {r.role}" for r in event.actors]
    if event.summary:
        lines.append("")
        lines.append(event.summary.strip())
    if event.sources:
        lines.append("")
        lines.append("Sources:")
        lines += [f"- {source_label(source)}" for source in event.sources]
    return "\n".join(lines)


def export_ics(
    events: Sequence[Event], collection: Collection, as_of: date, title: str = "Timeline"
) -> str:
    """An iCalendar file with one all-day VEVENT per event.

    DTEND is exclusive (the day after the last day); an open-ended event is its first day.
    A window (`[A..B]`) is an all-day event over the whole window, free time (TRANSP), and
    TENTATIVE while planned, since its day is not fixed; its description says so.
    An event that ends on 9999-12-31 has a DURATION instead, as there is no day after.
    UIDs are `<id>@timeline`, so a subscribed calendar updates events instead of doubling
    them; SEQUENCE counts the record's updates.
    """
    from icalendar import Calendar, vText
    from icalendar import Event as CalendarEvent

    calendar = Calendar()
    calendar.add("prodid", ICS_PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # NAME (RFC 7986), and X-WR-CALNAME for clients that predate it; icalendar knows
    # neither as text, so vText makes it escape `;`, `,` and newlines.
    calendar.add("name", vText(title))
    calendar.add("x-wr-calname", vText(title))
    for event in events:
        span = event.date
        last = span.end if span.end is not None else span.start
        item = CalendarEvent()
        item.add("uid", f"{event.id}@{UID_DOMAIN}")
        stamp = revision_day(event, as_of)
        item.add("dtstamp", datetime(stamp.year, stamp.month, stamp.day, tzinfo=UTC))
        item.add("dtstart", span.start)
        if last < date.max:
            item.add("dtend", last + timedelta(days=1))
        else:  # no day after 9999-12-31 to end on: the same span as a length (RFC 5545)
            item.add("duration", last - span.start + timedelta(days=1))
        item.add("summary", event.title)
        status = ICS_STATUS[event.status]
        if span.is_window and event.status in ("proposed", "scheduled"):
            status = "TENTATIVE"
        item.add("status", status)
        if span.is_window:
            item.add("transp", "TRANSPARENT")
        item.add("sequence", len(event.updates))
        item.add("categories", [event.type, *event.tags])
        item.add("description", _ics_description(event, collection))
        where = location_label(event)
        if where:
            item.add("location", where)
        links = _sources_with_links(event)
        if links:
            item.add("url", links[0].url)
        calendar.add_component(item)
    text: str = calendar.to_ical().decode("utf-8")
    return text


def _timelinejs_parts(expression: str) -> tuple[str, str | None]:
    """The parts of an expression that give its first and last day: `A/B` and `[A..B]`
    give A and B, `A/..` gives A and None, a single part gives itself and None."""
    if expression.startswith("["):
        first, _, second = expression[1 : expression.index("]")].partition("..")
        return first, second
    first, _, second = expression.partition("/")
    return first, (second if second and second != ".." else None)


def _timelinejs_date(expression: str, *, end: bool = False) -> dict[str, int]:
    """A TimelineJS date object with the parts the expression gives: year, month, day."""
    span = parse_date(expression)
    day = (span.end or span.start) if end else span.start
    parts = {"year": day.year}
    if span.precision in ("month", "day"):
        parts["month"] = day.month
    if span.precision == "day":
        parts["day"] = day.day
    return parts


def _text(value: str) -> str:
    """Text escaped for an HTML text node (quotes are left alone: they matter only in
    attributes, which `html.escape(..., quote=True)` handles)."""
    return html.escape(value, quote=False)


def _summary_html(markdown: str) -> str:
    """Markdown paragraphs and `-` lists as escaped HTML: enough for a slide, with no
    markup from the record reaching the page (TimelineJS shows `text` as HTML)."""
    out: list[str] = []
    prose: list[str] = []
    items: list[list[str]] = []

    def flush() -> None:
        if prose:
            out.append(f"<p>{_text(' '.join(prose))}</p>")
            prose.clear()
        if items:
            out.append("<ul>" + "".join(f"<li>{_text(' '.join(i))}</li>" for i in items))
            out.append("</ul>")
            items.clear()

    for line in markdown.strip().splitlines():
        stripped = line.strip()
        if not stripped:
            flush()
        elif stripped.startswith(("- ", "* ")):
            if prose:
                flush()
            items.append([stripped[2:]])
        elif items and line[:1].isspace():
            items[-1].append(stripped)
        else:
            if items:
                flush()
            prose.append(stripped)
    flush()
    return "".join(out)


def _source_html(source: Source) -> str:
    title = _text(source.title or source.url or "")
    url = _web_url(source.url)
    if url:
        href = html.escape(url, quote=True)
        title = f'<a href="{href}" target="_blank" rel="noopener">{title}</a>'
    detail = ", ".join(
        x for x in (source.publisher, source.published and day_label(source.published))
        if x
    )  # fmt: skip
    return f"<li>{title}{' — ' + _text(detail) if detail else ''}</li>"


def _timelinejs_text(event: Event, collection: Collection) -> str:
    actors = collection.actor_index
    parts: list[str] = []
    where = location_label(event)
    facts = [event.type, event.status, *([where] if where else [])]
    parts.append(f"<p><em>{_text(' · '.join(facts))}</em></p>")
    if event.actors:
        names = ", ".join(f"{actor_label(r.actor, actors)} ({r.role})" for r in event.actors)
        parts.append(f"<p>{_text(names)}</p>")
    if event.summary:
        parts.append(_summary_html(event.summary))
    if event.sources:
        items = "".join(_source_html(source) for source in event.sources)
        parts.append(f"<p>Sources:</p><ul>{items}</ul>")
    return "".join(parts)


def export_timelinejs(
    events: Sequence[Event], collection: Collection, title: str = "Timeline"
) -> str:
    """The Knight Lab TimelineJS JSON: a title slide and one slide per event.

    Dates are objects of numbers at the event's precision (the JSON format's documentation
    says "a number"); `display_date` is our label; the text is escaped HTML, with links
    only to http(s) sources; `autolink` is off since the links are already made.
    """
    slides: list[dict[str, Any]] = []
    for event in events:
        # TimelineJS has no window: a window's slide spans its bounds, and its display
        # date, the label ("sometime 8–12 Sep 2014"), says the day is not known.
        first, second = _timelinejs_parts(event.date.text)
        slide: dict[str, Any] = {"start_date": _timelinejs_date(first)}
        if second is not None:
            slide["end_date"] = _timelinejs_date(second, end=True)
        slide.update(
            display_date=event.date.label,
            text={
                "headline": _text(event.title),
                "text": _timelinejs_text(event, collection),
            },
            group=event.type,
            unique_id=event.id,
            autolink=False,
        )
        slides.append(slide)
    if events:
        first, last = events[0].date.label, events[-1].date.label
        reach = first if first == last else f"{first} to {last}"
        summary = f"{plural(len(events), 'event')}, {reach}"
    else:
        summary = "No events"
    document = {
        "title": {"text": {"headline": _text(title), "text": _text(summary)}},
        "events": slides,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def export_events(
    fmt: str, events: Sequence[Event], collection: Collection, *, as_of: date,
    title: str = "Timeline",
) -> str:  # fmt: skip
    """The events in format `fmt` (one of FORMATS)."""
    exporters: dict[str, Callable[[], str]] = {
        "json": lambda: export_json(events, collection),
        "jsonl": lambda: export_jsonl(events, collection),
        "csv": lambda: export_csv(events, collection),
        "ics": lambda: export_ics(events, collection, as_of, title),
        "timelinejs": lambda: export_timelinejs(events, collection, title),
    }
    if fmt not in exporters:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return exporters[fmt]()
