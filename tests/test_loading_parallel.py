"""Parallel loading and the cache against the reference path: identical records and problems."""

from __future__ import annotations

import gc
import shutil
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from helpers import SEED, build_tree, collection_snapshot, event_yaml

import timeline.collection.codec
import timeline.collection.files
import timeline.collection.loading
import timeline.collection.reading
import timeline.core.memory
from timeline.collection.cache import ContentCache
from timeline.collection.collection import Collection
from timeline.collection.files import collection_files, collection_jobs, display_path, is_actor_file
from timeline.collection.loading import merge_outlines, merge_results, read_files
from timeline.collection.pipeline import load_collection
from timeline.collection.reading import read_file

CASES = Path(__file__).parent / "data" / "invalid"


def reference(root: Path) -> Collection:
    """The plain path: every file read in turn, no cache, no workers."""
    results = [
        read_file(path, display_path(path), actors=is_actor_file(path, root))
        for path in collection_files(root)
    ]
    return merge_results(root, results)


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every invalid case, the seed, and generated files, in one collection."""
    root = tmp_path / "events"
    shutil.copytree(SEED, root)
    for case in sorted(p for p in CASES.iterdir() if p.is_dir()):
        # the cases' own registries become event files here: more problems to compare
        shutil.copytree(case / "events", root / "cases" / case.name)
    build_tree(root, {
        f"gen/{n:03d}.yaml": "---\n" + event_yaml(f"gen-{n}", date=f"2014-{n % 12 + 1:02d}")
        + ("---\n- " + event_yaml(f"gen-list-{n}").replace("\n", "\n  ").rstrip() + "\n"
           if n % 3 == 0 else "")
        for n in range(60)
    })  # fmt: skip
    build_tree(root, {"big.yaml": "# " + "x" * 12000 + "\n" + event_yaml("big")})
    # big.yaml is too large; every seed file (actors.yaml is the largest) is not
    monkeypatch.setattr(timeline.collection.files, "MAX_FILE_BYTES", 10000)  # the one limit
    monkeypatch.setattr(timeline.collection.loading, "PARALLEL_MIN_FILES", 1)
    monkeypatch.chdir(tmp_path)
    return root


def test_corpus_is_varied(corpus: Path) -> None:
    collection = reference(corpus)
    codes = {problem.code for problem in collection.problems}
    assert len(collection_files(corpus)) > 100 and len(collection.events) > 80
    assert {"yaml-syntax", "yaml-alias", "duplicate-key", "invalid-date", "unknown-field",
            "encoding", "too-large", "wrong-type", "not-a-record"} <= codes  # fmt: skip


def test_parallel_serial_and_reference_agree(corpus: Path) -> None:
    expected = collection_snapshot(reference(corpus))
    assert collection_snapshot(load_collection(corpus, workers=1)) == expected
    assert collection_snapshot(load_collection(corpus, workers=2)) == expected


def test_parallel_filling_the_cache_then_warm_agree(corpus: Path, tmp_path: Path) -> None:
    expected = collection_snapshot(reference(corpus))
    cold = load_collection(corpus, workers=2, cache=ContentCache(corpus, tmp_path / "c"))
    warm = load_collection(corpus, workers=2, cache=ContentCache(corpus, tmp_path / "c"))
    assert collection_snapshot(cold) == expected
    assert collection_snapshot(warm) == expected


def record(calls: list[tuple[int, int]], done: int, total: int) -> None:
    calls.append((done, total))


def test_progress_counts_up_to_the_files_parsed(corpus: Path) -> None:
    for workers in (1, 2):
        calls: list[tuple[int, int]] = []
        load_collection(corpus, workers=workers, progress=partial(record, calls))
        total = len(collection_files(corpus))
        assert calls[-1] == (total, total)
        assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_workers_that_cannot_start_fall_back(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OSError("no processes left")

    monkeypatch.setattr(timeline.collection.loading, "ProcessPoolExecutor", broken)
    assert collection_snapshot(load_collection(corpus, workers=2)) == collection_snapshot(
        reference(corpus)
    )


def test_collector_is_restored_and_large_loads_frozen(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert gc.isenabled()
    load_collection(corpus, workers=1)
    assert gc.isenabled()
    monkeypatch.setattr(timeline.core.memory, "FREEZE_MIN_EVENTS", 1)
    gc.unfreeze()
    try:
        gc.disable()
        collection = load_collection(corpus, workers=1)
        assert not gc.isenabled()  # a caller's choice is kept
        assert gc.get_freeze_count() > 0  # the records are out of the cycle search
    finally:
        gc.enable()
        gc.unfreeze()
    assert collection.events


def test_what_workers_cannot_send_is_parsed_here(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = timeline.collection.codec.encode_records

    def refuse_some(display: str, *args: Any) -> bytes | None:
        return None if display.endswith("0.yaml") else original(display, *args)

    monkeypatch.setattr(timeline.collection.loading, "encode_records", refuse_some)
    assert collection_snapshot(load_collection(corpus, workers=2)) == collection_snapshot(
        reference(corpus)
    )


def outline_of(root: Path, *, workers: int, cache: ContentCache | None = None) -> list[Any]:
    """The collection's facts as `validate` reads them: no records built."""
    results = read_files(collection_jobs(root), cache=cache, workers=workers, records=False)
    if cache is not None:
        cache.save()
    outline = merge_outlines(root, results)
    return [outline.events, outline.actors, outline.problems, outline.files]


