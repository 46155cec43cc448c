"""A sheet's rows to events: cells to values, dates, actors, sources, ids, each problem at
its cell with the codes and fixes of `validate`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain
from typing import Any

from pydantic import ValidationError
from rapidfuzz import fuzz, process

from timeline.collection.positions import validation_problems
from timeline.collection.sheetcolumns import REQUIRED, Columns
from timeline.collection.sheets import CellValue, Sheet
from timeline.collection.yamlread import Document, Loc
from timeline.core.codes import Level
from timeline.core.dates import DateError, parse_date
from timeline.core.model import SLUG_PATTERN, Actor, Event, country_codes
from timeline.core.periods import MONTH_NAMES
from timeline.core.problems import Problem

#: A spreadsheet cell holds at most this many characters (Excel's own limit).
MAX_CELL_CHARS = 32_767
#: Characters our CSV export defuses with a leading `'` (and `'` itself, so that the
#: escape can be undone exactly): a cell `'=x` is the text `=x`.
ESCAPED_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
_SPLIT = re.compile(r"[;\n]+")
_SLUG = re.compile(SLUG_PATTERN)
#: Unicode's control characters (category Cc) but tab and line feed.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TAG_SPLIT = re.compile(r"[;,\n]+")
_MONTHS = tuple(name.lower() for name in MONTH_NAMES)
#: Month names and their three-letter forms (in English, whatever the locale), to numbers.
_MONTH_NAMES = {form: number for number, name in enumerate(_MONTHS, 1) for form in (name, name[:3])}
_SKIPPED_SLIDES = ("title", "era")
_DATE_PARTS = frozenset(("end", "year", "month", "day", "end-year", "end-month", "end-day"))


@dataclass(slots=True)
class SheetEvent:
    """One row of the sheet as an event: the event (None when the row has errors), the
    fields the row gives, and the column each field came from."""

    row: int
    event: Event | None
    given: frozenset[str]
    columns: dict[str, int]
    #: True unless the row's id is an event of the collection
    new: bool = True


@dataclass(slots=True)
class _Row:
    """A row being read: its cells, its place, and the problems found so far."""

    sheet: Sheet
    number: int
    cells: list[CellValue]
    columns: Columns
    defaults: Mapping[str, str]
    problems: list[Problem]
    bad: set[str] = field(default_factory=set)  # fields with a problem already reported

    def raw(self, name: str) -> tuple[CellValue, int]:
        """The value for a field (the cell, else its `--set` default) and its column."""
        column = self.columns.column(name)
        value: CellValue = None
        if column is not None and column <= len(self.cells):
            value = self.cells[column - 1]
        if value is None and name in self.defaults:
            value = self.defaults[name]
        return value, column or 1

    def problem(self, code: str, level: Level, message: str, *, name: str, column: int) -> None:
        """Report a problem at the cell of field `name` (in `column`)."""
        if level == "error":
            self.bad.add(name)
            if name in _DATE_PARTS:
                self.bad.add("date")
        self.problems.append(Problem(self.sheet.label, self.number, column, level, code, message))

    def text(self, name: str) -> tuple[str | None, int]:
        """A field's text, checked: not too long, no formula, no control characters."""
        value, column = self.raw(name)
        if value is None:
            return None, column
        if not isinstance(value, str):
            return _as_text(value), column
        if len(value) > MAX_CELL_CHARS:
            self.problem(
                "cell-too-long",
                "error",
                f"{name}: the cell has {len(value):,} characters, more than a spreadsheet "
                f"cell holds ({MAX_CELL_CHARS:,}); shorten it",
                name=name,
                column=column,
            )
            return None, column
        if value.startswith("'") and value[1:2] and value[1] in ESCAPED_STARTS:
            value = value[1:]  # written as text on purpose (our export writes it so)
        elif value.startswith("="):
            self.problem(
                "formula-text",
                "error",
                f"{name}: the cell holds a formula, {value[:40]!r}, not a value; save the "
                "sheet with its values (a workbook keeps them), or start the text with ' "
                "to keep it as written",
                name=name,
                column=column,
            )
            return None, column
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        found = None if value.isprintable() else _CONTROL.search(value)
        if found is not None:
            bad = found.group()
            self.problem(
                "control-character",
                "error",
                f"{name}: the cell holds the control character U+{ord(bad):04X}, invisible "
                "and never meant; delete it (it often comes from copying out of another "
                "program)",
                name=name,
                column=column,
            )
            return None, column
        return value, column


