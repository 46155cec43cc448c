"""Commands on collections whose file system is hostile (see `trees.py`): they end, without
a traceback, exit as documented, and name every special file and every folder too deep."""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from helpers import event_yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from fuzz.budget import budget
from fuzz.figures import TALLY, assert_terminal_safe, expect_no_traceback
from fuzz.trees import Expected, Plan, build, name_stem, remove_tree, snapshot, tree_plan
from timeline.cli.app import app
from timeline.collection.files import path_of
from timeline.store.atomic import LOCK_NAME

AS_OF = ("--as-of", "2014-09-13")
#: A run on a few files takes well under a second; past this it is a hang.
SECONDS_PER_RUN = 30
_PROBLEM_LINE = re.compile(r"(.+):(\d+):(\d+): (error|warning): (.+) \[([a-z0-9-]+)\]\Z")
_SUMMARY = re.compile(r"\d+ events? in \d+ files?: \d+ errors?, \d+ warnings?\Z")

runner = CliRunner()


class Hang(Exception):
    """A command ran past `SECONDS_PER_RUN`."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang(f"a command ran over {SECONDS_PER_RUN} s")


@contextmanager
def built(plan: Plan) -> Iterator[tuple[Path, Expected]]:
    """The plan built in a fresh folder as `events/`, the current folder there; removed after."""
    base = Path(tempfile.mkdtemp(prefix="fuzz-tree-"))
    before = os.getcwd()
    try:
        expected = build(base / "events", plan, base / "outside")
        os.chdir(base)
        yield base, expected
    finally:
        os.chdir(before)
        remove_tree(base)


def invoke(*args: str) -> Result:
    """The CLI in this process, stopped by an alarm if it hangs (a blocking open included)."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(SECONDS_PER_RUN)
    try:
        result = runner.invoke(app, list(args), env={"TIMELINE_CACHE_DIR": ".cache"})
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    if isinstance(result.exception, Hang):
        raise result.exception
    expect_no_traceback(result.output, result.exception)
    return result


def _reported(problems: list[dict[str, object]]) -> dict[bytes, str]:
    """The problems as real paths below `events/` (bytes) and their codes."""
    found: dict[bytes, str] = {}
    for problem in problems:
        shown = str(problem["path"])
        relative = path_of(shown).relative_to("events")
        assert shown.endswith("/") == (problem["code"] == "too-deep"), shown  # folders end in /
        found[os.fsencode(relative)] = str(problem["code"])
    return found


@budget(ci=25, long=300)
@given(plan=tree_plan())
def test_commands_on_hostile_trees(plan: Plan) -> None:
    TALLY.tried("trees: whole CLI")
    with built(plan) as (base, expected):
        code = 1 if expected.errors else 0
        texts = [invoke("validate", *AS_OF), invoke("validate", *AS_OF)]  # cold, then cached
        assert texts[0].stdout == texts[1].stdout and texts[0].exit_code == texts[1].exit_code
        text = texts[0]
        assert text.exit_code == code, text.output
        assert_terminal_safe(text.output)
        lines = text.stdout.splitlines()
        assert _SUMMARY.match(lines[-1]), lines
        assert all(_PROBLEM_LINE.match(line) for line in lines[:-1]), lines  # one line each

        as_json = invoke("validate", "--format", "json", *AS_OF)
        problems = json.loads(as_json.stdout)
        assert len(problems) == len(lines) - 1
        assert _reported(problems) == expected.codes

        listed = invoke("list", "--format", "json", "--no-cache", *AS_OF)
        assert listed.exit_code == code
        assert {record["id"] for record in json.loads(listed.stdout)} == expected.events

        page = invoke("render", "-o", str(base / "page.html"), *AS_OF)
        assert page.exit_code == code and (base / "page.html").exists() == (code == 0)

        (base / "draft.yaml").write_text(event_yaml("drafted", date="2015-01-02"))
        before = snapshot(base / "events")
        added = invoke("add", "draft.yaml", *AS_OF)
        assert added.exit_code == code, added.output
        after = snapshot(base / "events")
        after.pop(os.fsencode(base / "events" / LOCK_NAME), None)  # the lock stays, empty
        if code:
            assert after == before  # nothing written while the collection has errors
        else:
            assert set(after) - set(before) == {
                os.fsencode(base / "events" / "2015"),
                os.fsencode(base / "events" / "2015" / "drafted.yaml"),
            }


def _limited() -> None:
    """The memory bound of the tool's own process: an unbounded read fails fast."""
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


@budget(ci=4, long=30)
@given(plan=tree_plan())
def test_the_installed_command_on_hostile_trees(plan: Plan) -> None:
    """The same in a process of its own, bounded in time and memory, as a user runs it."""
    TALLY.tried("trees: python -m timeline")
    with built(plan) as (base, expected):
        (base / "draft.yaml").write_text(event_yaml("drafted", date="2015-01-02"))
        for args in (["validate"], ["add", "draft.yaml", "--dry-run"]):
            run = subprocess.run(
                [sys.executable, "-m", "timeline", *args, *AS_OF],
                capture_output=True, text=True, errors="replace", timeout=120, cwd=base,
                preexec_fn=_limited,
                env={**os.environ, "TIMELINE_CACHE_DIR": str(base / ".cache")},
            )  # fmt: skip
            expect_no_traceback(run.stdout + run.stderr)
            assert run.returncode == (1 if expected.errors else 0), run.stderr


#: What `--events` may be given that is not a folder.
NOT_FOLDERS = ("file", "fifo", "socket", "device", "device-link", "dangling", "self-link",
               "missing", "empty")  # fmt: skip


@budget(ci=20, long=200)
@given(kind=st.sampled_from(NOT_FOLDERS), stem=name_stem(room=10))
def test_events_that_is_not_a_folder(kind: str, stem: bytes) -> None:
    """Anything but a folder given as `--events` is a usage error naming it: exit 2."""
    TALLY.tried("trees: --events not a folder")
    with built(Plan([], 0)) as (base, _):
        name = os.fsdecode(stem)
        path = base / name
        if kind == "file":
            path.write_text(event_yaml("a"))
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "socket":
            os.mknod(path, stat.S_IFSOCK | 0o600)
        elif kind in ("device", "device-link"):
            path.symlink_to("/dev/zero" if kind == "device" else "/dev/null")
        elif kind == "dangling":
            path.symlink_to("missing-target")
        elif kind == "self-link":
            path.symlink_to(name)
        for command in (["validate"], ["list"], ["add", "-"]):
            given = "" if kind == "empty" else name
            result = invoke(*command, "--events", given, *AS_OF)
            assert result.exit_code == 2, result.output
            message = " ".join(result.output.replace("│", " ").split())
            assert "give the collection folder, e.g. --events events" in message
            assert_terminal_safe(result.output)
