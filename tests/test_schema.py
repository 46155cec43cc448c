"""The editor schemas: valid for draft 2020-12, agreeing with the loader, and up to date."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import ROOT, SEED, event_yaml
from jsonschema import Draft202012Validator, ValidationError  # type: ignore[import-untyped]
from typer.testing import Result

from timeline.collection.reading import read_bytes
from timeline.views.schema import actors_file_schema, event_file_schema, schema_text


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML read the way a YAML 1.2 language server reads it: a date-looking scalar is a
    string and only true/false are booleans (PyYAML's 1.1 rules make dates and `yes`/`no`)."""


def _string_timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    return loader.construct_scalar(node)  # type: ignore[arg-type]


def _strict_bool(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    text = loader.construct_scalar(node)  # type: ignore[arg-type]
    return {"true": True, "false": False}.get(text.lower(), text)


Yaml12Loader.add_constructor("tag:yaml.org,2002:timestamp", _string_timestamp)
Yaml12Loader.add_constructor("tag:yaml.org,2002:bool", _strict_bool)


def documents(text: str) -> list[Any]:
    return list(yaml.load_all(text, Loader=Yaml12Loader))


EVENTS = Draft202012Validator(event_file_schema())
ACTORS = Draft202012Validator(actors_file_schema())


def errors(validator: Draft202012Validator, text: str) -> list[str]:
    """Every error message, with those of the branches of `oneOf`/`anyOf` that failed."""

    def flat(found: Iterable[ValidationError]) -> Iterator[str]:
        for error in found:
            yield error.message
            yield from flat(error.context or ())

    return [m for doc in documents(text) for m in flat(validator.iter_errors(doc))]


def test_schemas_are_valid_draft_2020_12() -> None:
    for schema in (event_file_schema(), actors_file_schema()):
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] and schema["title"]


def test_every_key_has_a_description() -> None:
    for schema in (event_file_schema(), actors_file_schema()):
        for name, definition in schema["$defs"].items():
            assert definition["description"], name
            assert definition["additionalProperties"] is False, name
            for key, prop in definition["properties"].items():
                assert prop.get("description"), f"{name}.{key}"


def test_the_yaml12_reading_keeps_dates_and_norway_as_strings() -> None:
    assert documents("date: 2014-09-13\ncountry: NO\nyear: 2014\nok: true\n") == [
        {"date": "2014-09-13", "country": "NO", "year": 2014, "ok": True}
    ]


SEED_FILES = sorted(p for p in SEED.rglob("*") if p.suffix in (".yaml", ".yml"))


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.relative_to(SEED).as_posix())
def test_every_seed_file_passes(path: Path) -> None:
    validator = ACTORS if path.name == "actors.yaml" and path.parent == SEED else EVENTS
    assert errors(validator, path.read_text(encoding="utf-8")) == []


def _data_files() -> list[Path]:
    return sorted(p for p in (ROOT / "tests" / "data").rglob("*") if p.suffix in (".yaml", ".yml"))


def test_files_the_loader_accepts_pass_the_schema() -> None:
    """Every test-data file without errors of its own is valid for the schema too."""
    checked = 0
    for path in _data_files():
        is_actors = path.name == "actors.yaml"
        result = read_bytes(path.read_bytes(), str(path), actors=is_actors)
        if any(p.level == "error" for p in result.problems):
            continue
        checked += 1
        assert errors(ACTORS if is_actors else EVENTS, path.read_text("utf-8")) == [], path
    assert checked >= 5


VALID = event_yaml(
    "ok",
    date="2014-09-22/2014-09-26",
    actors="\n  - kerry\n  - actor: yun\n    role: organizer",
    location="\n  name: New York\n  country: US",
    tags="\n  - human-rights",
    related="\n  - event: other\n    relation: part-of",
    updates="\n  - date: 2014-09-13\n    status: scheduled\n    note: announced",
    summary="|\n  Two\n  lines",
)


