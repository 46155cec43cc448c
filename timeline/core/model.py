"""The event record format (events/README.md) as Pydantic models. No I/O here."""

from __future__ import annotations

import datetime
import re
import unicodedata
from datetime import date
from functools import cache
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    PrivateAttr,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from timeline.core import vocabulary
from timeline.core.dates import DateError, DateSpan, parse_date, parse_day
from timeline.core.urls import url_problem
from timeline.core.vocabulary import ActorKind, EventType, Relation, Role, Status

# The word lists live in `vocabulary` (light to import, for the command line); they are
# named here too, beside the models they constrain.
ACTOR_KINDS = vocabulary.ACTOR_KINDS
EVENT_TYPES = vocabulary.EVENT_TYPES
RELATIONS = vocabulary.RELATIONS
ROLES = vocabulary.ROLES
STATUSES = vocabulary.STATUSES

# Python patterns are used with `fullmatch` only: `$` would also match before a final
# newline, and `"id\n"` would pass for a slug. SLUG_PATTERN is the JSON Schema's
# (ECMA-262, where `$` ends the text).
_SLUG_BODY = r"[a-z0-9][a-z0-9-]{0,99}"
SLUG_PATTERN = rf"^{_SLUG_BODY}$"
_SLUG = re.compile(_SLUG_BODY)
_WIKIDATA = re.compile(r"Q[0-9]+")
_COUNTRY_SHAPE = re.compile(r"[A-Za-z]{2,3}")


def is_slug(value: str) -> bool:
    """True when the whole of `value` is a slug: lowercase letters, digits and hyphens."""
    return _SLUG.fullmatch(value) is not None


def _slug(value: str) -> str:
    if not is_slug(value):
        hint = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")[:100]
        suggestion = f", e.g. {hint!r}" if hint and is_slug(hint) else ""
        raise PydanticCustomError(
            "invalid-slug",
            "{value} is not a valid id: use lowercase letters, digits and hyphens{suggestion}",
            {"value": repr(value), "suggestion": suggestion},
        )
    return value


#: Every character `str.splitlines` breaks a line at.
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def readable(value: str) -> bool:
    """True when some character would show: not only spaces, invisible format characters
    (zero-width spaces and joiners, byte-order marks, direction marks) or controls."""
    return any(
        not char.isspace() and unicodedata.category(char) not in ("Cf", "Cc", "Zs")
        for char in value
    )


def _one_line(value: str) -> str:
    if not readable(value):
        raise PydanticCustomError("invalid-title", "the title is empty; write one line")
    if not LINE_BREAKS.isdisjoint(value):
        raise PydanticCustomError(
            "invalid-title", "the title must be one line; move the rest to 'summary'"
        )
    if len(value) > 200:
        raise PydanticCustomError(
            "invalid-title",
            "the title has {n} characters, more than 200; shorten it and move detail to 'summary'",
            {"n": len(value)},
        )
    return value


@cache
def country_codes() -> dict[str, str]:
    """ISO 3166-1 alpha-2 and alpha-3 codes, each mapped to the country's name."""
    import pycountry  # imported lazily: its database costs ~20 ms to load

    codes: dict[str, str] = {}
    for country in pycountry.countries:
        codes[country.alpha_2] = country.name
        codes[country.alpha_3] = country.name
    return codes


def _country(value: str) -> str:
    codes = country_codes()
    if value in codes:
        return value
    if _COUNTRY_SHAPE.fullmatch(value) and value.upper() in codes:
        raise PydanticCustomError(
            "invalid-country",
            "{value} is not an ISO 3166-1 code; write it in capitals: {upper}",
            {"value": repr(value), "upper": repr(value.upper())},
        )
    raise PydanticCustomError(
        "invalid-country",
        "{value} is not an ISO 3166-1 alpha-2 or alpha-3 country code (e.g. 'US', 'KOR')",
        {"value": repr(value)},
    )


def _http_url(value: str) -> str:
    problem = url_problem(value)
    if problem is not None:
        code, message = problem
        # The message holds user text: passed as a value, never as the template.
        raise PydanticCustomError(code, "{message}", {"message": message})
    return value


def _event_date(value: Any) -> DateSpan:
    if isinstance(value, DateSpan):
        return value
    try:
        return parse_date(value)
    except DateError as error:
        raise PydanticCustomError(error.code, error.message) from None


def _day(value: Any) -> date:
    try:
        return parse_day(value)
    except DateError as error:
        raise PydanticCustomError(error.code, error.message) from None


def _none_as_empty(value: Any) -> Any:
    return [] if value is None else value


def _text_as(key: str) -> Any:
    def convert(value: Any) -> Any:
        return {key: value} if isinstance(value, str) else value

    return convert


Slug = Annotated[str, AfterValidator(_slug)]
Title = Annotated[str, AfterValidator(_one_line)]
Country = Annotated[str, AfterValidator(_country)]
Url = Annotated[str, AfterValidator(_http_url)]
Day = Annotated[
    date,
    PlainValidator(_day),
    PlainSerializer(lambda day: day.isoformat(), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}),
]
EventDate = Annotated[
    DateSpan,
    PlainValidator(_event_date),
    PlainSerializer(lambda span: span.text, return_type=str),
    WithJsonSchema(
        {
            "type": ["string", "integer"],
            "description": "2014, 2014-02, 2014-02-17, with ? ~ or %, an interval A/B or "
            "A/.., or a window [A..B]",
        }
    ),
]


