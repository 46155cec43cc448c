"""Words for counts, the same in every output."""

from __future__ import annotations


def plural(count: int, word: str) -> str:
    """`1 event`, `2 events`, `0 events`: a count and a regular noun."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
