"""Hints in messages: the closest known id, found quickly among many."""

from __future__ import annotations

import difflib

import pytest

from timeline.core.problems import closest, did_you_mean

SEED_ACTORS = ["kerry", "yun-byung-se", "unga", "un-coi-dprk", "kishida", "eu", "japan"]


@pytest.mark.parametrize(
    "word", ["kery", "yun-byung", "ungaa", "un-coi", "kishda", "japn", "zzzz", "e", "dprk"]
)
def test_same_hint_as_difflib_on_everyday_typos(word: str) -> None:
    expected = difflib.get_close_matches(word, SEED_ACTORS, n=1, cutoff=0.6)
    assert closest(word, SEED_ACTORS) == (expected[0] if expected else None)


def test_hint_among_100000_ids() -> None:
    # difflib took 2.5 s for this one lookup; a hundred broken links took minutes
    ids = [f"event-{n}-meeting-of-ministers" for n in range(100_000)]
    assert closest("event-5-meetin-of-ministers", ids) == "event-5-meeting-of-ministers"
    assert closest("budget-vote", ids) is None
    assert did_you_mean("event-99999-meeting-of-minister", ids) == (
        "; did you mean 'event-99999-meeting-of-ministers'?"
    )


def test_ties_go_to_the_first_choice() -> None:
    assert closest("abcx", ["abcy", "abcz"]) == "abcy"
    assert closest("abcx", ["abcz", "abcy"]) == "abcz"
