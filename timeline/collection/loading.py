"""Files on disk to validated records: every problem found, each at its line and column."""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from timeline.collection.cache import (
    ContentCache,
    Decoder,
    Facts,
    decode_facts,
    decode_problems,
    decode_records,
    digest,
    encode_records,
    identity,
)

# Placing problems lives in `positions`; these names stay importable from here.
from timeline.collection.positions import Locator as Locator
from timeline.collection.positions import describe_value as _describe
from timeline.collection.positions import dotted as dotted
from timeline.collection.positions import position_of as position_of
from timeline.collection.positions import validation_problems
from timeline.collection.yamlread import Document, Loc, decode, read_documents
from timeline.core.facts import ActorFacts, EventFacts, Outline, facts_of
from timeline.core.model import Actor, Event
from timeline.core.problems import Problem, sort_problems

#: Files larger than this are refused rather than read: no record file comes close.
MAX_FILE_BYTES = 16 * 1024 * 1024
ACTORS_FILE = "actors.yaml"
_SUFFIXES = (".yaml", ".yml")


@dataclass(slots=True)
class FileResult:
    """What one file holds: its events or actors, and the problems found reading them."""

    path: str
    events: list[Event] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: The records' facts: None until first asked for, when they are taken from the
    #: records; bytes when still packed as the cache keeps them. A result read for
    #: validating has facts and no records.
    facts: Facts | bytes | None = None

    def outline(self) -> Facts:
        """The facts of this file's records."""
        if isinstance(self.facts, bytes):
            self.facts = decode_facts(self.facts)
        elif self.facts is None:
            self.facts = facts_of(self.events, self.actors)
        return self.facts


@dataclass(slots=True)
class Collection:
    """Every event and actor of a collection, and the problems of its files.

    Treat it as read-only once built: the id indexes are computed on first use and kept.
    """

    root: Path
    events: list[Event]
    actors: list[Actor]
    problems: list[Problem]
    files: int
    _outline: Outline | None = field(default=None, repr=False, compare=False)
    _parts: Sequence[FileResult] = field(default=(), repr=False, compare=False)
    _actor_index: dict[str, Actor] | None = field(default=None, repr=False, compare=False)
    _event_index: dict[str, Event] | None = field(default=None, repr=False, compare=False)

    @property
    def outline(self) -> Outline:
        """The collection as the checks see it."""
        if self._outline is None:
            if self._parts:  # facts the cache kept, in the order of the files
                events, actors = _merge_facts(self._parts)
            else:
                events, actors = facts_of(self.events, self.actors)
            self._outline = Outline(self.root, events, actors, self.problems, self.files)
            self._parts = ()
        return self._outline

    @property
    def actor_index(self) -> dict[str, Actor]:
        """Actors by id (the first, where an id is repeated)."""
        if self._actor_index is None:
            index: dict[str, Actor] = {}
            for actor in self.actors:
                index.setdefault(actor.id, actor)
            self._actor_index = index
        return self._actor_index

    @property
    def event_index(self) -> dict[str, Event]:
        """Events by id (the first, where an id is repeated)."""
        if self._event_index is None:
            index: dict[str, Event] = {}
            for event in self.events:
                index.setdefault(event.id, event)
            self._event_index = index
        return self._event_index


def display_path(path: Path) -> str:
    """A path as the user will read it in messages: relative to the current folder if below it."""
    text = str(path)
    if path.is_absolute():
        with contextlib.suppress(ValueError):
            text = str(path.relative_to(Path.cwd()))
    return text.replace(os.sep, "/")


def _skipped(name: str) -> bool:
    return name.startswith(".") or name.endswith(".tmp")


def _walk(root: Path) -> list[tuple[str, Path]]:
    """(path below `root` with `/`, path) of every record file, sorted by the former.

    Relative paths are made by cutting strings, not with `Path.relative_to`: at 10,000
    files that alone took a tenth of a second, as much as a warm `validate` should take.
    """
    top = os.fspath(root)
    found: list[tuple[str, Path]] = []
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if not _skipped(d)]
        below = os.path.relpath(folder, top)
        prefix = "" if below == os.curdir else below.replace(os.sep, "/") + "/"
        for name in files:
            if name.endswith(_SUFFIXES) and not _skipped(name):
                found.append((prefix + name, Path(folder, name)))
    found.sort()
    return found


def collection_files(root: Path) -> list[Path]:
    """Every record file below `root`, in sorted path order, skipping `.*` and `*.tmp`."""
    return [path for _, path in _walk(root)]