def _as_text(value: CellValue) -> str:
    """A cell that is not text, as text: `1984` for a whole number, a day as ISO."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def slug_of(text: str, limit: int = 80) -> str:
    """A slug made from a title: ASCII letters and digits joined by hyphens, at most
    `limit` characters, cut at a hyphen; `event` when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] if "-" in slug[:limit] else slug[:limit]
    return slug or "event"


class ActorIndex:
    """Actors found by id, name or alias, in any case."""

    def __init__(self, actors: Sequence[Actor]) -> None:
        self.by_key: dict[str, str] = {}
        for actor in actors:  # aliases, then names, then ids: an id wins over a name
            for alias in actor.aliases:
                self.by_key.setdefault(alias.casefold().strip(), actor.id)
        for actor in actors:
            self.by_key[actor.name.casefold().strip()] = actor.id
        for actor in actors:
            self.by_key[actor.id.casefold()] = actor.id
        self.ids = [actor.id for actor in actors]

    def find(self, text: str) -> str | None:
        return self.by_key.get(text.casefold().strip())

    def closest(self, text: str) -> list[str]:
        """Up to three ids whose id, name or alias is most like `text`."""
        found = process.extract(
            text.casefold(), list(self.by_key), scorer=fuzz.ratio, limit=10, score_cutoff=50
        )
        ids: list[str] = []
        for key, _, _ in found:
            if self.by_key[key] not in ids:
                ids.append(self.by_key[key])
        return ids[:3]


def _actors(row: _Row, index: ActorIndex) -> tuple[list[str] | None, int]:
    text, column = row.text("actors")
    if text is None:
        return None, column
    parts = [part.strip() for part in _SPLIT.split(text) if part.strip()]
    if len(parts) == 1 and index.find(parts[0]) is None and "," in parts[0]:
        parts = [part.strip() for part in parts[0].split(",") if part.strip()]
    ids: list[str] = []
    for part in parts:
        found = index.find(part)
        if found is None:
            near = index.closest(part)
            hint = (
                f"; closest ids: {', '.join(repr(i) for i in near)}" if near else ""
            ) + " (or add the actor to actors.yaml)"
            row.problem(
                "unknown-actor",
                "error",
                f"actors: no actor has the id, name or alias {part!r}{hint}",
                name="actors",
                column=column,
            )
        elif found not in ids:
            ids.append(found)
    return ids, column


def _date_part(row: _Row, name: str) -> tuple[str | None, int]:
    value, column = row.raw(name)
    if isinstance(value, datetime):
        return value.date().isoformat(), column
    if isinstance(value, date):
        return value.isoformat(), column
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _as_text(value), column
    return row.text(name)


def _number(row: _Row, name: str, months: bool = False) -> tuple[int | None, int]:
    value, column = row.raw(name)
    if value is None:
        return None, column
    text = _as_text(value).strip()
    if months and text.casefold() in _MONTH_NAMES:
        return _MONTH_NAMES[text.casefold()], column
    if text.isdigit() and text.isascii():
        return int(text), column
    row.problem(
        "invalid-date",
        "error",
        f"{name}: {text[:40]!r} is not a number; write the {name.split('-')[-1]} in digits",
        name=name,
        column=column,
    )
    return None, column


def _split_date(row: _Row, prefix: str, year_default: int | None) -> tuple[str | None, int]:
    year, column = _number(row, f"{prefix}year")
    month, _ = _number(row, f"{prefix}month", months=True)
    day, day_column = _number(row, f"{prefix}day")
    if year is None and (month is not None or day is not None):
        year = year_default
    if year is None:
        return None, column
    text = f"{year:04d}"
    if month is not None:
        text += f"-{month:02d}"
        if day is not None:
            text += f"-{day:02d}"
    elif day is not None:
        row.problem(
            "invalid-date",
            "error",
            f"{prefix}day: a day without a month; fill in the month, or empty the day",
            name=f"{prefix}day",
            column=day_column,
        )
        return None, day_column
    return text, column


