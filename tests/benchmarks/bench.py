"""The speed benchmark: loading and checking N generated events, side by side with PyYAML;
then whole processes, as a user runs them, beside peer tools on the same files.

    python tests/benchmarks/bench.py [--sizes 1000,10000,100000] [--dir DIR]
                                     [--parts sizes,processes,imports] [--process-events 20000]

Each size runs in its own process (so peak memory is that size's own) and prints one row;
the first table at the end is the one in the README's "Speed" section. Figures are wall
clock: ours and the bare libyaml parse the best of `--repeat` runs, `yaml.safe_load` one
run, the drawing in Chromium the best of two loads. The second table times whole
processes (see `processes.py`): `timeline --help` and `timeline validate`, cold and warm,
on the bundled collection and on `--process-events` events in two shapes (10 and 100
events a file), beside the same work in-process, a bare libyaml parse as a script,
yamllint and check-jsonschema (installed by the `test` extra). Run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import difflib
import gc
import itertools
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))

import processes  # noqa: E402
from corpus import write_collection  # noqa: E402

AS_OF = date(2026, 1, 1)


def _timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = work()
    return time.perf_counter() - started, value


def _parse_all(files: list[Path], load: Callable[[str], Any]) -> int:
    documents = 0
    for path in files:
        documents += len(load(path.read_text(encoding="utf-8")))
    return documents


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, workers) / 1024  # Linux reports KiB


def measure(count: int, folder: Path, repeat: int) -> dict[str, Any]:
    """Every figure for one size, in this process: of our runs, the best of `repeat`."""
    from timeline.collection.cache import ContentCache
    from timeline.collection.files import collection_files
    from timeline.collection.pipeline import check_collection
    from timeline.core.problems import did_you_mean

    root = folder / f"events-{count}"
    if not root.exists():
        write_collection(root, count)
    files = collection_files(root)
    figures: dict[str, Any] = {"events": count, "files": len(files)}
    figures["bytes"] = sum(path.stat().st_size for path in files)

    def validate(use_cache: bool, as_of: date = AS_OF) -> tuple[float, tuple[int, int]]:
        elapsed, (tally, problems) = _timed(
            lambda: check_collection(
                root, as_of, records=False, cache=ContentCache(root) if use_cache else None
            )
        )
        found = (tally.events, len(problems))
        del problems  # freeing is not part of the figure
        gc.unfreeze()  # loading froze the records, for the checks
        gc.collect()
        return elapsed, found

    def best(work: Callable[[], tuple[float, Any]]) -> float:
        return min(work()[0] for _ in range(repeat))

    # Ours first, while the process is small: its peak memory is the validate's own.
    figures["cold"], found = validate(False)
    figures["peak_mb"] = _peak_mb()
    assert found[0] == count, found
    figures["cold"] = min(figures["cold"], best(lambda: validate(False)))
    cache = folder / f"cache-{count}"
    os.environ["TIMELINE_CACHE_DIR"] = str(cache)

    def fill() -> tuple[float, Any]:
        shutil.rmtree(cache, ignore_errors=True)
        return validate(True)

    figures["cold_filling"] = best(fill)
    time.sleep(3.1)  # past the racy window, as a next run would be
    figures["warm"] = best(lambda: validate(True))
    # Another as-of day: the checks' result of the last run does not apply; they run again
    # on the cached facts. Each run moves a day on, so that none reuses the one before.
    days = iter(range(1, repeat + 1))
    figures["warm_other_day"] = best(
        lambda: validate(True, date.fromordinal(AS_OF.toordinal() + next(days)))
    )
    edited = files[len(files) // 2]
    text = edited.read_text(encoding="utf-8")
    edits = iter(range(repeat))

    def edit_one() -> tuple[float, Any]:
        changed = text.replace("title: Event", f"title: Edited {next(edits)} event", 1)
        edited.write_text(changed, encoding="utf-8")
        return validate(True)

    try:
        figures["warm_one_changed"] = best(edit_one)
    finally:
        edited.write_text(text, encoding="utf-8")
    # One misspelt id among `count`: the hint, by ours (RapidFuzz) and by difflib.
    ids = [f"event-{n}-talks-on-the-draft-resolution" for n in range(count)]
    typo = f"event-{count // 2}-talks-on-the-draft-resolutoin"
    figures["hint"], ours = _timed(lambda: did_you_mean(typo, ids))
    figures["hint_difflib"], theirs = _timed(
        lambda: difflib.get_close_matches(typo, ids, n=1, cutoff=0.6)
    )
    assert ours == f"; did you mean {theirs[0]!r}?", (ours, theirs)
    # The baseline the goals are measured against, the best of as many runs as ours
    figures["bare_libyaml"] = min(
        _timed(
            lambda: _parse_all(files, lambda t: list(yaml.load_all(t, Loader=yaml.CSafeLoader)))
        )[0]
        for _ in range(repeat)
    )
    figures["safe_load"], _ = _timed(
        lambda: _parse_all(files, lambda t: list(yaml.safe_load_all(t)))
    )
    if count <= IMPORT_MAX_ROWS:
        figures["import_dry_run"] = best(lambda: measure_import(root, folder, count))
    return figures


#: The import is measured up to this many rows (a team's tracker, not an archive's).
IMPORT_MAX_ROWS = 10_000


def workbook_of(root: Path, book: Path) -> None:
    """The collection's events as an XLSX sheet of the CSV export's columns (with the
    dates as date cells where a record's date is a day), as a team's tracker would hold
    them."""
    import csv
    import io

    import openpyxl

    from timeline.collection.pipeline import load_collection
    from timeline.views.export import export_csv

    collection = load_collection(root)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Events")
    text = export_csv(collection.events, collection)
    for number, row in enumerate(csv.reader(io.StringIO(text, newline=""))):
        cells: list[Any] = list(row)
        if number and len(row[2]) == 10 and row[2][4] == "-":
            cells[2] = date.fromisoformat(row[2])
        sheet.append(cells)
    workbook.save(book)


def measure_import(root: Path, folder: Path, count: int) -> tuple[float, Any]:
    """`timeline import` of the collection's events as a workbook, a dry run into an empty
    collection with the same actors: read the sheet, load, plan, check, and plan paths."""
    from timeline.collection.importing import plan_import
    from timeline.collection.pipeline import load_collection
    from timeline.collection.sheets import read_sheet
    from timeline.store.importing import new_paths

    book = folder / f"events-{count}.xlsx"
    if not book.exists():
        workbook_of(root, book)
    empty = folder / f"empty-{count}"
    empty.mkdir(exist_ok=True)
    shutil.copy(root / "actors.yaml", empty / "actors.yaml")

    def dry_run() -> int:
        read = read_sheet(book, book.name)
        plan = plan_import(load_collection(empty), read, {}, {}, AS_OF)
        paths, _ = new_paths(empty, plan.added)
        errors = [p for p in plan.problems if p.level == "error"]
        assert len(paths) == count and not errors, errors[:3]
        return len(paths)

    elapsed, added = _timed(dry_run)
    gc.collect()
    return elapsed, added


def measure_render(count: int, folder: Path, repeat: int) -> dict[str, Any]:
    """Load with the cache `measure` left warm and render the page, the best of `repeat`
    runs; then, where Chromium and Playwright are installed, draw the page in it."""
    from timeline.cli.app import load_checked

    try:
        from timeline.views.render.figure import render_html
    except ImportError:
        return {"render_warm": None, "html_bytes": None}
    root = folder / f"events-{count}"
    os.environ["TIMELINE_CACHE_DIR"] = str(folder / f"cache-{count}")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        collection, _ = load_checked(root, AS_OF, refuse=False, use_cache=True)
        html = render_html(collection.events, collection, as_of=AS_OF)
        times.append(time.perf_counter() - started)
        del collection
        gc.unfreeze()
        gc.collect()
    page = folder / f"page-{count}.html"
    page.write_text(html, encoding="utf-8")
    return {"render_warm": min(times), "html_bytes": len(html.encode("utf-8"))} | draw(page)


# Marks in the page: when the figure's script has drawn it (an overview page says so before
# its event table is inflated), and two frames later, when that has been painted.
_PAINT_WATCH = """
new MutationObserver((changes, watch) => {
  const gd = document.getElementById("timeline");
  if (!gd || !(gd.hasAttribute("data-drawn") || gd.hasAttribute("data-ready"))) return;
  watch.disconnect();
  window.__ready = performance.now();
  requestAnimationFrame(() => requestAnimationFrame(() => {
    window.__painted = performance.now();
  }));
}).observe(document, {attributes: true, subtree: true, childList: true});
"""


def draw(page: Path) -> dict[str, Any]:
    """Seconds from opening `page` in headless Chromium to the figure ready and painted
    (the best of two loads), or nothing if Chromium or Playwright is missing."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {}
    if chromium is None:
        return {}
    marks = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        for _ in range(2):
            tab = browser.new_page(viewport={"width": 1400, "height": 1000})
            tab.add_init_script(_PAINT_WATCH)
            tab.goto(page.as_uri(), timeout=300_000)
            tab.wait_for_function("window.__painted", timeout=300_000)
            marks.append(tab.evaluate("[window.__ready / 1000, window.__painted / 1000]"))
            tab.close()
        browser.close()
    ready, painted = min(marks, key=lambda mark: mark[1])
    return {"draw_ready": ready, "draw_painted": painted}


def _spin(count: int) -> float:
    started = time.perf_counter()
    total = 0
    for number in range(count):
        total += number
    return time.perf_counter() - started


def parallel_capacity() -> float:
    """How many cores this run really gets: 2 processes' work over 1 process's time.

    On a shared machine the second core may be busy; parallel loading cannot help then,
    and the figures say so instead of hiding it.
    """
    from concurrent.futures import ProcessPoolExecutor

    one = _spin(10_000_000)
    with ProcessPoolExecutor(2) as pool:
        started = time.perf_counter()
        list(pool.map(_spin, [10_000_000] * 2))
        two = time.perf_counter() - started
    return 2 * one / two


def _render_in_child(size: int, folder: Path, timeout: float, repeat: int) -> dict[str, Any]:
    """Render in its own process, given up after `timeout` seconds (reported as such)."""
    command = [sys.executable, __file__, "--render", str(size), "--dir", str(folder),
               "--repeat", str(repeat)]  # fmt: skip
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"render_warm": None, "html_bytes": None, "render_note": f"> {timeout:.0f} s"}
    if run.returncode != 0:
        return {"render_warm": None, "html_bytes": None, "render_note": "failed"}
    figures: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return figures


