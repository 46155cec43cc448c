"""Date expressions: a small subset of ISO 8601-2 / EDTF levels 0 and 1 (events/README.md, Dates).

An expression is a part (`2014`, `2014-02`, `2014-02-17`, each optionally followed by
one qualifier `?`, `~` or `%`), an interval `A/B`, an open interval `A/..`, or a window
`[A..B]` (EDTF's "one of a set": one day, or a short span, somewhere from A to B, the day
not known; A and B unqualified, one qualifier allowed after the `]`).

We parse these ourselves instead of using the `edtf` package: edtf takes about 7 ms a
parse, far too slow for 100,000 events, and it accepts much more than the format allows
(seasons, `../B`, unspecified digits, year 0, 29 February in any year, intervals that
end before they start). It stays in the test suite as the oracle for spans.
"""

from __future__ import annotations

import calendar
import re
import reprlib
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Literal, NamedTuple

from timeline.core.errors import TimelineError

Precision = Literal["year", "month", "day"]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_COARSENESS: dict[Precision, int] = {"year": 0, "month": 1, "day": 2}

# [0-9], not \d: \d also matches other scripts' digits, which int() would happily read.
_PART = r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([?~%])?"
_EXPRESSION = re.compile(rf"{_PART}(?:/(?:{_PART}|(\.\.)))?")
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_BARE_PART = r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?"
_WINDOW = re.compile(rf"\[{_BARE_PART}\.\.{_BARE_PART}\]([?~%])?")

_EXAMPLES = "2014, 2014-09, 2014-09-13, 2014-09~ or 2014-09-08/2014-09-12"

# Distinct expressions in a collection are far fewer than events; the bound keeps a
# long-running process from growing without limit.
_CACHE_SIZE = 1 << 16


class DateError(TimelineError, ValueError):
    """A value that is not a valid date expression or day."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    def __reduce__(self) -> tuple[type[DateError], tuple[str, str]]:
        return (DateError, (self.code, self.message))


@dataclass(frozen=True, slots=True)
class DateSpan:
    """A parsed date expression: the days it may cover, its precision, flags and label."""

    text: str
    start: date
    end: date | None
    precision: Precision
    approximate: bool
    uncertain: bool
    label: str

    @property
    def is_open(self) -> bool:
        """True when the span has no end (`A/..`)."""
        return self.end is None

    @property
    def is_interval(self) -> bool:
        """True when written as an interval, `A/B` or `A/..`."""
        return "/" in self.text

    @property
    def is_window(self) -> bool:
        """True when written as a window, `[A..B]`: one day (or a few) somewhere from
        `start` to `end`, not every day of it. (Read from the text, so a span rebuilt from
        the cache knows it too.)"""
        return self.text.startswith("[")

    def overlaps(self, first: date, last: date) -> bool:
        """True when the span shares at least one day with `first`..`last` (inclusive)."""
        return self.start <= last and (self.end is None or self.end >= first)

    def sort_key(self) -> tuple[date, date]:
        """Earliest day, then latest day (an open end sorts last)."""
        return (self.start, date.max if self.end is None else self.end)


class _Part(NamedTuple):
    written: str
    year: int
    month: int | None
    day: int | None
    qualifier: str
    start: date
    end: date

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        return "year" if self.month is None else "month"


def parse_date(value: object) -> DateSpan:
    """Parse a date expression written as a string, a year (int) or a `datetime.date`."""
    if isinstance(value, str):
        # str() turns str subclasses (ruamel's scalar strings) into a plain, hashable str.
        text = value if type(value) is str else str(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    elif isinstance(value, date) and not isinstance(value, datetime):
        text = value.isoformat()
    elif isinstance(value, list) and len(value) == 1 and ".." in str(value[0]):
        # `date: [2014-09-08..2014-09-12]` unquoted is a YAML flow list of one text.
        raise DateError(
            "invalid-date",
            "a window must be quoted, or YAML reads [...] as a list: "
            f"write date: {reprlib.repr(f'[{value[0]}]')}",
        )
    else:
        raise DateError(
            "invalid-date", f"expected a date expression such as 2014-09-13, got {_describe(value)}"
        )
    return _parse_text(text)


def parse_day(value: object) -> date:
    """Parse a single day: a `datetime.date` or a string written exactly `YYYY-MM-DD`."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise DateError(
            "invalid-date", f"expected a day such as 2014-09-13, got {_describe(value)}"
        )
    match = _DAY.fullmatch(value)
    if match is None:
        raise DateError(
            "invalid-date", f"{value!r} is not a day; write it as YYYY-MM-DD, such as 2014-09-13"
        )
    year, month, day = match.groups()
    return _make_part(value, year, month, day, None).start


