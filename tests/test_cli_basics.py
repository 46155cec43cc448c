"""The foundation commands through the CLI: exit codes, output formats, filters."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from helpers import ACTORS, SEED, event_yaml
from typer.testing import CliRunner, Result

from timeline.cli.app import _Commands
from timeline.core.errors import TimelineError

Cli = Callable[..., Result]


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    shutil.copytree(SEED, tmp_path / "events")
    return tmp_path / "events"


def test_seed_validates_cleanly(cli: Cli, seed: Path) -> None:
    result = cli("validate", "--as-of", "2014-09-13", "--strict")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "11 events in 12 files: 0 errors, 0 warnings"


def test_validate_json(cli: Cli, tree: Callable[..., Path]) -> None:
    tree({"e.yaml": event_yaml("a", date="2014-02-30")})
    result = cli("validate", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {
            "path": "events/e.yaml",
            "line": 3,
            "column": 7,
            "level": "error",
            "code": "invalid-date",
            "message": "date: '2014-02-30' is not a calendar date",
        }
    ]


def test_validate_paths_report_only_those_files(cli: Cli, tree: Callable[..., Path]) -> None:
    tree({"a.yaml": event_yaml("a", type="meating"), "b.yaml": event_yaml("b", type="meating")})
    result = cli("validate", "events/b.yaml")
    assert result.exit_code == 1
    assert [line.split(":")[0] for line in result.stdout.splitlines()[:-1]] == ["events/b.yaml"]


def test_validate_a_draft_outside_the_collection(
    cli: Cli, tree: Callable[..., Path], tmp_path: Path
) -> None:
    tree({"actors.yaml": ACTORS, "a.yaml": event_yaml("a")})
    (tmp_path / "draft.yaml").write_text(event_yaml("a", actors="[kery]"))
    result = cli("validate", "draft.yaml")
    assert result.exit_code == 1
    codes = sorted(line.rsplit("[", 1)[1] for line in result.stdout.splitlines()[:-1])
    assert codes == ["duplicate-id]", "unknown-actor]"]


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--as-of", "2014-02-30"],
        ["validate", "--as-of", "yesterday"],
        ["validate", "--format", "xml"],
        ["validate", "--events", "no-such-folder"],
        ["list", "--type", "meating"],
        ["list", "--status", "done"],
        ["list", "--from", "2014-09-30", "--to", "2014-09-01"],
        ["list", "--from", "Sept"],
        ["show"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(cli: Cli, seed: Path, args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_list_table_and_filters(cli: Cli, seed: Path) -> None:
    result = cli("list", "--as-of", "2014-09-13", "--type", "letter", "--type", "publication")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "8–12 Sep 2014" in lines[1] and "former-officials-letter-to-kerry" in lines[1]
    assert "csis-publishes-letter-to-kerry" in lines[2]
    assert lines[-1] == "2 of 11 events"


def test_list_json_normalized_records(cli: Cli, seed: Path) -> None:
    result = cli("list", "--format", "json", "--as-of", "2014-09-13", "--actor", "un-coi-dprk")
    records = json.loads(result.stdout)
    report = next(r for r in records if r["id"] == "un-coi-dprk-report")
    assert report["date"] == "2014-02"
    assert (report["start"], report["end"]) == ("2014-02-01", "2014-02-28")
    assert report["precision"] == "month" and report["label"] == "Feb 2014"
    assert report["approximate"] is False and report["uncertain"] is False
    assert report["window"] is False
    assert report["path"] == "events/2014/un-coi-dprk-report.yaml"
    assert all(set(a) == {"actor", "role"} for a in report["actors"])
    ongoing = json.loads(cli("list", "--format", "json", "--tag", "side-event").stdout)
    assert all(r["end"] is None or r["end"] >= "2014-09-01" for r in ongoing)


def test_list_date_filters_keep_overlaps(cli: Cli, seed: Path) -> None:
    result = cli("list", "--format", "json", "--from", "2014-09-20", "--to", "2014-09-25")
    ids = [r["id"] for r in json.loads(result.stdout)]
    # open-ended processes overlap every later window; the report of February does not
    assert "japan-eu-draft-dprk-resolution" in ids
    assert "dprk-human-rights-ministerial-side-event" in ids
    assert "un-coi-dprk-report" not in ids


def test_show_names_actors_and_related(cli: Cli, seed: Path) -> None:
    result = cli("show", "dprk-human-rights-ministerial-side-event", "--as-of", "2014-09-13")
    assert result.exit_code == 0
    assert "John Kerry (Secretary of State) [john-kerry], participant" in result.stdout
    assert (
        "date:      sometime 22–30 Sep 2014  ([2014-09-22..2014-09-30]; day precision, "
        "a window: one day in it, not known which)"
    ) in result.stdout
    assert "part-of unga-69-leaders-week" in result.stdout
    assert "former-officials-letter-to-kerry supports this" in result.stdout


def test_show_unknown_id_suggests(cli: Cli, seed: Path) -> None:
    result = cli("show", "dprk-human-rights-side-event")
    assert result.exit_code == 1
    assert "did you mean 'dprk-human-rights-ministerial-side-event'?" in result.stderr


def test_list_names_the_errors_and_exits_1(cli: Cli, tree: Callable[..., Path]) -> None:
    tree({"e.yaml": event_yaml("a", status="done")})
    result = cli("list")
    assert result.exit_code == 1
    assert "events/e.yaml:5:9: error:" in result.stderr


def test_terminal_cannot_be_rewritten(cli: Cli, tree: Callable[..., Path]) -> None:
    tree({"e.yaml": event_yaml("a", title='"Evil \\u202e\\x1b[2J title"')})
    result = cli("list")
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "\\u202e" in result.stdout


def test_python_dash_m_entry_point(tmp_path: Path) -> None:
    shutil.copytree(SEED, tmp_path / "events")
    done = subprocess.run(
        [sys.executable, "-m", "timeline", "validate", "--as-of", "2014-09-13"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "0 errors, 0 warnings" in done.stdout


class _Refused(TimelineError):
    exit_code = 3


def test_a_failure_of_the_library_ends_a_command_in_one_line_with_its_exit_code() -> None:
    # every command runs inside the one handler: no command catches TimelineError itself
    app = typer.Typer(cls=_Commands)

    @app.command()
    def refuse() -> None:
        raise _Refused("the folder is locked; wait and run again")

    @app.command()
    def crash() -> None:
        raise ValueError("a bug of ours")

    result = CliRunner().invoke(app, ["refuse"])
    assert result.exit_code == 3
    assert result.stderr == "error: the folder is locked; wait and run again\n"
    assert result.stdout == ""
    bug = CliRunner().invoke(app, ["crash"])  # anything else is a bug: not hidden
    assert isinstance(bug.exception, ValueError)


def test_list_json_a_window_is_its_bounds_and_flagged(cli: Cli, seed: Path) -> None:
    records = json.loads(cli("list", "--format", "json", "--type", "letter").stdout)
    letter = next(r for r in records if r["id"] == "former-officials-letter-to-kerry")
    assert letter["date"] == "[2014-09-08..2014-09-12]"
    assert (letter["start"], letter["end"]) == ("2014-09-08", "2014-09-12")
    assert letter["window"] is True
    assert letter["label"] == "sometime 8–12 Sep 2014"
    keys = list(letter)
    assert keys.index("uncertain") < keys.index("window") < keys.index("label")
