"""Whole-process figures: `timeline` as a user runs it, beside the same work in-process and
beside peer tools on the same files (yamllint, check-jsonschema with the committed
schema, a bare libyaml parse as a script).

Three collections: the bundled one (11 events), and N generated events (default 20,000)
in two shapes, 10 events a file and 100 events a file. The generated files are lists of
events, one YAML document a file, so that check-jsonschema (which reads one document a
file) reads exactly what the others read.

Each process is timed from outside: wall clock, and the CPU time the operating system
charged to it (user + system, from `getrusage` of the children). The commands of one
collection run in turn, round after round (A B C, A B C, ...), and each figure is the
best of its rounds, so that a ratio compares figures taken at the same moments. The
peers are slow on the large collections (about a minute each for 20,000 events), so
there they run once.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from corpus import write_collection

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
AS_OF = "2026-01-01"
SHAPES = (10, 100)  # events a file

#: Appends a comment line naming the shell's process to the file `$1`, then runs the rest
#: of the arguments: each run finds that file's bytes changed, as a hook after an edit does.
EDIT_THEN = 'f=$1; shift; printf "# edited by %s\\n" "$$" >> "$f"; exec "$@"'

#: A bare parse of every file with PyYAML's libyaml loader, checking nothing.
BARE_PARSE = """
import sys
from pathlib import Path
import yaml
for path in sorted(Path(sys.argv[1]).rglob("*.yaml")):
    list(yaml.load_all(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader))
"""


def child_env(**more: str) -> dict[str, str]:
    """The environment of the timed processes: ours, less PYTHONDONTWRITEBYTECODE, with
    `more`. An installed package runs from compiled bytecode (pip compiles it); with that
    variable set, an editable checkout would compile every module of ours on every run, and
    the figures would not be a user's. `compile_package` writes the bytecode once."""
    env = {name: value for name, value in os.environ.items()
           if name != "PYTHONDONTWRITEBYTECODE"}  # fmt: skip
    env.update(more)
    return env


def compile_package() -> None:
    """Compile the imported `timeline` package's modules to bytecode, as pip install does."""
    import compileall

    import timeline

    compileall.compile_dir(Path(timeline.__file__).parent, quiet=1)


def _timeline() -> list[str]:
    """The console script as installed beside this Python, as a user runs it."""
    script = Path(sys.executable).with_name("timeline")
    return [str(script)] if script.exists() else [sys.executable, "-m", "timeline"]


def _peer(name: str) -> str | None:
    found = Path(sys.executable).with_name(name)
    return str(found) if found.exists() else shutil.which(name)


