"""The checks across a collection, run on facts directly: the shapes no small fixture has."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from timeline.collection.checks import CYCLE_SHOWN, run_checks
from timeline.collection.collection import Outline
from timeline.core.facts import EventFacts

DAY = date(2014, 9, 1).toordinal()


def facts(event_id: str, *part_of: str) -> EventFacts:
    related = tuple((parent, "part-of") for parent in part_of)
    return EventFacts(
        event_id, f"events/{event_id}.yaml", 1, 1, 0, None, "occurred", DAY, DAY, "1 Sep 2014",
        (), related, None, True,
    )  # fmt: skip


def cycle_problems(events: list[EventFacts]) -> list[str]:
    outline = Outline(Path("events"), events, [], [], len(events))
    return [p.message for p in run_checks(outline, date(2014, 9, 13)) if p.code == "part-of-cycle"]


def test_a_chain_is_no_cycle() -> None:
    chain = [facts(f"e{n}", f"e{n + 1}") for n in range(5000)] + [facts("e5000")]
    assert cycle_problems(chain) == []


def test_a_cycle_names_each_link_with_its_files() -> None:
    found = cycle_problems([facts("a", "b"), facts("b", "c"), facts("c", "a"), facts("d", "a")])
    assert found == [
        "related[0]: 'a' is part of 'b' (events/b.yaml:1), which is part of 'c' "
        "(events/c.yaml:1), which is part of 'a': an event cannot contain itself; "
        "remove one of these part-of links",
        "related[0]: 'b' is part of 'c' (events/c.yaml:1), which is part of 'a' "
        "(events/a.yaml:1), which is part of 'b': an event cannot contain itself; "
        "remove one of these part-of links",
        "related[0]: 'c' is part of 'a' (events/a.yaml:1), which is part of 'b' "
        "(events/b.yaml:1), which is part of 'c': an event cannot contain itself; "
        "remove one of these part-of links",
    ]  # 'd' hangs off the cycle without being in it


def test_two_cycles_sharing_an_event_are_one_group() -> None:
    found = cycle_problems([facts("a", "b", "c"), facts("b", "a"), facts("c", "a")])
    assert len(found) == 4  # a->b, a->c, b->a, c->a


@pytest.mark.parametrize("size", [CYCLE_SHOWN, CYCLE_SHOWN + 1, 20_000])
def test_a_long_cycle_is_named_in_short_words(size: int) -> None:
    ring = [facts(f"e{n:05d}", f"e{(n + 1) % size:05d}") for n in range(size)]
    found = cycle_problems(ring)  # (a search per event would be quadratic: minutes here)
    assert len(found) == size
    longest = max(len(message) for message in found)
    assert longest < (60 * CYCLE_SHOWN if size <= CYCLE_SHOWN else 400)
