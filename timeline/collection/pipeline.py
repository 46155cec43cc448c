"""The two ways in: load a collection from its folder, or load it and check it.

Both read every file (from the cache where it knows them, in worker processes where there
are many) and merge them; checking then runs `timeline.collection.checks` across the
whole, or takes the result of an earlier run on the very same files and day.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple, TypeVar, overload

from timeline.collection.cache import ContentCache
from timeline.collection.files import Job, walk_collection
from timeline.core.memory import collector_paused
from timeline.core.problems import Problem

if TYPE_CHECKING:
    from timeline.collection.collection import Collection, Outline
    from timeline.collection.loading import Progress
    from timeline.collection.reading import FileResult

# Reading files (`loading`) and the checks are imported where they run: a run whose
# checks' result is cached reads no file and runs no check, so it needs neither YAML nor
# Pydantic (see README, "Speed").


class Tally(NamedTuple):
    """How many files and events a collection has: what a check without records tells."""

    files: int
    events: int


def load_collection(
    root: Path,
    *,
    extra: Sequence[Path] = (),
    cache: ContentCache | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> Collection:
    """Every record of the collection at `root` (and of `extra` files, read as event files)
    and the problems of its files; the checks across it are not run.

    With `cache`, files whose content is unchanged are taken from it and the others are
    stored in it, and it is saved. Many files to parse are parsed in `workers`
    processes (default: one per core); `progress(done, total)` is told how the parsing
    goes.
    """
    from timeline.collection.loading import merge_results

    jobs, unwalked = walk_collection(root, extra)
    return _read(
        jobs, unwalked, root, merge_results, cache=cache, workers=workers, progress=progress
    )


@overload
def check_collection(
    root: Path,
    as_of: date,
    *,
    records: Literal[True] = True,
    extra: Sequence[Path] = (),
    cache: ContentCache | None = None,
    progress: Progress | None = None,
) -> tuple[Collection, list[Problem]]: ...


@overload
def check_collection(
    root: Path,
    as_of: date,
    *,
    records: Literal[False],
    extra: Sequence[Path] = (),
    cache: ContentCache | None = None,
    progress: Progress | None = None,
) -> tuple[Tally, list[Problem]]: ...


def check_collection(
    root: Path,
    as_of: date,
    *,
    records: bool = True,
    extra: Sequence[Path] = (),
    cache: ContentCache | None = None,
    progress: Progress | None = None,
) -> tuple[Collection | Tally, list[Problem]]:
    """The collection at `root` (as `load_collection` reads it) and every problem in it,
    its files' and those across it, judged as of `as_of`.

    Without `records` it gives only how many files and events there are, building as few
    records as it can: none when the cache knows every file (their facts are enough),
    and not even the facts when the last run checked exactly these files on this day.
    """
    jobs, unwalked = walk_collection(root, extra)
    # Folders that could not be walked are not in the state the cache keeps results of.
    known = cache if not unwalked else None
    if records:
        from timeline.collection.loading import merge_results

        collection = _read(jobs, unwalked, root, merge_results, cache=cache, progress=progress)
        tally = Tally(collection.files, len(collection.events))
        return collection, _checked(tally, lambda: collection.outline, as_of, known, jobs)
    if known is not None and all(known.find(*job) is not None for job in jobs):
        state = known.state(jobs)
        found = known.checked(state, as_of) if state is not None else None
        if found is not None:
            known.save()  # a file's identity may have changed with its bytes the same
            return Tally(*found[:2]), found[2]
    from timeline.collection.loading import merge_outlines  # files are read after all

    outline = _read(
        jobs, unwalked, root, merge_outlines, cache=cache, progress=progress, records=False
    )
    tally = Tally(outline.files, len(outline.events))
    return tally, _checked(tally, lambda: outline, as_of, known, jobs)


Merged = TypeVar("Merged", "Collection", "Outline")


def _read(
    jobs: Sequence[Job],
    unwalked: Sequence[Problem],
    root: Path,
    merge: Callable[[Path, Sequence[FileResult], Sequence[Problem]], Merged],
    *,
    cache: ContentCache | None,
    progress: Progress | None,
    workers: int | None = None,
    records: bool = True,
) -> Merged:
    """The files of `jobs` read (see `read_files`) and merged into one whole, with the
    problems of the folders that could not be walked."""
    from timeline.collection.loading import read_files

    with collector_paused() as loaded:
        results = read_files(jobs, cache=cache, workers=workers, progress=progress, records=records)
        if cache is not None:
            cache.save()
        merged = merge(root, results, unwalked)
        loaded.append(len(merged.events))
    return merged


def _checked(
    tally: Tally,
    outline: Callable[[], Outline],
    as_of: date,
    cache: ContentCache | None,
    jobs: Sequence[Job],
) -> list[Problem]:
    """`run_checks` of the `outline()` of a collection of `tally` files and events, or its
    result of an earlier run on the very same files and day."""
    state = cache.state(jobs) if cache is not None else None
    if cache is not None and state is not None:
        known = cache.checked(state, as_of)
        if known is not None and known[:2] == tally:
            return known[2]
    from timeline.collection.checks import run_checks

    problems = run_checks(outline(), as_of)
    if cache is not None and state is not None:
        cache.remember(state, as_of, *tally, problems)
    return problems
