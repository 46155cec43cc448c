"""The history benchmark: `--known-on`, `diff` and `history` on a generated repository.

    python tests/benchmarks/bench_history.py [--events 1000] [--commits 1000] [--dir DIR]

builds a git repository (with `git fast-import`, in a second) whose `events/` folder
grows to N events over M commits, one a day: a first commit of a tenth of the events,
then every commit adds events until all are in and changes one event's status or title,
and every 25th moves a file. Each figure is a whole `timeline` process, the best of
`--repeat` runs, beside a cold `timeline validate --no-cache` of the working tree measured
in the same run: the issue's goals are ratios to that (`list --known-on` and `diff` at
most 2x, `history` at most 1 s). "cold" runs read no blob cache; "warm" ones the blob
cache a first run left. Run it on a quiet machine.
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
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

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


def _run(args: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "timeline", *args], cwd=cwd, env=env, capture_output=True
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"timeline {' '.join(args)} failed: {done.stderr.decode()[-500:]}")
    return elapsed


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
    env = {**os.environ, "TIMELINE_CACHE_DIR": str(cache)}
    middle = (START + timedelta(days=options.commits // 2)).isoformat()
    last = (START + timedelta(days=options.commits - 1)).isoformat()

    def best(args: list[str], cold: bool) -> float:
        times = []
        for _ in range(options.repeat):
            if cold:
                shutil.rmtree(cache, ignore_errors=True)
            times.append(_run(args, env, repo))
        return min(times)

    validate = best(["validate", "--no-cache", "--as-of", last], cold=True)
    rows = [
        ("validate --no-cache (working tree)", validate, None),
        ("--help (start-up alone)", best(["--help"], cold=False), validate),
    ]
    for label, args in (
        (f"list --known-on {middle}", ["list", "--known-on", middle, "--format", "json"]),
        (f"diff {middle} HEAD", ["diff", middle, "HEAD", "--format", "json"]),
        (f"history {busiest}", ["history", busiest, "--format", "json"]),
        (f"report {middle[:7]} --known-on {middle}", ["report", middle[:7], "--known-on",
                                                       middle, "-o", str(folder / "r.md")]),
    ):  # fmt: skip
        rows.append((label + " (cold)", best(args, cold=True), validate))
        rows.append((label + " (warm)", best(args, cold=False), validate))
    library = _in_process(repo / "events", busiest, cache, options.repeat)
    print(f"\n{options.events} events, {options.commits} commits; best of {options.repeat}\n")
    print("| run | seconds | x cold validate |")
    print("|---|--:|--:|")
    for label, seconds, base in rows:
        ratio = f"{seconds / base:.2f}" if base else "1.00"
        print(f"| `timeline {label}` | {seconds:.2f} | {ratio} |")
    print(f"\nin the process, without start-up: history {busiest} {library[0]:.2f} s cold, "
          f"{library[1]:.2f} s warm")  # fmt: skip


def _in_process(events: Path, event_id: str, cache: Path, repeat: int) -> tuple[float, float]:
    """`event_versions` timed in this process (cold: no blob cache; warm: the one left)."""
    os.environ["TIMELINE_CACHE_DIR"] = str(cache)
    sys.path.insert(0, str(HERE.parent.parent))
    from timeline.collection.gitchanges import event_versions
    from timeline.collection.gitstates import History

    figures = []
    for cold in (True, False):
        times = []
        for _ in range(repeat):
            if cold:
                shutil.rmtree(cache, ignore_errors=True)
            started = time.perf_counter()
            event_versions(History.of(events), event_id)
            times.append(time.perf_counter() - started)
        figures.append(min(times))
    return figures[0], figures[1]


if __name__ == "__main__":
    main()
