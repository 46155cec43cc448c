"""The format's YAML rules (events/README.md), enforced by our own walk over libyaml's events."""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.collection.yamlread import MAX_DEPTH, decode, read_documents, resolve_plain


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("NO", "NO"),  # Norway stays Norway
        ("no", "no"),
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("n", "n"),
        ("true", True),
        ("false", False),
        ("12:30", "12:30"),  # YAML 1.1 would read 750 (base 60)
        ("0123", "0123"),  # YAML 1.1 would read 83 (octal)
        ("0x1F", "0x1F"),
        ("2014", 2014),
        ("-7", -7),
        ("2014-02", "2014-02"),
        ("2014-02-17", date(2014, 2, 17)),
        ("2014-02-30", "2014-02-30"),  # not a calendar date: left for the date rules
        ("2014-13", "2014-13"),
        ("2014-09~", "2014-09~"),
        ("2014-02-17T10:00:00", "2014-02-17T10:00:00"),
        ("~", None),
        ("null", None),
        ("1.5", 1.5),
    ],
)
def test_plain_scalars(text: str, value: object) -> None:
    assert resolve_plain(text) == value
    assert type(resolve_plain(text)) is type(value)


def test_country_no_stays_norway() -> None:
    documents, problems = read_documents("location:\n  name: Oslo\n  country: NO\n", "f.yaml")
    assert problems == []
    assert documents[0].value["location"]["country"] == "NO"


def test_quoted_values_stay_text() -> None:
    documents, _ = read_documents('a: "2014"\nb: \'true\'\nc: "2014-02-17"\n', "f.yaml")
    assert documents[0].value == {"a": "2014", "b": "true", "c": "2014-02-17"}


def test_streams_and_lists() -> None:
    text = "id: a\n---\n- id: b\n- id: c\n---\n"
    documents, problems = read_documents(text, "f.yaml")
    assert problems == []
    assert [d.value for d in documents] == [{"id": "a"}, [{"id": "b"}, {"id": "c"}], None]


def test_positions_are_tracked_on_demand() -> None:
    text = "id: a\nsources:\n  - title: x\n    url: y\n"
    fast, _ = read_documents(text, "f.yaml")
    tracked, _ = read_documents(text, "f.yaml", track=True)
    assert ("sources", 0, "url") not in fast[0].values
    assert tracked[0].values[("sources", 0, "url")] == (4, 10)
    assert tracked[0].keys[("sources", 0, "url")] == (4, 5)
    assert tracked[0].keys[("id",)] == (1, 1)


def test_block_nesting_limit() -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5))
    _, problems = read_documents(text, "f.yaml")
    assert [p.code for p in problems] == ["too-deep"]


def test_bom_is_dropped_and_bad_utf8_named() -> None:
    text, problems = decode("\ufeffid: a\n".encode(), "f.yaml")
    assert text == "id: a\n" and problems == []
    text, problems = decode(b"id: a\ntitle: caf\xe9\n", "f.yaml")
    assert text is None
    assert [(p.line, p.column, p.code) for p in problems] == [(2, 11, "encoding")]


@pytest.mark.parametrize(
    "text",
    [
        "!!timestamp x",
        "[" * 5000,
        "a: !!binary x",
        "? - a\n: b",
        "a: *x",
        "\x00",
        "a: 'x",
        "%YAML 9.9\n---\na",
    ],
)
def test_hostile_text_never_raises(text: str) -> None:
    documents, problems = read_documents(text, "f.yaml")
    assert problems, documents
    assert all(p.line >= 1 and p.column >= 1 for p in problems)


# --- The walk against PyYAML's own node tree -------------------------------------------------

_SCALARS = (
    st.text(max_size=12)
    | st.sampled_from(["<<", "~", "null", "true", "False", "no", "2014", "-7", "1.5", ".inf",
                       "2014-02-17", "2014-02-30", "0123", "", " x", "a: b", "- x", "#"])
    | st.integers(-(10**20), 10**20)
    | st.dates()
    | st.booleans()
    | st.none()
)  # fmt: skip
_TREES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=6) | st.sampled_from(["<<", "1", "null", "id"]), inner,
                      max_size=4),
    max_leaves=24,
)  # fmt: skip


def _expected(node: yaml.Node) -> object:
    """A node's value under the format's rules: a key is its text, a plain scalar resolved."""
    if isinstance(node, yaml.MappingNode):
        return {key.value: _expected(value) for key, value in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_expected(item) for item in node.value]
    plain = node.style is None and node.tag != "tag:yaml.org,2002:str"
    return resolve_plain(node.value) if plain else node.value


def _places(node: yaml.Node, loc: tuple[object, ...], values: dict, keys: dict) -> None:
    values[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            keys[(*loc, key.value)] = (key.start_mark.line + 1, key.start_mark.column + 1)
            _places(value, (*loc, key.value), values, keys)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _places(item, (*loc, index), values, keys)


@given(st.lists(_TREES, min_size=1, max_size=3), st.sampled_from([None, True, False]))
@settings(max_examples=300, deadline=None)
def test_values_and_places_agree_with_pyyaml_nodes(trees: list[object], flow: bool | None) -> None:
    # Keys never repeat and no anchor is written, so every document is one the format
    # accepts but for merge keys: the walk must give PyYAML's node tree, read by our rules.
    text = yaml.safe_dump_all(trees, default_flow_style=flow, allow_unicode=True)
    nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    fast, problems = read_documents(text, "f.yaml")
    tracked, tracked_problems = read_documents(text, "f.yaml", track=True)
    merges = sum(isinstance(t, dict) and "<<" in t for t in trees) > 0 or "<<:" in text
    assert problems == tracked_problems
    if not merges:
        assert problems == []
        assert [d.value for d in fast] == [_expected(n) for n in nodes]
    assert [d.value for d in tracked] == [d.value for d in fast]
    for document, node in zip(tracked, nodes, strict=True):
        values: dict = {}
        keys: dict = {}
        _places(node, (), values, keys)
        if not merges:
            assert document.values == values
            assert document.keys == keys
        assert (document.line, document.column) >= (1, 1)
