"""Report periods: a year, quarter, month, ISO week or range of days, parsed from PERIOD text.

A period knows the one before and after it (a report compares with the previous period
and looks ahead to the end of the next), and periods of one kind can be laid over a span
of days for `timeline report --every`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from timeline.core.dates import DateError, month_abbr, parse_date, parse_day
from timeline.core.errors import TimelineError

PeriodKind = Literal["year", "quarter", "month", "week", "range"]
#: The kinds `--every` accepts, finest first.
EVERY_KINDS: tuple[str, ...] = ("week", "month", "quarter", "year")

ACCEPTED = (
    "2014 (a year), 2014-Q3 (a quarter), 2014-09 (a month), 2014-W38 (an ISO week) "
    "or 2014-09-01/2014-09-30 (a range of days)"
)

# Our own names: calendar.month_name and strftime follow the locale, and reports must not.
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


_YEAR = re.compile(r"([0-9]{4})")
_QUARTER = re.compile(r"([0-9]{4})-[Qq]([0-9]+)")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_WEEK = re.compile(r"([0-9]{4})-[Ww]([0-9]+)")
_RANGE = re.compile(r"([^/]+)/([^/]+)")


class PeriodError(TimelineError, ValueError):
    """PERIOD text that names no period; the message says what is wrong and the forms."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"{text!r} is not a period: {reason}. Write {ACCEPTED}")


@dataclass(frozen=True, slots=True)
class Period:
    """A span of days a report covers, with its name (`2014-09`) and kind."""

    name: str
    kind: PeriodKind
    first: date
    last: date

    @property
    def file_stem(self) -> str:
        """The report's file name without extension: the name, with `_` for a range's `/`."""
        return self.name.replace("/", "_")

    @property
    def label(self) -> str:
        """The period for people: `September 2014`, `Q3 2014`, `Week 38, 2014`, `1–12 Sep 2014`."""
        if self.kind == "year":
            return self.name
        if self.kind == "quarter":
            return f"Q{(self.first.month + 2) // 3} {self.first.year}"
        if self.kind == "month":
            return f"{MONTH_NAMES[self.first.month - 1]} {self.first.year}"
        if self.kind == "week":
            year, week, _ = self.first.isocalendar()
            return f"Week {week}, {year}"
        return self.days_label

    @property
    def short_label(self) -> str:
        """A short label for table headings: `Sep 2014`, `Q3 2014`, `2014-W38`."""
        if self.kind == "month":
            return f"{month_abbr(self.first)} {self.first.year}"
        if self.kind == "week":
            return self.name
        return self.label

    @property
    def days_label(self) -> str:
        """The days the period covers: `1–30 Sep 2014`, `1 Jul – 30 Sep 2014`."""
        return parse_date(f"{self.first.isoformat()}/{self.last.isoformat()}").label

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last

    def previous(self) -> Period:
        """The period of the same kind (a range: the same length) just before this one."""
        try:
            if self.kind == "range":
                last = self.first - timedelta(days=1)
                return range_period(last - timedelta(days=self.days - 1), last)
            return period_of(self.kind, self.first - timedelta(days=1))
        except (OverflowError, ValueError):
            raise PeriodError(self.name, "it has no previous period in years 0001–9999") from None

    def next(self) -> Period:
        """The period of the same kind (a range: the same length) just after this one."""
        try:
            if self.kind == "range":
                first = self.last + timedelta(days=1)
                return range_period(first, first + timedelta(days=self.days - 1))
            return period_of(self.kind, self.last + timedelta(days=1))
        except (OverflowError, ValueError):
            raise PeriodError(self.name, "it has no next period in years 0001–9999") from None


def range_period(first: date, last: date) -> Period:
    """The period of the days `first` .. `last`, named `FIRST/LAST`."""
    return Period(f"{first.isoformat()}/{last.isoformat()}", "range", first, last)


