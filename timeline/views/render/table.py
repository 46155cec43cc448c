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
from timeline.views.render.layout import STATUS_ORDER

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
) -> dict[str, Any]:
    """Columns indexed by event number, shared strings listed once; `links` holds the
    `related` links between two of `events` as pairs of event numbers, flattened."""
    # One pass over the events, every column at once: reading a record's fields while it is
    # in the processor's cache is most of the cost at 100,000 events.
    types: dict[str, int] = {}
    tags: dict[str, int] = {}
    people: dict[str, int] = {}
    flags: dict[str, str] = {}  # by date text: equal texts have equal flags
    statuses = {status: _DIGITS[n] for n, status in enumerate(STATUS_ORDER)}
    titles: list[str] = []
    labels: list[str] = []
    status_chars: list[str] = []
    flag_chars: list[str] = []
    type_numbers: list[int] = []
    actor_rows: list[list[int]] = []
    tag_rows: list[list[int]] = []
    urls: list[str | None] = []
    numbers: dict[str, int] = {}
    linked: list[tuple[int, Event]] = []
    for number, event in enumerate(events):
        numbers.setdefault(event.id, number)
        if event.related:
            linked.append((number, event))
        titles.append(event.title)
        span = event.date
        labels.append(span.label)
        flag = flags.get(span.text)
        if flag is None:
            flag = flags[span.text] = _DIGITS[date_flags(event)]
        flag_chars.append(flag)
        status_chars.append(statuses[event.status])
        type_numbers.append(types.setdefault(event.type, len(types)))
        row = [people.setdefault(ref.actor, len(people)) for ref in event.actors]
        if len(row) > 1 and len(set(row)) < len(row):  # an actor named twice: shown once
            row = list(dict.fromkeys(row))
        actor_rows.append(row)
        event_tags = event.tags
        tag_rows.append(
            [tags.setdefault(tag, len(tags)) for tag in dict.fromkeys(event_tags)]
            if event_tags
            else []
        )
        urls.append(first_url(event) if event.sources else None)
    links: list[int] = []
    for number, event in linked:
        for link in event.related:
            other = numbers.get(link.event)
            if other is not None and other != number:
                links += (number, other)
    names = []
    for actor_id in people:
        actor = actors.get(actor_id)
        names.append([actor_id, actor.name, *actor.aliases] if actor else [actor_id])
    return {
        "titles": titles,
        "labels": labels,
        "status": "".join(status_chars),
        "flags": "".join(flag_chars),
        "types": type_numbers,
        "typeNames": list(types),
        "actors": actor_rows,
        "actorNames": names,
        "tags": tag_rows,
        "tagNames": list(tags),
        **_urls(urls),
        "links": links,
    }


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