class Record(BaseModel):
    """Base of every record: unknown keys are errors, values are never silently converted."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Placed(Record):
    """A top-level record (event or actor) that remembers where in which file it was read."""

    _path: str = PrivateAttr(default="")
    _line: int = PrivateAttr(default=1)
    _column: int = PrivateAttr(default=1)
    _doc: int = PrivateAttr(default=0)
    _index: int | None = PrivateAttr(default=None)

    # The place is read from Pydantic's store of private values, `__pydantic_private__`,
    # directly: `self._path` goes through `BaseModel.__getattr__`, a Python call on every
    # read: the facts of 20,000 events took 0.34 s that way, 0.08 s this way.

    @property
    def path(self) -> str:
        """The file this record was read from, as shown to the user."""
        return self._private()["_path"]  # type: ignore[no-any-return]

    @property
    def line(self) -> int:
        return self._private()["_line"]  # type: ignore[no-any-return]

    @property
    def column(self) -> int:
        return self._private()["_column"]  # type: ignore[no-any-return]

    @property
    def doc(self) -> int:
        """Index of its YAML document in the file's stream."""
        return self._private()["_doc"]  # type: ignore[no-any-return]

    @property
    def index(self) -> int | None:
        """Index in its document's list, or None when the document is the record itself."""
        return self._private()["_index"]  # type: ignore[no-any-return]

    def _private(self) -> dict[str, Any]:
        private = self.__pydantic_private__
        if private is None:  # never for a record Pydantic built; set as Pydantic would
            private = {"_path": "", "_line": 1, "_column": 1, "_doc": 0, "_index": None}
            object.__setattr__(self, "__pydantic_private__", private)
        return private

    def place(
        self, path: str, line: int, column: int, doc: int = 0, index: int | None = None
    ) -> Self:
        """Record where this was read from (1-based line and column)."""
        self._private().update(_path=path, _line=line, _column=column, _doc=doc, _index=index)
        return self


class Source(Record):
    """Where something was reported."""

    title: str | None = None
    publisher: str | None = None
    url: Url | None = None
    published: Day | None = None
    quote: str | None = None
    accessed: Day | None = None

    @model_validator(mode="after")
    def _title_or_url(self) -> Source:
        if self.title is None and self.url is None:
            raise PydanticCustomError(
                "invalid-source", "a source needs a 'title' or a 'url'; add one"
            )
        return self


class ActorRef(Record):
    """An actor named by an event, with its role."""

    actor: Slug
    role: Role = "participant"


class Location(Record):
    """Where an event takes place."""

    name: str
    country: Country | None = None


class Related(Record):
    """A typed link to another event."""

    event: Slug
    relation: Relation


class Update(Record):
    """What was reported about an event on a day."""

    date: Day
    status: Status | None = None
    note: str | None = None
    source: Source | None = None


def _oldest_first(updates: list[Update]) -> list[Update]:
    for index in range(1, len(updates)):
        if updates[index].date < updates[index - 1].date:
            raise PydanticCustomError(
                "date-order",
                "the entry of {day} (item {index}) is dated before the one above it; "
                "keep updates oldest first",
                {"index": index, "day": updates[index].date.isoformat()},
            )
    return updates


class Event(Placed):
    """One diplomatic event."""

    id: Slug
    title: Title
    date: EventDate
    type: EventType
    status: Status
    actors: Annotated[
        list[Annotated[ActorRef, BeforeValidator(_text_as("actor"))]],
        BeforeValidator(_none_as_empty),
    ] = Field(default_factory=list)
    location: Annotated[Location | None, BeforeValidator(_text_as("name"))] = None
    summary: str | None = None
    sources: Annotated[list[Source], BeforeValidator(_none_as_empty)] = Field(default_factory=list)
    tags: Annotated[list[Slug], BeforeValidator(_none_as_empty)] = Field(default_factory=list)
    related: Annotated[list[Related], BeforeValidator(_none_as_empty)] = Field(default_factory=list)
    updates: Annotated[
        list[Update], BeforeValidator(_none_as_empty), AfterValidator(_oldest_first)
    ] = Field(default_factory=list)

    def sort_key(self) -> tuple[datetime.date, datetime.date, str]:
        """Events sort by earliest day, then latest day (open last), then id. (One call:
        sorting 100,000 events calls it 100,000 times.)"""
        span = self.date
        return (span.start, datetime.date.max if span.end is None else span.end, self.id)

    def actor_ids(self) -> list[str]:
        return [ref.actor for ref in self.actors]

    def normalized(self) -> dict[str, Any]:
        """The normalized record (README, `timeline list`): the format's keys plus derived ones."""
        record = self.model_dump(mode="json")
        span = self.date
        record.update(
            start=span.start.isoformat(),
            end=span.end.isoformat() if span.end else None,
            precision=span.precision,
            approximate=span.approximate,
            uncertain=span.uncertain,
            window=span.is_window,
            label=span.label,
            path=self.path,
        )
        return record


class Actor(Placed):
    """A person, state, body or group in the actor registry."""

    id: Slug
    name: str
    kind: ActorKind
    country: Country | None = None
    affiliation: Slug | None = None
    title: str | None = None
    aliases: Annotated[list[str], BeforeValidator(_none_as_empty)] = Field(default_factory=list)
    wikidata: Annotated[str, AfterValidator(lambda v: _wikidata(v))] | None = None


def _wikidata(value: str) -> str:
    if not _WIKIDATA.fullmatch(value):
        raise PydanticCustomError(
            "invalid-value",
            "{value} is not a Wikidata item id; write it like 'Q30'",
            {"value": repr(value)},
        )
    return value


#: Keys of an event in the format's order (events/README.md), the order `add` writes them in.
EVENT_KEYS: tuple[str, ...] = tuple(Event.model_fields)
ACTOR_KEYS: tuple[str, ...] = tuple(Actor.model_fields)