def is_actor_file(path: Path, root: Path) -> bool:
    return path.parent == root and path.name == ACTORS_FILE


def _read_raw(path: Path, display: str) -> tuple[bytes, os.stat_result] | FileResult:
    """A file's bytes and its stat from before they were read, or the problem reading it."""
    try:
        stat = path.stat()
        if stat.st_size > MAX_FILE_BYTES:
            return FileResult(
                display,
                problems=[
                    Problem(
                        display,
                        1,
                        1,
                        "error",
                        "too-large",
                        f"the file has {stat.st_size:,} bytes, more than the limit of "
                        f"{MAX_FILE_BYTES:,}; split it into smaller files",
                    )
                ],
            )
        data = path.read_bytes()
    except OSError as error:
        return FileResult(
            display,
            problems=[
                Problem(
                    display,
                    1,
                    1,
                    "error",
                    "unreadable",
                    f"cannot read the file ({error.strerror}); check its permissions",
                )
            ],
        )
    return data, stat


def read_file(path: Path, display: str, *, actors: bool = False) -> FileResult:
    """Read one file of events (or, with `actors`, the actor registry)."""
    raw = _read_raw(path, display)
    if isinstance(raw, FileResult):
        return raw
    return read_bytes(raw[0], display, actors=actors)


def read_bytes(data: bytes, display: str, *, actors: bool = False) -> FileResult:
    """Parse and validate the bytes of one file; a pure function of its inputs."""
    text, problems = decode(data, display)
    result = FileResult(display, problems=problems)
    if text is None:
        return result
    documents, yaml_problems = read_documents(text, display)
    result.problems.extend(yaml_problems)
    model: type[Event] | type[Actor] = Actor if actors else Event
    failures: list[tuple[int, Loc, ValidationError]] = []
    for doc_index, document in enumerate(documents):
        for loc, item in _items(document, display, result.problems, actors):
            try:
                record = model.model_validate(item)
            except ValidationError as error:
                failures.append((doc_index, loc, error))
                salvaged = _salvage(model, item, error)
                if salvaged is None:
                    continue
                record = salvaged
            line, column = _record_start(document, loc)
            index = loc[0] if loc and isinstance(loc[0], int) else None
            placed = record.place(display, line, column, doc_index, index)
            if isinstance(placed, Actor):
                result.actors.append(placed)
            else:
                result.events.append(placed)
    if failures:
        tracked, _ = read_documents(text, display, track=True)
        for doc_index, loc, failure in failures:
            result.problems.extend(
                validation_problems(failure, tracked[doc_index], loc, display, model)
            )
    return result


_REQUIRED = {"id", "title", "date", "type", "status", "name", "kind"}


def _salvage(model: type[Event] | type[Actor], item: dict[str, Any], error: ValidationError
             ) -> Event | Actor | None:  # fmt: skip
    """The record without its invalid optional parts, so the checks across the collection
    still see it (a duplicate id, an unknown actor); None when a required key is bad.

    Its errors are reported all the same: this only keeps one error from hiding others.
    """
    drop_keys: set[str] = set()
    drop_items: dict[str, set[int]] = {}
    for detail in error.errors(include_url=False):
        loc = detail["loc"]
        if not loc or not isinstance(loc[0], str) or loc[0] in _REQUIRED:
            return None
        key = loc[0]
        if len(loc) > 1 and isinstance(loc[1], int) and isinstance(item.get(key), list):
            drop_items.setdefault(key, set()).add(loc[1])
        else:
            drop_keys.add(key)
    if (
        "sources" in drop_keys
        or len(drop_items.get("sources", ())) == len(item.get("sources") or ()) > 0
    ):
        return None  # dropping every source would add a misleading no-source warning
    kept = {key: value for key, value in item.items() if key not in drop_keys}
    for key, indexes in drop_items.items():
        if key in kept:
            kept[key] = [value for i, value in enumerate(item[key]) if i not in indexes]
    try:
        return model.model_validate(kept)
    except ValidationError:
        return None


def _record_start(document: Document, loc: Loc) -> tuple[int, int]:
    return document.values.get(loc, (document.line, document.column))


