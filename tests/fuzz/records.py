"""Valid collections full of hostile text: markup, script, quotes, template syntax, any Unicode.

Every event is valid (so every command must produce its output), but its titles,
summaries, places, sources and notes carry what must never become markup or code in
an output: HTML and Markdown, `<script>`, event handlers, `javascript:` links, template
syntax of Jinja2, JavaScript and shells, CSV formulas, line breaks, bidi controls.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import SEED
from hypothesis import strategies as st

from timeline.collection.files import ACTORS_FILE
from timeline.collection.pipeline import load_collection
from timeline.core.model import (
    EVENT_TYPES,
    LINE_BREAKS,
    RELATIONS,
    ROLES,
    STATUSES,
    Event,
    readable,
)
from timeline.store.canonical import event_yaml

#: Put into user text; an output element or attribute with this name came from user text.
MARKER = "data-fuzz"
MARKUP: tuple[str, ...] = (
    "<script>alert(1)</script>", f"<script {MARKER}>alert(1)</script>",
    f"<img {MARKER} src=x onerror=alert(1)>", f'"><svg {MARKER} onload=alert(1)>',
    f"'><b {MARKER}>", f"<a {MARKER} href=javascript:alert(1)>x</a>", "</script>",
    "</textarea></title></style>", "<!--", "-->", "]]>", "<![CDATA[", "&lt;", "&amp;",
    "&#60;script&#62;", "\\u003cscript\\u003e", "</", "<", ">", "&", '"', "'", "`",
    "{{ 7*7 }}", "{{", "}}", "{% raw %}", "{% endraw %}", "{# x #}", "${7*7}", "%{x}",
    "%s", "%(x)s", "{0}", "$(rm -rf x)", "=HYPERLINK(\"http://x\")", "+1", "@SUM(A1)",
    "*bold*", "_em_", "**", "# heading", "- item", "1. item", "> quote", "| a | b |",
    "[link](javascript:alert(1))", "![img](x)", "`code`", "```", "---", "\\", "\n",
    "\r\n", "\t", "\u2028", "\u202e", "\u2066", "\u200f", "\x1b[2J", "\x07", "\x00",
    "\ufeff", "é", "한국어", "عربى", "👩‍👩‍👧", "\U0001d54f",
)  # fmt: skip

_fragment = st.one_of(st.sampled_from(MARKUP), st.text(max_size=12))
text = st.lists(_fragment, max_size=5).map("".join)
one_line = (
    st.lists(_fragment, min_size=1, max_size=4)
    .map("".join)
    .map(lambda t: "".join(" " if c in LINE_BREAKS else c for c in t)[:199])
    .map(lambda t: t if readable(t) else t + "x")
)
# Valid addresses only (a raw U+202E or space is refused: test_fuzz_edges.py), so with
# those characters percent-encoded.
URLS = (
    "https://example.org/a?b=<script>alert(1)</script>&c=\"'",
    "https://example.org/%E2%80%AEgnp.exe",
    "http://example.org/a%20b",
    "https://example.org/%22%3E%3Cscript%3E",
    "https://user:pw@example.org:8080/p#{{x}}",
    "HTTPS://EXAMPLE.ORG/",
)
ACTOR_IDS = tuple(actor.id for actor in load_collection(SEED).actors)
DATES = (
    "2014", "2014-09", "2014-09-13", "2014-09~", "2014?", "2014-09-22/2014-09-30",
    "2014-09/..", "2013-02-17%", "2014-12-31/2015-01-02", "1999", "2030-06-01",
    "[2014-09-08..2014-09-12]", "[2014-09..2014-10]~", "[1999..2030-06-01]?",
)  # fmt: skip
slug = st.from_regex(r"[a-z0-9][a-z0-9-]{0,15}", fullmatch=True)
source = st.fixed_dictionaries(
    {"title": one_line},
    optional={
        "url": st.sampled_from(URLS),
        "publisher": text,
        "quote": text,
        "published": st.sampled_from(["2014-09-13", "2014-01-01"]),
    },
)


@st.composite
def events(draw: st.DrawFn, max_size: int = 5) -> list[Event]:
    """A list of valid events (unique ids, known actors, links between them)."""
    ids = draw(st.lists(slug, min_size=1, max_size=max_size, unique=True))
    chosen = []
    for event_id in ids:
        required: dict[str, st.SearchStrategy[Any]] = {
            "id": st.just(event_id),
            "title": one_line,
            "date": st.sampled_from(DATES),
            "type": st.sampled_from(EVENT_TYPES),
            "status": st.sampled_from(STATUSES),
            "sources": st.lists(source, min_size=1, max_size=2),
        }
        optional: dict[str, st.SearchStrategy[Any]] = {
            "actors": st.lists(
                st.fixed_dictionaries(
                    {"actor": st.sampled_from(ACTOR_IDS), "role": st.sampled_from(ROLES)}
                ),
                max_size=3,
                unique_by=lambda a: str(a["actor"]),
            ),
            "location": st.one_of(
                one_line,
                st.fixed_dictionaries(
                    {"name": one_line},
                    optional={"country": st.sampled_from(["US", "KOR", "FR"])},
                ),
            ),
            "summary": text,
            "tags": st.lists(slug, max_size=3, unique=True),
            "related": st.lists(
                st.fixed_dictionaries(
                    {
                        "event": st.sampled_from(tuple(ids)),
                        "relation": st.sampled_from([r for r in RELATIONS if r != "part-of"]),
                    }
                ),
                max_size=1,
            ),
            "updates": st.lists(
                st.fixed_dictionaries(
                    {"date": st.just("2014-09-13"), "note": text},
                    optional={"source": source},
                ),
                max_size=1,
            ),
        }
        record: dict[str, Any] = draw(st.fixed_dictionaries(required, optional=optional))
        record["related"] = [r for r in record.get("related", []) if r["event"] != event_id]
        chosen.append(Event.model_validate(record))
    return chosen


def write_collection(root: Path, chosen: list[Event]) -> Path:
    """The events as canonical files beside the seed's actor registry; returns the folder."""
    folder = root / "events"
    folder.mkdir(parents=True)
    (folder / ACTORS_FILE).write_bytes((SEED / ACTORS_FILE).read_bytes())
    for event in chosen:
        (folder / f"{event.id}.yaml").write_text(event_yaml(event), encoding="utf-8")
    return folder
