"""Faults while writing: every command that writes leaves the old files or the complete new ones.

For each command that writes (`add`, `update`, `export -o`, and `render` and `report` once
they exist) an OSError (ENOSPC, EACCES, EIO) is injected at each write step in turn, the
k-th call of each system call the write goes through, for every k the command reaches;
a writer is killed with SIGKILL at random moments; output goes to a full device. After
each: the files are byte for byte as they were (or, when the command succeeded, exactly
as a clean run leaves them), no temporary file is left, and a failed command exits 1 with
one clear line and no traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fuzz.budget import budget
from fuzz.figures import TALLY, expect_files, expect_no_traceback
from fuzz.mutations import Mutation, apply, mutation
from helpers import SEED, event_yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from timeline.cli.app import app
from timeline.collection.pipeline import load_collection
from timeline.store.atomic import LOCK_NAME

AS_OF = "2014-09-13"
EVENT_ID = "dprk-human-rights-ministerial-side-event"
DRAFT_ONE = event_yaml("fresh-meeting", date="2015-03-01", status="scheduled", actors="[us]")
DRAFT_TWO = (
    DRAFT_ONE + "---\n" + event_yaml("second-meeting", date="2016-05-02", status="scheduled")
)


@dataclass(frozen=True)
class Command:
    """A command that writes, run in a folder holding `events/` and `draft.yaml`."""

    name: str
    args: tuple[str, ...]
    draft: str = DRAFT_ONE


COMMANDS = [
    Command("add one", ("add", "draft.yaml", "--as-of", AS_OF)),
    Command("add a batch", ("add", "draft.yaml", "--as-of", AS_OF), DRAFT_TWO),
    Command(
        "update",
        (
            "update",
            EVENT_ID,
            "--status",
            "occurred",
            "--date",
            "2014-09-23",
            "--on",
            "2014-09-23",
            "--note",
            "Held.",
        ),
    ),
    Command("export -o", ("export", "--format", "ics", "-o", "out/cal.ics", "--as-of", AS_OF)),
]
_AVAILABLE = {
    module.rsplit(".", 1)[-1] for module in sys.modules if module.startswith("timeline.cli.")
}
if "render" in _AVAILABLE:
    COMMANDS.append(Command("render", ("render", "-o", "out/t.html", "--as-of", AS_OF)))
if "report" in _AVAILABLE:
    COMMANDS.append(
        Command("report", ("report", "2014-09", "-o", "out/2014-09.md", "--as-of", AS_OF))
    )

Files = dict[str, bytes]


def world(root: Path, command: Command) -> Path:
    """A fresh folder with a copy of the seed collection and a draft beside it."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(SEED, root / "events")
    (root / "draft.yaml").write_text(command.draft, encoding="utf-8")
    return root


def files_below(root: Path) -> Files:
    """Every file (bytes) and folder (empty bytes, name ending in /), lock and cache aside."""
    found: Files = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.name == LOCK_NAME or relative.startswith(".cache"):
            continue
        if path.is_dir():
            found[relative + "/"] = b""
        elif path.is_file():
            found[relative] = path.read_bytes()
        else:  # a device (never read: /dev/full reads as endless zeros)
            found[relative] = f"<mode {path.stat().st_mode:o}>".encode()
    return found


def temporaries(files: Files) -> list[str]:
    return [name for name in files if Path(name).name.startswith(".") and name.endswith(".tmp")]


runner = CliRunner()


def invoke(root: Path, args: tuple[str, ...]) -> Result:
    """Run the command in-process with `root` as the current folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.setenv("TIMELINE_CACHE_DIR", str(root / ".cache"))
        return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Files, Files]]:
    """Each command's files before it runs and after a clean run: the only two allowed states."""
    states = {}
    for command in COMMANDS:
        root = world(tmp_path_factory.mktemp("clean"), command)
        before = files_below(root)
        result = invoke(root, command.args)
        assert result.exit_code == 0, result.output
        states[command.name] = (before, files_below(root))
    return states