def _items(
    document: Document, path: str, problems: list[Problem], actors: bool
) -> Iterable[tuple[Loc, Any]]:
    value = document.value
    what = "an actor" if actors else "an event"
    if value is None:
        return
    if isinstance(value, dict):
        yield (), value
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield (index,), item
            elif item is not None:
                line, column = document.values.get((index,), (document.line, document.column))
                problems.append(
                    Problem(
                        path,
                        line,
                        column,
                        "error",
                        "not-a-record",
                        f"item {index + 1} of this list is {_describe(item)}, not {what}; "
                        "each item must be a mapping of keys and values",
                    )
                )
        return
    problems.append(
        Problem(
            path,
            document.line,
            document.column,
            "error",
            "not-a-record",
            f"this document is {_describe(value)}; it must be {what} (a mapping) or a list of them",
        )
    )


def collection_jobs(root: Path, extra: Sequence[Path] = ()) -> list[Job]:
    """What to read for the collection at `root` (and `extra` files as event files)."""
    found = _walk(root) if root.is_dir() else []
    # Each file shown as display_path shows it, from the root's display (one call for all).
    shown = display_path(root)
    prefix = "" if shown == "." else shown.rstrip("/") + "/"
    jobs = [(path, prefix + below, below == ACTORS_FILE) for below, path in found]
    if extra:  # resolving costs a system call per folder level: only when there is a need
        seen = {path.resolve() for path, _, _ in jobs}
        for path in extra:
            if path.resolve() not in seen:
                jobs.append((path, display_path(path), False))
                seen.add(path.resolve())
    return jobs


def load_collection(
    root: Path,
    extra: Sequence[Path] = (),
    *,
    cache: ContentCache | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    jobs: Sequence[Job] | None = None,
) -> Collection:
    """Read every file of the collection at `root` (and `extra` files as event files).

    With `cache`, files whose content is unchanged are taken from it and the others are
    stored in it, and it is saved. Many files to parse are parsed in `workers`
    processes (default: one per core); `progress(done, total)` is told how the parsing
    goes. `jobs`, if given, is `collection_jobs(root, extra)` already made.
    """
    jobs = collection_jobs(root, extra) if jobs is None else jobs
    with collector_paused() as loaded:
        results = read_files(jobs, cache=cache, workers=workers, progress=progress)
        if cache is not None:
            cache.save()
        collection = merge_results(root, results)
        loaded.append(len(collection.events))
    return collection


