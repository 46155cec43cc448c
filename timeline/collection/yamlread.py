"""Reading YAML text into plain values under the format's YAML rules (events/README.md),
with positions on demand.

This is the only module that imports `yaml`. We walk libyaml's event stream ourselves
instead of using PyYAML's constructor: it is faster, it never builds objects from tags,
it sees anchors, aliases and repeated keys (which the constructor silently accepts or
resolves), and its explicit stack cannot hit Python's recursion limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml

try:  # libyaml's parser is ~10x faster than the pure-Python one
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

from timeline.core.problems import Problem

#: Nesting deeper than this is refused: records need 4 levels, a bomb needs thousands.
MAX_DEPTH = 64

Loc = tuple[str | int, ...]
Position = tuple[int, int]


def compose_documents(text: str) -> list[yaml.Node]:
    """The node tree of each document, read by the parser `validate` reads with, so that a
    file it accepts can be edited (`timeline update`); marks count characters.

    Raises yaml.YAMLError on what `validate` reports as a syntax error.
    """
    return list(yaml.compose_all(text, Loader=_Loader))


_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?\Z")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
#: The first characters of every plain scalar `resolve_plain` may read as other than text.
_RESOLVED_FIRST = frozenset("~nNtTfF0123456789+-.")
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_PLAIN_TAGS = frozenset((None, "!", "tag:yaml.org,2002:str"))
_CONTAINER_TAGS = frozenset((None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"))
_TAG_PREFIX = "tag:yaml.org,2002:"


@dataclass(slots=True)
class Document:
    """One YAML document: its value, where it starts, and (when tracked) where its parts are."""

    value: Any
    line: int
    column: int
    values: dict[Loc, Position] = field(default_factory=dict)
    keys: dict[Loc, Position] = field(default_factory=dict)


def resolve_plain(text: str) -> Any:
    """The value of an unquoted scalar: YAML 1.2 core types, dates as days, no YAML 1.1 traps.

    `yes`, `no`, `on`, `off` stay text, `0123` and `12:30` stay text, and `2014-02-17`
    becomes a date only when it is a calendar date (else the date rules report it).
    """
    if text in _NULLS:
        return None
    first = text[0]
    if first in "tfTF" and text in _BOOLS:
        return _BOOLS[text]
    if first.isdigit() or first in "+-.":
        if _INT.match(text):
            return int(text)
        if _DAY.match(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                return text
        if _FLOAT.match(text):
            return float(text)
        lowered = text.lower()
        if lowered in (".inf", "+.inf", "-.inf", ".nan"):
            return float(lowered.replace(".", ""))
    return text


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_TAG_PREFIX) :] if tag.startswith(_TAG_PREFIX) else tag


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    if line < len(lines) and column < len(lines[line]):
        return lines[line][column]
    return ""


def _syntax_message(error: yaml.MarkedYAMLError, source: str) -> str:
    problem = (error.problem or "the YAML cannot be read").strip()
    context = (error.context or "").strip()
    text = f"{problem} ({context})" if context else problem
    mark = error.problem_mark
    if mark is not None and _char_at(source, mark.line, mark.column) == "\t":
        return text.replace("found character", "found a tab character") + (
            "; indent with spaces, not tabs"
        )
    if "\\t" in problem:
        return text + "; indent with spaces, not tabs"
    if "quoted scalar" in context and "end of stream" in problem:
        return text + "; close the quote"
    if "maximum nesting depth" in problem:
        return text + "; records need only a few levels of nesting"
    if "mapping values are not allowed" in problem:
        return text + "; quote text that contains ': '"
    if "could not find expected ':'" in problem:
        return text + "; check the indentation of this line and the one before"
    return text + "; fix the YAML syntax here"


class _Walker:
    """Builds plain values from libyaml's events, collecting problems instead of raising."""

    def __init__(self, path: str, track: bool) -> None:
        self.path = path
        self.track = track
        self.problems: list[Problem] = []
        self.document: Document | None = None  # the one being read

    def problem(self, mark: Any, code: str, message: str) -> None:
        self.problems.append(
            Problem(self.path, mark.line + 1, mark.column + 1, "error", code, message)
        )

    def scalar(self, event: Any) -> Any:
        tag = event.tag
        if tag in _PLAIN_TAGS:
            if tag is None and event.implicit[0]:
                return resolve_plain(event.value)
            return event.value
        self.problem(
            event.start_mark,
            "yaml-tag",
            f"the tag {_tag_name(tag)!r} is not allowed; remove it "
            "(records hold only text, numbers, dates, lists and mappings)",
        )
        return event.value

    def container_tag(self, event: Any) -> None:
        if event.tag not in _CONTAINER_TAGS:
            self.problem(
                event.start_mark,
                "yaml-tag",
                f"the tag {_tag_name(event.tag)!r} is not allowed; remove it",
            )

    def walk(self, text: str) -> list[Document]:
        """All documents of the stream; on a syntax error, those read before it."""
        loader = _Loader(text)
        documents: list[Document] = []
        try:
            self._walk(loader, documents)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            self.problems.append(
                Problem(
                    self.path, line, column, "error", "yaml-syntax", _syntax_message(error, text)
                )
            )
        except yaml.reader.ReaderError as error:
            line = text.count("\n", 0, error.position) + 1
            column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
            self.problems.append(
                Problem(
                    self.path,
                    line,
                    column,
                    "error",
                    "yaml-syntax",
                    f"the character {chr(error.character)!r} is not allowed in YAML; remove it",
                )
            )
        except (yaml.YAMLError, ValueError, AttributeError, RecursionError, OverflowError) as e:
            # PyYAML raises more than YAMLError on some inputs; none may escape as a traceback.
            self.problems.append(
                Problem(
                    self.path,
                    1,
                    1,
                    "error",
                    "yaml-syntax",
                    f"the YAML cannot be read ({type(e).__name__}: {e}); fix the syntax",
                )
            )
        finally:
            loader.dispose()
        return documents

    def _walk(self, loader: Any, documents: list[Document]) -> None:
        """Build the documents from the events. Scalars, mappings and lists, and placing the
        values, are handled inline (they are nearly every event: a call each cost 3%);
        the rare cases in `_open` and `_other`."""
        track = self.track
        # Each frame: [container, loc, pending key (or _NO_KEY), is_mapping, key mark]
        stack: list[list[Any]] = []
        document: Document | None = None
        get_event, scalar = loader.get_event, self.scalar
        scalar_event, mapping_start, sequence_start = (
            yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
        )  # fmt: skip
        ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        while True:
            event = get_event()
            kind = type(event)
            if kind is scalar_event:
                if event.anchor is not None or event.tag is not None:
                    if event.anchor is not None:
                        self._refuse_anchor(event)
                    value = scalar(event)
                elif stack and stack[-1][3] and stack[-1][2] is _NO_KEY:
                    # a mapping's key, nearly every other event: placed here, resolved never
                    # (a key is its text), checked by `_key` only when it may be a problem
                    frame = stack[-1]
                    key = event.value
                    if track or key in frame[0] or key == "<<":
                        frame[2] = self._key(event, key, frame[0], frame[1], document)
                    else:
                        frame[2] = key
                    continue
                else:
                    value = event.value
                    if event.implicit[0] and (not value or value[0] in _RESOLVED_FIRST):
                        value = resolve_plain(value)
                    if len(stack) > 1 and not track:
                        # a value inside a record, whose place is not kept: set it here
                        frame = stack[-1]
                        if not frame[3]:
                            frame[0].append(value)
                            continue
                        if frame[2] is not _SKIP:
                            frame[0][frame[2]] = value
                            frame[2] = _NO_KEY
                            continue
            elif kind is mapping_start or kind is sequence_start:
                if event.anchor is not None or event.tag is not None or len(stack) >= MAX_DEPTH:
                    value = self._open(event, len(stack))
                    if value is _STOP:
                        return
                else:
                    value = {} if kind is mapping_start else []
            elif kind in ends:
                stack.pop()
                continue
            else:
                value = self._other(event, documents)
                if value is _NEXT:
                    document = self.document  # a document may have begun or ended
                    continue
                if value is _STOP:
                    return
            if not stack:
                assert document is not None
                mark = event.start_mark
                document.value = value
                document.line, document.column = mark.line + 1, mark.column + 1
                loc: Loc = ()
                if track:
                    document.values[loc] = (mark.line + 1, mark.column + 1)
            else:
                frame = stack[-1]
                parent = frame[0]
                if frame[3]:  # mapping
                    key = frame[2]
                    if key is _NO_KEY:
                        frame[2] = self._key(event, value, parent, frame[1], document)
                        if type(value) is dict or type(value) is list:
                            # a mapping or list used as a key: read it, then drop it
                            stack.append([value, frame[1], _NO_KEY, type(value) is dict, None])
                            frame[2] = _SKIP
                        continue
                    frame[2] = _NO_KEY
                    if key is _SKIP:
                        if type(value) is dict or type(value) is list:
                            stack.append([value, frame[1], _NO_KEY, type(value) is dict, None])
                        continue
                    parent[key] = value
                    loc = (*frame[1], key)
                else:
                    loc = (*frame[1], len(parent))
                    parent.append(value)
                if track or len(stack) == 1:
                    # the starts of top-level items are always kept: records begin there
                    assert document is not None
                    mark = event.start_mark
                    document.values[loc] = (mark.line + 1, mark.column + 1)
            if type(value) is dict:
                stack.append([value, loc, _NO_KEY, True, None])
            elif type(value) is list:
                stack.append([value, loc, _NO_KEY, False, None])

    def _open(self, event: Any, depth: int) -> Any:
        """A new mapping or list for an event that starts one with an anchor, a tag, or too
        deep (each a problem); `_STOP` when too deep, as nothing below can be read."""
        if event.anchor is not None:
            self._refuse_anchor(event)
        if event.tag is not None:
            self.container_tag(event)
        if depth >= MAX_DEPTH:
            self.problem(
                event.start_mark,
                "too-deep",
                f"nesting deeper than {MAX_DEPTH} levels; records need only a few",
            )
            return _STOP
        return {} if type(event) is yaml.MappingStartEvent else []

    def _other(self, event: Any, documents: list[Document]) -> Any:
        """What an alias, a document's or the stream's bounds mean: None for a refused alias
        (the value to place), `_STOP` at the end of the stream, else `_NEXT`."""
        kind = type(event)
        if kind is yaml.AliasEvent:
            self.problem(
                event.start_mark,
                "yaml-alias",
                f"aliases ('*{event.anchor}') are not allowed; write the value out",
            )
            return None
        if kind is yaml.DocumentStartEvent:
            mark = event.end_mark
            self.document = Document(None, mark.line + 1, mark.column + 1)
        elif kind is yaml.DocumentEndEvent:
            assert self.document is not None
            documents.append(self.document)
            self.document = None
        elif kind is yaml.StreamEndEvent:
            return _STOP
        return _NEXT  # the stream's start, a document's bounds

    def _refuse_anchor(self, event: Any) -> None:
        self.problem(
            event.start_mark,
            "yaml-alias",
            f"anchors ('&{event.anchor}') are not allowed; write each value out in full",
        )

    def _key(
        self, event: Any, value: Any, mapping: dict[str, Any], loc: Loc, document: Document | None
    ) -> Any:
        mark = event.start_mark
        if type(value) is dict or type(value) is list:
            self.problem(mark, "yaml-syntax", "a key must be plain text, not a list or mapping")
            return _SKIP
        key = event.value if type(event) is yaml.ScalarEvent else str(value)
        if type(event) is yaml.ScalarEvent and event.implicit[0] and key == "<<":
            self.problem(
                mark, "yaml-alias", "merge keys ('<<') are not allowed; write the keys out"
            )
            return _SKIP
        if key in mapping:
            self.problem(
                mark,
                "duplicate-key",
                f"the key {key!r} is repeated in this mapping; keep one",
            )
            return _SKIP
        if self.track and document is not None:
            document.keys[(*loc, key)] = (mark.line + 1, mark.column + 1)
        return key


_NO_KEY: Any = object()
_SKIP: Any = object()
_NEXT: Any = object()  # an event with nothing to place
_STOP: Any = object()  # the walk is over


def read_documents(
    text: str, path: str, *, track: bool = False
) -> tuple[list[Document], list[Problem]]:
    """The documents of a YAML stream and the problems found reading it.

    With `track`, each document also maps every loc (a path of keys and indexes) to the
    line and column of its value, and of its key. Tracking costs time, so it is done only
    for files that have problems to place.
    """
    walker = _Walker(path, track)
    documents = walker.walk(text)
    return documents, walker.problems


def decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 text of a file (a leading BOM dropped), or an `encoding` problem at the bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        byte = data[error.start]
        return None, [
            Problem(
                path,
                line,
                column,
                "error",
                "encoding",
                f"the file is not UTF-8 (byte 0x{byte:02x} cannot be read); save it as UTF-8",
            )
        ]
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, []
