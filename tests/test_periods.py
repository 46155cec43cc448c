"""PERIOD parsing, neighbouring periods and the periods `--every` lays over a span."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline.core.periods import (
    ACCEPTED,
    EVERY_KINDS,
    Period,
    PeriodError,
    parse_period,
    period_of,
    periods_covering,
)


@pytest.mark.parametrize(
    ("text", "kind", "first", "last", "label", "stem"),
    [
        ("2014", "year", date(2014, 1, 1), date(2014, 12, 31), "2014", "2014"),
        ("2014-Q3", "quarter", date(2014, 7, 1), date(2014, 9, 30), "Q3 2014", "2014-Q3"),
        ("2014-Q1", "quarter", date(2014, 1, 1), date(2014, 3, 31), "Q1 2014", "2014-Q1"),
        ("2014-09", "month", date(2014, 9, 1), date(2014, 9, 30), "September 2014", "2014-09"),
        ("2016-02", "month", date(2016, 2, 1), date(2016, 2, 29), "February 2016", "2016-02"),
        ("2014-W38", "week", date(2014, 9, 15), date(2014, 9, 21), "Week 38, 2014", "2014-W38"),
        # ISO week 1 of 2015 starts in 2014; 2015 has 53 weeks, the last ending in 2016
        ("2015-W01", "week", date(2014, 12, 29), date(2015, 1, 4), "Week 1, 2015", "2015-W01"),
        ("2015-W53", "week", date(2015, 12, 28), date(2016, 1, 3), "Week 53, 2015", "2015-W53"),
        (
            "2014-09-01/2014-09-30", "range", date(2014, 9, 1), date(2014, 9, 30),
            "1–30 Sep 2014", "2014-09-01_2014-09-30",
        ),
        ("2014-09-13/2014-09-13", "range", date(2014, 9, 13), date(2014, 9, 13), "13 Sep 2014",
         "2014-09-13_2014-09-13"),
    ],
)  # fmt: skip
def test_every_form_parses(
    text: str, kind: str, first: date, last: date, label: str, stem: str
) -> None:
    period = parse_period(text)
    assert (period.name, period.kind, period.first, period.last) == (text, kind, first, last)
    assert period.label == label
    assert period.file_stem == stem


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2014-13", "there is no month 13"),
        ("2014-00", "there is no month 00"),
        ("2014-W54", "ISO year 2014 has weeks W01 to W52, not W54"),
        ("2014-W53", "ISO year 2014 has weeks W01 to W52, not W53"),
        ("2014-W00", "not W00"),
        ("2014-Q5", "quarters Q1 to Q4, not Q5"),
        ("2014-Q0", "not Q0"),
        ("2014-09-30/2014-09-01", "ends before it starts; swap the two days"),
        ("2014-02-30/2014-03-01", "'2014-02-30' is not a calendar date"),
        ("2014-09/2014-10", "'2014-09' is not a day"),
        ("0000", "there is no year 0000"),
        ("0001", "no previous period"),
        ("9999-12", "no next period"),
        ("2014-9", "matches none of the forms"),
        ("14", "matches none of the forms"),
        ("", "matches none of the forms"),
        ("September", "matches none of the forms"),
        ("2014-09-01/", "matches none of the forms"),
        ("２０１４", "matches none of the forms"),  # other scripts' digits are not ours
    ],
)
def test_malformed_periods_name_the_fault_and_the_accepted_forms(text: str, reason: str) -> None:
    with pytest.raises(PeriodError) as caught:
        parse_period(text)
    assert reason in caught.value.message
    assert caught.value.message.startswith(f"{text!r} is not a period: ")
    assert caught.value.message.endswith(ACCEPTED)


@pytest.mark.parametrize(
    ("text", "previous", "following"),
    [
        ("2014", "2013", "2015"),
        ("2014-Q1", "2013-Q4", "2014-Q2"),
        ("2014-Q4", "2014-Q3", "2015-Q1"),
        ("2014-01", "2013-12", "2014-02"),
        ("2014-12", "2014-11", "2015-01"),
        ("2015-W01", "2014-W52", "2015-W02"),
        ("2015-W53", "2015-W52", "2016-W01"),
        ("2014-09-01/2014-09-30", "2014-08-02/2014-08-31", "2014-10-01/2014-10-30"),
        ("2014-09-13/2014-09-13", "2014-09-12/2014-09-12", "2014-09-14/2014-09-14"),
    ],
)
def test_previous_and_next(text: str, previous: str, following: str) -> None:
    period = parse_period(text)
    assert period.previous() == parse_period(previous)
    assert period.next() == parse_period(following)


def test_periods_covering_a_span() -> None:
    september = parse_period("2014-09")
    weeks = periods_covering("week", september.first, september.last)
    assert [p.name for p in weeks] == ["2014-W36", "2014-W37", "2014-W38", "2014-W39", "2014-W40"]
    assert [p.name for p in periods_covering("month", date(2014, 8, 31), date(2014, 10, 1))] == [
        "2014-08", "2014-09", "2014-10",
    ]  # fmt: skip
    assert [p.name for p in periods_covering("year", date(2014, 5, 5), date(2014, 5, 5))] == [
        "2014"
    ]
    assert [p.name for p in periods_covering("quarter", date(2013, 11, 1), date(2014, 4, 1))] == [
        "2013-Q4", "2014-Q1", "2014-Q2",
    ]  # fmt: skip


days = st.dates(min_value=date(2, 1, 1), max_value=date(9998, 12, 1))


@given(kind=st.sampled_from(EVERY_KINDS), day=days)
def test_a_period_holds_its_day_and_meets_its_neighbours(kind: str, day: date) -> None:
    period = period_of(kind, day)
    assert period.contains(day)
    assert period.previous().last == period.first - timedelta(days=1)
    assert period.next().first == period.last + timedelta(days=1)
    assert parse_period(period.name) == period


# A range has neighbours of its own length only where they fit in years 0001-9999: with
# up to 801 days, a range must start 801 days after the first day and end 801 before the
# last (0002-01-01/0003-01-01 has no previous range: found by this test, once).
ranged_days = st.dates(min_value=date(4, 1, 1), max_value=date(9995, 1, 1))


@given(first=ranged_days, length=st.integers(min_value=0, max_value=800))
def test_ranges_round_trip_and_keep_their_length(first: date, length: int) -> None:
    last = first + timedelta(days=length)
    period = parse_period(f"{first.isoformat()}/{last.isoformat()}")
    assert period == Period(period.name, "range", first, last)
    assert period.next().days == period.previous().days == period.days == length + 1
    assert period.next().first == last + timedelta(days=1)


@given(
    kind=st.sampled_from(EVERY_KINDS),
    first=st.dates(min_value=date(2, 1, 1), max_value=date(9998, 11, 26)),  # last <= 9999
    length=st.integers(0, 400),
)
def test_covering_periods_tile_the_span_without_gaps(kind: str, first: date, length: int) -> None:
    last = first + timedelta(days=length)
    periods = periods_covering(kind, first, last)
    assert periods[0].contains(first) and periods[-1].contains(last)
    for before, after in itertools.pairwise(periods):
        assert after.first == before.last + timedelta(days=1)
