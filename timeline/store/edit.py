"""Changes to a collection: new event files for `add`, news spliced into a file for `update`.

Nothing here touches the disk: functions take text or records and return the bytes to
write (or the problems that forbid writing); `timeline.store.atomic` writes them.

`update` edits a file in place the way a careful person would: PyYAML's composer (the
parser `validate` reads with, so the two accept the same files) finds where the event's
`status` and `updates` are written, and only those characters change. Comments, quoting,
indentation, line endings, other events and other documents keep every byte; new lines
take the file's most common line ending, and a changed status keeps its quotes. ruamel's
round-trip dump would keep most of that too, but it re-indents and re-spaces whole files
written in another style, so the diff would show more than the news. The result is read
back with the project's own loader and compared with the intended event before it may be
written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from timeline.collection.checks import run_checks
from timeline.collection.collection import Collection
from timeline.collection.files import (
    MAX_FILE_BYTES,
    NotAFile,
    TooLarge,
    display_path,
    read_limited,
)
from timeline.collection.loading import merge_results
from timeline.collection.reading import FileResult, read_bytes
from timeline.collection.yamlread import compose_documents
from timeline.core.errors import TimelineError
from timeline.core.model import Event, Update, is_slug
from timeline.core.problems import Problem
from timeline.store.canonical import dump_yaml, event_yaml, update_record

_BOM = "\ufeff"


class EditError(TimelineError):
    """A change that cannot be made safely; the message says why and what to do."""


# --- timeline add -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewFile:
    """One event to be filed: where it goes and the bytes to write there."""

    path: Path
    event: Event
    data: bytes


def event_path(root: Path, event: Event) -> Path:
    """`<root>/<year>/<id>.yaml`, the year being that of the event's earliest day.

    Raises EditError unless the id is a slug and the path stays inside `root`: an id
    only becomes a file name once it cannot climb out of the collection.
    """
    if not is_slug(event.id):
        raise EditError(f"the id {event.id!r} is not a slug; it cannot name a file")
    path = root / f"{event.date.start.year:04d}" / f"{event.id}.yaml"
    if not path.resolve().is_relative_to(root.resolve()):
        raise EditError(f"{event.id!r} would be filed outside the collection at {str(path)!r}")
    return path


def new_file_path(root: Path, event: Event) -> Path | Problem:
    """Where a new event is filed, or the problem that stops it (at the event's place in
    the input): an id that cannot be a file name, or a file already there."""
    try:
        path = event_path(root, event)
    except EditError as error:
        return _problem_at(event, "unsafe-path", str(error))
    if path.exists() or path.is_symlink():
        return _problem_at(
            event,
            "file-exists",
            f"{display_path(path)!r} already exists (it holds other records); choose another id",
        )
    return path


def plan_new_files(root: Path, events: Sequence[Event]) -> tuple[list[NewFile], list[Problem]]:
    """The file for each new event, or problems (at the event's place in the input)."""
    planned: list[NewFile] = []
    problems: list[Problem] = []
    for event in events:
        path = new_file_path(root, event)
        if isinstance(path, Problem):
            problems.append(path)
            continue
        text = event_yaml(event)
        if not _reads_back(text, event):
            # A bug of ours, not the user's: refuse rather than write a changed record.
            problems.append(
                _problem_at(
                    event,
                    "write-mismatch",
                    "this event would not read back exactly as given; nothing was written "
                    "(please report this with the event)",
                )
            )
            continue
        planned.append(NewFile(path, event, text.encode("utf-8")))
    return planned, problems


def _reads_back(text: str, event: Event) -> bool:
    result = read_bytes(text.encode("utf-8"), "<written>")
    return (
        not result.problems
        and len(result.events) == 1
        and result.events[0].model_dump() == event.model_dump()
    )


def _problem_at(event: Event, code: str, message: str) -> Problem:
    return Problem(event.path, event.line, event.column, "error", code, message)


def check_change(
    collection: Collection, result: FileResult, as_of: date, *, source: bytes | None = None
) -> list[Problem]:
    """The problems of the collection once `result` (a file's new records) takes the place
    of what was read from its path, or joins the collection when nothing was.

    Returns every problem placed in that file and every error anywhere (a duplicate id is
    reported at both places). `source` gives the bytes of records read from standard input,
    so that their problems are placed as precisely as a file's.
    """
    outline = collection.outline  # its facts hold the records too broken to build
    kept = FileResult(
        "",
        [event for event in collection.events if event.path != result.path],
        collection.actors,
        [problem for problem in collection.problems if problem.path != result.path],
        facts=(
            [facts for facts in outline.events if facts.path != result.path],
            list(outline.actors),
        ),
    )
    merged = merge_results(collection.root, [kept, result])
    sources = None if source is None else {result.path: source}
    return [
        problem
        for problem in run_checks(merged.outline, as_of, sources=sources)
        if problem.path == result.path or problem.level == "error"
    ]


# --- timeline update ----------------------------------------------------------------------


def updated_event(event: Event, entry: Update, status: str | None) -> Event:
    """The event as it should read after the update: entry appended, status set."""
    changes: dict[str, Any] = {"updates": [*event.updates, entry]}
    if status is not None:
        changes["status"] = status
    return event.model_copy(update=changes)


def read_record_file(path: Path, display: str) -> bytes:
    """The bytes of the record file to edit; EditError when it cannot be read, or is no
    longer a regular file of at most the size limit (it was when the collection was read)."""
    try:
        return read_limited(path)[0]
    except NotAFile as error:
        raise EditError(
            f"{display!r} is now {error.kind}, not a regular file; nothing was changed"
        ) from None
    except TooLarge:
        raise EditError(
            f"{display!r} is now larger than {MAX_FILE_BYTES:,} bytes; nothing was changed"
        ) from None
    except OSError as error:
        raise EditError(
            f"cannot read {display!r} ({error.strerror}); nothing was changed"
        ) from None


def update_file(
    data: bytes, display: str, event: Event, entry: Update, status: str | None
) -> bytes:
    """The file's new bytes with `entry` appended to the event's `updates` and its status set.

    Only the event's `status` value and the end of its `updates` change. The result is
    read back and must hold exactly the intended records; otherwise EditError.
    """
    return edit_in_place(
        data,
        display,
        lambda text: splice_update(text, event, entry, status, display),
        lambda old: updated_event(old, entry, status) if same_place(old, event) else old,
        f"could not edit {display} without changing more than the update (an unusual "
        "layout?); add the entry by hand, or rewrite the event in block style",
    )


def edit_in_place(
    data: bytes,
    display: str,
    splice: Callable[[str], str],
    expect: Callable[[Event], Event],
    refusal: str,
) -> bytes:
    """A file's new bytes: `splice` applied to its text (a byte-order mark kept aside), then
    read back; every record must read as `expect` makes it from the old one, otherwise
    EditError(`refusal`): an edit never writes more change than it meant."""
    before = read_bytes(data, display)
    if before.problems:
        raise EditError(f"{display} has problems; fix them (see 'timeline validate') first")
    text = data.decode("utf-8")
    bom = _BOM if text.startswith(_BOM) else ""
    new_data = (bom + splice(text.removeprefix(_BOM))).encode("utf-8")
    after = read_bytes(new_data, display)
    expected = [expect(old) for old in before.events]
    if after.problems or [e.model_dump() for e in after.events] != [
        e.model_dump() for e in expected
    ]:
        raise EditError(refusal)
    return new_data


def same_place(one: Event, other: Event) -> bool:
    """Whether two readings of a file's records are of the same record (its document,
    list position and id)."""
    return (one.doc, one.index, one.id) == (other.doc, other.index, other.id)


def event_node(text: str, display: str, event: Event) -> MappingNode:
    """The node of `event` in the file's text, to edit in place; EditError (placed at
    file:line:col where there is a place) when it cannot be read, moved, or is flow style."""
    try:
        documents = compose_documents(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{display}:{mark.line + 1}:{mark.column + 1}" if mark else display
        problem = getattr(error, "problem", None) or "unreadable YAML"
        raise EditError(f"{where}: cannot read the file to edit it ({problem})") from None
    node: Node | None = documents[event.doc] if event.doc < len(documents) else None
    if event.index is not None:
        items = node.value if isinstance(node, SequenceNode) else []
        node = items[event.index] if event.index < len(items) else None
    if not isinstance(node, MappingNode) or _value(node, "id") != event.id:
        raise EditError(f"event {event.id!r} is no longer where it was read; run again")
    if node.flow_style:
        mark = node.start_mark
        raise EditError(
            f"{display}:{mark.line + 1}:{mark.column + 1}: event {event.id!r} is written in "
            "flow style ({...}); rewrite it in block style (one key per line) to update it"
        )
    return node


def _value(mapping: MappingNode, key: str) -> Any:
    for key_node, value_node in mapping.value:
        if key_node.value == key and isinstance(value_node, ScalarNode):
            return value_node.value
    return None


def last_end(node: Node) -> int:
    """Where the last character of a node's content ends (past any block scalar)."""
    key: Node | None = None
    while isinstance(node, MappingNode | SequenceNode) and node.value and not node.flow_style:
        last = node.value[-1]
        key, node = last if isinstance(node, MappingNode) else (None, last)
    if key is not None and isinstance(node, ScalarNode) and node.value == "" and not node.style:
        # An empty value (`summary:`) is marked where the next token starts, which may be
        # inside the next event: its key's end is the last thing that belongs here.
        index: int = key.end_mark.index
    else:
        index = node.end_mark.index
    return index


#: A line break as YAML reads one: CR LF, CR or LF.
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def line_ending(text: str) -> str:
    """The file's most common line ending (LF when it has none, or on a tie)."""
    crlf = text.count("\r\n")
    counts = {"\n": text.count("\n") - crlf, "\r\n": crlf, "\r": text.count("\r") - crlf}
    return max(counts, key=lambda ending: counts[ending])  # the first of equals: LF


def _at_line_start(text: str, index: int) -> bool:
    return index == 0 or text[index - 1] in "\r\n"


def after_line(text: str, index: int) -> int:
    """The start of the line after the one `index` is on (or `index` if a line starts there)."""
    if _at_line_start(text, index):
        return index
    found = LINE_BREAK.search(text, index)
    return len(text) if found is None else found.end()


def _indented(block: str, dash: int, content: int, newline: str) -> str:
    """A canonical block sequence moved to put its dashes at `dash`, its content at `content`."""
    lines = block.rstrip("\n").split("\n")
    dash0 = len(lines[0]) - len(lines[0].lstrip(" "))
    content0 = dash0 + 2
    moved = []
    for line in lines:
        if line[dash0 : dash0 + 2] == "- " and not line[:dash0].strip():
            moved.append(" " * dash + "-" + " " * (content - dash - 1) + line[content0:])
        else:  # inside an entry: at least `content0` spaces deep, so only spaces are cut
            moved.append(" " * content + line[content0:] if line else "")
    return newline.join(moved) + newline


_REST_OF_KEY_LINE = re.compile(r"[ \t]*:?[ \t]*(#[^\r\n]*)?\r?\Z")


def splice_update(
    text: str, event: Event, entry: Update, status: str | None, display: str = "<text>"
) -> str:
    """The text with the entry appended to the event's `updates` and its status replaced."""
    node = event_node(text, display, event)
    newline = line_ending(text)
    entries = {key.value: (key, value) for key, value in node.value}
    item = dump_yaml([update_record(entry)])
    edits: list[tuple[int, int, str]] = []
    if status is not None and "status" in entries:
        value = entries["status"][1]
        if value.value != status:
            quote = value.style if value.style in ("'", '"') else ""
            edits.append((value.start_mark.index, value.end_mark.index, quote + status + quote))
    key_column = node.value[0][0].start_mark.column
    if "updates" not in entries:
        at = after_line(text, last_end(node))
        prefix = "" if _at_line_start(text, at) else newline
        block = _indented(item, key_column + 2, key_column + 4, newline)
        edits.append((at, at, f"{prefix}{' ' * key_column}updates:{newline}{block}"))
    else:
        key, value = entries["updates"]
        if isinstance(value, SequenceNode) and value.value and not value.flow_style:
            at = after_line(text, last_end(value))
            prefix = "" if _at_line_start(text, at) else newline
            dash = value.start_mark.column
            block = _indented(item, dash, value.value[0].start_mark.column, newline)
            edits.append((at, at, prefix + block))
        else:  # `updates:` left empty, or written in flow style: rewrite its value as a block
            empty = isinstance(value, ScalarNode) and value.value == ""
            anchor = key.end_mark.index if empty else value.end_mark.index
            found = LINE_BREAK.search(text, anchor)
            end = len(text) if found is None else found.start()
            rest = _REST_OF_KEY_LINE.match(text[anchor:end])
            if rest is None:
                raise EditError(f"cannot find where {event.id!r}'s updates end; edit by hand")
            comment = f" {rest.group(1)}" if rest.group(1) else ""
            listed = dump_yaml([update_record(u) for u in [*event.updates, entry]])
            block = _indented(listed, key_column + 2, key_column + 4, newline)
            # the newline that ended the key's line now ends the block's last line
            block = block.removesuffix(newline)
            edits.append((key.end_mark.index, end, f":{comment}{newline}{block}"))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text
