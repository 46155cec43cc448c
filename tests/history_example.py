"""Build a git repository that commits the bundled records on the days the news arrived.

    python tests/history_example.py DEST

makes DEST (a new folder) a git repository whose `events/` history replays how the
bundled collection was learned: the inquiry's report in February 2014, the former
officials' letter on 12 September, the side event's preparations on 13 September (the
side event first as a proposal for some day in September), and on 15 September the side
event's dates and status corrected and its file renamed. The README's worked example of
`timeline diff`, `timeline history` and `report --known-on` runs on it.

Every commit has a set author, committer and date, so the repository is the same (and so
are its hashes) wherever it is built. The tests use `commit` to build their own histories.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "events"
SIDE_EVENT = "2014/dprk-human-rights-ministerial-side-event.yaml"
#: The side event as first recorded: a proposal for some day in September, no update yet.
EARLY_SIDE_EVENT = "2014/side-event.yaml"


def git(repo: Path, *args: str, day: str = "2014-01-01", author: str = "Analyst") -> str:
    """Run git in `repo` as `author` on `day` (noon UTC), with no user or system config."""
    stamp = f"{day}T12:00:00+00:00"
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": "analyst@example.org",
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": "analyst@example.org",
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_DATE": stamp,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def commit(
    repo: Path,
    day: str,
    message: str,
    files: Mapping[str, str | None],
    *,
    author: str = "Analyst",
) -> str:
    """Write `files` (path below `repo` to text; None removes the file), commit them all
    on `day`, and return the new commit's hash."""
    for name, text in files.items():
        path = repo / name
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git(repo, "add", "--all", day=day, author=author)
    git(repo, "commit", "--quiet", "--allow-empty", "-m", message, day=day, author=author)
    return git(repo, "rev-parse", "HEAD", day=day).strip()


def init(repo: Path) -> Path:
    """A new, empty git repository at `repo` on a branch named main."""
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "--quiet", "--initial-branch=main")
    return repo


def seed(name: str) -> str:
    return (SEED / name).read_text(encoding="utf-8")


def without_key(text: str, key: str) -> str:
    """A record's text without one top-level key and its block (the lines below it)."""
    lines = text.splitlines(keepends=True)
    kept: list[str] = []
    skipping = False
    for line in lines:
        if line.startswith(f"{key}:"):
            skipping = True
            continue
        if skipping and line[:1] not in (" ", "-", "\n", ""):
            skipping = False
        if not skipping:
            kept.append(line)
    return "".join(kept)


def _early_side_event() -> str:
    """The side event as first recorded on 13 September: proposed, for some day in
    September, with no update yet."""
    text = seed(SIDE_EVENT)
    text = text.replace('date: "[2014-09-22..2014-09-30]"\n', "date: 2014-09\n", 1)
    text = text.replace("status: scheduled\n", "status: proposed\n", 1)
    return text.split("updates:\n", 1)[0]


def build_example(dest: Path) -> Path:
    """The example repository at `dest` (which must not exist yet); returns it."""
    if dest.exists():
        raise FileExistsError(f"{dest} exists; pick a new folder")
    repo = init(dest)
    ev = "events/"
    commit(repo, "2014-02-17", "Record the inquiry and its report to the Human Rights Council", {
        ev + "actors.yaml": seed("actors.yaml"),
        ev + "2013/un-coi-dprk-inquiry.yaml": seed("2013/un-coi-dprk-inquiry.yaml"),
        ev + "2014/un-coi-dprk-report.yaml": seed("2014/un-coi-dprk-report.yaml"),
    })  # fmt: skip
    letter = "2014/former-officials-letter-to-kerry.yaml"
    interest = "2014/us-interest-cosponsoring-dprk-resolution.yaml"
    # Recorded before the events they point to, these two had no `related` links yet.
    commit(repo, "2014-09-12", "The former officials' letter to Kerry", {
        ev + letter: without_key(seed(letter), "related"),
        ev + "2014/csis-publishes-letter-to-kerry.yaml":
            seed("2014/csis-publishes-letter-to-kerry.yaml"),
        ev + interest: without_key(seed(interest), "related"),
    })  # fmt: skip
    commit(repo, "2014-09-13", "Preparations for a side event at UNGA 69; the draft resolution", {
        ev + "2014/us-south-korea-un-side-event-preparations.yaml":
            seed("2014/us-south-korea-un-side-event-preparations.yaml"),
        ev + "2014/hrw-sifton-statement-side-event.yaml":
            seed("2014/hrw-sifton-statement-side-event.yaml"),
        ev + "2014/japan-eu-draft-dprk-resolution.yaml":
            seed("2014/japan-eu-draft-dprk-resolution.yaml"),
        ev + "2014/unga-69-leaders-week.yaml": seed("2014/unga-69-leaders-week.yaml"),
        ev + "2014/unga-dprk-human-rights-resolution-2014.yaml":
            seed("2014/unga-dprk-human-rights-resolution-2014.yaml"),
        ev + EARLY_SIDE_EVENT: _early_side_event(),
        ev + letter: seed(letter),
        ev + interest: seed(interest),
    })  # fmt: skip
    commit(repo, "2014-09-15", "Side event scheduled for leaders' week; file named after its id", {
        ev + EARLY_SIDE_EVENT: None,
        ev + SIDE_EVENT: seed(SIDE_EVENT),
    }, author="Editor")  # fmt: skip
    return repo


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python tests/history_example.py DEST\n")
        return 2
    if shutil.which("git") is None:
        sys.stderr.write("error: the git command is needed; install git\n")
        return 1
    try:
        repo = build_example(Path(argv[0]))
    except FileExistsError as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
    sys.stdout.write(f"built {repo}: {len(git(repo, 'log', '--oneline').splitlines())} commits\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