def _event_date(row: _Row) -> tuple[str | None, int]:
    """The date expression: from a date column (and an end column), or from year, month
    and day columns (the empty ones give the precision)."""
    if row.columns.column("date") is not None or "date" in row.defaults:
        start, column = _date_part(row, "date")
        end, end_column = _date_part(row, "end")
    else:
        start, column = _split_date(row, "", None)
        column = row.columns.column("year") or column
        first_year = int(start[:4]) if start and start[:4].isdigit() else None
        end, end_column = _split_date(row, "end-", first_year)
    if start is None or end is None:
        return start, column
    try:
        parse_date(end)
    except DateError as error:
        row.problem(error.code, "error", f"end: {error.message}", name="end", column=end_column)
        return None, column
    return f"{start}/{end}", column


def _sources(row: _Row) -> tuple[list[dict[str, Any]] | None, int]:
    text, column = row.text("sources")
    title, title_column = row.text("source-title")
    publisher, publisher_column = row.text("publisher")
    sources: list[dict[str, Any]] = []
    for part in _SPLIT.split(text or ""):
        part = part.strip()
        if not part:
            continue
        if row.columns.timelinejs and not part.lower().startswith(("http://", "https://")):
            continue  # an embed or a picture, not a link to a source
        looks_like_link = "://" in part or part.lower().startswith("www.")
        sources.append({"url": part} if looks_like_link else {"title": part})
    if not sources and title is not None:
        sources.append({"title": title})
    elif len(sources) == 1:
        if title is not None:
            sources[0].setdefault("title", title)
        if publisher is not None:
            sources[0]["publisher"] = publisher
    if not sources:
        return None, column if text is not None else (title_column or publisher_column)
    return sources, column if row.columns.column("sources") else title_column


def _location(row: _Row) -> tuple[Any, int]:
    name, column = row.text("location")
    country, country_column = row.text("country")
    if country is not None:
        country = country.strip().upper()
        if name is None:
            return {"name": country_codes().get(country, country), "country": country}, (
                country_column
            )
        return {"name": name, "country": country}, column
    return name, column


def read_row(row: _Row, index: ActorIndex) -> tuple[dict[str, Any], dict[str, int]]:
    """The record's keys and values from the row, and the column of each key."""
    item: dict[str, Any] = {}
    columns: dict[str, int] = {}

    def put(key: str, found: tuple[Any, int]) -> None:
        value, column = found
        if value is not None and value != []:
            item[key] = value
            columns[key] = column

    identifier, id_column = row.text("id")
    put("id", (identifier.strip() if identifier else None, id_column))
    put("title", row.text("title"))
    put("date", _event_date(row))
    for key in ("type", "status"):
        text, column = row.text(key)
        put(key, (text.strip().lower() if text else None, column))
    put("actors", _actors(row, index))
    put("location", _location(row))
    if row.columns.column("location") is not None and row.raw("location")[0] is not None:
        columns["location-name"] = columns["location"]  # the place itself, not only a country
    put("summary", row.text("summary"))
    put("sources", _sources(row))
    tags, tag_column = row.text("tags")
    tag_list = [
        tag if _SLUG.match(tag) else slug_of(tag, 100)
        for tag in (part.strip() for part in _TAG_SPLIT.split(tags or ""))
        if tag
    ]
    put("tags", (list(dict.fromkeys(tag_list)) or None, tag_column))
    return item, columns


