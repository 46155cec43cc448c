"""A sheet's header to record fields: names, synonyms, `--map`, and the TimelineJS template."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from timeline.collection.sheets import CellValue, Sheet, SheetError, column_letters
from timeline.core.problems import Problem

#: The fields a column can fill, as `--map` and `--set` name them.
FIELDS: tuple[str, ...] = (
    "id", "title", "date", "end", "year", "month", "day", "end-year", "end-month", "end-day",
    "type", "status", "actors", "location", "country", "summary", "sources", "source-title",
    "publisher", "tags",
)  # fmt: skip
#: `--map COLUMN=ignore` leaves a column out without a warning.
IGNORE = "ignore"
REQUIRED: tuple[str, ...] = ("title", "date", "type", "status")

#: Header names (lowercase, words joined by one space) and the field each one fills.
SYNONYMS: dict[str, str] = {
    "id": "id", "slug": "id", "unique id": "id", "key": "id",
    "title": "title", "headline": "title", "event": "title", "name": "title",
    "date": "date", "start": "date", "start date": "date", "when": "date", "from": "date",
    "end": "end", "end date": "end", "until": "end", "to": "end",
    "year": "year", "month": "month", "day": "day", "start year": "year",
    "start month": "month", "start day": "day",
    "end year": "end-year", "end month": "end-month", "end day": "end-day",
    "type": "type", "kind": "type", "category": "type", "event type": "type",
    "status": "status", "state": "status",
    "actors": "actors", "actor": "actors", "who": "actors", "participants": "actors",
    "location": "location", "place": "location", "where": "location", "venue": "location",
    "city": "location",
    "country": "country", "country code": "country",
    "summary": "summary", "notes": "summary", "note": "summary", "text": "summary",
    "description": "summary", "details": "summary",
    "sources": "sources", "source": "sources", "link": "sources", "links": "sources",
    "url": "sources", "urls": "sources", "source url": "sources", "source urls": "sources",
    "source title": "source-title", "publisher": "publisher",
    "tags": "tags", "tag": "tags", "keywords": "tags",
}  # fmt: skip
#: Columns of our own CSV export that follow from `date` or the file: read back as nothing.
DERIVED = frozenset(("precision", "label", "window", "path"))

#: The columns of the TimelineJS Google Sheets template, and what each becomes here.
TIMELINEJS: dict[str, str] = {
    "year": "year", "month": "month", "day": "day", "time": IGNORE,
    "end year": "end-year", "end month": "end-month", "end day": "end-day",
    "end time": IGNORE, "display date": IGNORE, "headline": "title", "text": "summary",
    "media": "sources", "media credit": "publisher", "media caption": "source-title",
    "media thumbnail": IGNORE, "type": "slide-type", "group": "tags", "background": IGNORE,
}  # fmt: skip


def header_key(text: str) -> str:
    """A header as it is matched: lowercase, `_` and `-` as spaces, spaces collapsed."""
    return " ".join(re.sub(r"[_\-]+", " ", text).lower().split())


@dataclass(slots=True)
class Columns:
    """Which column (counting from 1) fills which field, read from the header row."""

    header_row: int
    by_field: dict[str, int] = field(default_factory=dict)
    timelinejs: bool = False
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def column(self, name: str) -> int | None:
        return self.by_field.get(name)


def _text(value: CellValue) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def find_header(sheet: Sheet) -> tuple[int, list[str]] | None:
    """The header row (its number, its names): the first of the first ten non-empty rows
    that names a known column, else the first non-empty row."""
    if not sheet.rows:
        return None
    for number, cells in sheet.rows[:10]:
        names = [_text(cell) for cell in cells]
        if any(header_key(name) in SYNONYMS or header_key(name) in TIMELINEJS for name in names):
            return number, names
    number, cells = sheet.rows[0]
    return number, [_text(cell) for cell in cells]


def is_timelinejs(names: Sequence[str]) -> bool:
    """True for the TimelineJS template's header (Year, Headline and Display Date or Media)."""
    keys = {header_key(name) for name in names}
    return {"year", "headline"} <= keys and bool({"display date", "media"} & keys)


def match_columns(sheet: Sheet, mapping: Mapping[str, str]) -> Columns | None:
    """The fields of the sheet's columns; `mapping` (`--map`, by header name, any case)
    overrides. None when the sheet has no rows at all."""
    found = find_header(sheet)
    if found is None:
        return None
    header_row, names = found
    columns = Columns(header_row, timelinejs=is_timelinejs(names))
    table = TIMELINEJS if columns.timelinejs else SYNONYMS
    chosen = {header_key(column): target for column, target in mapping.items()}
    keys = [header_key(name) for name in names]
    for column, key in zip(mapping, chosen, strict=True):
        if key not in keys:
            listed = ", ".join(repr(name) for name in names if name)
            raise SheetError(
                f"--map {column!r}: the sheet has no such column; its columns: {listed}"
            )
    # our own export: `date` is the record's date; start and end only repeat it
    derived = set(DERIVED)
    if "date" in keys and "start" in keys and "date" not in chosen and "start" not in chosen:
        derived |= {"start", "end"}
    unknown: list[str] = []
    for number, (name, key) in enumerate(zip(names, keys, strict=True), 1):
        if not key:
            if _has_values(sheet, header_row, number):
                unknown.append(f"column {column_letters(number)} (no header)")
            continue
        target = chosen.get(key) or (None if key in derived else table.get(key))
        if target is None:
            if key not in derived:
                like = process.extractOne(key, list(table), scorer=fuzz.ratio, score_cutoff=80)
                near = None if like is None else like[0]
                unknown.append(f"{name!r}" + (f" (did you mean {near!r}?)" if near else ""))
            continue
        if target == IGNORE:
            continue
        if target in columns.by_field:
            first = column_letters(columns.by_field[target])
            columns.notes.append(
                f"columns {first} and {column_letters(number)} ({name!r}) both give "
                f"{target!r}: {first} is read; --map '{name}=FIELD' reads {name!r} as "
                f"another field, --map '{name}={IGNORE}' says it is not wanted"
            )
            continue
        columns.by_field[target] = number
    if unknown:
        columns.problems.append(
            Problem(
                sheet.label,
                header_row,
                1,
                "warning",
                "unknown-column",
                f"{len(unknown)} column(s) not read: {', '.join(unknown)}; name a field "
                f"for one with --map COLUMN=FIELD (fields: {', '.join(FIELDS)})",
            )
        )
    if columns.timelinejs:
        columns.notes.append(
            "the TimelineJS template: Headline is the title, Text the summary, Media (a "
            "web link) a source, Group a tag; title and era slides are not events"
        )
    return columns


def _has_values(sheet: Sheet, header_row: int, column: int) -> bool:
    return any(
        number > header_row and column <= len(cells) and cells[column - 1] is not None
        for number, cells in sheet.rows
    )
