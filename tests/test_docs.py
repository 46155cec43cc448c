"""The docs stay true: every command has help text and a README section (sqlite-utils style)."""

from __future__ import annotations

import re

import pytest
from helpers import ROOT
from typer.testing import CliRunner

from timeline.cli import app

SPEC_COMMANDS = [
    "validate", "list", "show", "render", "report", "add", "new", "update", "export", "schema",
]  # fmt: skip


def registered() -> list[str]:
    return sorted(c.name or c.callback.__name__ for c in app.registered_commands)  # type: ignore[union-attr]


def test_every_command_of_the_spec_exists() -> None:
    assert registered() == sorted(SPEC_COMMANDS)


@pytest.mark.parametrize("command", SPEC_COMMANDS)
def test_command_has_help(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    # the one-line description from the docstring is there
    assert re.search(r"\w{4,}", result.output.split("Usage:", 1)[1])


@pytest.mark.parametrize("command", SPEC_COMMANDS)
def test_command_is_documented_in_readme(command: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    headings = re.findall(r"^### timeline (.+)$", readme, flags=re.MULTILINE)
    documented = {name.strip() for heading in headings for name in heading.split(",")}
    assert command in documented
    assert f"timeline {command}" in readme
