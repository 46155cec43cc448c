"""The command line: a thin layer over the library. Only this package prints and exits.

Each command is a module of this package that registers itself on `app` when imported.
Those listed in `COMMANDS` are imported only when they run (or their help is asked for),
so that a small, frequent run such as `timeline validate` loads only its own code; any
other module here is imported at start, as every command once was. A command module
imports at its top only what its own `--help` needs, and its heavy libraries inside the
command function (README, "Speed"; `tests/test_imports.py` checks both).
"""

from __future__ import annotations

import importlib
import os
import sys

from timeline.cli.app import app
from timeline.cli.group import LAZY_COMMANDS, LazyCommand

#: The commands, in the order `timeline --help` lists them: name, module, and the first
#: line of the command's docstring (tests/test_imports.py checks that they agree).
COMMANDS = {
    "validate": LazyCommand(
        "validate", "Check every file and the whole collection; print every problem."
    ),
    "list": LazyCommand("list_events", "List events in date order."),
    "show": LazyCommand(
        "show", "Show one event in full, with its actors' names and related events."
    ),
    "render": LazyCommand(
        "render", "Draw the interactive timeline as one self-contained HTML file (works offline)."
    ),
    "report": LazyCommand(
        "report",
        "Write the summary report of a period: what happened, changed, is coming and is overdue.",
    ),
    "add": LazyCommand(
        "add",
        "File new events as events/<year>/<id>.yaml, checked with the whole collection first.",
    ),
    "new": LazyCommand(
        "new",
        "Print a commented event template: timeline new > draft.yaml, fill it in, timeline add.",
    ),
    "update": LazyCommand(
        "update", "Record news about an event: append to its updates and set its status, in place."
    ),
    "export": LazyCommand(
        "export", "Export the events as JSON, JSON Lines, CSV, iCalendar or TimelineJS JSON."
    ),
    "schema": LazyCommand(
        "schema", "Print the JSON Schema of an event file, for editors' completion and checks."
    ),
    "diff": LazyCommand(
        "diff",
        "Show the events added, removed and changed (field by field) between two states.",
    ),
    "history": LazyCommand(
        "history",
        "Show every committed version of one event, oldest first, and what each commit changed.",
    ),
    "import": LazyCommand(
        "import_events",
        "Import events from a sheet: a dry run with every problem at its cell unless --write.",
    ),
}
LAZY_COMMANDS.update(COMMANDS)

# Command modules not (yet) in the table are imported now, and register themselves.
_LAZY_MODULES = {command.module for command in COMMANDS.values()}
for _name in sorted(os.listdir(os.path.dirname(__file__))):
    _module, _ext = os.path.splitext(_name)
    if _ext == ".py" and _module not in {"__init__", "__main__", "app", "group", *_LAZY_MODULES}:
        importlib.import_module(f"{__name__}.{_module}")


def main() -> None:
    """Run the `timeline` command: usage errors exit 2, data errors 1, never a traceback."""
    try:
        app(prog_name="timeline")
    except BrokenPipeError:  # e.g. `timeline list | head`
        sys.stderr.close()
        sys.exit(1)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
