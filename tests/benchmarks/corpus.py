"""A generator of realistic collections of N events, for the benchmark."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

EVENTS_PER_FILE = 10
_TYPES = ("meeting", "summit", "conference", "side-event", "visit", "negotiation",
          "statement", "letter", "report", "resolution", "vote", "agreement")  # fmt: skip
_ROLES = ("organizer", "participant", "author", "sponsor", "signatory", "speaker")
_COUNTRIES = ("US", "KR", "JP", "CN", "FR", "DE", "GB", "KOR", "CH", "NO", "BR", "IN")
_CITIES = ("New York", "Geneva", "Seoul", "Tokyo", "Brussels", "Vienna", "Oslo", "Delhi")
_WORDS = ("ministers", "discussed", "the", "resolution", "on", "human", "rights", "and",
          "agreed", "to", "meet", "again", "before", "vote", "delegations", "statement",
          "inquiry", "report", "draft", "sponsors", "council", "assembly", "briefing")  # fmt: skip
_TAGS = ("north-korea", "human-rights", "unga", "sanctions", "trade", "climate", "security")


def actor_ids(count: int) -> list[str]:
    return [f"actor-{n:04d}" for n in range(count)]


def actors_yaml(count: int) -> str:
    """The registry: states, ministries affiliated with them, and people."""
    lines = []
    for n, actor in enumerate(actor_ids(count)):
        kind = ("state", "government", "person", "ngo")[n % 4]
        lines += [f"- id: {actor}", f"  name: Actor number {n}", f"  kind: {kind}",
                  f"  country: {_COUNTRIES[n % len(_COUNTRIES)]}"]  # fmt: skip
        if n % 4 == 1:
            lines.append(f"  affiliation: {actor_ids(count)[n - 1]}")
        if n % 4 == 2:
            lines += ["  title: Special Envoy", "  aliases:", f"    - A. N. {n}"]
    return "\n".join(lines) + "\n"


def _date_text(rng: random.Random, day: date) -> str:
    form = rng.random()
    if form < 0.55:
        return day.isoformat()
    if form < 0.70:
        return f'"{day.isoformat()[:7]}"'
    if form < 0.78:
        return f"{day.isoformat()[:7]}~"
    if form < 0.90:
        return f"{day.isoformat()}/{(day + timedelta(days=rng.randint(1, 9))).isoformat()}"
    if form < 0.95:
        return f'"{day.isoformat()}?"'
    return str(day.year)


def event_lines(rng: random.Random, number: int, actors: list[str], known: list[str]) -> list[str]:
    """One event's YAML lines (keys at column 0)."""
    day = date(1990, 1, 1) + timedelta(days=rng.randint(0, 12000))
    words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(4, 9)))
    lines = [
        f"id: event-{number:06d}",
        f"title: Event {number} where {words}",
        f"date: {_date_text(rng, day)}",
        f"type: {rng.choice(_TYPES)}",
        f"status: {rng.choice(('occurred', 'occurred', 'occurred', 'cancelled', 'postponed'))}",
        "actors:",
    ]
    for actor in rng.sample(actors, rng.randint(1, 4)):
        if rng.random() < 0.5:
            lines.append(f"  - {actor}")
        else:
            lines += [f"  - actor: {actor}", f"    role: {rng.choice(_ROLES)}"]
    if rng.random() < 0.5:
        lines.append(f"location: {rng.choice(_CITIES)}")
    else:
        lines += ["location:", f"  name: {rng.choice(_CITIES)}",
                  f"  country: {rng.choice(_COUNTRIES)}"]  # fmt: skip
    if rng.random() < 0.7:
        summary = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(10, 40)))
        lines += ["summary: |", f"  {summary[:70]}", f"  {summary[70:] or 'end'}"]
    lines.append("sources:")
    for source in range(rng.randint(1, 2)):
        lines += [f'  - title: "Report {number}.{source}: {words}"',
                  f"    publisher: Agency {rng.randint(1, 40)}",
                  f"    url: https://news.example.org/{day.year}/{number}-{source}",
                  f"    published: {(day + timedelta(days=1)).isoformat()}"]  # fmt: skip
    lines += ["tags:"] + [f"  - {tag}" for tag in rng.sample(_TAGS, rng.randint(1, 3))]
    if known and rng.random() < 0.3:
        lines += ["related:", f"  - event: {rng.choice(known)}", "    relation: references"]
    return lines


def write_collection(
    root: Path, count: int, seed: int = 7, *, per_file: int = EVENTS_PER_FILE, lists: bool = False
) -> int:
    """Write `count` events below `root` (`per_file` a file, in year folders); return the
    file count.

    Files are a mix of the layouts the format allows: one document per event, and
    one document holding a list of events; with `lists`, every file is a list (one
    document), which tools that read one document a file (check-jsonschema) can read.
    """
    rng = random.Random(seed)
    actors = actor_ids(max(20, count // 50))
    root.mkdir(parents=True, exist_ok=True)
    (root / "actors.yaml").write_text(actors_yaml(len(actors)), encoding="utf-8")
    known: list[str] = []
    files = 1
    for first in range(0, count, per_file):
        numbers = range(first, min(first + per_file, count))
        records = [event_lines(rng, n, actors, known[-500:]) for n in numbers]
        known.extend(f"event-{n:06d}" for n in numbers)
        if lists or (first // per_file) % 5 == 4:  # every fifth file: a list of events
            text = "".join(
                "".join(("- " if i == 0 else "  ") + line + "\n" for i, line in enumerate(lines))
                for lines in records
            )
        else:
            text = "".join("---\n" + "".join(line + "\n" for line in lines) for lines in records)
        year = 1990 + (first // per_file) % 33
        path = root / str(year) / f"batch-{first // per_file:05d}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        files += 1
    return files
