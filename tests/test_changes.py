"""Two versions of events compared (`timeline.core.changes`) and the changes as text
(`timeline.views.changes`), without git."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ACTORS, build_tree, event_yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.collection.pipeline import load_collection
from timeline.core.changes import diff_events, field_changes
from timeline.core.model import Event
from timeline.views.changes import describe_field, diff_data, diff_markdown, diff_text


def events_of(tmp_path: Path, name: str, files: dict[str, str]) -> list[Event]:
    root = build_tree(tmp_path / name, {"actors.yaml": ACTORS, **files})
    return load_collection(root).events


def test_fields_old_and_new(tmp_path: Path) -> None:
    old = events_of(tmp_path, "a", {"x.yaml": event_yaml("x", status="scheduled")})[0]
    new = events_of(tmp_path, "b", {"x.yaml": event_yaml("x", title="Retitled", tags="[a]")})[0]
    changes = field_changes(old, new, path_of=lambda e: e.path.rsplit("/", 1)[1])
    assert changes == {
        "title": ("Event x", "Retitled"),
        "status": ("scheduled", "occurred"),
        "tags": ([], ["a"]),
    }


def test_lists_name_the_items_added_and_removed() -> None:
    change = describe_field(
        "sources", [{"title": "One"}, {"title": "Two"}], [{"title": "Two"}, {"title": "Three"}]
    )
    assert change.line() == "sources: + Three; - One"
    assert describe_field("tags", ["a", "b"], ["b", "a"]).line() == (
        "tags: (in another order) -> (reordered)"
    )
    assert describe_field("summary", None, "New text").line("→") == "summary: (none) → New text"
    updates = describe_field("updates", [], [{"date": "2014-09-13", "status": "scheduled"}])
    assert updates.line() == "updates: + 2014-09-13 scheduled"


def test_diff_text_markdown_and_json(tmp_path: Path) -> None:
    old = events_of(tmp_path, "a", {"x.yaml": event_yaml("x"), "y.yaml": event_yaml("y")})
    new = events_of(tmp_path, "b", {
        "x.yaml": event_yaml("x", title="X | *new*"), "z.yaml": event_yaml("z"),
    })  # fmt: skip
    diff = diff_events(old, new, path_of=lambda e: e.path.rsplit("/", 1)[1])
    assert [e.id for e in diff.added] == ["z"] and [e.id for e in diff.removed] == ["y"]
    assert diff_text(diff, "A", "B") == [
        "A -> B: 1 added, 1 removed, 1 changed",
        "+ added    12 Sep 2014  z  Event z",
        "- removed  12 Sep 2014  y  Event y",
        "~ changed  12 Sep 2014  x  X | *new*",
        "    title: Event x -> X | *new*",
    ]
    assert "  - title: Event x → X \\| \\*new\\*" in diff_markdown(diff, "A", "B")
    data = diff_data(diff, {"asked": "A"}, {"asked": "B"})
    assert data["changed"] == [{"id": "x", "fields": {"title": ["Event x", "X | *new*"]}}]


@settings(max_examples=40, deadline=None)
@given(
    before=st.sets(st.sampled_from("abcdef"), max_size=6),
    after=st.sets(st.sampled_from("abcdef"), max_size=6),
    retitled=st.sets(st.sampled_from("abcdef"), max_size=6),
)
def test_diff_partitions_the_ids(
    tmp_path_factory: object, before: set[str], after: set[str], retitled: set[str]
) -> None:
    base = Path(tmp_path_factory.mktemp("diff"))  # type: ignore[attr-defined]
    old = events_of(base, "old", {f"{i}.yaml": event_yaml(i) for i in before})
    new = events_of(base, "new", {
        f"{i}.yaml": event_yaml(i, title=f"T {i}" if i in retitled else f"Event {i}")
        for i in after
    })  # fmt: skip
    diff = diff_events(old, new, path_of=lambda e: e.path.rsplit("/", 1)[1])
    assert {e.id for e in diff.added} == after - before
    assert {e.id for e in diff.removed} == before - after
    assert {c.id for c in diff.changed} == before & after & retitled
    assert diff_events(new, new).empty


@pytest.mark.parametrize(
    "text",
    ["a|b [x](y) <s> &lt; *q* \\ # ~ !", "two\nlines\u2028here", "plain", "`code`",
     "\u202eevil", "x\u2066y"],
)  # fmt: skip
def test_diff_markdown_escapes_record_text_as_the_report_does(text: str) -> None:
    from timeline.views.report.render import md_text

    heading = diff_markdown(diff_events([], []), text, "B").splitlines()[0]
    assert heading == f"# Changes from {md_text(text)} to B"
