"""The history benchmark: `--known-on`, `diff` and `history` on a generated repository.

    python tests/benchmarks/bench_history.py [--events 1000] [--commits 1000] [--dir DIR]

builds a git repository (with `git fast-import`, in a second) whose `events/` folder
grows to N events over M commits, one a day: a first commit of a tenth of the events,
then every commit adds events until all are in and changes one event's status or title,
and every 25th moves a file. Each figure is the best of
`--repeat` runs in this process (without Python's start-up, as `bench.py` measures),
beside a cold validate of the working tree measured in the same run: the goals are ratios
to that (`list --known-on` and `diff` at most 2x) and `history` at most 1 s. "Cold" runs
have no blob cache; "warm" ones the blob cache a first run left. Run it on a quiet
machine.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))

from corpus import actor_ids, actors_yaml, event_lines  # noqa: E402

START = date(2020, 1, 1)


def _blob(text: str) -> bytes:
    data = text.encode("utf-8")
    return b"data %d\n%s\n" % (len(data), data)


def build_repository(repo: Path, events: int, commits: int, seed: int = 11) -> str:
    """The repository at `repo`; returns the id of the event changed most often."""
    rng = random.Random(seed)
    actors = actor_ids(max(20, events // 50))
    texts = {
        n: "\n".join(event_lines(rng, n, actors, [f"event-{k:06d}" for k in range(n)][-50:])) + "\n"
        for n in range(events)
    }
    paths = {n: f"events/{1990 + n % 33}/event-{n:06d}.yaml" for n in range(events)}
    first = max(1, events // 10)
    per_commit = -(-(events - first) // max(1, commits - 1))
    added = first
    changes: dict[int, int] = {}
    stream: list[bytes] = []

    def commit_header(number: int, message: str) -> None:
        stamp = (START + timedelta(days=number) - date(1970, 1, 1)).days * 86400 + 43200
        body = message.encode()
        stream.append(b"commit refs/heads/main\n")
        stream.append(b"committer Analyst <analyst@example.org> %d +0000\n" % stamp)
        stream.append(b"data %d\n%s\n" % (len(body), body))

    commit_header(0, "First records")
    stream.append(b"M 100644 inline events/actors.yaml\n" + _blob(actors_yaml(len(actors))))
    for n in range(first):
        stream.append(f"M 100644 inline {paths[n]}\n".encode() + _blob(texts[n]))
    for number in range(1, commits):
        commit_header(number, f"Day {number}")
        for n in range(added, min(events, added + per_commit)):
            stream.append(f"M 100644 inline {paths[n]}\n".encode() + _blob(texts[n]))
        added = min(events, added + per_commit)
        target = rng.randrange(added) if rng.random() < 0.7 else rng.randrange(min(added, 20))
        changes[target] = changes.get(target, 0) + 1
        lines = texts[target].split("\n")
        for i, line in enumerate(lines):
            if line.startswith("status: ") and rng.random() < 0.5:
                lines[i] = "status: " + rng.choice(("occurred", "postponed", "cancelled"))
            elif line.startswith("title: "):
                lines[i] = f"title: Event {target}, as revised on day {number}"
        texts[target] = "\n".join(lines)
        stream.append(f"M 100644 inline {paths[target]}\n".encode() + _blob(texts[target]))
        if number % 25 == 0:
            moved = rng.randrange(added)
            old, paths[moved] = paths[moved], f"events/moved/event-{moved:06d}-{number}.yaml"
            stream.append(f"D {old}\n".encode())
            stream.append(f"M 100644 inline {paths[moved]}\n".encode() + _blob(texts[moved]))
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main", str(repo)], check=True)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=b"".join(stream), check=True)
    subprocess.run(["git", "checkout", "--quiet", "main"], cwd=repo, check=True)
    return f"event-{max(changes, key=lambda n: changes[n]):06d}"


def _best(work: Callable[[], object], repeat: int, before: Callable[[], None]) -> float:
    times = []
    for _ in range(repeat):
        before()
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, help="where to build (kept); default: a temp dir")
    options = parser.parse_args()
    folder = options.dir or Path(tempfile.mkdtemp(prefix="timeline-history-bench-"))
    repo = folder / f"repo-{options.events}-{options.commits}"
    if repo.exists():
        shutil.rmtree(repo)
    started = time.perf_counter()
    busiest = build_repository(repo, options.events, options.commits)
    print(f"built {repo} in {time.perf_counter() - started:.2f} s")
    cache = folder / "cache"
    os.environ["TIMELINE_CACHE_DIR"] = str(cache)

    from timeline.collection.cache import ContentCache
    from timeline.collection.gitchanges import (
        commit_changes,
        event_versions,
        events_changed_between,
    )
    from timeline.collection.gitstates import History
    from timeline.collection.pipeline import check_collection, load_collection
    from timeline.core.changes import diff_events

    events = repo / "events"
    middle = START + timedelta(days=options.commits // 2)
    last = START + timedelta(days=options.commits - 1)

    def cold() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    def warm() -> None:
        pass

    def known_on() -> object:
        history = History.of(events)
        return history.checked_at(history.repository.resolve(middle.isoformat()), middle)

    def diff() -> object:  # as `timeline diff DAY HEAD`: only the files that differ are read
        history = History.of(events)
        old, new, _ = events_changed_between(
            history, history.repository.resolve(middle.isoformat()),
            history.repository.resolve("HEAD"),
        )  # fmt: skip
        return diff_events(old, new)

    def diff_working_tree() -> object:  # as `timeline diff DAY`: both states read whole
        history = History.of(events)
        cache = ContentCache(events)
        new = load_collection(events, cache=cache)
        history.files_cache = cache
        old = history.collection_at(history.repository.resolve(middle.isoformat()))
        return diff_events(old.events, new.events)

    def history_of() -> object:
        return event_versions(History.of(events), busiest)

    def learned() -> object:  # what a month's report adds: the commits of the month
        first = middle.replace(day=1)
        return commit_changes(History.of(events), first=first, last=middle)

    validate = _best(lambda: check_collection(events, last, records=False), options.repeat, cold)
    rows = [("cold validate of the working tree (no cache)", validate)]
    for label, work in (
        (f"`list --known-on {middle}`: the collection as committed then, checked", known_on),
        (f"`diff {middle} HEAD`: two commits compared", diff),
        (f"`diff {middle}`: a commit and the working tree compared", diff_working_tree),
        (f"`history {busiest}` ({busiest} changed most often)", history_of),
        (f"report's What we learned, {middle:%Y-%m} to {middle}", learned),
    ):
        rows.append((f"{label}, cold", _best(work, options.repeat, cold)))
        rows.append((f"{label}, warm", _best(work, options.repeat, warm)))
    print(f"\n{options.events} events, {options.commits} commits; best of {options.repeat}\n")
    print("| run | seconds | x cold validate |")
    print("|---|--:|--:|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.3f} | {seconds / validate:.2f} |")


if __name__ == "__main__":
    main()
