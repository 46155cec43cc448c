"""`timeline new`: a template that explains itself, and the newcomer's whole flow."""

from __future__ import annotations

import difflib
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import SEED
from typer.testing import Result

from timeline.core.model import EVENT_KEYS, EVENT_TYPES, RELATIONS, ROLES, STATUSES
from timeline.store.atomic import LOCK_NAME

Cli = Callable[..., Result]

SIDE_EVENT = "dprk-human-rights-ministerial-side-event"


def fill_in(template: str) -> str:
    """The template as a newcomer fills it in: values typed, the examples uncommented."""
    values = {
        "id": "kerry-yun-meeting-new-york",
        "title": '"Kerry and Yun meet in New York: North Korea on the agenda"',
        "date": "2014-09-23",
        "status": "occurred",
        "summary": "The two ministers met on the margins of the General Assembly.",
    }
    for key, value in values.items():
        template = re.sub(rf"(?m)^{key}:$", f"{key}: {value}", template)
    template = template.replace("  - title:\n", "  - title: Kerry, Yun discuss North Korea\n")
    template = template.replace("    url:\n", "    url: https://www.state.gov/example\n")
    # uncomment the examples right below actors, location, tags and related
    lines, key = [], ""
    for line in template.splitlines(keepends=True):
        if not line.startswith("#"):
            key = line.split(":")[0]
        elif not line.startswith("#  "):  # an explanation: the examples have ended
            key = ""
        elif key in ("actors", "location", "tags", "related"):
            line = line[1:]
        lines.append(line)
    return "".join(lines)


def test_every_key_value_and_date_form_is_explained(cli: Cli) -> None:
    result = cli("new")
    assert result.exit_code == 0
    text = result.stdout
    for key in EVENT_KEYS:
        assert re.search(rf"(?m)^{key}:", text), key
    for word in (*EVENT_TYPES, *STATUSES, *ROLES, *RELATIONS):
        assert re.search(rf"[ #]{re.escape(word)}[,\s]", text), word
    for form in ("2014-09-23", "2014-09 ", "2014 ", "2014-09~", "2014-09?", "2014-09%",
                 "2014-09-22/2014-09-30", "2014-09-22/..",
                 '"[2014-09-22..2014-09-30]"'):  # fmt: skip
        assert form in text, form


@pytest.mark.parametrize("event_type", ["side-event", "vote", "other"])
def test_type_is_filled_in(cli: Cli, event_type: str) -> None:
    result = cli("new", "--type", event_type)
    assert result.exit_code == 0
    assert f"\ntype: {event_type}\n" in result.stdout


def test_unknown_type_is_a_usage_error(cli: Cli) -> None:
    result = cli("new", "--type", "party")
    assert result.exit_code == 2
    assert "'party' is not one of" in result.stderr


def test_unfilled_template_is_refused_with_what_to_fill(cli: Cli, tmp_path: Path) -> None:
    shutil.copytree(SEED, tmp_path / "events")
    (tmp_path / "draft.yaml").write_text(cli("new").stdout, encoding="utf-8")
    result = cli("add", "draft.yaml")
    assert result.exit_code == 1
    located = [line.split(": error: ")[1].split(":")[0] for line in result.stderr.splitlines()[:-1]]
    assert located == ["id", "title", "date", "type", "status", "sources[0]"]


def test_newcomer_flow_from_the_readme(cli: Cli, tmp_path: Path) -> None:
    """new > draft.yaml, fill in, add, update the side event, validate: only the news changes."""
    events = tmp_path / "events"
    shutil.copytree(SEED, events)
    seed = {p.relative_to(events): p.read_bytes() for p in events.rglob("*") if p.is_file()}

    (tmp_path / "draft.yaml").write_text(fill_in(cli("new", "--type", "meeting").stdout))
    added = cli("add", "draft.yaml", "--as-of", "2014-09-23")
    assert added.exit_code == 0, added.output
    assert added.stdout == "events/2014/kerry-yun-meeting-new-york.yaml\n"

    updated = cli(
        "update", SIDE_EVENT, "--status", "occurred", "--date", "2014-09-23",
        "--on", "2014-09-23",
        "--source-url", "https://www.state.gov/example", "--source-title", "Side event held",
    )  # fmt: skip
    assert updated.exit_code == 0, updated.output

    validated = cli("validate", "--as-of", "2014-09-23")
    assert validated.exit_code == 0, validated.output
    assert validated.stdout.endswith("12 events in 13 files: 0 errors, 0 warnings\n")

    now = {p.relative_to(events): p.read_bytes() for p in events.rglob("*") if p.is_file()}
    edited = Path(f"2014/{SIDE_EVENT}.yaml")
    new = Path("2014/kerry-yun-meeting-new-york.yaml")
    assert set(now) == {*seed, new, Path(LOCK_NAME)}
    assert {p: b for p, b in now.items() if p in seed and p != edited} == {
        p: b for p, b in seed.items() if p != edited
    }
    diff = [
        line
        for line in difflib.unified_diff(
            seed[edited].decode().splitlines(), now[edited].decode().splitlines(), n=0
        )
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert diff == [
        '-date: "[2014-09-22..2014-09-30]"',
        "+date: 2014-09-23",
        "-status: scheduled",
        "+status: occurred",
        "+  - date: 2014-09-23",
        "+    status: occurred",
        "+    note: Date set to 23 Sep 2014 (was sometime 22–30 Sep 2014).",
        "+    source:",
        "+      title: Side event held",
        "+      url: https://www.state.gov/example",
    ]
