"""The compact event table of a large page: one row of plain fields per event, sent once.

Above the WebGL threshold the page builds hover cards and search text in the browser from
this table instead of carrying a ready card per glyph (most of the page's bytes before).
Strings here are plain, not HTML-escaped: the page inserts them with `textContent` only,
and the figure's JSON encoder escapes `<`, `>` and `/` inside the script block.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from timeline.model import Actor, Event
from timeline.render_layout import STATUS_ORDER

# One character per event for small codes: status index, date flags.
_DIGITS = "0123456789abcdefghijklmnopqrstuv"
_PRECISION = {"day": 0, "month": 1, "year": 2}


def date_flags(event: Event) -> int:
    """Precision (0 day, 1 month, 2 year) + 4 approximate + 8 uncertain + 16 ongoing."""
    span = event.date
    return (
        _PRECISION[span.precision]
        + 4 * span.approximate
        + 8 * span.uncertain
        + 16 * (span.end is None)
    )


def event_table(
    events: Sequence[Event],
    actors: Mapping[str, Actor],
    first_url: Callable[[Event], str | None],
) -> dict[str, Any]:
    """`{"table": ...}`: columns indexed by event number, shared strings listed once."""
    types: dict[str, int] = {}
    tags: dict[str, int] = {}
    people: dict[str, int] = {}
    actor_rows: list[list[int]] = []
    tag_rows: list[list[int]] = []
    for event in events:
        actor_rows.append(
            [
                people.setdefault(actor, len(people))
                for actor in dict.fromkeys(ref.actor for ref in event.actors)
            ]
        )
        tag_rows.append([tags.setdefault(tag, len(tags)) for tag in dict.fromkeys(event.tags)])
        types.setdefault(event.type, len(types))
    names = []
    for actor_id in people:
        actor = actors.get(actor_id)
        names.append([actor_id, actor.name, *actor.aliases] if actor else [actor_id])
    return {
        "table": {
            "titles": [event.title for event in events],
            "labels": [event.date.label for event in events],
            "status": "".join(_DIGITS[STATUS_ORDER.index(event.status)] for event in events),
            "flags": "".join(_DIGITS[date_flags(event)] for event in events),
            "types": [types[event.type] for event in events],
            "typeNames": list(types),
            "actors": actor_rows,
            "actorNames": names,
            "tags": tag_rows,
            "tagNames": list(tags),
            **_urls([first_url(event) for event in events]),
        }
    }


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
