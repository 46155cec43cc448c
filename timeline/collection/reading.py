"""One file's bytes to records: every problem found, each at its line and column."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from timeline.collection.codec import decode_facts
from timeline.collection.files import MAX_FILE_BYTES
from timeline.collection.positions import describe_value, validation_problems
from timeline.collection.yamlread import Document, Loc, decode, read_documents
from timeline.core.facts import Facts, facts_of
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

    def record_facts(self) -> Facts:
        """The facts of this file's records."""
        if isinstance(self.facts, bytes):
            self.facts = decode_facts(self.facts)
        elif self.facts is None:
            self.facts = facts_of(self.events, self.actors)
        return self.facts


def read_raw(path: Path, display: str) -> tuple[bytes, os.stat_result] | FileResult:
    """A file's bytes and its stat from before they were read, or the problem reading it."""
    try:
        stat = path.stat()
        if stat.st_size > MAX_FILE_BYTES:
            return _unread(
                display,
                "too-large",
                f"the file has {stat.st_size:,} bytes, more than the limit of "
                f"{MAX_FILE_BYTES:,}; split it into smaller files",
            )
        data = path.read_bytes()
    except OSError as error:
        return _unread(
            display,
            "unreadable",
            f"cannot read the file ({error.strerror}); check its permissions",
        )
    return data, stat


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
                record = salvaged
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


_REQUIRED = {"id", "title", "date", "type", "status", "name", "kind"}


def _salvage(model: type[Event] | type[Actor], item: dict[str, Any], error: ValidationError
             ) -> Event | Actor | None:  # fmt: skip
    """The record without its invalid optional parts, so the checks across the collection
    still see it (a duplicate id, an unknown actor); None when a required key is bad.

    Its errors are reported all the same: this only keeps one error from hiding others.
    """
    drop_keys: set[str] = set()
    drop_items: dict[str, set[int]] = {}
    for detail in error.errors(include_url=False):
        loc = detail["loc"]
        if not loc or not isinstance(loc[0], str) or loc[0] in _REQUIRED:
            return None
        key = loc[0]
        if len(loc) > 1 and isinstance(loc[1], int) and isinstance(item.get(key), list):
            drop_items.setdefault(key, set()).add(loc[1])
        else:
            drop_keys.add(key)
    if (
        "sources" in drop_keys
        or len(drop_items.get("sources", ())) == len(item.get("sources") or ()) > 0
    ):
        return None  # dropping every source would add a misleading no-source warning
    kept = {key: value for key, value in item.items() if key not in drop_keys}
    for key, indexes in drop_items.items():
        if key in kept:
            kept[key] = [value for i, value in enumerate(item[key]) if i not in indexes]
    try:
        return model.model_validate(kept)
    except ValidationError:
        return None


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
