"""Events as canonical YAML: the clean, predictable text `timeline add` and `update` write.

Keys follow the format's order (events/README.md), everything is block style, and a value
is quoted whenever a YAML reader might take it for something other than text: our own
loader (YAML 1.2 core types plus dates), and YAML 1.1 readers such as PyYAML, for which
`NO` is false, `12:30` is 750 and `0123` is 83. ruamel.yaml does the emitting (escapes,
block scalars, Unicode); we only decide which strings must be quoted, because its resolver
knows one YAML version at a time and ours reads dates and numbers its own way.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.resolver import VersionedResolver

from timeline.collection.yamlread import resolve_plain
from timeline.core.model import EVENT_KEYS, Event, Update

#: The first line of every file `timeline add` writes: editors find the schema through it.
SCHEMA_LINE = "# yaml-language-server: $schema=../event.schema.json\n"

_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVERS = (VersionedResolver(version=(1, 1)), VersionedResolver(version=(1, 2)))
# PyYAML's YAML 1.1 timestamps also accept one-digit months and days (`2014-9-3`),
# which ruamel's resolver does not: quote anything that starts like one.
_TIMESTAMP_LIKE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt\s]|\Z)")


def misread_plain(text: str) -> bool:
    """True when `text`, written unquoted, would be read back as something else."""
    if text != text.strip() or resolve_plain(text) != text or _TIMESTAMP_LIKE.match(text):
        return True
    return any(
        resolver.resolve(ScalarNode, text, (True, False)) != _STR_TAG for resolver in _RESOLVERS
    )


# Control, format and private characters, and YAML 1.1's extra line breaks (NEL, LS, PS),
# would be lost or changed by a reader unless escaped in a double-quoted string.
_UNSAFE_CATEGORIES = frozenset(("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))


def _plainly_readable(text: str) -> bool:
    """True when every character may appear as itself in a plain or block scalar."""
    return text.isprintable() or all(
        ch in "\n\t" or unicodedata.category(ch) not in _UNSAFE_CATEGORIES for ch in text
    )


def _block_friendly(text: str) -> bool:
    """True when a `|` block keeps the text as it is, without indentation indicators.

    A block's indentation is taken from its first line, and tabs cannot indent, so text
    whose first line starts with a space, or with a line that starts with a tab or holds
    only spaces, is written double-quoted instead.
    """
    lines = text.split("\n")
    first = next((line for line in lines if line), "")
    return not first.startswith(" ") and not any(
        line.startswith("\t") or (line and not line.strip()) for line in lines
    )


class _Representer(RoundTripRepresenter):
    """Strings quoted when they could be misread, multi-line text as `|` blocks."""

    def represent_str(self, data: str) -> ScalarNode:
        if not _plainly_readable(data):
            style: str | None = '"'  # escapes are the only faithful way to write these
        elif "\n" in data:
            style = "|" if _block_friendly(data) else '"'
        elif misread_plain(data):
            style = '"'
        else:
            style = None
        return self.represent_scalar(_STR_TAG, str(data), style=style)


_Representer.add_representer(str, _Representer.represent_str)


def _yaml() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.Representer = _Representer
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 1_000_000  # never fold long lines: one value, one line, clean diffs
    yaml.indent(mapping=2, sequence=4, offset=2)  # `  - item`, as the seed files are written
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    return yaml


def dump_yaml(value: Any) -> str:
    """Plain data (dicts, lists, text, numbers, dates) as canonical block-style YAML."""
    stream = io.StringIO()
    _yaml().dump(value, stream)
    return stream.getvalue()


def _pruned(value: Any) -> Any:
    """The value without None entries and empty lists (omitted keys read back the same)."""
    if isinstance(value, Mapping):
        return {
            key: _pruned(item)
            for key, item in value.items()
            if item is not None and item != [] and item != {}
        }
    if isinstance(value, list):
        return [_pruned(item) for item in value]
    return value


def _date_value(text: str) -> Any:
    """The event date as written: a year stays a number, a day a date, the rest text. A
    year before 1000 stays text: as a number, `0001` would be written and read as `1`."""
    if text.isdigit() and not text.startswith("0"):
        return int(text)
    try:
        return date.fromisoformat(text) if len(text) == 10 else text
    except ValueError:
        return text


def update_record(update: Update) -> dict[str, Any]:
    """An `updates` entry as plain data: date, status, note, source."""
    record: dict[str, Any] = _pruned(update.model_dump(mode="python"))
    return record


def event_record(event: Event) -> dict[str, Any]:
    """An event as plain data in the format's key order, the way it is best written.

    Actors with the role `participant` are written as bare ids and a location without a
    country as its name, as people write them; empty keys are left out.
    """
    data = event.model_dump(mode="python")
    data["date"] = _date_value(event.date.text)
    data["actors"] = [
        ref.actor if ref.role == "participant" else {"actor": ref.actor, "role": ref.role}
        for ref in event.actors
    ]
    if event.location is not None and event.location.country is None:
        data["location"] = event.location.name
    record: dict[str, Any] = _pruned({key: data[key] for key in EVENT_KEYS})
    return record


def event_yaml(event: Event) -> str:
    """The text of a new event file: the schema line, then the event."""
    return SCHEMA_LINE + dump_yaml(event_record(event))


def _wrapped(words: tuple[str, ...], indent: str, width: int = 88) -> str:
    """Allowed values as comment lines no wider than `width`."""
    lines: list[str] = []
    line = indent
    for word in words:
        if len(line) + len(word) + 2 > width and line.strip():
            lines.append(line.rstrip())
            line = indent
        line += word + ", "
    lines.append(line.rstrip(", "))
    return "\n".join(lines)


def event_template(event_type: str | None = None) -> str:
    """A commented event to fill in: every key, its allowed values and the date forms.

    As printed, the required values are empty, so `timeline add` refuses it and says
    what to fill in; once they are filled in (and the optional parts filled in or left
    empty) it is a valid event.
    """
    from timeline.core.model import EVENT_TYPES, RELATIONS, ROLES, STATUSES

    return _TEMPLATE.format(
        type=event_type or "",
        types=_wrapped(EVENT_TYPES, "#   "),
        statuses="\n".join(f"#   {status}" for status in STATUSES),
        roles=_wrapped(ROLES, "#     "),
        relations=_wrapped(RELATIONS, "#     "),
    )


_TEMPLATE = """\
# A new event. Fill in the values after each key, then file it:
#   timeline add draft.yaml --dry-run   (shows the file it would write)
#   timeline add draft.yaml             (files it as events/<year>/<id>.yaml)
# Optional keys may be left empty or deleted. Text with ': ' or ' #' in it,
# or text that starts with a quote, [, {{, &, *, !, |, >, % or @, goes in "double quotes".

