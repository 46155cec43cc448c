"""Pages at or under the density threshold are the bytes they were before the density
overview: the seed page in every lane grouping, its report and image figure, and a page of
exactly the threshold's marks (fingerprints in `tests/data/small-pages.json`, written by
`tests/small_pages.py` on the commit before the overview)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from small_pages import AT_THRESHOLD, FINGERPRINTS, cases, fingerprint

from timeline.views.render.figure import DENSITY_ABOVE


def test_the_largest_case_is_at_the_threshold() -> None:
    assert AT_THRESHOLD == DENSITY_ABOVE


def test_small_pages_are_unchanged_byte_for_byte(tmp_path: Path) -> None:
    expected = json.loads(FINGERPRINTS.read_text(encoding="utf-8"))
    made = cases(tmp_path)
    assert sorted(made) == sorted(expected)
    changed = [name for name, make in made.items() if fingerprint(make()) != expected[name]]
    if changed:
        pytest.fail(f"small pages changed: {', '.join(changed)}")