def _ratio(top: float | None, bottom: float | None) -> str:
    return "-" if top is None or not bottom else f"{top / bottom:.2f}x"


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.3f} s" if value < 1 else f"{value:.2f} s"


def table(rows: list[dict[str, Any]]) -> str:
    """The figures as a Markdown table, one column per size."""
    lines = ["| | " + " | ".join(f"{row['events']:,} events" for row in rows) + " |",
             "|---" * (len(rows) + 1) + "|"]  # fmt: skip

    def line(label: str, cells: list[str]) -> None:
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    line("files / MB", [f"{r['files']:,} / {r['bytes'] / 1e6:.1f}" for r in rows])
    line("bare libyaml parse", [_seconds(r["bare_libyaml"]) for r in rows])
    line("`yaml.safe_load`", [_seconds(r["safe_load"]) for r in rows])
    line("cold validate (no cache)", [_seconds(r["cold"]) for r in rows])
    line("cold validate, filling the cache", [_seconds(r["cold_filling"]) for r in rows])
    line("warm validate, nothing changed", [_seconds(r["warm"]) for r in rows])
    line("warm validate, another as-of day", [_seconds(r["warm_other_day"]) for r in rows])
    line("warm validate, one file changed", [_seconds(r["warm_one_changed"]) for r in rows])
    line("import dry run, workbook of the same events",
         [_seconds(r.get("import_dry_run")) for r in rows])  # fmt: skip
    line("render (warm cache)", [r.get("render_note") or _seconds(r["render_warm"]) for r in rows])
    line("HTML size", ["-" if r["html_bytes"] is None else f"{r['html_bytes'] / 1e6:.1f} MB"
                       for r in rows])  # fmt: skip
    line("draw in headless Chromium: ready / painted",
         [f"{_seconds(r.get('draw_ready'))} / {_seconds(r.get('draw_painted'))}"
          for r in rows])  # fmt: skip
    line("hint for one unknown id (difflib)",
         [f"{_seconds(r['hint'])} ({_seconds(r['hint_difflib'])})" for r in rows])  # fmt: skip
    line("peak memory (validate)", [f"{r['peak_mb']:,.0f} MB" for r in rows])
    line("cold / bare libyaml (goal ≤ 1.0)", [_ratio(r["cold"], r["bare_libyaml"]) for r in rows])
    line("`safe_load` / bare libyaml", [_ratio(r["safe_load"], r["bare_libyaml"]) for r in rows])
    line("warm / cold (goal ≤ 0.05)", [_ratio(r["warm"], r["cold"]) for r in rows])
    line("another day / cold", [_ratio(r["warm_other_day"], r["cold"]) for r in rows])
    line("one changed / cold (goal ≤ 0.1)", [_ratio(r["warm_one_changed"], r["cold"])
                                             for r in rows])  # fmt: skip
    line("import dry run / cold (goal ≤ 2)",
         [_ratio(r.get("import_dry_run"), r["cold"]) for r in rows])  # fmt: skip
    line("render warm / cold (goal ≤ 0.5)", [_ratio(r["render_warm"], r["cold"]) for r in rows])
    growth = ["-"] + [_ratio(b["cold"], a["cold"]) for a, b in itertools.pairwise(rows)]
    line("cold / previous size's cold (goal ≤ 11 for 10x)", growth)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--dir", type=Path, help="where to generate (kept); default: a temp dir")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of ours (and of the bare libyaml parse) to take the best of (default 3)",
    )
    parser.add_argument("--render-timeout", type=float, default=600, help="seconds (default 600)")
    parser.add_argument(
        "--parts",
        default="sizes,processes",
        help="sizes (in-process, by size), processes (whole processes)",
    )
    parser.add_argument(
        "--process-events",
        type=int,
        default=20_000,
        help="events in each shape of the whole-process table (default 20000)",
    )
    parser.add_argument(
        "--process-rounds",
        type=int,
        default=5,
        help="rounds of the whole-process runs to take the best of (default 5)",
    )
    parser.add_argument("--in-process", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--render", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="timeline-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    if args.one:
        print(json.dumps(measure(args.one, folder, args.repeat)))
        return
    if args.render:
        print(json.dumps(measure_render(args.render, folder, args.repeat)))
        return
    if args.in_process:
        cache = folder / f"cache-in-{args.in_process.name}"
        print(json.dumps(processes.measure_in_process(args.in_process, cache, args.repeat)))
        return
    parts = set(args.parts.split(","))
    if parts & {"processes", "imports"}:
        processes.compile_package()
    capacity = [parallel_capacity()]
    if "sizes" in parts:
        sizes(args, folder)
    if "processes" in parts:
        whole_processes(args, folder)
    if "imports" in parts:
        import_budgets(folder)
    capacity.append(parallel_capacity())
    print(
        f"\nCores available (2 processes' work / 1 process's time, before and after): "
        f"{capacity[0]:.2f}, {capacity[1]:.2f}"
    )
    if args.dir is None:
        shutil.rmtree(folder, ignore_errors=True)


def whole_processes(args: argparse.Namespace, folder: Path) -> None:
    """The whole-process table: each collection's processes, then its in-process figures
    (in a child, as the sizes are)."""
    columns = {}
    for name, root in processes.collections(folder, args.process_events).items():
        rounds = args.process_rounds
        peer_rounds = rounds if name == "bundled" else 1  # the peers take a minute there
        cache = folder / f"cache-{root.name}"
        figures = processes.measure_collection(root, cache, rounds, peer_rounds)
        run = subprocess.run(
            [sys.executable, __file__, "--in-process", str(root), "--dir", str(folder),
             "--repeat", str(args.repeat)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if run.returncode != 0:
            sys.exit(f"in-process figures of {root} failed:\n{run.stderr}")
        figures.update(json.loads(run.stdout.strip().splitlines()[-1]))
        print(json.dumps({name: figures}), file=sys.stderr)
        columns[name] = figures
    print()
    print(processes.table(columns, args.process_events))


def import_budgets(folder: Path) -> None:
    """Where the start-up of the small commands goes, from `python -X importtime`."""
    bundled = folder / "bundled"
    if not bundled.exists():
        shutil.copytree(HERE.parent.parent / "events", bundled)
    print("\nImports (ms, from python -X importtime; the least of 5 runs), warm cache:")
    print(processes.import_budgets(bundled, folder / "cache-imports"))


def sizes(args: argparse.Namespace, folder: Path) -> None:
    """The in-process table, one size at a time."""
    rows = []
    for size in (int(text) for text in args.sizes.split(",")):
        run = subprocess.run(
            [sys.executable, __file__, "--one", str(size), "--dir", str(folder),
             "--repeat", str(args.repeat)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if run.returncode != 0:
            sys.exit(f"size {size} failed:\n{run.stderr}")
        rows.append(json.loads(run.stdout.strip().splitlines()[-1]))
        rows[-1].update(_render_in_child(size, folder, args.render_timeout, args.repeat))
        print(json.dumps(rows[-1]), file=sys.stderr)
    print(table(rows))


if __name__ == "__main__":
    main()
