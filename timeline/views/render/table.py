"""The compact event table of a large page: one row of plain fields per event, sent once.

Above the WebGL threshold the page builds hover cards and search text in the browser from
this table instead of carrying a ready card per glyph (most of the page's bytes before).
Strings here are plain, not HTML-escaped: the page inserts them with `textContent` only,
and the figure's JSON encoder escapes `<`, `>` and `/` inside the script block.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from timeline.core.model import Actor, Event
from timeline.views.direction import isolate
from timeline.views.render.layout import _EPOCH, STATUS_ORDER

# One character per event for small codes: status index, date flags.
_DIGITS = "0123456789abcdefghijklmnopqrstuv"
_PRECISION = {"day": 0, "month": 1, "year": 2}


def date_flags(event: Event) -> int:
    """Precision (0 day, 1 month, 2 year; 3 a window, whose label gives its precision) +
    4 approximate + 8 uncertain + 16 ongoing."""
    span = event.date
    return (
        (3 if span.is_window else _PRECISION[span.precision])
        + 4 * span.approximate
        + 8 * span.uncertain
        + 16 * (span.end is None)
    )


def event_table(
    events: Sequence[Event],
    actors: Mapping[str, Actor],
    first_url: Callable[[Event], str | None],
    index: Callable[[], Mapping[str, Event]],
    location: Callable[[Event], str | None],
) -> dict[str, Any]:
    """Columns indexed by event number, shared strings listed once: what the page searches,
    draws and writes hover cards from. `day` is an event's first day (days since
    1970-01-01) and `length` its days (0: ongoing); `related` holds an event's links as
    pairs of relation (in `relationNames`) and event number, or, for an event not among
    `events`, -1 - its title's place in `relatedNames` (`index()` gives those titles: the
    collection's events by id, built only if needed)."""
    # One pass over the events, every column at once: reading a record's fields while it is
    # in the processor's cache is most of the cost at 100,000 events.
    types: dict[str, int] = {}
    tags: dict[str, int] = {}
    people: dict[str, int] = {}
    roles: dict[str, int] = {}
    places: dict[str, int] = {}
    place_keys: dict[tuple[str, str | None], int] = {}
    publishers: dict[str, int] = {}
    dates: dict[str, tuple[str, int, int]] = {}  # by date text: equal texts, equal columns
    statuses = {status: _DIGITS[n] for n, status in enumerate(STATUS_ORDER)}
    epoch = _EPOCH.toordinal()
    titles: list[str] = []
    labels: list[str] = []
    status_chars: list[str] = []
    flag_chars: list[str] = []
    days: list[int] = []
    lengths: list[int] = []
    type_numbers: list[int] = []
    actor_rows: list[list[int]] = []
    role_rows: list[list[int]] = []
    tag_rows: list[list[int]] = []
    place_column: list[int] = []
    urls: list[str | None] = []
    source_column: list[int] = []
    source_days: list[int] = []
    numbers: dict[str, int] = {}
    linked: list[tuple[int, Event]] = []
    for number, event in enumerate(events):
        numbers.setdefault(event.id, number)
        if event.related:
            linked.append((number, event))
        titles.append(isolate(event.title))  # shown as plain text: isolated as in text.py
        span = event.date
        labels.append(span.label)
        known = dates.get(span.text)
        if known is None:
            first = span.start.toordinal()
            length = 0 if span.end is None else span.end.toordinal() - first + 1
            known = dates[span.text] = (_DIGITS[date_flags(event)], first - epoch, length)
        flag_chars.append(known[0])
        days.append(known[1])
        lengths.append(known[2])
        status_chars.append(statuses[event.status])
        type_numbers.append(types.setdefault(event.type, len(types)))
        row: list[int] = []
        role_row: list[int] = []
        for ref in event.actors:
            actor = people.setdefault(ref.actor, len(people))
            if actor not in row:  # an actor named twice: shown once, with its first role
                row.append(actor)
                role_row.append(roles.setdefault(ref.role, len(roles)))
        actor_rows.append(row)
        role_rows.append(role_row)
        event_tags = event.tags
        tag_rows.append(
            [tags.setdefault(tag, len(tags)) for tag in dict.fromkeys(event_tags)]
            if event_tags
            else []
        )
        place = event.location
        if place is None:
            place_column.append(-1)
        else:
            key = (place.name, place.country)
            found = place_keys.get(key)
            if found is None:
                label = location(event) or place.name
                found = place_keys[key] = places.setdefault(isolate(label), len(places))
            place_column.append(found)
        sources = event.sources
        if sources:
            source = sources[0]
            url = source.url
            urls.append(url if url and url.startswith("https://") else first_url(event))
            name = source.publisher or source.title or source.url or ""
            source_column.append(publishers.setdefault(isolate(name), len(publishers)))
            published = source.published
            source_days.append(-1 if published is None else published.toordinal() - epoch)
        else:
            urls.append(None)
            source_column.append(-1)
            source_days.append(-1)
    names = []
    for actor_id in people:
        known_actor = actors.get(actor_id)
        names.append(
            [actor_id, isolate(known_actor.name), *known_actor.aliases]
            if known_actor
            else [actor_id]
        )
    return {
        "titles": titles,
        "labels": labels,
        "status": "".join(status_chars),
        "flags": "".join(flag_chars),
        "day": days,
        "length": lengths,
        "types": type_numbers,
        "typeNames": list(types),
        "actors": actor_rows,
        "roles": role_rows,
        "actorNames": names,
        "roleNames": list(roles),
        "tags": tag_rows,
        "tagNames": list(tags),
        "place": place_column,
        "placeNames": list(places),
        **_urls(urls),
        "source": source_column,
        "sourceNames": list(publishers),
        "sourceDay": source_days,
        **_related(len(events), linked, numbers, index),
    }


