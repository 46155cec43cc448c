"""Where `-o` may write: never inside the collection, `-` for standard output, a trailing
slash for a folder, and any failure of the file system as one line."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import files_of, tree_snapshot
from typer.testing import Result

Cli = Callable[..., Result]
AS_OF = ("--as-of", "2014-09-13")
RECORD = "events/2014/unga-69-leaders-week.yaml"

#: Every command that takes -o, with the arguments it needs to write something.
WRITERS = {
    "render": ["render", *AS_OF],
    "report": ["report", "2014-09", *AS_OF],
    "export": ["export", "--format", "csv", *AS_OF],
    "schema": ["schema"],
}


def _one_line_error(result: Result) -> str:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    text = " ".join(result.stderr.replace("│", " ").split())
    return text


@pytest.mark.parametrize("command", WRITERS)
@pytest.mark.parametrize(
    "target",
    [RECORD, "events/new.html", "events", "events/2014/", "events/../events/x.md",
     "./events/actors.yaml", "link-to-record", "link-to-events/x.md"],
)  # fmt: skip
def test_an_output_inside_the_collection_is_refused(
    cli: Cli, seeded: Path, command: str, target: str
) -> None:
    (seeded / "link-to-record").symlink_to(seeded / RECORD)
    (seeded / "link-to-events").symlink_to(seeded / "events")
    before = tree_snapshot(seeded / "events")
    result = cli(*WRITERS[command], "-o", target)
    message = _one_line_error(result)
    assert result.exit_code == 2, result.output
    assert "inside the collection" in message, message
    assert tree_snapshot(seeded / "events") == before
    assert not (seeded / "reports").exists()


def test_an_output_inside_another_events_folder_is_refused(cli: Cli, seeded: Path) -> None:
    shutil.copytree(seeded / "events", seeded / "data")
    before = tree_snapshot(seeded / "data")
    result = cli("export", "--events", "data", "--format", "csv", *AS_OF, "-o", "data/x.csv")
    assert result.exit_code == 2 and "inside the collection" in _one_line_error(result)
    assert tree_snapshot(seeded / "data") == before
    # Beside the collection is fine.
    result = cli("export", "--events", "data", "--format", "csv", *AS_OF, "-o", "events.csv")
    assert result.exit_code == 0, result.output


def test_every_refuses_a_folder_inside_the_collection(cli: Cli, seeded: Path) -> None:
    before = tree_snapshot(seeded / "events")
    for folder in ("events", "events/reports", "events/2014/"):
        result = cli("report", "2014", "--every", "quarter", *AS_OF, "-o", folder)
        assert result.exit_code == 2 and "inside the collection" in _one_line_error(result)
    assert tree_snapshot(seeded / "events") == before


@pytest.mark.parametrize("command", WRITERS)
def test_dash_is_standard_output(cli: Cli, seeded: Path, command: str) -> None:
    result = cli(*WRITERS[command], "-o", "-")
    assert result.exit_code == 0, result.output
    assert set(os.listdir(seeded)) - {".cache"} == {"events"}  # no '-', no reports/
    assert not (seeded / "-").exists()
    if command == "render":
        assert result.stdout.startswith("<!doctype html>")
    elif command == "report":
        assert result.stdout.startswith("# September 2014: timeline report\n")
    elif command == "export":
        assert result.stdout.startswith("id,title,")
    else:
        assert json.loads(result.stdout)["$schema"]
    assert "wrote" not in result.stdout


def test_dash_means_standard_output_for_report_formats(cli: Cli, seeded: Path) -> None:
    result = cli("report", "2014-09", *AS_OF, "--format", "json", "-o", "-")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["period"]["name"] == "2014-09"
    result = cli("report", "2014", "--every", "quarter", *AS_OF, "-o", "-")
    assert result.exit_code == 2 and "folder" in _one_line_error(result)


def test_a_trailing_slash_names_a_folder_that_is_made(cli: Cli, seeded: Path) -> None:
    result = cli("report", "2014-09", *AS_OF, "-o", "missing-dir/")
    assert result.exit_code == 0, result.output
    assert result.stdout == "wrote missing-dir/2014-09.md (8 events)\n"
    assert (seeded / "missing-dir" / "2014-09.md").is_file()
    result = cli("report", "2014-Q3", *AS_OF, "-o", "a/b/")
    assert result.exit_code == 0 and (seeded / "a" / "b" / "2014-Q3.md").is_file()


@pytest.mark.parametrize("command", ["render", "export", "schema"])
def test_a_folder_is_refused_where_a_file_is_written(cli: Cli, seeded: Path, command: str) -> None:
    (seeded / "there").mkdir()
    for target in ("missing-dir/", "there", "there/"):
        result = cli(*WRITERS[command], "-o", target)
        assert result.exit_code == 2, (target, result.output)
        assert "folder" in _one_line_error(result)
    assert not (seeded / "missing-dir").exists()
    assert os.listdir(seeded / "there") == []


LONG = "x" * 300


@pytest.mark.parametrize("command", WRITERS)
@pytest.mark.parametrize(
    "target", [f"{LONG}.html", f"d/{LONG}.html", f"{LONG}/x.html", f"{'y' * 5000}.html"]
)
def test_an_impossible_name_is_one_line_and_exit_1(
    cli: Cli, seeded: Path, command: str, target: str
) -> None:
    before = files_of(seeded)
    result = cli(*WRITERS[command], "-o", target)
    message = _one_line_error(result)
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1 and message.startswith("error: cannot write")
    assert "name too long" in message.lower()
    assert files_of(seeded) == before


def test_an_impossible_series_folder_is_one_line_and_exit_1(cli: Cli, seeded: Path) -> None:
    before = files_of(seeded)
    result = cli("report", "2014", "--every", "quarter", *AS_OF, "-o", LONG)
    assert result.exit_code == 1, result.output
    assert _one_line_error(result).startswith("error: cannot write")
    assert files_of(seeded) == before