@pytest.mark.parametrize(
    "text",
    [
        VALID,
        event_yaml("year", date="2014"),
        event_yaml("month", date="2014-02~"),
        event_yaml("open", date="2014-09-22/.."),
        event_yaml("window", date='"[2014-09-08..2014-09-12]"'),
        event_yaml("window-months", date="'[2014-09..2014-10]~'"),
        event_yaml("where", location="New York"),
        event_yaml("empty-lists", tags="", actors="", sources=""),
        "- " + event_yaml("a").replace("\n", "\n  ").rstrip() + "\n",
        "# only a comment\n",
    ],
)
def test_valid_records_pass(text: str) -> None:
    assert not any(p.level == "error" for p in read_bytes(text.encode(), "e.yaml").problems)
    assert errors(EVENTS, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (event_yaml("bad-type", type="meating"), "'meating' is not one of"),
        (event_yaml("bad-status", status="done"), "'done' is not one of"),
        (event_yaml("bad-role", actors="\n  - actor: kerry\n    role: host"),
         "'host' is not one of"),
        (event_yaml("bad-relation", related="\n  - event: x\n    relation: after"),
         "'after' is not one of"),
        (event_yaml("typo", titel="x"), "'titel' was unexpected"),
        (event_yaml("no-status").replace("status: occurred\n", ""),
         "'status' is a required property"),
        (event_yaml("bad-date", date="Sept 2014"), "'Sept 2014' does not match"),
        (event_yaml("bad-window", date='"[2014-09-08~..2014-09-12]"'), "does not match"),
        (event_yaml("open-window", date='"[2014-09-08..]"'), "does not match"),
        (event_yaml("unquoted-window", date="[2014-09-08..2014-09-12]"),
         "is not valid under any of the given schemas"),
        (event_yaml("Bad_Id"), "does not match"),
        (event_yaml("bad-url", sources="\n  - url: javascript:alert(1)"),
         "'javascript:alert(1)' does not match"),
        (event_yaml("no-title-or-url", sources="\n  - publisher: Yonhap"),
         "'title' is a required property"),
        (event_yaml("two-lines", title='"one\\ntwo"'), "does not match"),
        (event_yaml("lower-country", location="\n  name: Seoul\n  country: kr"),
         "'kr' does not match"),
        (event_yaml("day", updates="\n  - date: 2014-09"), "does not match"),
        ("42\n", "42 is not of type 'object'"),
    ],
)  # fmt: skip
def test_invalid_records_fail_the_schema_and_the_loader(text: str, expected: str) -> None:
    found = errors(EVENTS, text)
    assert found and any(expected in message for message in found), found
    assert any(p.level == "error" for p in read_bytes(text.encode(), "e.yaml").problems)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- id: us\n  name: United States\n  kind: country\n", "'country' is not one of"),
        ("- id: us\n  name: United States\n", "'kind' is a required property"),
        ("- id: us\n  name: US\n  kind: state\n  wikidata: 30\n", "30 is not of type 'string'"),
        ("- id: us\n  name: US\n  kind: state\n  nickname: x\n", "'nickname' was unexpected"),
    ],
)
def test_invalid_actors_fail(text: str, expected: str) -> None:
    found = errors(ACTORS, text)
    assert any(expected in message for message in found), found
    problems = read_bytes(text.encode(), "actors.yaml", actors=True).problems
    assert any(p.level == "error" for p in problems)


@pytest.mark.parametrize(
    ("name", "schema"),
    [("event.schema.json", event_file_schema), ("actors.schema.json", actors_file_schema)],
)
def test_bundled_schema_files_are_up_to_date(name: str, schema: Any) -> None:
    written = (SEED / name).read_text(encoding="utf-8")
    assert written == schema_text(schema()), (
        f"events/{name} is stale; regenerate it with 'timeline schema"
        f"{' --actors' if 'actors' in name else ''} -o events/{name}'"
    )


def test_seed_files_point_editors_at_the_schemas() -> None:
    for path in SEED_FILES:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        target = "actors.schema.json" if path.name == "actors.yaml" else "../event.schema.json"
        assert first == f"# yaml-language-server: $schema={target}", path
        assert (path.parent / target).resolve().is_file()


def test_cli_prints_and_writes(cli: Any, tmp_path: Path) -> None:
    printed: Result = cli("schema")
    assert printed.exit_code == 0
    assert json.loads(printed.stdout) == event_file_schema()
    wrote: Result = cli("schema", "--actors", "-o", "out/actors.schema.json")
    assert wrote.exit_code == 0
    assert "out/actors.schema.json" in wrote.stdout
    target = tmp_path / "out" / "actors.schema.json"
    assert json.loads(target.read_text("utf-8")) == actors_file_schema()


def test_cli_unwritable_target_is_a_clear_error(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    result: Result = cli("schema", "-o", "file/schema.json")
    assert result.exit_code == 1
    assert "nothing was written" in result.stderr
    assert "Traceback" not in result.output
