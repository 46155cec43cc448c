"""What tests share besides fixtures: the project's paths, fixture trees, and snapshots.

Tests import these from here (`from helpers import SEED`); `conftest.py` holds only the
fixtures, so that no test imports a conftest module.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from timeline.collection.collection import Collection
from timeline.store.atomic import LOCK_NAME

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


def tree_snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder below root, the lock file aside."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes() if path.is_file() else None
        for path in sorted(root.rglob("*"))
        if path.name != LOCK_NAME
    }


def files_of(root: Path) -> dict[str, bytes | None]:
    """Every file below `root` with its bytes, the CLI's cache folder aside."""
    return {k: v for k, v in tree_snapshot(root).items() if not k.startswith(".cache")}


def collection_snapshot(collection: Collection) -> list[Any]:
    """Everything a command can see of a collection, placement included."""
    return [
        [(e.model_dump(), e.model_fields_set, e.path, e.line, e.column, e.doc, e.index)
         for e in collection.events],
        [(a.model_dump(), a.path, a.line, a.column, a.doc, a.index) for a in collection.actors],
        collection.problems,
        collection.files,
    ]  # fmt: skip
