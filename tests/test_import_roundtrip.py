"""Our own CSV export imports back to the same records (into an empty collection with the
same actors): a property over generated events, and the command line end to end."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from helpers import ACTORS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import Result

from timeline.collection.collection import Collection
from timeline.collection.importing import plan_import
from timeline.collection.reading import read_bytes
from timeline.collection.sheets import read_csv
from timeline.core.model import EVENT_TYPES, LINE_BREAKS, STATUSES, Event, readable
from timeline.store.canonical import event_yaml
from timeline.views.export import export_csv

Tree = Callable[[Mapping[str, str | bytes]], Path]
Cli = Callable[..., Result]
AS_OF = date(2014, 9, 13)
REGISTRY = read_bytes(ACTORS.encode(), "actors.yaml", actors=True).actors

# What a CSV cell carries as it is: any text but control characters (which the import
# refuses) and carriage returns (which a sheet's line ends turn into line feeds).
TRICKY = ["=1+1", "+1", "-", "@x", "'quoted'", "'=x", "a,b", 'say "hi"', "x;y", " lead",
          "trail ", "\tTab", "é 日本 🙂", "\u202eevil", "NO", "2014", "\u2028"]  # fmt: skip


DATES = ["2014", "2014-09", "2014-09~", "2014?", "2014-09-13%", "2014-09-22/2014-09-30",
         "2013~/2014-02", "2014-09-22/..", "2014/2015-03?"]  # fmt: skip


def _cell_safe(text: str) -> bool:
    return all(ch in "\t\n" or unicodedata.category(ch) != "Cc" for ch in text)


text = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=30),
    st.lists(st.sampled_from(TRICKY), min_size=2, max_size=4).map("".join),
).filter(_cell_safe)
one_line = text.map(lambda s: "".join(" " if c in LINE_BREAKS else c for c in s)[:200]).filter(
    readable
)
slug = st.from_regex(r"[a-z0-9][a-z0-9-]{0,30}", fullmatch=True)
date_expression = st.one_of(
    st.sampled_from(DATES),
    st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)),
    st.integers(1000, 9999),
)
url = st.one_of(
    # a link holds no spaces (url-characters): the space of "ü NO" percent-encoded
    st.sampled_from(["https://example.org/a?b=1&c=2#x", "http://example.org/ü%20NO"]),
    slug.map(lambda s: f"https://example.org/{s}"),
)
event_data = st.fixed_dictionaries(
    {
        "title": one_line,
        "date": date_expression,
        "type": st.sampled_from(EVENT_TYPES),
        "status": st.sampled_from(STATUSES),
    },
    optional={
        "actors": st.lists(st.sampled_from(["kerry", "yun", "us"]), max_size=3, unique=True),
        "location": st.one_of(
            one_line,
            st.fixed_dictionaries(
                {"name": one_line, "country": st.sampled_from(["US", "KOR", "NO"])}
            ),
        ),
        "summary": text.filter(lambda s: s.strip() != ""),
        "sources": st.lists(url.map(lambda u: {"url": u}), max_size=2, unique_by=str),
        "tags": st.lists(slug, max_size=3, unique=True),
    },
)


def _records(events: list[Event]) -> list[dict[str, Any]]:
    return [
        {key: value for key, value in event.normalized().items() if key != "path"}
        for event in events
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(event_data, min_size=1, max_size=4))
def test_export_csv_imports_back_to_the_same_records(items: list[dict[str, Any]]) -> None:
    events = [
        Event.model_validate({"id": f"event-{n}", **item}).place(f"{n}.yaml", 1, 1)
        for n, item in enumerate(items)
    ]
    collection = Collection(Path("events"), events, list(REGISTRY), [], 1)
    data = export_csv(events, collection).encode("utf-8")
    empty = Collection(Path("events"), [], list(REGISTRY), [], 1)
    plan = plan_import(empty, read_csv(data, "export.csv"), {}, {}, AS_OF)
    assert [p for p in plan.problems if p.level == "error"] == []
    assert _records(plan.added) == _records(events)
    # and each would be written as a file that reads back as the same record
    for event in plan.added:
        [read] = read_bytes(event_yaml(event).encode("utf-8"), "x.yaml").events
        assert read.model_dump() == event.model_dump()


def test_export_then_import_write_on_the_command_line(tree: Tree, cli: Cli, tmp_path: Path
                                                      ) -> None:  # fmt: skip
    files = {
        "actors.yaml": ACTORS,
        "2014/a.yaml": "id: a\ntitle: '=1+1, \"quoted\"; two'\ndate: 2014-09~\ntype: vote\n"
        "status: occurred\nactors: [kerry, yun]\nlocation: {name: Geneva, country: CH}\n"
        "summary: |\n  Two lines,\n  - and a list\ntags: [un, x]\n"
        "sources:\n  - url: https://example.org/a\n  - url: https://example.org/b\n",
        "2013/b.yaml": "- id: b\n  title: B\n  date: 2013/2014-02?\n  type: meeting\n"
        "  status: cancelled\n- id: c\n  title: C\n  date: 2014-09-22/..\n  type: summit\n"
        "  status: scheduled\n  location: New York\n",
    }
    original = tree(files)
    exported = cli("export", "--format", "csv", "--events", original, "--as-of", "2014-09-13",
                   "-o", tmp_path / "out.csv")  # fmt: skip
    assert exported.exit_code == 0, exported.output
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "actors.yaml").write_text(ACTORS, encoding="utf-8")
    imported = cli("import", tmp_path / "out.csv", "--events", empty, "--as-of", "2014-09-13",
                   "--write")  # fmt: skip
    assert imported.exit_code == 0, imported.output
    assert "unknown-column" not in imported.stderr

    def listed(events: Path) -> list[dict[str, Any]]:
        result = cli("list", "--events", events, "--as-of", "2014-09-13", "--format", "json")
        return [{k: v for k, v in r.items() if k != "path"} for r in json.loads(result.stdout)]

    assert listed(empty) == listed(original) and len(listed(empty)) == 3


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(event_data, min_size=1, max_size=3))
def test_export_rows_in_a_workbook_import_back_the_same(items: list[dict[str, Any]]) -> None:
    # The same rows in an XLSX workbook (as a spreadsheet that opened the CSV saves them)
    import csv
    import io

    import openpyxl

    from timeline.collection.sheets import read_workbook

    events = [
        Event.model_validate({"id": f"event-{n}", **item}).place(f"{n}.yaml", 1, 1)
        for n, item in enumerate(items)
    ]
    collection = Collection(Path("events"), events, list(REGISTRY), [], 1)
    book = openpyxl.Workbook()
    sheet = book.active
    for row in csv.reader(io.StringIO(export_csv(events, collection), newline="")):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    empty = Collection(Path("events"), [], list(REGISTRY), [], 1)
    plan = plan_import(empty, read_workbook(buffer.getvalue(), "book.xlsx", None), {}, {}, AS_OF)
    assert [p for p in plan.problems if p.level == "error"] == []
    assert _records(plan.added) == _records(events)
