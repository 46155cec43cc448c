"""The words on the timeline: hover cards, lane names, search text, all escaped for Plotly.

Plotly's text renderer reads `<b>`, `<br>`, `<a href>` and `<span style>`, so every user
string passes through `html.escape` here before it is joined with our own tags.
"""

from __future__ import annotations

import html
import textwrap
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date

from timeline.core.dates import day_label, month_abbr
from timeline.core.model import Actor, Event
from timeline.views.describe import location_label
from timeline.views.direction import isolate

_HOVER_WIDTH = 64


def escape(text: str) -> str:
    """`&`, `<` and `>` as entities, and right-to-left text and direction controls
    isolated (`isolate`), so that no user string reorders the line it is shown in.
    Quotes stay: outside a tag they are harmless, and Plotly's renderer does not decode
    `&quot;`, so it would show."""
    return html.escape(isolate(text), quote=False)


_MAX_ACTORS = 8
_MAX_RELATED = 4

STATUS_WORDS = {
    "occurred": "occurred",
    "scheduled": "scheduled (announced or agreed)",
    "proposed": "proposed (under discussion, not scheduled)",
    "postponed": "postponed",
    "cancelled": "cancelled",
}


def short(text: str, limit: int) -> str:
    """`text` escaped for Plotly, cut to `limit` characters with an ellipsis."""
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return escape(text)


def _wrapped(text: str, width: int = _HOVER_WIDTH) -> str:
    # Wrap before escaping so an entity such as &amp; is never split across lines.
    return "<br>".join(escape(line) for line in textwrap.wrap(text, width) or [""])


def how_sure(event: Event) -> str:
    """What the drawing of this date means, in words: precision and flags."""
    span = event.date
    notes: list[str] = []
    if span.is_window:  # the label gives the window's precision: "sometime Sep–Oct 2014"
        notes.append("a window: one day in it, not known which")
    elif span.precision == "month":
        notes.append("month precision: some time in the month")
    elif span.precision == "year":
        notes.append("year precision: some time in the year")
    if span.approximate:
        notes.append("approximate")
    if span.uncertain:
        notes.append("uncertain")
    if span.end is None:
        notes.append("ongoing, no end known")
    return "; ".join(notes)


def lane_title(key: str, group_by: str, actors: Mapping[str, Actor]) -> str:
    """A lane's readable name: actor names, not ids; types and statuses capitalised."""
    if group_by == "actor":
        if not key:
            return "(no actors)"
        actor = actors.get(key)
        return actor.name if actor else key
    if group_by == "tag":
        return key or "(no tags)"
    return key.replace("-", " ").capitalize()


def event_hover(
    event: Event,
    actors: Mapping[str, Actor],
    index: Mapping[str, Event],
    role: str | None,
    *,
    with_click: bool,
) -> str:
    """The hover card of one event as Plotly HTML (every user string escaped); `actors`
    and `index` are the collection's actors and events by id."""
    lines = [f"<b>{_wrapped(event.title)}</b>"]
    sure = how_sure(event)
    lines.append(
        f"{escape(event.date.label)}  ·  {STATUS_WORDS[event.status]}  ·  "
        f"{escape(event.type.replace('-', ' '))}"
    )
    if sure:
        lines.append(f"<i>{escape(sure)}</i>")
    if role is not None:
        lines.append(f"role in this lane: <b>{escape(role)}</b>")
    if event.actors:
        named = [
            f"{escape(actors[ref.actor].name if ref.actor in actors else ref.actor)} "
            f"({escape(ref.role)})"
            for ref in event.actors[:_MAX_ACTORS]
        ]
        more = len(event.actors) - _MAX_ACTORS
        text = ", ".join(named) + (f", and {more} more" if more > 0 else "")
        lines.append("<b>who:</b> " + _rewrap_escaped(text))
    where = location_label(event)
    if where:
        lines.append(f"<b>where:</b> {escape(where)}")
    if event.tags:
        lines.append("<b>tags:</b> " + escape(", ".join(event.tags)))
    if event.sources:
        source = event.sources[0]
        bits = [source.publisher or source.title or source.url or ""]
        if source.published:
            bits.append(day_label(source.published))
        lines.append("<b>source:</b> " + escape(", ".join(b for b in bits if b)))
    for link in event.related[:_MAX_RELATED]:
        target = index.get(link.event)
        name = target.title if target else link.event
        lines.append(
            f"<b>{escape(link.relation.replace('-', ' '))}:</b> {short(name, _HOVER_WIDTH)}"
        )
    if len(event.related) > _MAX_RELATED:
        lines.append(f"and {len(event.related) - _MAX_RELATED} more related events")
    if with_click:
        lines.append("<span style='color:#5b6470'>click to open the source</span>")
    return "<br>".join(lines)


def _rewrap_escaped(text: str) -> str:
    # Actor lists are escaped piecewise; breaking only at ", " keeps entities whole.
    out: list[str] = []
    line = ""
    for piece in text.split(", "):
        candidate = f"{line}, {piece}" if line else piece
        if line and len(candidate) > _HOVER_WIDTH:
            out.append(line + ",")
            line = piece
        else:
            line = candidate
    out.append(line)
    return "<br>".join(out)


def search_text(event: Event, actors: Mapping[str, Actor]) -> str:
    """Lower-case words a search box matches: title, actor names and ids, tags, type.

    Escaped like every other user string in the figure; the page escapes the query the
    same way before comparing."""
    words = [event.title, event.type, *event.tags]
    for ref in event.actors:
        actor = actors.get(ref.actor)
        words.append(ref.actor)
        if actor is not None:
            words += [actor.name, *actor.aliases]
    return html.escape(" ".join(words).lower(), quote=False)


def status_counts(events: Sequence[Event]) -> Counter[str]:
    """How many events have each status."""
    return Counter(event.status for event in events)


def span_label(first: date, last: date | None, ongoing: bool, as_of: date) -> str:
    """`Jan 2013 – Dec 2014, some ongoing`: `first` to `last`, the last known end (`None`
    when every event is ongoing: then up to `as_of`)."""
    if last is None:
        last = max(first, as_of)
    more = ", some ongoing" if ongoing else ""
    return f"{month_abbr(first)} {first.year:04d} – {month_abbr(last)} {last.year:04d}{more}"