def sheet_events(
    sheet: Sheet,
    columns: Columns,
    defaults: Mapping[str, str],
    actors: Sequence[Actor],
    known: Mapping[str, Event],
) -> tuple[list[SheetEvent], list[Problem]]:
    """Every data row of the sheet as an event, and every problem at its cell.

    `known` gives the collection's events by id. A row without an id gets a slug of its
    title that no other record has, unless the record that has it is this row's own (the
    same title and date, imported before), so a sheet imported twice gives the same ids.
    A row about a known event takes the required values it lacks from that event (a
    sheet of ids and statuses records news about events already kept).
    """
    problems: list[Problem] = []
    index = ActorIndex(actors)
    read: list[tuple[_Row, dict[str, Any], dict[str, int]]] = []
    for number, cells in sheet.rows:
        if number <= columns.header_row:
            continue
        row = _Row(sheet, number, cells, columns, defaults, problems)
        if columns.timelinejs:
            kind, kind_column = row.text("slide-type")
            if kind is not None and kind.strip().lower() in _SKIPPED_SLIDES:
                row.problem(
                    "skipped-row",
                    "warning",
                    f"a TimelineJS {kind.strip().lower()} slide, not an event: not imported",
                    name="slide-type",
                    column=kind_column,
                )
                continue
        item, where = read_row(row, index)
        read.append((row, item, where))
    claimed = {str(item["id"]) for _, item, _ in read if "id" in item}
    events: list[SheetEvent] = []
    for row, item, where in read:
        generated = "id" not in item and "id" not in row.bad and "title" in item
        if generated:
            item["id"] = _new_id(item, known, claimed)
            claimed.add(item["id"])
            where["id"] = where.get("title", 1)
        given = frozenset(item) | (where.keys() & {"location-name"})
        old = known.get(str(item.get("id", "")))
        if old is not None:
            values = {"title": old.title, "date": old.date.text, "type": old.type,
                      "status": old.status}  # fmt: skip
            item = {**{key: values[key] for key in REQUIRED if key not in item}, **item}
        first = min(where.values(), default=1)
        event = _validated(row, item, where, first)
        events.append(SheetEvent(row.number, event, given, where, old is None))
    return events, problems


def _new_id(item: Mapping[str, Any], known: Mapping[str, Event], claimed: set[str]) -> str:
    title, when = str(item["title"]), str(item.get("date", ""))
    base = slug_of(title)
    candidates = [base]
    if when[:4].isdigit():
        candidates += [f"{base}-{when[:4]}", f"{base}-{slug_of(when.split('/')[0], 20)}"]
    # numbered ids made one at a time: nearly every row takes the first candidate
    for candidate in chain(candidates, (f"{base}-{n}" for n in range(2, 10_000))):
        if candidate in claimed:
            continue
        record = known.get(candidate)
        if record is None or (record.title, record.date.text) == (title, when):
            return candidate
    return f"{base}-{len(claimed)}"  # not reached: ten thousand rows of one title


#: Valid stand-ins for required keys a row lacks, so that its other values are still
#: checked (a row without a title still hears that its type is misspelt).
_STAND_INS = {"id": "x", "title": "x", "date": "2000", "type": "other", "status": "occurred"}


def _validated(row: _Row, item: dict[str, Any], where: Mapping[str, int], first: int
               ) -> Event | None:  # fmt: skip
    """The row's event, or None with its problems (missing required cells named)."""
    missing = [key for key in ("id", *REQUIRED) if key not in item]
    for key in missing:
        column = row.columns.column(key)
        if key == "date":
            column = column or row.columns.column("year")
        if (
            key in row.bad
            or (column is None and key != "id")
            or (key == "id" and "title" in row.bad)
        ):
            continue  # said already, or the sheet has no such column: said at the header
        message = (
            "id: no id and no title to make one from; fill in the title"
            if key == "id"
            else f"{key}: the cell is empty; fill it in, or give --set {key}=VALUE for "
            "every row without one"
        )
        row.problem("missing-field", "error", message, name=key, column=column or first)
    try:
        event = Event.model_validate({**{key: _STAND_INS[key] for key in missing}, **item})
    except ValidationError as error:
        places: dict[Loc, tuple[int, int]] = {(key,): (row.number, c) for key, c in where.items()}
        document = Document(item, row.number, first, values={(): (row.number, first), **places})
        row.problems.extend(validation_problems(error, document, (), row.sheet.label, Event))
        return None
    if missing or row.bad:
        return None
    return event.place(row.sheet.label, row.number, first)
