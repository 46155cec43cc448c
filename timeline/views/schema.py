"""JSON Schemas (draft 2020-12) of event files and `actors.yaml`, for editors.

They are generated from the Pydantic models, then refined to describe the YAML as an
editor's YAML 1.2 language server reads it: there an unquoted `2014-09-13` is a string
(PyYAML's 1.1 rules make it a date), `2014` is an integer, and only `true`/`false` are
booleans. The refinements add what Pydantic cannot see in the models: the patterns the
validators check, the shorthand forms the `BeforeValidator`s accept (an actor as a bare
id, a location as plain text, an empty list written as nothing) and a description on
every key, which editors show as hover help.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from timeline.core.model import SLUG_PATTERN, Actor, Event

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# URNs, not URLs: the schemas are identified, never fetched (editors read the local file).
EVENT_SCHEMA_ID = "urn:timeline:schema:event-file:1"
ACTORS_SCHEMA_ID = "urn:timeline:schema:actors-file:1"

_YEAR = r"(?!0000)[0-9]{4}"
_MONTH = r"(0[1-9]|1[0-2])"
_DAY = r"(0[1-9]|[12][0-9]|3[01])"
_BARE_PART = rf"{_YEAR}(-{_MONTH}(-{_DAY})?)?"
_PART = rf"{_BARE_PART}[?~%]?"
_WINDOW = rf"\[{_BARE_PART}\.\.{_BARE_PART}\][?~%]?"
DATE_EXPRESSION_PATTERN = rf"^({_PART}(/({_PART}|\.\.))?|{_WINDOW})$"
DAY_PATTERN = rf"^{_YEAR}-{_MONTH}-{_DAY}$"
COUNTRY_PATTERN = r"^[A-Z]{2,3}$"
# JSON Schema patterns are ECMA-262 regular expressions, which have no inline (?i) flag.
URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\s]+"
ONE_LINE_PATTERN = r"^[^\r\n]*\S[^\r\n]*$"

_SLUG = {"type": "string", "pattern": SLUG_PATTERN}
_DAY_SCHEMA = {"type": "string", "format": "date", "pattern": DAY_PATTERN}

#: Per model, per key: a description, and constraints that replace the generated type
#: (applied to the non-null branch of an optional key).
_KEYS: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {
    "Event": {
        "id": (
            "Unique id of the event in the collection: lowercase letters, digits and "
            "hyphens, e.g. `unga-69-general-debate`.",
            _SLUG,
        ),
        "title": (
            "One line of up to 200 characters.",
            {
                "type": "string",
                "minLength": 1,
                "maxLength": 200,
                "pattern": ONE_LINE_PATTERN,
            },
        ),
        "date": (
            "When: `2014`, `2014-09` or `2014-09-13`; a suffix `?` (uncertain), `~` "
            "(approximate) or `%` (both); an interval `A/B`; an ongoing `A/..`; or a window "
            '`"[A..B]"`, in quotes: one day somewhere from A to B, the day not known.',
            {
                "anyOf": [
                    {"type": "string", "pattern": DATE_EXPRESSION_PATTERN},
                    {"type": "integer", "minimum": 1000, "maximum": 9999},
                ]
            },
        ),
        "type": ("What kind of event it is.", {}),
        "status": (
            "`proposed`: under discussion, not scheduled; `scheduled`: announced or agreed; "
            "`occurred`; `postponed`; `cancelled`.",
            {},
        ),
        "actors": (
            "Who takes part: actor ids from `actors.yaml`, each bare (role `participant`) "
            "or as `{actor: ID, role: ROLE}`.",
            {},
        ),
        "location": ("Where: plain text, or `{name: TEXT, country: CODE}`.", {}),
        "summary": ("What happened or is expected, in Markdown.", {"type": "string"}),
        "sources": (
            "Where it was reported. An event without sources gets the warning `no-source`.",
            {},
        ),
        "tags": ("Free labels for filtering, each a slug such as `human-rights`.", {}),
        "related": ("Typed links to other events of the collection.", {}),
        "updates": ("What was reported when, oldest first.", {}),
    },
    "ActorRef": {
        "actor": ("An actor id from `actors.yaml`.", _SLUG),
        "role": ("The actor's part in the event (default `participant`).", {}),
    },
    "Location": {
        "name": ("The place, e.g. `United Nations Headquarters, New York`.", {"type": "string"}),
        "country": (
            "ISO 3166-1 alpha-2 or alpha-3 country code in capitals, e.g. `US` or `KOR`.",
            {"type": "string", "pattern": COUNTRY_PATTERN},
        ),
    },
    "Source": {
        "title": ("Title of the article, document or statement.", {"type": "string"}),
        "publisher": ("Who published it.", {"type": "string"}),
        "url": ("Link to it; `http` or `https` only.", {"type": "string", "pattern": URL_PATTERN}),
        "published": ("The day it was published, YYYY-MM-DD.", _DAY_SCHEMA),
        "quote": ("The words of the source that support the record.", {"type": "string"}),
        "accessed": ("The day it was read, YYYY-MM-DD.", _DAY_SCHEMA),
    },
    "Related": {
        "event": ("The id of the other event.", _SLUG),
        "relation": ("How this event relates to the other one.", {}),
    },
    "Update": {
        "date": ("The day of the news, YYYY-MM-DD.", _DAY_SCHEMA),
        "status": ("The status the news reported, if it reported one.", {}),
        "note": ("What was reported.", {"type": "string"}),
        "source": ("Where it was reported.", {}),
    },
    "Actor": {
        "id": ("Unique id of the actor, used in events' `actors` lists.", _SLUG),
        "name": ("Display name.", {"type": "string"}),
        "kind": ("What kind of actor it is.", {}),
        "country": (
            "ISO 3166-1 alpha-2 or alpha-3 country code in capitals, e.g. `US` or `KOR`.",
            {"type": "string", "pattern": COUNTRY_PATTERN},
        ),
        "affiliation": (
            "The id of another actor it belongs to (a ministry, a parent body).",
            _SLUG,
        ),
        "title": ("Position, e.g. `Secretary of State`.", {"type": "string"}),
        "aliases": ("Other names it goes by.", {}),
        "wikidata": ("Wikidata item id, e.g. `Q30`.", {"type": "string", "pattern": r"^Q[0-9]+$"}),
    },
}

#: Keys whose list may be written as nothing (`tags:`), which the loader reads as empty.
_NULLABLE_LISTS = {
    "Event": ("actors", "sources", "tags", "related", "updates"),
    "Actor": ("aliases",),
}


def event_file_schema() -> dict[str, Any]:
    """The schema of an event file: one event, a list of events, or an empty document."""
    defs = _definitions(Event)
    ref = {"$ref": "#/$defs/Event"}
    return {
        "$schema": DIALECT,
        "$id": EVENT_SCHEMA_ID,
        "title": "timeline event file",
        "description": "One event record, or a list of them (format version 1).",
        "oneOf": [
            ref,
            {"type": "array", "description": "A list of event records.", "items": ref},
            {"type": "null", "description": "An empty document, which is skipped."},
        ],
        "$defs": defs,
    }


def actors_file_schema() -> dict[str, Any]:
    """The schema of `actors.yaml`: a list of actors (or nothing: an empty registry)."""
    return {
        "$schema": DIALECT,
        "$id": ACTORS_SCHEMA_ID,
        "title": "timeline actor registry (actors.yaml)",
        "description": "The actors that events name by id (format version 1).",
        "type": ["array", "null"],
        "items": {"$ref": "#/$defs/Actor"},
        "$defs": _definitions(Actor),
    }


def schema_text(schema: dict[str, Any]) -> str:
    """A schema as the JSON text written to disk: indented, UTF-8, newline at the end."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _definitions(model: type[Event] | type[Actor]) -> dict[str, Any]:
    generated = model.model_json_schema(mode="validation")
    defs: dict[str, Any] = generated.pop("$defs", {})
    defs[model.__name__] = generated
    refined: dict[str, Any] = {}
    for name in sorted(defs):
        refined[name] = _refine(name, copy.deepcopy(defs[name]))
    return refined


