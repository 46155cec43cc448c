"""The one type for everything a user got wrong, and how it is printed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from timeline.core.codes import CODES, Level
from timeline.core.words import plural

#: At most this many problems are printed per file; the rest are counted.
MAX_PROBLEMS_PER_FILE = 100


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """A problem in the data, at a place in a file (lines and columns count from 1)."""

    path: str
    line: int
    column: int
    level: Level
    code: str
    message: str

    def __post_init__(self) -> None:
        known = CODES.get(self.code)
        if known is None or known.level != self.level:
            # A bug of ours, not the user's: every code is in the table, at one level.
            raise ValueError(
                f"problem code {self.code!r} at level {self.level!r} is not in the table of "
                "codes; add it to timeline/core/codes.py and events/README.md"
            )

    def format(self) -> str:
        """The problem as one line: `path:line:col: level: message [code]`."""
        return f"{self.path}:{self.line}:{self.column}: {self.level}: {self.message} [{self.code}]"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems sorted by path, line, column, then level, code and message; duplicates dropped."""
    return sorted(set(problems))


def cap_per_file(
    problems: Sequence[Problem], limit: int = MAX_PROBLEMS_PER_FILE
) -> tuple[list[Problem], dict[str, int]]:
    """Keep at most `limit` problems per file; return them and how many were left out per file."""
    kept: list[Problem] = []
    seen: dict[str, int] = {}
    left_out: dict[str, int] = {}
    for problem in problems:
        count = seen.get(problem.path, 0)
        seen[problem.path] = count + 1
        if count < limit:
            kept.append(problem)
        else:
            left_out[problem.path] = left_out.get(problem.path, 0) + 1
    return kept, left_out


def has_errors(problems: Iterable[Problem], *, strict: bool = False) -> bool:
    """True when any problem is an error (or, with `strict`, any problem at all)."""
    return any(strict or p.level == "error" for p in problems)


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like `word`, if any is close enough to suggest (similarity of at
    least 0.6, as `difflib.get_close_matches` has it); of equals, the first in order.

    RapidFuzz, not difflib: difflib took 2.5 s to search 100,000 event ids for one
    misspelt link, so a collection with a hundred broken links took minutes to validate.
    """
    from rapidfuzz import fuzz, process  # imported lazily: most runs need no hint

    found = process.extractOne(word, list(choices), scorer=fuzz.ratio, score_cutoff=60)
    return None if found is None else str(found[0])


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`; did you mean 'x'?` when a choice is close to `word`, else an empty string."""
    match = closest(word, choices)
    return f"; did you mean {match!r}?" if match else ""


def summary_line(problems: Sequence[Problem], files: int, events: int) -> str:
    """One line saying how many events and files were checked and what was found."""
    errors = sum(1 for p in problems if p.level == "error")
    warnings = len(problems) - errors
    return (
        f"{plural(events, 'event')} in {plural(files, 'file')}: "
        f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"
    )