def _related(
    count: int,
    linked: list[tuple[int, Event]],
    numbers: Mapping[str, int],
    index: Callable[[], Mapping[str, Event]],
) -> dict[str, Any]:
    """The `related` column (see `event_table`) and the names it refers to."""
    relations: dict[str, int] = {}
    outside: dict[str, int] = {}
    rows: list[list[int]] = [[] for _ in range(count)]
    for number, event in linked:
        row = rows[number]
        for link in event.related:
            target = numbers.get(link.event)
            if target is None:
                other = index().get(link.event)
                name = isolate(other.title) if other is not None else link.event
                target = -1 - outside.setdefault(name, len(outside))
            row += (relations.setdefault(link.relation, len(relations)), target)
    return {"related": rows, "relationNames": list(relations), "relatedNames": list(outside)}


def linked_pairs(table: Mapping[str, Any]) -> list[tuple[int, int]]:
    """The table's links between two different events of it, as (from, to) event numbers."""
    return [
        (number, row[i + 1])
        for number, row in enumerate(table["related"])
        for i in range(0, len(row), 2)
        if row[i + 1] >= 0 and row[i + 1] != number
    ]


def status_counts_of(table: Mapping[str, Any]) -> Counter[str]:
    """How many events of the table have each status (its `status` column counted)."""
    return Counter({STATUS_ORDER[int(code, 32)]: n for code, n in Counter(table["status"]).items()})


def _urls(urls: list[str | None]) -> dict[str, Any]:
    """Source links split at their last `/`: the folder part, shared by many, is listed once
    (`urlDirs`, `urlDir` its index or -1 for none) and `urlRest` holds the rest."""
    dirs: dict[str, int] = {}
    where: list[int] = []
    rest: list[str] = []
    for url in urls:
        if url is None:
            where.append(-1)
            rest.append("")
            continue
        cut = url.rfind("/") + 1
        where.append(dirs.setdefault(url[:cut], len(dirs)))
        rest.append(url[cut:])
    return {"urlDirs": list(dirs), "urlDir": where, "urlRest": rest}
