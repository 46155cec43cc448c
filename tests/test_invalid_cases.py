"""Bad input as data: each folder in tests/data/invalid/ holds a collection and the exact
problem lines `timeline validate` must print for it (yamllint's tests/rules/ style)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

CASES = Path(__file__).parent / "data" / "invalid"
NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())


@pytest.mark.parametrize("name", NAMES)
def test_invalid_case(name: str, cli: Callable[..., Result], tmp_path: Path) -> None:
    shutil.copytree(CASES / name / "events", tmp_path / "events")
    expected = (CASES / name / "expected.txt").read_text(encoding="utf-8").splitlines()

    result = cli("validate", "--as-of", "2014-09-13")

    lines = result.stdout.splitlines()
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert lines[:-1] == expected
    assert "Traceback" not in result.output
    has_error = any(": error: " in line for line in expected)
    assert result.exit_code == (1 if has_error else 0)


def test_every_case_has_expectations() -> None:
    assert len(NAMES) >= 25
    for name in NAMES:
        assert (CASES / name / "expected.txt").read_text().strip(), name


def test_python_tag_never_runs(cli: Callable[..., Result], tmp_path: Path) -> None:
    shutil.copytree(CASES / "python-object-tag" / "events", tmp_path / "events")
    cli("validate")
    assert not (tmp_path / "pwned").exists()


def test_alias_bomb_answers_fast(cli: Callable[..., Result], tmp_path: Path) -> None:
    shutil.copytree(CASES / "alias-bomb" / "events", tmp_path / "events")
    started = time.perf_counter()
    result = cli("validate")
    # A bomb that were expanded would hold 9**9 items; refusing aliases keeps it instant.
    assert time.perf_counter() - started < 1.0
    assert result.exit_code == 1
    assert "[yaml-alias]" in result.stdout


def test_strict_fails_on_warnings(cli: Callable[..., Result], tmp_path: Path) -> None:
    shutil.copytree(CASES / "warnings" / "events", tmp_path / "events")
    assert cli("validate", "--as-of", "2014-09-13").exit_code == 0
    assert cli("validate", "--as-of", "2014-09-13", "--strict").exit_code == 1
