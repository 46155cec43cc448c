"""The docs stay true: every command has help text naming its options, a README section,
and the docs cite only files the repository has (sqlite-utils style)."""

from __future__ import annotations

import importlib
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import typer
from helpers import ROOT
from typer.testing import CliRunner

from timeline.cli import app

COMMANDS = [
    "validate", "list", "show", "render", "report", "add", "new", "update", "export", "schema",
    "diff", "history", "import",
]  # fmt: skip


def commands() -> dict[str, Any]:
    """The Click commands behind the Typer application, by name."""
    group = typer.main.get_command(app)
    return dict(group.commands)  # type: ignore[attr-defined]


def test_every_command_exists() -> None:
    assert sorted(commands()) == sorted(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_says_what_it_does_and_names_every_option(name: str) -> None:
    command = commands()[name]
    result = CliRunner().invoke(app, [name, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    text = " ".join(result.output.split())  # the help is wrapped in a box: words alone
    assert text.count("Usage: timeline") == 1
    # the description is the command's docstring; a command without one fails here
    described = (command.help or "").strip()
    assert described, f"{name} has no docstring"
    assert " ".join(described.splitlines()[0].split()) in text
    for param in command.params:
        for flag in param.opts if param.param_type_name == "option" else []:
            assert re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", text), (name, flag)
        if param.param_type_name == "option":
            assert param.help, f"{name} {param.opts[0]} has no help text"
        else:  # an argument is named in the usage line, by its metavar if it has one
            assert (param.metavar or param.name) in text, (name, param.name)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_documented_in_readme(name: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    headings = re.findall(r"^### timeline (.+)$", readme, flags=re.MULTILINE)
    documented = {word.strip() for heading in headings for word in heading.split(",")}
    assert name in documented
    assert f"timeline {name}" in readme


def tracked(*patterns: str) -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--", *patterns], cwd=ROOT, capture_output=True, text=True
    )
    if listed.returncode != 0:
        pytest.skip("not a git checkout: the files the docs may cite are not known")
    return listed.stdout.split()


#: Paths the docs name that are not this repository's files, and why.
NOT_OURS = {
    "tests/rules": "yamllint's test folder, the model for tests/data/invalid",
    "timeline/fuzz-figures": "the key the fuzz figures are kept under in pytest's cache",
}
#: What a dotted name ending in these is: a file, not a module (`timeline.html`).
FILE_ENDINGS = ("html", "png", "pdf", "svg", "docx", "lock", "md", "json", "yaml")


def test_docs_cite_only_files_the_repository_has() -> None:
    # The code the docs point a reader to (timeline/core/codes.py, tests/data/invalid/)
    # and the documents they cite (events/README.md) must be in a user's clone.
    files = tracked()
    known = set(files) | {str(p) for f in files for p in Path(f).parents} | set(NOT_OURS)
    documents = {Path(f).name for f in files if f.endswith(".md")}
    code = re.compile(r"(?<![\w./-])((?:timeline|tests)/[\w./-]*[\w/])")
    document = re.compile(r"(?<![\w./-])([\w./-]*[\w-]\.md)(?![\w/.-])")
    missing = []
    for name in tracked("*.md", "*.py", "*.j2", ".ci/run", "pyproject.toml", ".pre-commit-*"):
        text = ROOT.joinpath(name).read_text(encoding="utf-8")
        missing += [
            f"{name}: {path}" for path in code.findall(text) if path.rstrip("/") not in known
        ]
        # tests name the reports they make in temporary folders: only docs and code here
        for cited in [] if name.startswith("tests/") else document.findall(text):
            if "/" in cited:
                ours = cited in known or cited.startswith("reports/")  # reports we write
            else:  # reports are named after their period; `index.md` lists them
                ours = cited in documents or cited == "index.md" or cited[0].isdigit()
            if not ours:
                missing.append(f"{name}: {cited}")
    assert missing == []


def test_docs_name_only_modules_and_functions_that_exist() -> None:
    # timeline.views.render.figure.render_html: a dotted name must import and resolve
    named = re.compile(r"(?<![\w./-])(timeline(?:\.[A-Za-z_]\w*)+)")
    missing = []
    for name in tracked("*.md", "*.py", "*.j2", ".ci/run", "pyproject.toml"):
        for dotted in named.findall(ROOT.joinpath(name).read_text(encoding="utf-8")):
            if not dotted.endswith(FILE_ENDINGS) and not _resolves(dotted):
                missing.append(f"{name}: {dotted}")
    assert missing == []


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(found, attribute):
                return False
            found = getattr(found, attribute)
        return True
    return False
