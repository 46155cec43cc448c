"""The fixtures tests share: fixture trees, the CLI runner, a headless browser."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from helpers import SEED, build_tree
from history_repos import four_days
from typer.testing import CliRunner, Result

from timeline.cli.app import app


@pytest.fixture
def tree(tmp_path: Path) -> Callable[[Mapping[str, str | bytes]], Path]:
    """Build a collection folder `events/` in tmp_path from a dict; returns its path."""

    def make(files: Mapping[str, str | bytes]) -> Path:
        return build_tree(tmp_path / "events", files)

    return make


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    """A copy of the seed collection as tmp_path/events (the CLI runs in tmp_path)."""
    shutil.copytree(SEED, tmp_path / "events")
    return tmp_path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git history of four days (`history_repos.four_days`) in tmp_path/repo."""
    return four_days(tmp_path / "repo")


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., Result]:
    """Run the CLI in-process in tmp_path (cache in tmp_path too); returns the result."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TIMELINE_CACHE_DIR", str(tmp_path / ".cache"))
    runner = CliRunner()

    def run(*args: str, input: str | bytes | None = None) -> Result:
        return runner.invoke(app, [str(a) for a in args], input=input)

    return run


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """A headless Debian Chromium driven by Playwright (skipped, with the reason, without it)."""
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