def test_outlines_without_records_agree_with_the_records(corpus: Path, tmp_path: Path) -> None:
    # `validate` takes facts from workers and the cache instead of building records: they
    # must be what the records themselves say, on every kind of broken input.
    results = [
        read_file(path, display_path(path), actors=is_actor_file(path, corpus))
        for path in collection_files(corpus)
    ]
    # (the facts of records too broken to build are part of them: their valid fields are
    # still checked across the collection)
    expected = [
        [facts for result in results for facts in result.record_facts()[0]],
        [facts for result in results for facts in result.record_facts()[1]],
        merge_results(corpus, results).problems,
        len(results),
    ]
    assert len(expected[0]) > 80 and expected[1]
    assert any(facts.start is None for facts in expected[0])  # broken records are there
    assert outline_of(corpus, workers=1) == expected
    assert outline_of(corpus, workers=2) == expected
    cache = partial(ContentCache, corpus, tmp_path / "c")
    assert outline_of(corpus, workers=2, cache=cache()) == expected  # filling the cache
    assert outline_of(corpus, workers=2, cache=cache()) == expected  # from the cache
    assert load_collection(corpus, cache=cache()).outline.events == expected[0]
    # the workers of a run that builds no records still sent them for the cache to keep
    assert collection_snapshot(load_collection(corpus, cache=cache())) == collection_snapshot(
        reference(corpus)
    )


@pytest.mark.parametrize("where", ["relative", "dotted", "absolute", "itself", "outside"])
def test_jobs_name_files_as_display_path_does(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build_tree(tmp_path / "work" / "events", {
        "actors.yaml": "", "2014/a.yaml": "", "2014/sub/actors.yaml": "", "b.yml": "",
    })  # fmt: skip
    monkeypatch.chdir(root if where == "itself" else tmp_path / "work")
    given = {
        "relative": Path("events"),
        "dotted": Path("./events/"),
        "absolute": root,
        "itself": Path("."),
        "outside": Path("../work/events"),
    }[where]
    if where == "outside":
        monkeypatch.chdir(tmp_path / "work" / "events" / "2014")
        given = Path("../../events")
    jobs = collection_jobs(given)
    assert [display for _, display, _ in jobs] == [display_path(p) for p, _, _ in jobs]
    assert [flag for _, _, flag in jobs] == [is_actor_file(p, given) for p, _, _ in jobs]
    assert [p for p, _, _ in jobs] == collection_files(given)
    assert sum(flag for _, _, flag in jobs) == 1
