"""One file's bytes to records: every problem found, each at its line and column."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from timeline.collection.facts_codec import decode_facts
from timeline.collection.files import (
    NotAFile,
    TooLarge,
    read_limited,
    unread_reason,
)
from timeline.collection.positions import describe_value, validation_problems
from timeline.collection.yamlread import Document, Loc, decode, read_documents
from timeline.core.facts import ActorFacts, EventFacts, Facts, facts_of
from timeline.core.model import Actor, Event
from timeline.core.problems import Problem


@dataclass(slots=True)
class FileResult:
    """What one file holds: its events or actors, and the problems found reading them."""

    path: str
    events: list[Event] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: The records' facts: None until first asked for, when they are taken from the
    #: records; bytes when still packed as the cache keeps them. A result read for
    #: validating has facts and no records.
    facts: Facts | bytes | None = None
    #: The facts of records too broken to build (a required value invalid), with what
    #: could not be known blanked: the checks across the collection still see the rest.
    partial: list[EventFacts | ActorFacts] = field(default_factory=list)

    def record_facts(self) -> Facts:
        """The facts of this file's records, the broken ones' included."""
        if isinstance(self.facts, bytes):
            self.facts = decode_facts(self.facts)
        elif self.facts is None:
            events, actors = facts_of(self.events, self.actors)
            for facts in self.partial:
                if isinstance(facts, ActorFacts):
                    actors.append(facts)
                else:
                    events.append(facts)
            self.facts = events, actors
        return self.facts


def read_raw(path: Path, display: str) -> tuple[bytes, os.stat_result] | FileResult:
    """A file's bytes and its stat from before they were read, or the problem reading it
    (see `read_limited`: a FIFO, a socket or a device is named, never read)."""
    try:
        return read_limited(path)
    except (NotAFile, TooLarge, OSError) as error:
        return _unread(display, *unread_reason(path, error, "split it into smaller files"))


def _unread(display: str, code: str, message: str) -> FileResult:
    """A file that was not read: its one problem, at its start."""
    return FileResult(display, problems=[Problem(display, 1, 1, "error", code, message)])


def read_file(path: Path, display: str, *, actors: bool = False) -> FileResult:
    """Read one file of events (or, with `actors`, the actor registry)."""
    raw = read_raw(path, display)
    if isinstance(raw, FileResult):
        return raw
    return read_bytes(raw[0], display, actors=actors)


def read_bytes(data: bytes, display: str, *, actors: bool = False) -> FileResult:
    """Parse and validate the bytes of one file; a pure function of its inputs."""
    text, problems = decode(data, display)
    result = FileResult(display, problems=problems)
    if text is None:
        return result
    documents, yaml_problems = read_documents(text, display)
    result.problems.extend(yaml_problems)
    model: type[Event] | type[Actor] = Actor if actors else Event
    failures: list[tuple[int, Loc, ValidationError]] = []
    for doc_index, document in enumerate(documents):
        for loc, item in _items(document, display, result.problems, actors):
            try:
                record = model.model_validate(item)
            except ValidationError as error:
                failures.append((doc_index, loc, error))
                salvaged = _salvage(model, item, error)
                if salvaged is None:
                    continue
                record = salvaged.record
                if not salvaged.whole:
                    line, column = _record_start(document, loc)
                    index = loc[0] if loc and isinstance(loc[0], int) else None
                    placed = record.place(display, line, column, doc_index, index)
                    result.partial.append(_partial_facts(placed, salvaged.unknown))
                    continue
            line, column = _record_start(document, loc)
            index = loc[0] if loc and isinstance(loc[0], int) else None
            placed = record.place(display, line, column, doc_index, index)
            if isinstance(placed, Actor):
                result.actors.append(placed)
            else:
                result.events.append(placed)
    if failures:
        tracked, _ = read_documents(text, display, track=True)
        for doc_index, loc, failure in failures:
            result.problems.extend(
                validation_problems(failure, tracked[doc_index], loc, display, model)
            )
    return result


#: Values that stand in for a required value that failed to validate, so that the rest of
#: the record can still be checked across the collection (an unknown actor, a duplicate id).
#: A record built with one is never used as a record: only its facts are kept, with every
#: fact a stand-in made up blanked (`_partial_facts`).
_STAND_INS: dict[str, object] = {
    "id": "unknown",
    "title": "unknown",
    "date": "2000-01-01",
    "type": "other",
    "status": "occurred",
    "name": "unknown",
    "kind": "other",
}
#: In list items, the part that names something (kept) and a stand-in for the rest.
_ITEM_STAND_INS: dict[tuple[str, str], object] = {
    ("actors", "role"): "participant",
    ("related", "relation"): "references",
}


@dataclass(frozen=True, slots=True)
class _Salvage:
    """A record rebuilt without its invalid parts; `unknown` names the facts it cannot
    give (stand-ins took their place), and `whole` says whether it is the record as
    written less invalid optional parts (usable as a record) or only a carrier of facts."""

    record: Event | Actor
    unknown: frozenset[str]
    whole: bool


def _salvage(model: type[Event] | type[Actor], item: dict[str, Any], error: ValidationError
             ) -> _Salvage | None:  # fmt: skip
    """The record without its invalid parts, so that the checks across the collection
    still see every field that parsed; None when nothing can be rebuilt.

    Its errors are reported all the same: this only keeps one error from hiding others.
    """
    kept = {key: list(value) if isinstance(value, list) else value for key, value in item.items()}
    unknown: set[str] = set()
    stand_ins = False
    drop_items: dict[str, set[int]] = {}
    for detail in error.errors(include_url=False):
        loc = detail["loc"]
        if not loc or not isinstance(loc[0], str):
            return None
        key = loc[0]
        if key in _STAND_INS:
            kept[key] = _STAND_INS[key]
            unknown.add(key)
            stand_ins = True
        elif len(loc) > 1 and isinstance(loc[1], int) and isinstance(item.get(key), list):
            value = kept[key][loc[1]]
            part = loc[2] if len(loc) == 3 else None
            stand_in = _ITEM_STAND_INS.get((key, part)) if isinstance(part, str) else None
            if stand_in is not None and isinstance(value, dict):
                kept[key][loc[1]] = {**value, part: stand_in}
                stand_ins = True
            else:
                drop_items.setdefault(key, set()).add(loc[1])
        else:
            kept.pop(key, None)
            unknown.add(key)
    for key, indexes in drop_items.items():
        if isinstance(kept.get(key), list):
            kept[key] = [value for i, value in enumerate(kept[key]) if i not in indexes]
    sources = item.get("sources")
    if "sources" in unknown or (isinstance(sources, list) and sources and not kept.get("sources")):
        unknown.add("sources")  # every source was invalid: not a missing source
    try:
        record = model.model_validate(kept)
    except ValidationError:
        return None
    whole = not stand_ins and "sources" not in unknown
    return _Salvage(record, frozenset(unknown), whole)


def _partial_facts(record: Event | Actor, unknown: frozenset[str]) -> EventFacts | ActorFacts:
    """The facts of a salvaged record with every fact a stand-in gave blanked: an empty id,
    status or label, no days, and `sourced` when its sources were there but invalid."""
    if isinstance(record, Actor):
        actor = ActorFacts.of(record)
        return actor._replace(id="") if "id" in unknown else actor
    facts = EventFacts.of(record)
    blanks: dict[str, Any] = {}
    if "id" in unknown:
        blanks["id"] = ""
    if "status" in unknown:
        blanks.update(status="", report=None)
    if "date" in unknown:
        blanks.update(start=None, end=None, label="")
    if "sources" in unknown:
        blanks["sourced"] = True
    return facts._replace(**blanks)


def _record_start(document: Document, loc: Loc) -> tuple[int, int]:
    return document.values.get(loc, (document.line, document.column))


def _items(
    document: Document, path: str, problems: list[Problem], actors: bool
) -> Iterable[tuple[Loc, Any]]:
    value = document.value
    what = "an actor" if actors else "an event"
    if value is None:
        return
    if isinstance(value, dict):
        yield (), value
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield (index,), item
            elif item is not None:
                line, column = document.values.get((index,), (document.line, document.column))
                problems.append(
                    Problem(
                        path,
                        line,
                        column,
                        "error",
                        "not-a-record",
                        f"item {index + 1} of this list is {describe_value(item)}, not {what}; "
                        "each item must be a mapping of keys and values",
                    )
                )
        return
    problems.append(
        Problem(
            path,
            document.line,
            document.column,
            "error",
            "not-a-record",
            f"this document is {describe_value(value)}; "
            f"it must be {what} (a mapping) or a list of them",
        )
    )
