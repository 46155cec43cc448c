"""Reading a collection's files (from the cache, in worker processes, or one by one) and
merging their results into one collection."""

from __future__ import annotations

import contextlib
import marshal
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from timeline.collection.cache import ContentCache, Identity, digest, identity
from timeline.collection.codec import Decoder, decode_records, encode_records
from timeline.collection.collection import Collection, Outline, merge_facts
from timeline.collection.facts_codec import decode_problems
from timeline.collection.files import Job
from timeline.collection.reading import FileResult, read_bytes, read_raw
from timeline.core.model import Actor, Event
from timeline.core.problems import Problem, sort_problems

#: Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 200

Stamp = tuple[Identity, bytes]  # identity on disk, hash of the bytes
Progress = Callable[[int, int], None]


def _parse(path: Path, display: str, actors: bool) -> tuple[FileResult, Stamp | None]:
    """One file read and parsed, with the stamp that lets the cache know it again."""
    raw = read_raw(path, display)
    if isinstance(raw, FileResult):
        return raw, None  # not cached: an unreadable file may be readable next time
    data, stat = raw
    return read_bytes(data, display, actors=actors), (identity(stat), digest(data))


def _pack(result: FileResult, records: bool = True) -> tuple[bytes, bytes] | None:
    """A file's result in the cache's form; without `records`, its facts and problems
    only (encoding the records is a sixth of a cold run, wasted when nothing keeps them)."""
    events, actors = (result.events, result.actors) if records else ([], [])
    return encode_records(result.path, events, actors, result.problems, result.record_facts())


def _parse_chunk(jobs: list[tuple[str, str, bool]], records: bool = True) -> bytes:
    """Worker process: parse files, return their facts and (with `records`) records in
    the cache's form (cheap to send; the records are only rebuilt if they are needed)."""
    out = []
    for name, display, actors in jobs:
        result, stamp = _parse(Path(name), display, actors)
        out.append((_pack(result, records), stamp))
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
    send_records = records or cache is not None  # the cache keeps them for later commands
    done = 0
    with ProcessPoolExecutor(max_workers=count) as pool:
        futures = {
            pool.submit(
                _parse_chunk,
                [(str(jobs[n][0]), jobs[n][1], jobs[n][2]) for n in chunk],
                send_records,
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


def _merge_problems(results: Sequence[FileResult], more: Sequence[Problem]) -> list[Problem]:
    return sort_problems([*more, *(problem for result in results for problem in result.problems)])


def merge_outlines(root: Path, results: Sequence[FileResult], more: Sequence[Problem] = ()
                   ) -> Outline:  # fmt: skip
    """The outline of the files' results, with `more` problems (of folders not walked)."""
    return Outline(root, *merge_facts(results), _merge_problems(results, more), len(results))


def merge_results(root: Path, results: Sequence[FileResult], more: Sequence[Problem] = ()
                  ) -> Collection:  # fmt: skip
    """One collection from the results of its files, events in date order. Its outline is
    made from the files' facts when first asked for (often never: the checks' result of
    the same files is often known; see `timeline.collection.pipeline`)."""
    events: list[Event] = []
    actors: list[Actor] = []
    for result in results:
        events.extend(result.events)
        actors.extend(result.actors)
    events.sort(key=Event.sort_key)
    problems = _merge_problems(results, more)
    return Collection(root, events, actors, problems, len(results), _parts=list(results))