def load_outline(
    root: Path,
    jobs: Sequence[Job],
    *,
    cache: ContentCache | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> Outline:
    """The collection's facts and its files' problems, without building its records where
    the cache or the worker processes give the facts (validating needs no more)."""
    with collector_paused() as loaded:
        results = read_files(jobs, cache=cache, workers=workers, progress=progress, records=False)
        if cache is not None:
            cache.save()
        outline = _merge_outlines(root, results)
        loaded.append(len(outline.events))
    return outline


def _merge_facts(results: Sequence[FileResult]) -> Facts:
    events: list[EventFacts] = []
    actors: list[ActorFacts] = []
    for result in results:
        event_facts, actor_facts = result.outline()
        events.extend(event_facts)
        actors.extend(actor_facts)
    return events, actors


def _merge_problems(results: Sequence[FileResult]) -> list[Problem]:
    return sort_problems(problem for result in results for problem in result.problems)


def _merge_outlines(root: Path, results: Sequence[FileResult]) -> Outline:
    return Outline(root, *_merge_facts(results), _merge_problems(results), len(results))


def merge_results(root: Path, results: Sequence[FileResult]) -> Collection:
    """One collection from the results of its files, events in date order. Its outline
    is made from the files' facts when first asked for (often never: see `_memoized`)."""
    events: list[Event] = []
    actors: list[Actor] = []
    for result in results:
        events.extend(result.events)
        actors.extend(result.actors)
    events.sort(key=Event.sort_key)
    problems = _merge_problems(results)
    return Collection(root, events, actors, problems, len(results), _parts=list(results))


#: Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 200

Job = tuple[Path, str, bool]  # path, display path, is the actor registry
Stamp = tuple[tuple[int, int, int, int], bytes]  # identity on disk, hash of the bytes
Progress = Callable[[int, int], None]


#: From this many events on, the garbage collector's passes over the records cost seconds.
FREEZE_MIN_EVENTS = 5000


@contextlib.contextmanager
def collector_paused() -> Iterator[list[int]]:
    """Pause the cyclic garbage collector while records are built (they hold no cycles);
    afterwards, if many were loaded (their count appended to the list), freeze them.

    With the collector running, building a million objects triggers full passes over all
    of them again and again, and every pass later (during the checks) walks them too: the
    duplicate-id check alone took 2.7 s over 100,000 events with it, 0.3 s without.
    Frozen objects are still freed as usual when no longer used; only the cycle search
    skips them.
    """
    enabled = gc.isenabled()
    loaded: list[int] = []
    gc.disable()
    try:
        yield loaded
    finally:
        if loaded and loaded[0] >= FREEZE_MIN_EVENTS:
            gc.freeze()
        if enabled:
            gc.enable()


def _parse(path: Path, display: str, actors: bool) -> tuple[FileResult, Stamp | None]:
    """One file read and parsed, with the stamp that lets the cache know it again."""
    raw = _read_raw(path, display)
    if isinstance(raw, FileResult):
        return raw, None  # not cached: an unreadable file may be readable next time
    data, stat = raw
    return read_bytes(data, display, actors=actors), (identity(stat), digest(data))


def _pack(result: FileResult) -> tuple[bytes, bytes] | None:
    return encode_records(
        result.path, result.events, result.actors, result.problems, result.outline()
    )


def _parse_chunk(jobs: list[tuple[str, str, bool]]) -> bytes:
    """Worker process: parse files, return their facts and records in the cache's form
    (cheap to send; the records are only rebuilt if they are needed)."""
    out = []
    for name, display, actors in jobs:
        result, stamp = _parse(Path(name), display, actors)
        out.append((_pack(result), stamp))
    return marshal.dumps(out)


def _worker_count(workers: int | None) -> int:
    if workers is not None:
        return max(1, workers)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def read_files(
    jobs: Sequence[Job],
    *,
    cache: ContentCache | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    records: bool = True,
) -> list[FileResult]:
    """The result of every file, in the order given: from the cache, or parsed (in worker
    processes when there are many). Without `records`, results taken from the cache or
    from workers carry facts only (their `events` and `actors` stay empty)."""
    results: list[FileResult | None] = [None] * len(jobs)
    missing: list[int] = []
    for number, (path, display, actors) in enumerate(jobs):
        if cache is not None:
            found = cache.lookup(path, display, actors, records=records)
            if found is not None:
                facts, problems, built = found
                result = FileResult(display, problems=problems, facts=facts)
                if built is not None:
                    result.events, result.actors = built
                results[number] = result
                continue
        missing.append(number)
    count = _worker_count(workers)
    if count > 1 and len(missing) >= PARALLEL_MIN_FILES:
        with contextlib.suppress(OSError, BrokenProcessPool):
            _parse_in_workers(jobs, missing, results, cache, count, progress, records)
    for done, number in enumerate(missing, 1):
        if results[number] is None:  # serial path, or what the workers could not send
            path, display, actors = jobs[number]
            result, stamp = _parse(path, display, actors)
            results[number] = result
            if cache is not None and stamp is None:
                cache.forget(path)
            elif cache is not None and stamp is not None:
                packed = _pack(result)
                if packed is not None:
                    cache.store(path, display, actors, stamp, packed)
            if progress is not None:
                progress(done, len(missing))
    return [result for result in results if result is not None]


def _parse_in_workers(
    jobs: Sequence[Job],
    missing: list[int],
    results: list[FileResult | None],
    cache: ContentCache | None,
    count: int,
    progress: Progress | None,
    records: bool,
) -> None:
    size = max(8, -(-len(missing) // (count * 8)))  # several chunks a worker: even finish
    chunks = [missing[start : start + size] for start in range(0, len(missing), size)]
    decoder = cache.decoder if cache is not None else Decoder()
    done = 0
    with ProcessPoolExecutor(max_workers=count) as pool:
        futures = {
            pool.submit(
                _parse_chunk, [(str(jobs[n][0]), jobs[n][1], jobs[n][2]) for n in chunk]
            ): chunk
            for chunk in chunks
        }
        for future in as_completed(futures):
            chunk = futures[future]
            for number, (packed, stamp) in zip(chunk, marshal.loads(future.result()), strict=True):
                if packed is None:
                    continue  # parsed again in this process
                path, display, actors = jobs[number]
                facts, problems = decode_problems(packed[0], display)
                result = FileResult(display, problems=problems, facts=facts)
                if records:
                    result.events, result.actors = decode_records(packed[1], display, decoder)
                results[number] = result
                if cache is not None and stamp is not None:
                    cache.store(path, display, actors, (tuple(stamp[0]), stamp[1]), tuple(packed))
            done += len(chunk)
            if progress is not None:
                progress(done, len(missing))