def period_of(kind: str, day: date) -> Period:
    """The year, quarter, month or ISO week that holds `day`."""
    if kind == "year":
        return Period(f"{day.year:04d}", "year", date(day.year, 1, 1), date(day.year, 12, 31))
    if kind == "quarter":
        quarter = (day.month - 1) // 3 + 1
        first = date(day.year, 3 * quarter - 2, 1)
        last_month = 3 * quarter
        last = date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])
        return Period(f"{day.year:04d}-Q{quarter}", "quarter", first, last)
    if kind == "month":
        last_day = calendar.monthrange(day.year, day.month)[1]
        return Period(
            f"{day.year:04d}-{day.month:02d}",
            "month",
            date(day.year, day.month, 1),
            date(day.year, day.month, last_day),
        )
    if kind == "week":
        year, week, weekday = day.isocalendar()
        first = day - timedelta(days=weekday - 1)
        # The calendar ends on Friday 9999-12-31: the last week is cut short there.
        last = first + timedelta(days=6) if first <= date.max - timedelta(days=6) else date.max
        return Period(f"{year:04d}-W{week:02d}", "week", first, last)
    raise ValueError(f"no period kind {kind!r}; use one of {', '.join(EVERY_KINDS)}")


def count_periods(kind: str, first: date, last: date) -> int:
    """How many periods of `kind` `periods_covering` would give, counted without making
    them (a weekly series over the whole calendar has half a million)."""
    start, end = period_of(kind, first), period_of(kind, last)
    if kind == "week":
        return (end.first - start.first).days // 7 + 1
    months = (end.first.year - start.first.year) * 12 + end.first.month - start.first.month
    if kind == "year":
        return end.first.year - start.first.year + 1
    return months // (3 if kind == "quarter" else 1) + 1


def periods_covering(kind: str, first: date, last: date) -> list[Period]:
    """The periods of `kind` that together cover `first` .. `last`, in order."""
    found: list[Period] = []
    period = period_of(kind, first)
    while period.first <= last:
        found.append(period)
        if period.last == date.max:  # the calendar's last period: there is no day after
            break
        period = period_of(kind, period.last + timedelta(days=1))
    return found


def parse_period(text: str) -> Period:
    """The period PERIOD text names; PeriodError (with the accepted forms) for anything else.

    The period must have a previous and a next one inside years 0001–9999, since a report
    compares with the one and looks ahead into the other.
    """
    period = _parse(text.strip())
    period.previous()
    period.next()
    return period


def _year(text: str, digits: str) -> int:
    year = int(digits)
    if year == 0:
        raise PeriodError(text, "there is no year 0000")
    return year


def _parse(text: str) -> Period:
    if match := _YEAR.fullmatch(text):
        return period_of("year", date(_year(text, match[1]), 1, 1))
    if match := _QUARTER.fullmatch(text):
        year, quarter = _year(text, match[1]), int(match[2])
        if not 1 <= quarter <= 4:
            raise PeriodError(text, f"a year has quarters Q1 to Q4, not Q{quarter}")
        return period_of("quarter", date(year, 3 * quarter, 1))
    if match := _MONTH.fullmatch(text):
        year, month = _year(text, match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise PeriodError(text, f"there is no month {month:02d}; months run 01 to 12")
        return period_of("month", date(year, month, 1))
    if match := _WEEK.fullmatch(text):
        year, week = _year(text, match[1]), int(match[2])
        weeks = date(year, 12, 28).isocalendar()[1]  # 28 December is always in the last week
        if not 1 <= week <= weeks:
            raise PeriodError(text, f"ISO year {year} has weeks W01 to W{weeks}, not W{week:02d}")
        return period_of("week", date.fromisocalendar(year, week, 1))
    if match := _RANGE.fullmatch(text):
        try:
            first, last = parse_day(match[1]), parse_day(match[2])
        except DateError as error:
            raise PeriodError(text, error.message) from None
        if last < first:
            raise PeriodError(text, "the range ends before it starts; swap the two days")
        return range_period(first, last)
    raise PeriodError(text, "it matches none of the forms")