def _refine(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """One model's generated schema with descriptions, patterns and YAML shorthands."""
    schema.pop("title", None)
    keys = _KEYS[name]
    properties: dict[str, Any] = schema["properties"]
    missing = set(properties) - set(keys)
    if missing:  # a key added to the model must be described here too
        raise AssertionError(f"{name}: no description for {sorted(missing)}")
    for key, prop in properties.items():
        description, constraints = keys[key]
        properties[key] = _refine_key(prop, description, constraints)
    for key in _NULLABLE_LISTS.get(name, ()):
        properties[key]["type"] = ["array", "null"]
    if name == "Event":
        properties["actors"]["items"] = {
            "anyOf": [
                {
                    **_SLUG,
                    "description": "An actor id from `actors.yaml`, with role `participant`.",
                },
                {"$ref": "#/$defs/ActorRef"},
            ]
        }
        properties["tags"]["items"] = {**_SLUG, "description": "A tag, e.g. `human-rights`."}
        properties["location"] = {
            "description": properties["location"]["description"],
            "anyOf": [
                {"type": "string", "description": "The place, as text."},
                {"$ref": "#/$defs/Location"},
                {"type": "null"},
            ],
        }
    if name == "Source":
        # A source needs a title or a url (the model's `_title_or_url` check).
        schema["anyOf"] = [
            {"required": [key], "properties": {key: {"type": "string"}}} for key in ("title", "url")
        ]
    return schema


def _refine_key(prop: dict[str, Any], description: str, constraints: dict[str, Any]) -> Any:
    prop.pop("title", None)
    if prop.get("default", ...) is None:
        del prop["default"]
    branches = prop.get("anyOf")
    if constraints:
        if branches is not None:  # Optional[X]: constrain X, keep null
            prop["anyOf"] = [
                branch if branch.get("type") == "null" else dict(constraints) for branch in branches
            ]
        else:
            for keyword in ("type", "format", "pattern", "anyOf", "description"):
                prop.pop(keyword, None)
            prop.update(copy.deepcopy(constraints))
    return {"description": description, **prop}
