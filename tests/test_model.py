"""Record values the format forbids, checked on the model itself."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from timeline.core.model import Event

BASE = {"id": "e1", "date": "2014-09-13", "type": "meeting", "status": "occurred"}


def codes(title: str) -> list[str]:
    try:
        Event.model_validate({**BASE, "title": title})
    except ValidationError as error:
        return [detail["type"] for detail in error.errors()]
    return []


@pytest.mark.parametrize(
    "title",
    ["", "   ", "\u200b", "\u200b\u200d\ufeff", "\u2060 \u00a0", "\u3000", "\u202e"],
    ids=["empty", "spaces", "zero-width", "joiners-bom", "word-joiner-nbsp", "ideographic",
         "bidi-override"],
)  # fmt: skip
def test_a_title_with_nothing_to_read_is_empty(title: str) -> None:
    assert codes(title) == ["invalid-title"]


@pytest.mark.parametrize(
    "title", ["a\nb", "a\rb", "a\u2028b", "a\u2029b", "a\x85b", "a\x0bb", "a\u2028", "a\n"]
)
def test_a_title_is_one_line_whatever_the_line_break(title: str) -> None:
    assert codes(title) == ["invalid-title"]


@pytest.mark.parametrize("title", ["Talks", "北朝鮮の人権", "e\u0301te", "a\u200db", "x" * 200])
def test_readable_titles_pass(title: str) -> None:
    assert codes(title) == []