def run_once(command: Sequence[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `command` (its output thrown away)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                   check=False)  # fmt: skip
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def best_of_rounds(
    commands: dict[str, list[str]], rounds: int, env: dict[str, str]
) -> dict[str, tuple[float, float]]:
    """Each command's best wall and best CPU time over `rounds` rounds run in turn."""
    best: dict[str, tuple[float, float]] = {}
    for _ in range(rounds):
        for name, command in commands.items():
            wall, cpu = run_once(command, env)
            old = best.get(name, (wall, cpu))
            best[name] = (min(old[0], wall), min(old[1], cpu))
    return best


def _files(root: Path) -> list[str]:
    return sorted(str(p) for p in root.rglob("*.yaml") if p.name != "actors.yaml")


def measure_collection(root: Path, cache: Path, rounds: int, peer_rounds: int) -> dict[str, Any]:
    """Whole-process figures for one collection: ours (cold and warm), a bare parse, and
    the peers."""
    env = child_env(TIMELINE_CACHE_DIR=str(cache))
    timeline = _timeline()
    validate = [*timeline, "validate", "--events", str(root), "--as-of", AS_OF]
    ours = {
        "help": [*timeline, "--help"],
        "bare": [sys.executable, "-c", BARE_PARSE, str(root)],
        "cold": [*validate, "--no-cache"],
        "warm": validate,
        # one file parsed again and the checks run again on the facts of the others
        "edited": ["sh", "-c", EDIT_THEN, "sh", _files(root)[0], *validate],
    }
    shutil.rmtree(cache, ignore_errors=True)
    run_once(validate, env)  # fills the cache and the checks' result for the day
    time.sleep(3.1)  # past the racy window, as a next run would be
    figures: dict[str, Any] = {"events_files": len(_files(root))}
    figures.update(best_of_rounds(ours, rounds, env))
    peers: dict[str, list[str]] = {}
    yamllint, check_jsonschema = _peer("yamllint"), _peer("check-jsonschema")
    if yamllint:
        peers["yamllint"] = [yamllint, str(root)]
    if check_jsonschema:
        schema = str(ROOT / "events" / "event.schema.json")
        peers["check_jsonschema"] = [check_jsonschema, "--schemafile", schema, *_files(root)]
    figures.update(best_of_rounds(peers, peer_rounds, env))
    return figures


def measure_in_process(root: Path, cache: Path, repeat: int) -> dict[str, float]:
    """The same work in this process (no Python start-up, no imports): a bare parse, and
    a cold and a warm validate, each the best of `repeat`."""
    import gc
    from datetime import date

    import yaml

    from timeline.collection.cache import ContentCache
    from timeline.collection.pipeline import check_collection

    def timed(use_cache: bool) -> float:
        started = time.perf_counter()
        check_collection(root, date.fromisoformat(AS_OF), records=False,
                         cache=ContentCache(root, cache) if use_cache else None)  # fmt: skip
        elapsed = time.perf_counter() - started
        gc.unfreeze()
        gc.collect()
        return elapsed

    def bare() -> float:
        started = time.perf_counter()
        for path in sorted(root.rglob("*.yaml")):
            list(yaml.load_all(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader))
        return time.perf_counter() - started

    shutil.rmtree(cache, ignore_errors=True)
    timed(True)  # fills the cache
    time.sleep(3.1)
    return {
        "bare_in": min(bare() for _ in range(repeat)),
        "cold_in": min(timed(False) for _ in range(repeat)),
        "warm_in": min(timed(True) for _ in range(repeat)),
    }


def collections(folder: Path, count: int) -> dict[str, Path]:
    """The bundled collection (copied) and `count` events in each shape, written once."""
    found = {"bundled": folder / "bundled"}
    if not found["bundled"].exists():
        shutil.copytree(ROOT / "events", found["bundled"])
    for per_file in SHAPES:
        root = folder / f"shape-{count}-{per_file}"
        if not root.exists():
            write_collection(root, count, per_file=per_file, lists=True)
        found[f"{per_file} a file"] = root
    return found


def _cell(figure: tuple[float, float] | None) -> str:
    if figure is None:
        return "-"
    wall, cpu = figure
    return f"{_seconds(wall)} ({_seconds(cpu)})"


def _seconds(value: float) -> str:
    return f"{value:.3f} s" if value < 1 else f"{value:.2f} s"


def _ratio(top: tuple[float, float] | None, bottom: tuple[float, float] | None) -> str:
    if top is None or bottom is None or not bottom[0] or not bottom[1]:
        return "-"
    return f"{_times(top[0] / bottom[0])} ({_times(top[1] / bottom[1])})"


def _times(ratio: float) -> str:
    """A ratio to two places, or to three under 0.1 (where the goals of 0.05x lie)."""
    return f"{ratio:.3f}x" if ratio < 0.1 else f"{ratio:.2f}x"


def table(columns: dict[str, dict[str, Any]], count: int) -> str:
    """The whole-process figures as a Markdown table, one column per collection."""
    heads = []
    for name, figures in columns.items():
        events = "11 events" if name == "bundled" else f"{count:,} events, {name}"
        heads.append(f"{events} ({figures['events_files']:,} files)")
    lines = ["| whole process: wall (CPU) | " + " | ".join(heads) + " |",
             "|---" * (len(columns) + 1) + "|"]  # fmt: skip

    def line(label: str, cells: list[str]) -> None:
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    def row(label: str, key: str) -> None:
        line(label, [_cell(figures.get(key)) for figures in columns.values()])

    def ratio(label: str, top: str, bottom: str) -> None:
        line(label, [_ratio(f.get(top), f.get(bottom)) for f in columns.values()])

    def inproc(label: str, key: str) -> None:
        line(label, ["-" if key not in f else _seconds(f[key]) for f in columns.values()])

    row("`timeline --help`", "help")
    row("bare libyaml parse (a script)", "bare")
    row("`timeline validate --no-cache` (cold)", "cold")
    row("`timeline validate` (warm: the checks' result cached)", "warm")
    row("`timeline validate`, one file edited before each run", "edited")
    row("`yamllint`", "yamllint")
    row("`check-jsonschema` (committed schema)", "check_jsonschema")
    inproc("in-process: bare libyaml parse", "bare_in")
    inproc("in-process: cold validate", "cold_in")
    inproc("in-process: warm validate", "warm_in")
    ratio("`--help` / yamllint (goal ≤ 0.6)", "help", "yamllint")
    ratio("warm validate / yamllint (goal ≤ 0.6)", "warm", "yamllint")
    ratio("one file edited / yamllint", "edited", "yamllint")
    ratio("cold validate / yamllint", "cold", "yamllint")
    ratio("cold validate / check-jsonschema", "cold", "check_jsonschema")
    ratio("warm / cold validate (goal ≤ 0.05)", "warm", "cold")
    ratio("cold validate / bare parse (goal ≤ 1.0)", "cold", "bare")
    line("in-process cold / bare parse", [
        "-" if "cold_in" not in f else f"{f['cold_in'] / f['bare_in']:.2f}x"
        for f in columns.values()
    ])  # fmt: skip
    return "\n".join(lines)


#: The packages the import budget names: a module's own time counts for its package,
#: the standard library's as one (whoever imported it first: Typer would import most of it
#: anyway), and any other package's for the named package that imported it.
_GROUPS = {
    "timeline": "ours",
    "typer": "Typer",
    "click": "Typer",
    "shellingham": "Typer",
    "annotated_doc": "Typer",
    "pydantic": "Pydantic",
    "pydantic_core": "Pydantic",
    "annotated_types": "Pydantic",
    "typing_inspection": "Pydantic",
    "typing_extensions": "Pydantic",
    "yaml": "PyYAML",
    "rich": "Rich",
    "markdown_it": "Rich",
    "pygments": "Rich",
    "platformdirs": "platformdirs",
    "rapidfuzz": "RapidFuzz",
}
_BUDGETED = (("--help",), ("validate",), ("validate", "--no-cache"), ("list",),
             ("show", "un-coi-dprk-report"))  # fmt: skip


def _group(name: str) -> str | None:
    top = name.split(".")[0]
    if top in _GROUPS:
        return _GROUPS[top]
    return "standard library" if top in sys.stdlib_module_names or top.startswith("_") else None


def budget_of(importtime: str) -> dict[str, int]:
    """Microseconds by group, from the output of `python -X importtime`."""
    rows = []
    for line in importtime.splitlines():
        if line.startswith("import time:") and "self [us]" not in line:
            own, _, name = line.removeprefix("import time:").split("|")
            depth = (len(name) - len(name.lstrip(" "))) // 2
            rows.append((depth, name.strip(), int(own)))
    groups: dict[str, int] = {}
    importers: list[str] = []  # the package in force at each depth, outermost first
    for depth, name, own in reversed(rows):  # parents come before their children
        del importers[depth:]
        group = _group(name) or (importers[-1] if importers else "other")
        importers.append(group)
        groups[group] = groups.get(group, 0) + own
    return groups


def import_budget(args: Sequence[str], root: Path, cache: Path, runs: int = 5) -> dict[str, int]:
    """Milliseconds of imports of `timeline ARGS` on `root` by group, from
    `python -X importtime` (the run with the least in all of `runs`)."""
    child = "import sys; sys.argv[0] = 'timeline'; from timeline.cli import main; main()"
    where = [] if args[0].startswith("-") else ["--events", str(root)]
    command = [sys.executable, "-X", "importtime", "-c", child, *args, *where]
    env = child_env(TIMELINE_CACHE_DIR=str(cache))
    best: dict[str, int] | None = None
    for _ in range(runs):
        run = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        groups = budget_of(run.stderr)
        if best is None or sum(groups.values()) < sum(best.values()):
            best = groups
    return {group: round(us / 1000) for group, us in (best or {}).items()}


def import_budgets(root: Path, cache: Path) -> str:
    """The import budget of the small, frequent commands, one line each (warm cache)."""
    env = child_env(TIMELINE_CACHE_DIR=str(cache))
    run_once([*_timeline(), "validate", "--events", str(root)], env)  # the cache is warm
    lines = []
    for args in _BUDGETED:
        groups = import_budget(args, root, cache)
        parts = ", ".join(
            f"{name} {ms}" for name, ms in sorted(groups.items(), key=lambda item: -item[1])
        )
        lines.append(f"- `timeline {' '.join(args)}`: {sum(groups.values())} ms ({parts})")
    return "\n".join(lines)
