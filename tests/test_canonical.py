"""Canonical YAML for new events: clean, quoted where needed, and read back exactly."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

import pytest
import yaml
from helpers import SEED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.collection.pipeline import load_collection
from timeline.collection.reading import read_bytes
from timeline.core.model import EVENT_KEYS, LINE_BREAKS, RELATIONS, ROLES, STATUSES, Event, readable
from timeline.store.canonical import SCHEMA_LINE, event_record, event_yaml, misread_plain

# Strings that YAML readers love to turn into something else, or that need escapes.
NASTY = [
    "NO", "no", "Yes", "ON", "off", "y", "N", "~", "null", "NULL", "true", "False", "12:30",
    "190:20:30.15", "0123", "0o17", "0x1F", "0b101", "1_000", "1e3", "1.5", ".5", "-1", "+1",
    ".inf", "-.Inf", ".NaN", "2014-09-13", "2014-9-3", "2014-09-13 12:00:00", "2014-09-13T12:00",
    " lead", "trail ", "#hash", "a #b", "a: b", "a:b", "- x", "-", "? x", "?", "[x]", "{x: 1}",
    "&anchor", "*alias", "!tag", "!!str", "|", "> x", "%x", "@x", "`x", "'q'", '"q"', "q'q",
    "a\nb", "a\n\nb\n", "\n lead", "two\n\n", "x\r\ny", "tab\there", "\t", "\x85", "\u2028",
    "\u2029", "\ufeff", "\x00", "\x7f", "\x1b[31m", "é 日本 🙂", "\u202eevil", "", " ", "---",
    "...", "<<", "=", "a,b", "a  b", "line  \nnext", "  indented\n  block\n",
]  # fmt: skip

text = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=30),
    st.lists(st.sampled_from(NASTY), min_size=2, max_size=4).map("".join),
)
one_line = (
    text.map(lambda s: "".join(" " if c in LINE_BREAKS else c for c in s)[:200])
    .filter(readable)
)  # fmt: skip
slug = st.from_regex(r"[a-z0-9][a-z0-9-]{0,30}", fullmatch=True)
day = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))
DATES = [
    "2014", "2014-09", "2014-09-13", "2014-09~", "2014?", "2014-09-13%", "2014-09-22/2014-09-30",
    "2013~/2014-02", "2014-09-22/..", "2014/2015-03?", "2014-02-28/2014-03",
    "[2014-09-08..2014-09-12]", "[2014..2015-03]%",
]  # fmt: skip
date_expression = st.one_of(
    st.sampled_from(DATES),
    day.map(date.isoformat),
    day,
    st.integers(1000, 9999),
)
url = st.one_of(
    st.sampled_from(
        ["https://example.org/a?b=1&c=2#x", "http://example.org/ü%20NO", "https://x.y"]
    ),
    # a link holds no spaces or control characters (url-characters): the rest of any text
    text.map(
        lambda s: (
            "https://example.org/"
            + "".join(c for c in s if not c.isspace() and unicodedata.category(c)[0] not in "CZ")
        )
    ),
)
source = st.fixed_dictionaries(
    {"title": text},
    optional={"publisher": text, "url": url, "published": day, "quote": text, "accessed": day},
)
actor = st.one_of(slug, st.fixed_dictionaries({"actor": slug, "role": st.sampled_from(ROLES)}))
location = st.one_of(
    st.none(),
    text,
    st.fixed_dictionaries(
        {"name": text}, optional={"country": st.sampled_from(["US", "KOR", "NO", "FR"])}
    ),
)
update = st.fixed_dictionaries(
    {"date": day},
    optional={"status": st.sampled_from(STATUSES), "note": text, "source": source},
)
event_data = st.fixed_dictionaries(
    {
        "id": slug,
        "title": one_line,
        "date": date_expression,
        "type": st.sampled_from(["meeting", "side-event", "vote"]),
        "status": st.sampled_from(STATUSES),
    },
    optional={
        "actors": st.lists(actor, max_size=3),
        "location": location,
        "summary": st.one_of(st.none(), text),
        "sources": st.lists(source, max_size=2),
        "tags": st.lists(slug, max_size=3),
        "related": st.lists(
            st.fixed_dictionaries({"event": slug, "relation": st.sampled_from(RELATIONS)}),
            max_size=2,
        ),
        # updates are kept oldest first (a date-order error otherwise)
        "updates": st.lists(update, max_size=2).map(lambda items: sorted(items, key=_day_of)),
    },
)


def _day_of(update: dict[str, Any]) -> str:
    return str(update["date"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(event_data)
def test_written_events_read_back_exactly(data: dict[str, Any]) -> None:
    event = Event.model_validate(data)
    written = event_yaml(event)
    result = read_bytes(written.encode("utf-8"), "new.yaml")
    assert result.problems == []
    assert [e.model_dump() for e in result.events] == [event.model_dump()]
    # A YAML 1.1 reader (PyYAML) reads the same values: nothing it would misread is plain.
    assert yaml.safe_load(written) == event_record(event)


@pytest.mark.parametrize("event", load_collection(SEED).events, ids=lambda e: e.id)
def test_seed_events_read_back_exactly(event: Event) -> None:
    written = event_yaml(event)
    assert written.startswith(SCHEMA_LINE)
    [again] = read_bytes(written.encode("utf-8"), "x").events
    assert again.model_dump() == event.model_dump()


def test_file_shape() -> None:
    event = Event.model_validate(
        {
            "updates": [{"date": "2014-09-23", "status": "occurred"}],
            "summary": "First line.\nSecond line, 22–30 September.\n",
            "tags": ["side-event"],
            "sources": [{"title": "NO", "published": "2014-09-13", "url": "https://x.org/a"}],
            "location": {"name": "Genève", "country": "CH"},
            "actors": ["us", {"actor": "ohchr", "role": "organizer"}],
            "status": "scheduled",
            "type": "side-event",
            "date": "2014-09-22/2014-09-30",
            "title": "Side event: 12:30",
            "id": "side",
        }
    )
    assert event_yaml(event) == (
        SCHEMA_LINE + "id: side\n"
        "title: 'Side event: 12:30'\n"
        "date: 2014-09-22/2014-09-30\n"
        "type: side-event\n"
        "status: scheduled\n"
        "actors:\n"
        "  - us\n"
        "  - actor: ohchr\n"
        "    role: organizer\n"
        "location:\n"
        "  name: Genève\n"
        "  country: CH\n"
        "summary: |\n"
        "  First line.\n"
        "  Second line, 22–30 September.\n"
        "sources:\n"
        '  - title: "NO"\n'
        "    url: https://x.org/a\n"
        "    published: 2014-09-13\n"
        "tags:\n"
        "  - side-event\n"
        "updates:\n"
        "  - date: 2014-09-23\n"
        "    status: occurred\n"
    )


def test_keys_follow_the_format_order() -> None:
    assert EVENT_KEYS[:5] == ("id", "title", "date", "type", "status")
    event = Event.model_validate(
        {"id": "a", "title": "A", "date": 2014, "type": "vote", "status": "occurred",
         "location": "Geneva", "tags": ["x"]}
    )  # fmt: skip
    written = event_yaml(event)
    assert "date: 2014\n" in written  # a year stays a number, never "2014"
    assert "location: Geneva\n" in written  # without a country, just the name
    keys = [line.split(":")[0] for line in written.splitlines()[1:] if not line[0].isspace()]
    assert keys == ["id", "title", "date", "type", "status", "location", "tags"]


@pytest.mark.parametrize(
    "value", ["NO", "yes", "on", "12:30", "0123", "1e3", "~", "null", "", " x", "x ", "2014-9-3",
              "2014-09-13", "true", "1_000", "<<", "="],
)  # fmt: skip
def test_values_that_would_be_misread(value: str) -> None:
    assert misread_plain(value)


@pytest.mark.parametrize("value", ["Norway", "2014-09~", "2014-09", "side-event", "a:b", "日本"])
def test_values_that_are_safe_plain(value: str) -> None:
    assert not misread_plain(value)
