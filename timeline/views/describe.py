"""Events described in plain text lines, for `show` and other plain outputs."""

from __future__ import annotations

from collections.abc import Iterator

from timeline.collection.collection import Collection
from timeline.core.dates import day_label
from timeline.core.model import Actor, Event, Source, country_codes


def actor_label(actor_id: str, actors: dict[str, Actor]) -> str:
    """`Name (title)` for a registered actor, else the id itself."""
    actor = actors.get(actor_id)
    if actor is None:
        return actor_id
    return f"{actor.name} ({actor.title})" if actor.title else actor.name


def location_label(event: Event) -> str | None:
    """`New York, United States` or None."""
    if event.location is None:
        return None
    if event.location.country:
        country = country_codes().get(event.location.country, event.location.country)
        return f"{event.location.name}, {country}"
    return event.location.name


def source_label(source: Source) -> str:
    """`Title — Publisher, 13 Sep 2014 <url>`."""
    parts = [source.title or source.url or ""]
    detail = ", ".join(
        x for x in (source.publisher, source.published and day_label(source.published)) if x
    )
    text = parts[0] + (f" — {detail}" if detail else "")
    if source.url and source.title:
        text += f" <{source.url}>"
    return text


def describe_event(event: Event, collection: Collection) -> Iterator[str]:
    """The event in full as lines of text."""
    actors = collection.actor_index
    span = event.date
    yield event.title
    yield "=" * min(len(event.title), 79)
    yield f"id:        {event.id}"
    flags = [
        w
        for w, on in (
            ("approximate", span.approximate),
            ("uncertain", span.uncertain),
            ("a window: one day in it, not known which", span.is_window),
        )
        if on
    ]
    precision = f"{span.precision} precision" + (", " + ", ".join(flags) if flags else "")
    yield f"date:      {span.label}  ({span.text}; {precision})"
    yield f"type:      {event.type}"
    yield f"status:    {event.status}"
    where = location_label(event)
    if where:
        yield f"location:  {where}"
    if event.tags:
        yield f"tags:      {', '.join(event.tags)}"
    yield f"file:      {event.path}:{event.line}"
    if event.actors:
        yield ""
        yield "Actors"
        for ref in event.actors:
            yield f"  - {actor_label(ref.actor, actors)} [{ref.actor}], {ref.role}"
    if event.summary:
        yield ""
        yield "Summary"
        for line in event.summary.strip().splitlines():
            yield f"  {line}"
    if event.sources:
        yield ""
        yield "Sources"
        for source in event.sources:
            yield f"  - {source_label(source)}"
            if source.quote:
                yield f'    "{source.quote.strip()}"'
    index = collection.event_index
    incoming = [
        (other, link.relation)
        for other in collection.events
        for link in other.related
        if link.event == event.id and other is not event
    ]
    if event.related or incoming:
        yield ""
        yield "Related"
        for link in event.related:
            target = index.get(link.event)
            title = f"{target.title} ({target.date.label})" if target else "(unknown event)"
            yield f"  - {link.relation} {link.event}: {title}"
        for other, relation in incoming:
            yield f"  - {other.id} {relation} this: {other.title} ({other.date.label})"
    if event.updates:
        yield ""
        yield "Updates"
        for update in event.updates:
            parts = [update.date.isoformat()]
            if update.status:
                parts.append(f"status {update.status}")
            if update.note:
                parts.append(update.note.strip())
            yield "  - " + ": ".join(parts[:1]) + (" " + "; ".join(parts[1:]) if parts[1:] else "")
            if update.source:
                yield f"    source: {source_label(update.source)}"
