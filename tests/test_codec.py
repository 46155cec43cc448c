"""Records rebuilt from the cache are the records that were read, whichever Pydantic runs.

The fast builders write a model instance's slots themselves (`timeline.collection.codec`).
These tests fail loudly when Pydantic lays out an instance otherwise than they expect, and
prove the fallback through `model_construct` builds the same records.
"""

from __future__ import annotations

from typing import Any

import pydantic
import pytest
from helpers import ACTORS, SEED, build_tree, event_yaml
from pydantic import BaseModel

from timeline.collection.codec import (
    FAST_BUILD,
    Decoder,
    decode_records,
    encode_records,
)
from timeline.collection.pipeline import load_collection
from timeline.collection.reading import FileResult, read_file
from timeline.core.facts import facts_of


def test_pydantic_lays_out_models_as_the_fast_builders_expect() -> None:
    assert FAST_BUILD, (
        f"Pydantic {pydantic.VERSION} keeps a model instance in the slots "
        f"{BaseModel.__slots__!r}: the cache's fast builders (timeline/collection/codec.py) "
        "are off and records are rebuilt through model_construct, which is slower. Check "
        "what model_construct sets in this release, teach `_builder_source` the same, and "
        "update _BUILT_SLOTS."
    )


def state(record: BaseModel) -> Any:
    """Everything an instance holds, nested records included, as Pydantic pickles it."""
    held = record.__getstate__()
    return {
        key: (
            {name: _nested(value) for name, value in held[key].items()}
            if key == "__dict__"
            else held[key]
        )
        for key in held
    }


def _nested(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return (type(value), state(value))
    if isinstance(value, list):
        return [_nested(item) for item in value]
    return value


def rebuilt(result: FileResult, decoder: Decoder) -> tuple[list[Any], list[Any]]:
    packed = encode_records(
        result.path, result.events, result.actors, result.problems,
        facts_of(result.events, result.actors),
    )  # fmt: skip
    assert packed is not None
    return decode_records(packed[1], result.path, decoder)


@pytest.fixture(scope="module")
def seed_files() -> list[FileResult]:
    # read from the project root, so that paths are as the cache stores them
    results = []
    for path in sorted(SEED.rglob("*.yaml")):
        display = path.relative_to(SEED.parent).as_posix()
        results.append(read_file(path, display, actors=path.name == "actors.yaml"))
    return results


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "model_construct"])
def test_rebuilt_records_hold_exactly_what_was_read(
    seed_files: list[FileResult], fast: bool
) -> None:
    if fast and not FAST_BUILD:
        pytest.skip("this Pydantic's layout is not the fast builders' (see the test above)")
    decoder = Decoder(fast=fast)
    for result in seed_files:
        events, actors = rebuilt(result, decoder)
        for read, built in zip([*result.events, *result.actors], [*events, *actors], strict=True):
            assert type(built) is type(read)
            assert state(built) == state(read)
            assert built == read
            assert (built.path, built.line, built.column, built.doc, built.index) == (
                read.path, read.line, read.column, read.doc, read.index,
            )  # fmt: skip
            assert built.model_dump() == read.model_dump()
            assert built.model_fields_set == read.model_fields_set


def test_both_builders_agree_on_every_kind_of_record(tmp_path: Any) -> None:
    # optional keys given or not, empty lists, nested sources and updates, both actor forms
    root = build_tree(tmp_path / "events", {
        "actors.yaml": ACTORS,
        "a.yaml": event_yaml("a", actors="[kerry, {actor: yun, role: sponsor}]",
                             location="{name: New York, country: US}", tags="[un]"),
        "b.yaml": event_yaml("b", related="[{event: a, relation: follows}]",
                             updates="[{date: 2014-09-13, status: occurred, note: done, "
                                     "source: {url: 'https://example.org'}}]"),
        "c.yaml": "- " + event_yaml("c", summary="'x'").replace("\n", "\n  ").rstrip() + "\n",
    })  # fmt: skip
    collection = load_collection(root)
    assert len(collection.events) == 3
    for path in sorted(root.glob("*.yaml")):
        display = path.name
        result = read_file(path, display, actors=path.name == "actors.yaml")
        assert not result.problems
        fast = rebuilt(result, Decoder(fast=True))
        slow = rebuilt(result, Decoder(fast=False))
        assert [state(r) for r in fast[0] + fast[1]] == [state(r) for r in slow[0] + slow[1]]
        assert [state(r) for r in fast[0] + fast[1]] == [
            state(r) for r in result.events + result.actors
        ]