def expect_one_clear_line(result: Result) -> None:
    expect_no_traceback(result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "nothing was" in lines[0] or "cannot" in lines[0], lines[0]


#: The module that opens, reads and closes record files (by file descriptor, so that no
#: open can block): its calls are not steps of a write, and are never made to fail here
#: (an unreadable file is a problem of the collection: tests/test_file_system.py).
_READER = "timeline.collection.files"


class Fault:
    """Makes the `at`-th call of `owner.name` raise OSError(code); counts the calls made."""

    def __init__(self, owner: Any, name: str, code: int, at: int) -> None:
        self.owner, self.name, self.code, self.at = owner, name, code, at
        self.calls = 0
        self.real = getattr(owner, name)

    @property
    def fired(self) -> bool:
        return self.calls >= self.at

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if sys._getframe(2).f_globals.get("__name__") == _READER:
            return self.real(*args, **kwargs)  # reading a record file: not a write step
        self.calls += 1
        if self.calls != self.at:
            return self.real(*args, **kwargs)
        if self.name == "close":  # a close that fails still closes (as on NFS): no fd leak
            self.real(*args, **kwargs)
        raise OSError(self.code, os.strerror(self.code))

    @contextlib.contextmanager
    def installed(self) -> Iterator[Fault]:
        def stand_in(*args: Any, **kwargs: Any) -> Any:  # a function binds as a method
            return self(*args, **kwargs)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(self.owner, self.name, stand_in)
            yield self


# Every call a write goes through (timeline/store/atomic.py and the lock), from the folder to the
# rename: make the folder, make the temporary, set its mode, write, flush, close, then
# link (new files) or replace (updates), and the lock's own open.
WRITE_STEPS: list[tuple[Any, str]] = [
    (Path, "mkdir"), (tempfile, "mkstemp"), (os, "open"), (os, "fchmod"), (os, "write"),
    (os, "fsync"), (os, "close"), (os, "link"), (os, "replace"), (Path, "unlink"),
]  # fmt: skip
ERRNOS = [errno.ENOSPC, errno.EACCES, errno.EIO]


@pytest.mark.parametrize("code", ERRNOS, ids=errno.errorcode.get)
@pytest.mark.parametrize(
    "step", WRITE_STEPS, ids=lambda s: f"{getattr(s[0], '__name__', s[0])}.{s[1]}"
)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_oserror_at_every_write_step(
    tmp_path: Path, outcomes: dict[str, tuple[Files, Files]], command: Command,
    step: tuple[Any, str], code: int,
) -> None:  # fmt: skip
    before, after = outcomes[command.name]
    for at in range(1, 50):
        root = world(tmp_path / f"run-{at}", command)
        with Fault(*step, code, at).installed() as fault:
            result = invoke(root, command.args)
        files = files_below(root)
        expect_no_traceback(result.output, result.exception)
        if not fault.fired:  # every call of this step has failed once: done
            assert result.exit_code == 0, result.output
            expect_files(files, [after], "after a clean run")
            return
        TALLY.injected(f"faults: {step[1]} {errno.errorcode[code]}")
        if step[1] == "unlink":
            # Only a system that refuses to remove the temporary can leave it (the new file
            # is complete by then); the loader skips `.*.tmp`.
            files = {k: v for k, v in files.items() if k not in temporaries(files)}
        assert not temporaries(files), temporaries(files)
        if result.exit_code == 0:  # the fault hit a step whose failure cannot matter
            expect_files(files, [after], f"after a harmless fault in call {at} of {step[1]}")
        else:
            assert result.exit_code == 1
            expect_one_clear_line(result)
            expect_files(files, [before], f"after a fault in call {at} of {step[1]}")
        shutil.rmtree(root)
    pytest.fail(f"{step[1]} was still called after 50 faults")


@pytest.mark.parametrize("command", [c for c in COMMANDS if "-o" in c.args], ids=lambda c: c.name)
def test_output_to_a_full_device(
    tmp_path: Path, outcomes: dict[str, tuple[Files, Files]], command: Command
) -> None:
    root = world(tmp_path, command)
    args = list(command.args)
    target = Path(args[args.index("-o") + 1])
    # A link to /dev/full (named like the output, for commands that check the suffix):
    # if a write ever renamed over its target again, it would replace this link, not /dev/full.
    full = root / f"full{target.suffix}"
    full.symlink_to("/dev/full")
    args[args.index("-o") + 1] = full.name
    before = files_below(root)
    result = invoke(root, tuple(args))
    TALLY.injected("faults: output to /dev/full")
    assert result.exit_code == 1
    expect_one_clear_line(result)
    assert "No space left on device" in result.stderr
    # A full device is still that device: writing is never a rename over the node.
    assert full.is_symlink() and stat.S_ISCHR(full.stat().st_mode)
    expect_files(files_below(root), [before], "writing to a full device")


def test_a_read_only_folder(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip(
            "running as root, whom folder permissions do not stop; the same property is "
            "proven by injecting EACCES at every write step (test_oserror_at_every_write_step)"
        )
    for command in COMMANDS:
        root = world(tmp_path / command.name.replace(" ", "-"), command)
        (root / "out").mkdir()
        for folder in [root / "out", root / "events", *(root / "events").glob("20*")]:
            folder.chmod(0o555)
        before = files_below(root)
        result = invoke(root, command.args)
        TALLY.injected("faults: read-only folder")
        assert result.exit_code == 1
        expect_one_clear_line(result)
        expect_files(files_below(root), [before], "in a read-only folder")


# --- SIGKILL -------------------------------------------------------------------------


def _spawn(root: Path, args: tuple[str, ...]) -> subprocess.Popen[bytes]:
    env = dict(os.environ, TIMELINE_CACHE_DIR=str(root / ".cache"))
    return subprocess.Popen(
        [sys.executable, "-m", "timeline", *args], cwd=root, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


@pytest.fixture(scope="module")
def durations(tmp_path_factory: pytest.TempPathFactory) -> dict[str, float]:
    """How long each writing command takes as a process, to kill it anywhere in its run."""
    taken = {}
    for command in COMMANDS:
        root = world(tmp_path_factory.mktemp("timed"), command)
        started = time.monotonic()
        writer = _spawn(root, command.args)
        _, stderr = writer.communicate(timeout=60)
        assert writer.returncode == 0, stderr
        taken[command.name] = time.monotonic() - started
    return taken


@budget(ci=8, long=60)
@given(command=st.sampled_from(COMMANDS), moment=st.floats(0.0, 1.1))
def test_a_writer_killed_at_any_moment(
    tmp_path_factory: pytest.TempPathFactory, outcomes: dict[str, tuple[Files, Files]],
    durations: dict[str, float], command: Command, moment: float,
) -> None:  # fmt: skip
    before, after = outcomes[command.name]
    root = world(tmp_path_factory.mktemp("killed"), command)
    writer = _spawn(root, command.args)
    time.sleep(durations[command.name] * moment)
    writer.send_signal(signal.SIGKILL)
    _, stderr = writer.communicate(timeout=60)
    TALLY.injected("faults: SIGKILL")
    expect_no_traceback(stderr.decode("utf-8", "replace"))
    files = files_below(root)
    # A killed process cannot clean up: at most its hidden temporaries stay (the loader
    # skips them), and an empty folder it made for the new file (`events/2015/`, `out/`)
    # if the kill came between making it and moving the file in. Everything else is the
    # old state or the complete new one.
    temps = set(temporaries(files))
    leftovers = temps | {
        name for name in files
        if name.endswith("/") and name not in before  # empty, but for a temporary
        and not any(other != name and other.startswith(name) and other not in temps
                    for other in files)
    }  # fmt: skip
    kept = {name: data for name, data in files.items() if name not in leftovers}
    if command.name == "add a batch":
        # Files of a batch land one after the other: a kill between two links leaves the
        # first ones, each complete (never a partial file).
        new = {name: data for name, data in after.items() if name not in before}
        expect_files(kept, [before | {k: v for k, v in new.items() if k in kept}])
    else:
        expect_files(kept, [before, after], f"after SIGKILL at {moment:.2f} of the run")
    assert not load_collection(root / "events").problems
    shutil.rmtree(root)


def test_fault_helpers_can_fail(tmp_path: Path) -> None:
    """The checks above are real: a partial file and a traceback are both caught."""
    counted = TALLY.lost, TALLY.tracebacks
    with pytest.raises(AssertionError):
        expect_files({"a.yaml": b"id: x\n"}, [{"a.yaml": b"id: x\ntitle: y\n"}, {}])
    with pytest.raises(AssertionError):
        expect_no_traceback("Traceback (most recent call last):\n  ...")
    TALLY.lost, TALLY.tracebacks = counted  # these two were planted, not found


# --- the cache -------------------------------------------------------------------------

READERS = [("validate", "--as-of", AS_OF), ("list", "--format", "json", "--as-of", AS_OF)]


@pytest.fixture(scope="module")
def uncached(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, ...], Result]:
    """What the reading commands print without the cache: the results the cache must keep."""
    root = world(tmp_path_factory.mktemp("uncached"), COMMANDS[0])
    return {args: invoke(root, (*args, "--no-cache")) for args in READERS}


def _same_result(result: Result, expected: Result) -> None:
    expect_no_traceback(result.output, result.exception)
    assert (result.exit_code, result.stdout) == (expected.exit_code, expected.stdout)


@pytest.mark.parametrize("code", ERRNOS, ids=errno.errorcode.get)
@pytest.mark.parametrize(
    "step", WRITE_STEPS, ids=lambda s: f"{getattr(s[0], '__name__', s[0])}.{s[1]}"
)
def test_a_cache_that_cannot_be_written_changes_nothing(
    tmp_path: Path, uncached: dict[tuple[str, ...], Result], step: tuple[Any, str], code: int
) -> None:
    for at in range(1, 50):
        root = world(tmp_path / f"run-{at}", COMMANDS[0])
        before = files_below(root)
        with Fault(*step, code, at).installed() as fault:
            results = {args: invoke(root, args) for args in READERS}
        for args, result in results.items():
            _same_result(result, uncached[args])
        cache = root / ".cache"
        assert not [p.name for p in cache.rglob("*.tmp")] if cache.exists() else True
        expect_files(files_below(root), [before], "after reading with a failing cache")
        for args in READERS:  # whatever was left in the cache, the next run is right
            _same_result(invoke(root, args), uncached[args])
        shutil.rmtree(root)
        if not fault.fired:
            return
        TALLY.injected(f"faults: cache {step[1]} {errno.errorcode[code]}")
    pytest.fail(f"{step[1]} was still called after 50 faults")


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, bytes]]:
    """A collection whose cache has been written: its files (the pack, the records and
    the last checks' result) and their bytes."""
    root = world(tmp_path_factory.mktemp("warm"), COMMANDS[0])
    invoke(root, READERS[0])
    files = sorted((root / ".cache").iterdir())
    assert sorted(f.suffix for f in files) == [".checked", ".pack", ".records"]
    return [(file, file.read_bytes()) for file in files]


@budget(ci=40, long=600)
@given(change=mutation)
def test_a_damaged_cache_changes_nothing(
    warm: list[tuple[Path, bytes]], uncached: dict[tuple[str, ...], Result], change: Mutation
) -> None:
    for damaged, good in warm:
        damaged.write_bytes(apply(good, change))
        TALLY.injected(f"faults: damaged cache {damaged.suffix[1:]}")
        try:
            for args in READERS:
                _same_result(invoke(damaged.parents[1], args), uncached[args])
        finally:
            for file, data in warm:  # a run may have written either again
                file.write_bytes(data)
