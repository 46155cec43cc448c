"""Git histories the history tests share, built with `history_example.commit`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import ACTORS, event_yaml
from history_example import commit, init

EV = "events/"

#: The mark of every test module that builds a history.
NEEDS_GIT = pytest.mark.skipif(
    shutil.which("git") is None, reason="needs the git command (apt-get install git)"
)


def alpha(**fields: str) -> str:
    return event_yaml("alpha", **{"status": "scheduled", "date": "2014-03-04", **fields})


def beta(day: str) -> str:
    return event_yaml("beta", date=day)


def four_days(repo: Path) -> Path:
    """A history of four days: recorded, changed, moved and removed, recorded again."""
    init(repo)
    commit(repo, "2014-03-01", "First records", {
        EV + "actors.yaml": ACTORS,
        EV + "a.yaml": alpha(),
        EV + "b.yaml": beta("2014-02-01"),
    })  # fmt: skip
    commit(repo, "2014-03-05", "Alpha took place; gamma", {
        EV + "a.yaml": alpha(status="occurred"),
        EV + "c.yaml": event_yaml("gamma", date="2014-03-04", type="statement",
                                  related="\n  - event: alpha\n    relation: follows"),
    })  # fmt: skip
    commit(repo, "2014-03-10", "Alpha moved into sub/; beta withdrawn", {
        EV + "a.yaml": None,
        EV + "sub/alpha.yaml": alpha(status="occurred"),
        EV + "b.yaml": None,
    }, author="Editor")  # fmt: skip
    commit(repo, "2014-03-12", "Beta recorded again", {
        EV + "b2.yaml": beta("2014-02-02"),
        "notes.txt": "not part of the collection\n",
    })  # fmt: skip
    return repo
