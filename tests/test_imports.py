"""Each command imports only what it uses: run as a real process, then read `sys.modules`.

Small, frequent runs (a hook's `validate`, `show`, `--help`) must not pay for rendering,
reporting or editing libraries, nor build the Pydantic models when the cache has the
answer. A stray import at the top of a module fails here.

To add a command or a case: a row in `RUNS` (the arguments, and the modules that must be
absent), and the command in `timeline.cli.COMMANDS` (see README, "Speed").
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
from helpers import ROOT, SEED

from timeline.cli import COMMANDS

#: Libraries for drawing, reports, editing files and exports: never for a small run.
HEAVY = frozenset({"plotly", "jinja2", "ruamel", "icalendar", "kaleido", "playwright"})
#: The hint library: only when a hint is printed.
HINTS = frozenset({"rapidfuzz"})
#: What a run that needs no record builds none with: the models and what reads files.
NO_RECORDS = frozenset({"pydantic", "timeline.core.model", "yaml"})


class Run(NamedTuple):
    args: tuple[str, ...]
    absent: frozenset[str]  # modules (or packages) that must not be imported
    present: frozenset[str] = frozenset()  # and some that must, so the test can fail


RUNS = [
    Run(("--help",), HEAVY | HINTS | NO_RECORDS | {"rich"}),
    Run((), HEAVY | HINTS | NO_RECORDS | {"rich"}),  # no command: the help
    Run(("validate", "--help"), HEAVY | HINTS | NO_RECORDS),
    Run(("list", "--help"), HEAVY | HINTS | NO_RECORDS),
    Run(("show", "--help"), HEAVY | HINTS | NO_RECORDS),
    # the cache knows the result of these files on this day: no model is built
    Run(("validate",), HEAVY | HINTS | NO_RECORDS | {"rich"}),
    Run(("validate", "--format", "json"), HEAVY | HINTS | NO_RECORDS),
    Run(("validate", "--no-cache"), HEAVY | HINTS, frozenset({"timeline.core.model"})),
    Run(("list",), HEAVY | HINTS, frozenset({"timeline.core.model"})),
    Run(("list", "--format", "json"), HEAVY | HINTS | {"rich"}),
    Run(("show", "un-coi-dprk-report"), HEAVY | HINTS),
    Run(("show", "un-coi-dprk-reprot"), HEAVY, HINTS),  # the hint: rapidfuzz after all
]

#: Run in the child: the command as the console script runs it, then its modules, written
#: at exit (after the command has exited, whatever its exit code).
_CHILD = """
import atexit, json, os, sys
atexit.register(lambda: open(os.environ["IMPORTED_OUT"], "w").write(json.dumps(list(sys.modules))))
sys.argv[0] = "timeline"
from timeline.cli import main
main()
"""


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled collection, copied, with a warm cache (validate has run on it)."""
    folder = tmp_path_factory.mktemp("imports")
    shutil.copytree(SEED, folder / "events")
    imported(folder, "validate")  # fills the cache, and the checks' result for today
    return folder


def imported(folder: Path, *args: str) -> set[str]:
    """The modules a `timeline ARGS` process had imported when it ended."""
    out = folder / "imported.json"
    env = {**os.environ, "TIMELINE_CACHE_DIR": str(folder / "cache"), "IMPORTED_OUT": str(out)}
    run = subprocess.run([sys.executable, "-c", _CHILD, *args], cwd=folder, env=env,
                         capture_output=True, text=True, check=False)  # fmt: skip
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode in (0, 1, 2), run.stderr
    modules: list[str] = json.loads(out.read_text())
    return set(modules)


def _named(modules: set[str], name: str) -> bool:
    return name in modules or any(module.startswith(f"{name}.") for module in modules)


@pytest.mark.parametrize("run", RUNS, ids=lambda run: " ".join(run.args) or "(no command)")
def test_a_command_imports_only_what_it_uses(collection: Path, run: Run) -> None:
    modules = imported(collection, *run.args)
    assert "timeline.cli" in modules  # the command did run
    stray = sorted(name for name in run.absent if _named(modules, name))
    assert stray == [], f"timeline {' '.join(run.args)} imported {stray}"
    missing = sorted(name for name in run.present if not _named(modules, name))
    assert missing == [], f"timeline {' '.join(run.args)} did not import {missing}"


def _command_docs() -> dict[str, tuple[str, str]]:
    """Every command defined in `timeline/cli/`: its name, module and docstring's first
    line, read from the source (nothing imported)."""
    found = {}
    for path in sorted((ROOT / "timeline" / "cli").glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                call = decorator if isinstance(decorator, ast.Call) else None
                if call is None or ast.unparse(call.func) != "app.command":
                    continue
                named = [arg.value for arg in call.args if isinstance(arg, ast.Constant)]
                name = str(named[0]) if named else node.name.replace("_", "-")
                doc = " ".join((ast.get_docstring(node) or "").split("\n\n")[0].split())
                found[name] = (path.stem, doc)
    return found


def test_every_command_is_loaded_on_demand_and_listed_as_its_docstring_says() -> None:
    # A command missing from COMMANDS is imported on every run of every command.
    listed = {name: (lazy.module, lazy.summary) for name, lazy in COMMANDS.items()}
    assert listed == _command_docs(), (
        "add each command to COMMANDS in timeline/cli/__init__.py: its name, its module, "
        "and the first line of its docstring"
    )
