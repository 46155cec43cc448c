"""`validate` on hostile files: exit 0 or 1, every problem placed and coded, no traceback."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from helpers import SEED
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from fuzz.budget import budget
from fuzz.figures import TALLY, assert_terminal_safe, expect_no_traceback
from fuzz.mutations import hostile_file, line_breaks
from timeline.cli.app import app
from timeline.collection.pipeline import check_collection
from timeline.collection.reading import read_bytes
from timeline.core.model import Actor, Event
from timeline.core.problems import MAX_PROBLEMS_PER_FILE, Problem

AS_OF = "2014-09-13"
#: Generous: a file takes about a millisecond; this only catches a hang or a blow-up.
SECONDS_PER_FILE = 2.0
_CODE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*\Z")
_PROBLEM_LINE = re.compile(r"(.+):(\d+):(\d+): (error|warning): (.+) \[([a-z0-9-]+)\]\Z")
_SUMMARY = re.compile(r"\d+ events? in \d+ files?: \d+ errors?, \d+ warnings?\Z")

runner = CliRunner()


def assert_placed(problems: list[Problem], files: dict[str, bytes]) -> None:
    """Every problem names a file it was given, a line and column inside it, and a code."""
    for problem in problems:
        assert problem.path in files, problem
        assert 1 <= problem.line <= line_breaks(files[problem.path]) + 2, problem
        assert problem.column >= 1, problem
        assert problem.level in ("error", "warning"), problem
        assert _CODE.match(problem.code), problem
        assert problem.message.strip(), problem


@budget(ci=1_500, long=12_000)
@given(hostile_file())
def test_any_file_reads_to_placed_problems(case: tuple[str, bytes, bool]) -> None:
    path, data, actors = case
    TALLY.tried("validate: read_bytes")
    started = time.perf_counter()
    result = read_bytes(data, path, actors=actors)
    elapsed = time.perf_counter() - started
    TALLY.timed(elapsed)
    assert elapsed < SECONDS_PER_FILE
    assert_placed(result.problems, {path: data})
    for record in result.actors if actors else result.events:
        assert isinstance(record, Actor if actors else Event)
        assert record.path == path and record.line >= 1 and record.column >= 1
    assert not (result.events and actors) and not (result.actors and not actors)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the seed collection to damage one file at a time (restored after each)."""
    root = tmp_path_factory.mktemp("fuzz-validate")
    shutil.copytree(SEED, root / "events")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.setenv("TIMELINE_CACHE_DIR", str(root / ".cache"))
        yield root


@pytest.fixture(scope="module")
def seed_bytes() -> dict[str, bytes]:
    return {
        f"events/{p.relative_to(SEED).as_posix()}": p.read_bytes() for p in SEED.rglob("*.yaml")
    }


def _with_file(root: Path, path: str, data: bytes, original: bytes | None) -> Iterator[None]:
    target = root / path
    try:
        target.write_bytes(data)
        yield
    finally:
        target.write_bytes(original) if original is not None else target.unlink()


@budget(ci=80, long=800)
@given(case=hostile_file(), strict=st.booleans(), use_cache=st.booleans())
def test_validate_list_show_on_a_damaged_collection(
    workdir: Path, seed_bytes: dict[str, bytes], case: tuple[str, bytes, bool], strict: bool,
    use_cache: bool,
) -> None:  # fmt: skip
    path, data, _ = case
    TALLY.tried("validate: whole CLI")
    files = dict(seed_bytes, **{path: data})
    cache = [] if use_cache else ["--no-cache"]
    for _ in _with_file(workdir, path, data, seed_bytes[path]):
        _, problems = check_collection(Path("events"), date(2014, 9, 13))
        assert_placed(problems, files)

        started = time.perf_counter()
        flags = ["--strict"] if strict else []
        text = runner.invoke(app, ["validate", "--as-of", AS_OF, *flags, *cache])
        TALLY.timed((time.perf_counter() - started) / len(files))
        expect_no_traceback(text.output, text.exception)
        as_json = runner.invoke(app, ["validate", "--as-of", AS_OF, "--format", "json", *flags])
        expect_no_traceback(as_json.output, as_json.exception)
        assert text.exit_code in (0, 1) and as_json.exit_code == text.exit_code

        listed = json.loads(as_json.stdout)
        assert [Problem(**item) for item in listed] == problems
        assert text.exit_code == (1 if any(strict or p.level == "error" for p in problems) else 0)
        assert_terminal_safe(text.output)
        lines = text.stdout.splitlines()
        assert _SUMMARY.match(lines[-1])
        shown = [line for line in lines[:-1] if not line.endswith("more problems not shown")]
        assert len(shown) == sum(
            min(MAX_PROBLEMS_PER_FILE, sum(p.path == name for p in problems))
            for name in {p.path for p in problems}
        )
        assert all(_PROBLEM_LINE.match(line) for line in shown), shown

        for args in (
            ["list"],
            ["list", "--format", "json"],
            ["show", "dprk-human-rights-ministerial-side-event"],
        ):
            result = runner.invoke(app, [*args, "--as-of", AS_OF, *cache])
            expect_no_traceback(result.output, result.exception)
            assert result.exit_code in (0, 1)
            if "json" not in args:  # piped JSON is data, exact; on a terminal it is escaped
                assert_terminal_safe(result.output)


@budget(ci=4, long=60)
@given(case=hostile_file())
def test_the_installed_command_never_shows_a_traceback(
    workdir: Path, seed_bytes: dict[str, bytes], case: tuple[str, bytes, bool]
) -> None:
    path, data, _ = case
    TALLY.tried("validate: python -m timeline")
    for _ in _with_file(workdir, path, data, seed_bytes[path]):
        run = subprocess.run(
            [sys.executable, "-m", "timeline", "validate", "--as-of", AS_OF],
            capture_output=True, text=True, timeout=60, cwd=workdir,
        )  # fmt: skip
        expect_no_traceback(run.stdout + run.stderr)
        assert run.returncode in (0, 1), run.stderr
