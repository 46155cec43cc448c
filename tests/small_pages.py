"""The small pages whose bytes must not change: the outputs `tests/test_render_small_bytes.py`
compares with their fingerprints taken before the density overview was added.

    python tests/small_pages.py --write   # only when a change to small pages is meant

To take them from another revision (what `main` draws today): export it (`git archive REV
timeline tests events | tar -x -C DIR`), copy this file into DIR/tests and run it there
with `PYTHONPATH=DIR`, then copy DIR/tests/data/small-pages.json here.

Each case is a page, report or image figure at or under the density threshold; its text
is fingerprinted without the plotly.js bundle, so a plotly.js upgrade alone changes nothing
(a change in how plotly writes a figure's JSON does).
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from helpers import ACTORS, SEED, build_tree  # noqa: E402
from test_render import generated_yaml  # noqa: E402

from timeline.collection.checks import run_checks  # noqa: E402
from timeline.collection.pipeline import load_collection  # noqa: E402
from timeline.core.periods import parse_period  # noqa: E402
from timeline.views.render.figure import render_html, timeline_figure  # noqa: E402
from timeline.views.render.page import figure_json, plotly_js  # noqa: E402
from timeline.views.report.build import build_report  # noqa: E402
from timeline.views.report.render import render_report  # noqa: E402

AS_OF = date(2014, 9, 13)
FINGERPRINTS = HERE / "data" / "small-pages.json"
#: Events in the largest generated case: exactly the density threshold's marks.
AT_THRESHOLD = 1500


def fingerprint(text: str) -> str:
    """SHA-256 of the text without the plotly.js bundle."""
    return hashlib.sha256(text.replace(plotly_js(), "").encode("utf-8")).hexdigest()


def cases(folder: Path) -> dict[str, Callable[[], str]]:
    """Each case's name and how to make its text (`folder` holds generated collections)."""
    seed = load_collection(SEED)
    root = build_tree(
        folder / "events", {"actors.yaml": ACTORS, "many.yaml": generated_yaml(AT_THRESHOLD)}
    )
    many = load_collection(root)
    assert not many.problems

    def report() -> str:
        period = parse_period("2014-Q3")
        problems = run_checks(seed.outline, AS_OF)
        built = build_report(seed, period, as_of=AS_OF, problems=problems)
        return render_report(built, "html", seed)

    found: dict[str, Callable[[], str]] = {
        f"seed page by {by}": (
            lambda by=by: render_html(seed.events, seed, as_of=AS_OF, group_by=by)  # type: ignore[misc]
        )
        for by in ("type", "actor", "tag", "status")
    }
    found["seed image figure"] = lambda: figure_json(
        timeline_figure(seed.events, seed, as_of=AS_OF, title="Seed")
    )
    found["seed report 2014-Q3"] = report
    found[f"{AT_THRESHOLD} events page"] = lambda: render_html(many.events, many, as_of=AS_OF)
    found[f"{AT_THRESHOLD} events image figure"] = lambda: figure_json(
        timeline_figure(many.events, many, as_of=AS_OF)
    )
    return found


def main() -> None:
    if sys.argv[1:] != ["--write"]:
        sys.exit(__doc__)
    with tempfile.TemporaryDirectory() as folder:
        prints = {name: fingerprint(make()) for name, make in cases(Path(folder)).items()}
    FINGERPRINTS.write_text(json.dumps(prints, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {FINGERPRINTS}")


if __name__ == "__main__":
    main()
