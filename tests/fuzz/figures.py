"""Figures of the hardening suite: counted while the tests run, then published in the README.

The fuzz and fault tests count what they try through `TALLY` (and check their properties
through `expect_no_traceback` and `expect_files`, which count a failure before they
fail), `conftest.py` saves the counts of each run, and running this file as a script
writes them into README.md's `## Hardening` table:

    TIMELINE_FUZZ=long python -m pytest tests/fuzz tests/test_faults.py
    python tests/fuzz/figures.py

so the published figures are always those of a real, passing run, never typed by hand.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
#: The figures of the last published run of each profile (committed, read by a test).
RECORD = Path(__file__).with_name("figures.json")
#: Where `conftest.py` saves the figures of the latest run (pytest's cache folder).
CACHE_KEY = "timeline/fuzz-figures"
LATEST = ROOT / ".pytest_cache" / "v" / CACHE_KEY
BEGIN = "<!-- figures: written by tests/fuzz/figures.py from a run of the suite -->"
END = "<!-- end of figures -->"


@dataclass
class Tally:
    """What one run tried and what it found."""

    inputs: int = 0
    faults: int = 0
    tracebacks: int = 0
    lost: int = 0
    slowest_ms: float = 0.0
    by_test: dict[str, int] = field(default_factory=dict)

    def tried(self, test: str, count: int = 1) -> None:
        """Count generated inputs given to the tool."""
        self.inputs += count
        self.by_test[test] = self.by_test.get(test, 0) + count

    def injected(self, test: str, count: int = 1) -> None:
        """Count faults injected into a run of the tool."""
        self.faults += count
        self.by_test[test] = self.by_test.get(test, 0) + count

    def timed(self, seconds: float) -> None:
        self.slowest_ms = max(self.slowest_ms, seconds * 1000)


TALLY = Tally()


#: Unicode categories that can move the cursor, recolour or reorder a terminal.
_UNSAFE = frozenset(("Cc", "Cf", "Cs", "Co", "Zl", "Zp"))


def assert_terminal_safe(text: str) -> None:
    """Nothing in the output can move the cursor, recolour or reorder the terminal."""
    bad = [ch for ch in text if ch not in "\n\t" and unicodedata.category(ch) in _UNSAFE]
    assert not bad, f"unescaped {bad!r} in output"


def expect_no_traceback(text: str, exception: BaseException | None = None) -> None:
    """Fail (and count it) when a run printed a Python traceback or raised anything but exit."""
    crashed = "Traceback (most recent call last)" in text or (
        exception is not None and not isinstance(exception, SystemExit)
    )
    if crashed:
        TALLY.tracebacks += 1
        raise AssertionError(f"a traceback: {exception!r}\n{text}")


def expect_files(
    after: Mapping[str, bytes], allowed: list[Mapping[str, bytes]], what: str = ""
) -> None:
    """Fail (and count it) unless the files on disk are exactly one of the allowed states."""
    if not any(dict(after) == dict(state) for state in allowed):
        TALLY.lost += 1
        raise AssertionError(f"lost or partial files {what}: {sorted(after)}")


def run_figures(profile: str, failed: int, seconds: float) -> dict[str, Any]:
    """The figures of the run that just ended, ready to save as JSON."""
    figures = asdict(TALLY)
    figures.update(profile=profile, failed=failed, seconds=round(seconds, 1))
    figures["slowest_ms"] = round(TALLY.slowest_ms, 1)
    return figures


def _number(value: int) -> str:
    return f"{value:,}"


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


def table(record: Mapping[str, Mapping[str, Any]]) -> str:
    """The README's figures: one sentence and one row per profile (long run first)."""
    lines = []
    order = sorted(record, key=lambda name: (name != "long", name))
    for name in order:
        run = record[name]
        lines.append(
            f"- `{name}` run: tried {_number(run['inputs'])} generated inputs, "
            f"{_number(run['faults'])} injected faults: {run['tracebacks']} tracebacks, "
            f"{run['lost']} lost or partial files."
        )
    lines += [
        "",
        "| run | generated inputs | injected faults | tracebacks | lost or partial files "
        "| slowest file | time |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for name in order:
        run = record[name]
        lines.append(
            f"| `{name}` | {_number(run['inputs'])} | {_number(run['faults'])} | "
            f"{run['tracebacks']} | {run['lost']} | {run['slowest_ms']:.0f} ms | "
            f"{_duration(run['seconds'])} |"
        )
    return "\n".join(lines)


def readme_block(readme: str) -> str:
    """The figures currently in the README (between the markers)."""
    start = readme.index(BEGIN) + len(BEGIN)
    return readme[start : readme.index(END, start)].strip("\n")


def publish(latest: Path = LATEST, readme: Path = README, record: Path = RECORD) -> str:
    """Add the latest run to the record and write the README table; return the table."""
    if not latest.is_file():
        raise SystemExit(
            f"no fuzz run is on record at {latest}: run the suite first (its figures are kept "
            "in pytest's cache, so not with -p no:cacheprovider)"
        )
    run = json.loads(latest.read_text(encoding="utf-8"))
    if run["failed"] or run["tracebacks"] or run["lost"]:
        raise SystemExit(
            f"the latest run ({run['profile']}) had {run['failed']} failing tests: "
            "its figures are not published; fix the failures and run the suite again"
        )
    kept = json.loads(record.read_text(encoding="utf-8")) if record.exists() else {}
    kept[run["profile"]] = run
    record.write_text(json.dumps(kept, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    text = readme.read_text(encoding="utf-8")
    start = text.index(BEGIN) + len(BEGIN)
    figures = table(kept)
    readme.write_text(
        text[:start] + "\n" + figures + "\n" + text[text.index(END, start) :], encoding="utf-8"
    )
    return figures


if __name__ == "__main__":
    print(publish(Path(sys.argv[1]) if len(sys.argv) > 1 else LATEST))
