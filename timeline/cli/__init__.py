"""The command line: a thin layer over the library. Only this package prints and exits."""

from __future__ import annotations

import importlib
import pkgutil
import sys

from timeline.cli.app import app

# Every module of this package but `app` holds one command, which registers itself on import.
for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _module != "app":
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
