"""Where in a file a part of a record is: placing validation errors and checks' problems.

Positions are not kept when records are loaded (they would double the memory of a large
collection); a file with problems is read again, with positions, to place them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from timeline.collection.files import NotAFile, TooLarge, path_of, read_limited
from timeline.collection.yamlread import Document, Loc, Position, decode, read_documents
from timeline.core.codes import CODES
from timeline.core.problems import Problem, did_you_mean


def describe_value(value: Any) -> str:
    """A value as a message names it: `a number (3)`, `text ('x')`, `a list`."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, date):
        return f"a date ({value.isoformat()})"
    if isinstance(value, str):
        return f"text ({value[:40]!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def dotted(loc: Sequence[str | int]) -> str:
    """A loc as the user reads it: `sources[0].url`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model class that a loc inside `model` points into (for listing its keys)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _find_model(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _find_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or getattr(annotation, "__metadata__", ()):
        found = _find_model(arg)
        if found is not None:
            return found
    origin = getattr(annotation, "__origin__", None)
    return _find_model(origin) if origin is not None and origin is not annotation else None


_QUOTED = re.compile(r"'([^']*)'")


def position_of(document: Document, loc: Loc, *, key: bool = False) -> Position:
    """The line and column of a loc's value (or key), or of the nearest enclosing value."""
    if key and loc in document.keys:
        return document.keys[loc]
    probe = loc
    while probe:
        if probe in document.values:
            return document.values[probe]
        probe = probe[:-1]
    return document.values.get((), (document.line, document.column))


def validation_problems(
    error: ValidationError, document: Document, base: Loc, path: str, model: type[BaseModel]
) -> list[Problem]:
    """Pydantic's errors for one record, each placed at the key or value it is about."""
    problems = []
    for detail in error.errors(include_url=False):
        loc: tuple[str | int, ...] = tuple(detail["loc"])
        kind = detail["type"]
        field_name = dotted(loc)
        prefix = f"{field_name}: " if field_name else ""
        value = detail.get("input")
        if kind == "missing":
            code = "missing-field"
            parent = dotted(loc[:-1])
            message = f"{parent + ': ' if parent else ''}missing required key {loc[-1]!r}"
            line, column = position_of(document, base + loc[:-1])
        elif kind == "extra_forbidden":
            code = "unknown-field"
            owner = _model_at(model, loc[:-1])
            allowed = list(owner.model_fields) if owner else []
            parent = dotted(loc[:-1])
            hint = did_you_mean(str(loc[-1]), allowed) or (
                f"; allowed keys: {', '.join(allowed)}" if allowed else ""
            )
            message = f"{parent + ': ' if parent else ''}unknown key {loc[-1]!r}{hint}"
            line, column = position_of(document, base + loc, key=True)
        elif kind == "literal_error":
            code = "invalid-value"
            expected = _QUOTED.findall(str(detail.get("ctx", {}).get("expected", "")))
            hint = did_you_mean(str(value), expected) if isinstance(value, str) else ""
            message = (
                f"{prefix}{_describe_input(value)} is not allowed; use one of "
                f"{', '.join(expected)}{hint}"
            )
            line, column = position_of(document, base + loc)
        elif kind in CODES:  # our own PydanticCustomError codes
            code = kind
            message = prefix + detail["msg"]
            line, column = position_of(document, base + loc)
        elif kind in ("string_type", "str_type"):
            code = "wrong-type"
            if value is None:
                message = f"{prefix}the value is empty; write it after the colon"
            else:
                message = f"{prefix}expected text, got {describe_value(value)}; put it in quotes"
            line, column = position_of(document, base + loc)
        elif kind == "list_type":
            code = "wrong-type"
            message = (
                f"{prefix}expected a list, got {describe_value(value)}; "
                "write each item on its own line starting with '- '"
            )
            line, column = position_of(document, base + loc)
        elif kind in ("model_type", "dict_type", "model_attributes_type"):
            code = "wrong-type"
            message = f"{prefix}expected a mapping of keys and values, got {describe_value(value)}"
            line, column = position_of(document, base + loc)
        else:
            code = "invalid-value"
            message = f"{prefix}{detail['msg']}"
            line, column = position_of(document, base + loc)
        problems.append(Problem(path, line, column, "error", code, message))
    return problems


def _describe_input(value: Any) -> str:
    return repr(value) if isinstance(value, str) else describe_value(value)


class Placement(Protocol):
    """Where a record was read: an event or actor, or the facts of one."""

    @property
    def path(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def doc(self) -> int: ...
    @property
    def index(self) -> int | None: ...


class Locator:
    """Finds the line and column of any part of a loaded record, re-reading its file once.

    Positions are not kept on the fast path (they would double the memory of a large
    collection); the few files that have problems are read again to place them.
    """

    def __init__(self, sources: Mapping[str, bytes] | None = None) -> None:
        # `sources` holds the bytes of inputs that are not files (standard input)
        self._sources = dict(sources or {})
        self._documents: dict[str, list[Document] | None] = {}

    def _tracked(self, path: str) -> list[Document] | None:
        if path not in self._documents:
            documents: list[Document] | None = None
            try:
                data = self._sources.get(path)
                if data is None:  # `path` is as shown: it leads back to the file
                    data = read_limited(path_of(path))[0]
                text, _ = decode(data, path)
                if text is not None:
                    documents, _ = read_documents(text, path, track=True)
            except (OSError, NotAFile, TooLarge):
                documents = None
            self._documents[path] = documents
        return self._documents[path]

    def at(self, record: Placement, loc: Loc = (), *, key: bool = False) -> tuple[str, int, int]:
        """(path, line, column) of `loc` inside `record`."""
        documents = self._tracked(record.path)
        if documents is None or record.doc >= len(documents):
            return record.path, record.line, record.column
        base: Loc = () if record.index is None else (record.index,)
        line, column = position_of(documents[record.doc], base + loc, key=key)
        return record.path, line, column
