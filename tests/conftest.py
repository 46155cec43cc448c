"""Shared test helpers: fixture trees from dicts, and the CLI runner."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from timeline.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "events"

ACTORS = """\
- id: kerry
  name: John Kerry
  kind: person
  country: US
- id: yun
  name: Yun Byung-se
  kind: person
  country: KR
- id: us
  name: United States
  kind: state
  country: US
"""


def build_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Create files below `root` from a mapping of relative path to text (dedented) or bytes."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def event_yaml(id: str, **fields: str) -> str:
    """A minimal valid event as YAML text, with fields overridden or added."""
    base = {
        "id": id,
        "title": f"Event {id}",
        "date": "2014-09-12",
        "type": "meeting",
        "status": "occurred",
        "sources": "\n  - title: A source",
    }
    base.update(fields)
    return "".join(f"{key}: {value}\n" for key, value in base.items())


@pytest.fixture
def tree(tmp_path: Path) -> Callable[[Mapping[str, str | bytes]], Path]:
    """Build a collection folder `events/` in tmp_path from a dict; returns its path."""

    def make(files: Mapping[str, str | bytes]) -> Path:
        return build_tree(tmp_path / "events", files)

    return make


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
