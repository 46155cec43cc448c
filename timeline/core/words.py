"""Words for counts, the same in every output (messages, reports, pages, exports)."""

from __future__ import annotations


def noun(count: int, word: str) -> str:
    """`event` for one, `events` for any other count: a regular noun's form for `count`."""
    return word if count == 1 else f"{word}s"


def plural(count: int, word: str) -> str:
    """`1 event`, `2 events`, `0 events`: a count and its noun."""
    return f"{count} {noun(count, word)}"