@lru_cache(maxsize=_CACHE_SIZE)
def _parse_text(text: str) -> DateSpan:
    if text.startswith("["):
        return _parse_window(text)
    match = _EXPRESSION.fullmatch(text)
    if match is None:
        raise DateError("invalid-date", f"{text!r} is not a date expression; write {_EXAMPLES}")
    groups = match.groups()
    first_text, _, second_text = text.partition("/")
    first = _make_part(first_text, *groups[0:4])
    if groups[8] is not None:
        return DateSpan(
            text=text,
            start=first.start,
            end=None,
            precision=first.precision,
            approximate=first.qualifier in ("~", "%"),
            uncertain=first.qualifier in ("?", "%"),
            label=f"{_part_label(first)} – ongoing",
        )
    if groups[4] is None:
        return DateSpan(
            text=text,
            start=first.start,
            end=first.end,
            precision=first.precision,
            approximate=first.qualifier in ("~", "%"),
            uncertain=first.qualifier in ("?", "%"),
            label=_part_label(first),
        )
    second = _make_part(second_text, *groups[4:8])
    if second.end < first.start:
        raise DateError("date-order", f"{text!r} ends before it starts; swap the two dates")
    qualifiers = first.qualifier + second.qualifier
    return DateSpan(
        text=text,
        start=first.start,
        end=second.end,
        precision=min(first.precision, second.precision, key=_COARSENESS.__getitem__),
        approximate="~" in qualifiers or "%" in qualifiers,
        uncertain="?" in qualifiers or "%" in qualifiers,
        label=_interval_label(first, second),
    )


def _parse_window(text: str) -> DateSpan:
    match = _WINDOW.fullmatch(text)
    if match is None:
        raise DateError(
            "invalid-date",
            f"{text!r} is not a window; write [A..B] with two days, months or years, such as "
            "[2014-09-08..2014-09-12], and any ~ or ? after the ]",
        )
    groups = match.groups()
    first_text, _, second_text = text[1 : text.index("]")].partition("..")
    first = _make_part(first_text, groups[0], groups[1], groups[2], None)
    second = _make_part(second_text, groups[3], groups[4], groups[5], None)
    if second.end < first.start:
        raise DateError("date-order", f"{text!r} ends before it starts; swap the two dates")
    qualifier = groups[6] or ""
    return DateSpan(
        text=text,
        start=first.start,
        end=second.end,
        precision=min(first.precision, second.precision, key=_COARSENESS.__getitem__),
        approximate=qualifier in ("~", "%"),
        uncertain=qualifier in ("?", "%"),
        label=f"sometime {_qualified(_interval_label(first, second), qualifier)}",
    )


def _make_part(
    written: str,
    year_digits: str,
    month_digits: str | None,
    day_digits: str | None,
    qualifier: str | None,
) -> _Part:
    year = int(year_digits)
    if year == 0:
        raise DateError(
            "invalid-date", f"{written!r} has no year 0000; write a year from 0001 to 9999"
        )
    if month_digits is None:
        return _Part(
            written, year, None, None, qualifier or "", date(year, 1, 1), date(year, 12, 31)
        )
    month = int(month_digits)
    if not 1 <= month <= 12:
        raise DateError("invalid-date", f"{written!r} has no month {month}")
    last_day = calendar.monthrange(year, month)[1]
    if day_digits is None:
        return _Part(
            written,
            year,
            month,
            None,
            qualifier or "",
            date(year, month, 1),
            date(year, month, last_day),
        )
    day = int(day_digits)
    if not 1 <= day <= last_day:
        raise DateError("invalid-date", f"{written!r} is not a calendar date")
    the_day = date(year, month, day)
    return _Part(written, year, month, day, qualifier or "", the_day, the_day)


def month_abbr(day: date) -> str:
    """`Feb`, with our own month names (strftime's follow the locale)."""
    return _MONTHS[day.month - 1]


def day_label(day: date) -> str:
    """`17 Feb 2014`, whatever the locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year:04d}"


def _plain_label(part: _Part) -> str:
    if part.month is None:
        return f"{part.year:04d}"
    if part.day is None:
        return f"{_MONTHS[part.month - 1]} {part.year:04d}"
    return f"{part.day} {_MONTHS[part.month - 1]} {part.year:04d}"


def _part_label(part: _Part) -> str:
    return _qualified(_plain_label(part), part.qualifier)


def _qualified(label: str, qualifier: str) -> str:
    """`c. Sep 2014` (approximate), `Sep 2014?` (uncertain), `c. Sep 2014?` (both)."""
    if qualifier in ("~", "%"):
        label = f"c. {label}"
    if qualifier in ("?", "%"):
        label = f"{label}?"
    return label


def _interval_label(first: _Part, second: _Part) -> str:
    if first.written == second.written:
        return _part_label(first)
    if first.qualifier or second.qualifier or first.precision != second.precision:
        return f"{_part_label(first)} – {_part_label(second)}"
    if first.month is None:
        return f"{first.year:04d}–{second.year:04d}"
    if first.year != second.year:
        return f"{_plain_label(first)} – {_plain_label(second)}"
    year = f"{first.year:04d}"
    first_month = _MONTHS[first.month - 1]
    second_month = _MONTHS[(second.month or 1) - 1]
    if first.day is None:
        return f"{first_month}–{second_month} {year}"
    if first.month == second.month:
        return f"{first.day}–{second.day} {first_month} {year}"
    return f"{first.day} {first_month} – {second.day} {second_month} {year}"


def _describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, datetime):
        return (
            f"a date and time {value.isoformat(sep=' ')!r}; "
            f"write the day alone, {value.date().isoformat()}"
        )
    if isinstance(value, bool):
        return f"a boolean, {value!r}"
    if isinstance(value, int | float):
        return f"a number, {reprlib.repr(value)}"
    return f"a {type(value).__name__}, {reprlib.repr(value)}"