# Required. A slug, unique in the collection: lowercase letters, digits, hyphens,
# e.g. dprk-human-rights-ministerial-side-event. It becomes the file's name.
id:
# Required. One line, at most 200 characters.
title:
# Required. When it happens or happened:
#   2014-09-23                a day
#   2014-09                   a month
#   2014                      a year
#   2014-09~  2014-09?  2014-09%   approximately / uncertain / both
#   2014-09-22/2014-09-30     from the first to the last day (any forms above)
#   2014-09-22/..             started, with no end yet
#   "[2014-09-22..2014-09-30]"  one day in this window, not known which ("later
#                             this month"); in quotes, or YAML reads a list
date:
# Required. One of:
{types}
type: {type}
# Required. One of:
#   proposed    under discussion, not scheduled
#   scheduled   announced or agreed
#   occurred
#   postponed
#   cancelled
status:
# Who takes part: actor ids from actors.yaml. A bare id is a participant;
# give another role as a mapping. Roles:
{roles}
actors:
#  - us
#  - actor: south-korea
#    role: organizer
# Where: a name, or a name and an ISO 3166-1 country code (US, KOR, ...).
location:
#  name: New York
#  country: US
# What it is about, in Markdown. Several lines: write `summary: |` and indent them.
summary:
# Where it was reported. Each source needs a title or a url (http or https);
# published and accessed are days (2014-09-13). Empty keys are ignored; without
# any source yet, delete the item (the event is then flagged 'no-source').
sources:
  - title:
    publisher:
    url:
    published:
#    quote:
#    accessed:
# Keywords: slugs such as human-rights.
tags:
#  - human-rights
# Links to other events by id. Relations:
{relations}
related:
#  - event: unga-69-leaders-week
#    relation: part-of
# News about the event, oldest first. 'timeline update ID' adds entries for you.
updates:
#  - date: 2014-09-13
#    status: scheduled
#    note: Announced for later this month.
"""
