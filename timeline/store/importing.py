"""What `timeline import` writes: where new records would go, and records changed in place.

For `--update`, like `timeline update`, the edit is made on the text: ruamel.yaml's
composer finds each changed key of the event, and only its lines are rewritten (in
canonical form); comments, quoting and other keys, events and documents keep every byte.
The result is read back and must hold exactly the intended records before it may be
written.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from timeline.core.model import EVENT_KEYS, Event
from timeline.core.problems import Problem
from timeline.store.canonical import dump_yaml, event_record
from timeline.store.edit import (
    after_line,
    edit_in_place,
    event_node,
    last_end,
    line_ending,
    new_file_path,
    same_place,
)


def new_paths(root: Path, events: Sequence[Event]) -> tuple[list[Path], list[Problem]]:
    """Where `timeline add` would file each new event, with the problems that stop it
    (an id that cannot be a file name, a file already there), without writing the YAML:
    a dry run of ten thousand rows shows the paths in a second, not in ten."""
    paths: list[Path] = []
    problems: list[Problem] = []
    for event in events:
        path = new_file_path(root, event)
        if isinstance(path, Problem):
            problems.append(path)
        else:
            paths.append(path)
    return paths, problems


def _block(key: str, value: object, indent: int, newline: str, *, first: bool) -> str:
    """`key: value` as canonical YAML, each line indented by `indent` (but the first
    when it goes where the old key started)."""
    lines = dump_yaml({key: value}).rstrip("\n").split("\n")
    pad = " " * indent
    shifted = [
        line if (number == 0 and first) or not line else pad + line
        for number, line in enumerate(lines)
    ]
    return newline.join(shifted) + newline


def splice_event(text: str, old: Event, new: Event, display: str = "<text>") -> str:
    """The text with the keys of `old` that differ in `new` rewritten (added at the end of
    the event when it had no such key, removed when `new` has no value)."""
    node = event_node(text, display, old)
    newline = line_ending(text)
    entries = {key.value: (key, value) for key, value in node.value}
    before, after = event_record(old), event_record(new)
    key_column = node.value[0][0].start_mark.column
    edits: list[tuple[int, int, str]] = []
    added = ""
    for key in EVENT_KEYS:
        if before.get(key) == after.get(key):
            continue
        if key in entries:
            key_node, value_node = entries[key]
            start = key_node.start_mark.index
            end = after_line(text, last_end(value_node))
            if key in after:
                replacement = _block(key, after[key], key_column, newline, first=True)
            else:  # the whole line goes, its indentation too
                start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
                replacement = ""
            edits.append((start, end, replacement))
        elif key in after:
            added += _block(key, after[key], key_column, newline, first=False)
    if added:
        at = after_line(text, last_end(node))
        prefix = "" if at == 0 or text[at - 1] in "\r\n" else newline
        edits.append((at, at, prefix + added))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def replace_events(data: bytes, display: str, changes: Sequence[tuple[Event, Event]]) -> bytes:
    """The file's new bytes with each `(old, new)` pair's record changed in place.

    Raises EditError when the file cannot be edited so (flow style, problems in the file)
    or when the result would not read back as exactly the intended records.
    """

    def splice(text: str) -> str:
        for old, new in changes:
            text = splice_event(text, old, new, display)
        return text

    return edit_in_place(
        data,
        display,
        splice,
        lambda record: next((new for old, new in changes if same_place(old, record)), record),
        f"could not change {display} in place without changing more than the sheet says "
        "(an unusual layout?); edit the record by hand, or rewrite it in block style",
    )
