"""The large page, today's against a baseline's, side by side in one run and one Chromium.

    python tests/benchmarks/pages.py [--sizes 5000,100000] [--baseline main] [--repeat 3]

For each size it writes the benchmark's collection (`corpus.py`), renders the page with this
checkout and with the baseline (a git revision, exported to a temporary folder and run in
its own process), then opens the two pages in turn in headless Chromium, `--repeat` times
each, and measures: the first paint (the figure drawn, two animation frames later), when
the page is ready (search and hover work), and zoom steps from the whole range to a year,
a month, a week and back. A zoom step is timed from the range's change to the redrawn
figure on screen (wall clock), and by the script time Chromium counts meanwhile
(`ScriptDuration`, DevTools' Performance metrics: Plotly's drawing and ours, not layout or
paint). Figures are the best of the runs; the machine may be shared, so only the ratios
of one run mean much.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

from corpus import write_collection  # noqa: E402

AS_OF = "2026-01-01"
# Zoom steps: the view's range, from the whole range in.
STEPS = [
    ("a year", "2004-01-01", "2005-01-01"),
    ("a month", "2004-03-01", "2004-04-01"),
    ("a week", "2004-03-08", "2004-03-15"),
    ("all", None, None),
]
# Marks when the figure is first on the screen and when the page is ready.
_WATCH = """
window.__marks = {};
new MutationObserver(() => {
  const gd = document.getElementById("timeline");
  if (!gd) return;
  const now = performance.now();
  if (!window.__marks.drawn && (gd.hasAttribute("data-drawn") || gd.hasAttribute("data-ready"))) {
    window.__marks.drawn = now;
    requestAnimationFrame(() => requestAnimationFrame(() => {
      window.__marks.painted = performance.now();
    }));
  }
  if (!window.__marks.ready && gd.hasAttribute("data-ready")) window.__marks.ready = now;
}).observe(document, {attributes: true, subtree: true, childList: true});
"""
# The zoom runs in a task of the page's own (a timer), as a click's would: Chromium counts
# script time in tasks, not in code DevTools evaluates.
_ZOOM = """([range]) => new Promise((finish) => {
  const gd = document.getElementById("timeline");
  const overview = gd.hasAttribute("data-drawn");
  setTimeout(async () => {
    const started = performance.now();
    const drawn = overview
      ? new Promise((done) => gd.addEventListener("timeline:drawn", done, {once: true}))
      : null;
    await Plotly.relayout(gd, {"xaxis.range": range || gd.__initialRange});
    if (drawn) await drawn;
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    finish([performance.now() - started, gd.getAttribute("data-mode") || "marks"]);
  }, 0);
})"""


def render(code: Path, events: Path, out: Path, cache: Path) -> float:
    """Render `events` with the checkout at `code` in its own process; seconds."""
    env = dict(os.environ, PYTHONPATH=str(code), TIMELINE_CACHE_DIR=str(cache))
    command = [sys.executable, "-m", "timeline", "render", "--events", str(events),
               "--as-of", AS_OF, "-o", str(out)]  # fmt: skip
    subprocess.run(command, cwd=out.parent, env=env, check=True, capture_output=True)
    started = time.perf_counter()  # the second run: the cache is warm
    subprocess.run(command, cwd=out.parent, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def baseline(revision: str, folder: Path) -> Path:
    """The `timeline` package of `revision`, exported below `folder`."""
    tar = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "timeline"], check=True, capture_output=True
    ).stdout
    target = folder / f"baseline-{revision.replace('/', '-')}"
    shutil.rmtree(target, ignore_errors=True)
    with tarfile.open(fileobj=BytesIO(tar)) as archive:
        archive.extractall(target, filter="data")
    return target


def script_seconds(cdp: Any) -> float:
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return float(next(m["value"] for m in metrics if m["name"] == "ScriptDuration"))


def measure_page(browser: Any, page: Path) -> dict[str, Any]:
    """One load of `page` and its zoom steps."""
    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    cdp = tab.context.new_cdp_session(tab)
    cdp.send("Performance.enable")
    tab.add_init_script(_WATCH)
    tab.goto(page.as_uri(), timeout=300_000)
    tab.wait_for_function("window.__marks.painted && window.__marks.ready", timeout=300_000)
    marks = tab.evaluate("window.__marks")
    tab.evaluate(
        "() => { const gd = document.getElementById('timeline');"
        " gd.__initialRange = gd.layout.xaxis.range.slice(); }"
    )
    figures: dict[str, Any] = {
        "painted": marks["painted"] / 1000,
        "ready": marks["ready"] / 1000,
        "load_script": script_seconds(cdp),
    }
    for name, start, end in STEPS:
        before = script_seconds(cdp)
        wall, mode = tab.evaluate(_ZOOM, [[start, end] if start else None])
        figures[f"zoom {name}"] = (wall / 1000, script_seconds(cdp) - before, mode)
    tab.close()
    return figures


def best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each figure's best (lowest) over the runs."""
    out: dict[str, Any] = {}
    for key in runs[0]:
        values = [run[key] for run in runs]
        if isinstance(values[0], tuple):
            out[key] = (min(v[0] for v in values), min(v[1] for v in values), values[0][2])
        else:
            out[key] = min(values)
    return out


def compare(size: int, folder: Path, revision: str, repeat: int) -> dict[str, Any]:
    events = folder / f"events-{size}"
    if not events.exists():
        write_collection(events, size)
    cache = folder / f"cache-{size}"
    pages = {"baseline": folder / f"baseline-{size}.html", "this": folder / f"this-{size}.html"}
    rendered = {
        "baseline": render(baseline(revision, folder), events, pages["baseline"], cache),
        "this": render(ROOT, events, pages["this"], cache),
    }
    from playwright.sync_api import sync_playwright

    runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "this": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"))
        for _ in range(repeat):  # in turn, so that a busy spell hits both
            for name, page in pages.items():
                runs[name].append(measure_page(browser, page))
        browser.close()
    return {
        name: {"render": rendered[name], "bytes": pages[name].stat().st_size} | best(runs[name])
        for name in pages
    }


def _cell(value: Any) -> str:
    if isinstance(value, tuple):
        return f"{value[0] * 1000:.0f} ms ({value[1] * 1000:.0f} ms script) {value[2]}"
    if isinstance(value, int):
        return f"{value / 1e6:.2f} MB"
    return f"{value:.2f} s"


def table(size: int, figures: dict[str, Any], revision: str) -> str:
    old, new = figures["baseline"], figures["this"]
    lines = [f"| {size:,} events | {revision} | this checkout | ratio |", "|---|---|---|---|"]
    for key in new:
        a, b = old[key], new[key]
        ratio = (b[1] / a[1] if a[1] else 0) if isinstance(a, tuple) else (b / a if a else 0)
        lines.append(f"| {key} | {_cell(a)} | {_cell(b)} | {ratio:.2f}x |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,100000")
    parser.add_argument("--baseline", default="main", help="git revision (default main)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, help="where to generate (kept); default: a temp dir")
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="timeline-pages-"))
    folder.mkdir(parents=True, exist_ok=True)
    for size in (int(text) for text in args.sizes.split(",")):
        figures = compare(size, folder, args.baseline, args.repeat)
        print(json.dumps(figures), file=sys.stderr)
        print(table(size, figures, args.baseline) + "\n")
    if args.dir is None:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
