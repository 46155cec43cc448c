"""`timeline report --every`: a bounded series, written all or nothing."""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import files_of, tree_snapshot
from typer.testing import Result

from timeline.cli.report import MAX_PERIODS
from timeline.store import atomic as atomic_module
from timeline.store import series as series_module
from timeline.store.atomic import WriteError
from timeline.store.series import write_series

Cli = Callable[..., Result]
AS_OF = ("--as-of", "2014-09-13")


# --- The bound --------------------------------------------------------------------------------


def test_a_series_longer_than_the_bound_is_refused_with_its_count(cli: Cli, seeded: Path) -> None:
    result = cli("report", "1900-01-01/2100-12-31", "--every", "week", *AS_OF)
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1
    assert "would cover 10,488 weeks (1900-W01 to 2100-W52)" in result.stderr
    assert f"more than {MAX_PERIODS:,}" in result.stderr and "--max-periods 10488" in result.stderr
    assert not (seeded / "reports").exists()


def test_the_bound_counts_the_collection_span_without_a_period(cli: Cli, seeded: Path) -> None:
    result = cli("report", "--every", "month", *AS_OF, "--max-periods", "5")
    assert result.exit_code == 2 and "24 months (2013-01 to 2014-12)" in result.stderr
    result = cli("report", "--every", "month", *AS_OF, "--max-periods", "24")
    assert result.exit_code == 0, result.output


def test_max_periods_must_be_positive(cli: Cli, seeded: Path) -> None:
    assert cli("report", "--every", "month", *AS_OF, "--max-periods", "0").exit_code == 2


# --- All or nothing ---------------------------------------------------------------------------


def test_a_series_replaces_its_own_files_and_leaves_the_others(cli: Cli, seeded: Path) -> None:
    reports = seeded / "reports"
    reports.mkdir()
    (reports / "notes.txt").write_text("mine")
    (reports / "2014-Q3.md").write_text("an older report")
    result = cli("report", "2014", "--every", "quarter", *AS_OF)
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(reports)) == [
        "2014-Q1.md", "2014-Q3.md", "2014-Q4.md", "index.md", "notes.txt",
    ]  # fmt: skip
    assert (reports / "notes.txt").read_text() == "mine"
    assert (reports / "2014-Q3.md").read_text().startswith("# Q3 2014: timeline report")
    assert [p for p in os.listdir(seeded) if p.endswith(".tmp")] == []


def _series_run(cli: Cli, *extra: str) -> Result:
    return cli("report", "2014", "--every", "quarter", "--format", "md", *AS_OF, *extra)


class FaultyOs:
    """The `os` module as the series writer sees it, with call number `failing` of `call`
    raising EIO (0: none fails; `calls` counts them)."""

    def __init__(self, call: str, failing: int = 0) -> None:
        self.call, self.failing, self.calls = call, failing, 0

    def __getattr__(self, name: str) -> Any:
        real = getattr(os, name)
        if name != self.call:
            return real

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == self.failing:
                raise OSError(errno.EIO, os.strerror(errno.EIO))
            return real(*args, **kwargs)

        return wrapped


@pytest.mark.parametrize("existing", [True, False])
@pytest.mark.parametrize("call", ["open", "write", "fsync", "close", "fchmod", "link", "rename"])
def test_a_fault_at_any_step_leaves_the_previous_series(
    cli: Cli, seeded: Path, monkeypatch: pytest.MonkeyPatch, existing: bool, call: str
) -> None:
    def previous_series() -> dict[str, bytes | None]:
        shutil.rmtree(seeded / "reports", ignore_errors=True)
        if existing:  # an earlier run, as of another day, and a file of the user's
            assert _series_run(cli, "--as-of", "2014-08-01").exit_code == 0
            (seeded / "reports" / "notes.txt").write_text("mine")
        return files_of(seeded)

    def run(faulty: FaultyOs) -> Result:
        with monkeypatch.context() as patch:
            patch.setattr(series_module, "os", faulty)
            patch.setattr(atomic_module, "os", faulty)
            return _series_run(cli)

    counting = FaultyOs(call)
    previous_series()
    assert run(counting).exit_code == 0
    assert counting.calls > 0, call
    failures = 0
    for failing in range(1, counting.calls + 1):
        before = previous_series()
        result = run(FaultyOs(call, failing))
        assert "Traceback" not in result.output
        if result.exit_code == 0:  # a step the result does not hang on (a folder's fsync)
            continue
        failures += 1
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith("error: cannot write") and result.stdout == ""
        assert result.stderr.count("\n") == 1
        assert files_of(seeded) == before, (call, failing)
    assert failures > 0 or call in ("open", "fsync"), call


def test_a_report_that_fails_midway_leaves_the_previous_series(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    write_series(folder, [("a.md", b"old a"), ("index.md", b"old index")])
    before = tree_snapshot(tmp_path)

    def broken() -> Iterator[tuple[str, bytes]]:
        yield "a.md", b"new a"
        yield "b.md", b"new b"
        raise WriteError("the disk is full")

    with pytest.raises(WriteError):
        write_series(folder, broken())
    assert tree_snapshot(tmp_path) == before


def test_a_new_series_folder_appears_whole(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "b" / "reports"

    def broken() -> Iterator[tuple[str, bytes]]:
        yield "a.md", b"new a"
        raise WriteError("the disk is full")

    with pytest.raises(WriteError):
        write_series(folder, broken())
    assert os.listdir(tmp_path) == []
    assert write_series(folder, [("a.md", b"1"), ("index.md", b"2")]) == [
        folder / "a.md", folder / "index.md",
    ]  # fmt: skip
    assert tree_snapshot(tmp_path) == {
        "a": None, "a/b": None, "a/b/reports": None, "a/b/reports/a.md": b"1",
        "a/b/reports/index.md": b"2",
    }  # fmt: skip


def test_old_files_that_cannot_go_back_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "reports"
    write_series(folder, [("a.md", b"old a"), ("b.md", b"old b")])
    real_rename, real_replace = os.rename, os.replace
    renames = 0

    def rename(source: Any, target: Any) -> None:
        nonlocal renames
        renames += 1
        if renames == 4:  # b.md's old file set aside, its new one fails to move in
            raise OSError(errno.EIO, "I/O error")
        real_rename(source, target)

    def replace(source: Any, target: Any) -> None:
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(os, "rename", rename)
    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(WriteError, match=r"could not put back .*by hand"):
        write_series(folder, [("a.md", b"new a"), ("b.md", b"new b")])
    monkeypatch.setattr(os, "replace", real_replace)
    kept = [p for p in tmp_path.rglob("*.md") if ".old" in p.parts]
    assert sorted(p.read_bytes() for p in kept) == [b"old a", b"old b"]
