"""Every problem code: its level, what it means and what to do, in one table.

A `Problem` can only be made with a code of this table (see `Problem.__post_init__`), and
the tables of problems in `events/README.md` are checked against it by the tests, so a
code is added in one place: a row here, then its row in the reference.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

Level = Literal["error", "warning"]


class Code(NamedTuple):
    """One problem code, as the reference (`events/README.md`) describes it."""

    name: str
    level: Level
    #: What it means, one line (Markdown, as in the reference).
    meaning: str
    #: What to do about it (Markdown).
    fix: str
    #: Reported only by `timeline add`, about the draft it files.
    only_add: bool = False
    #: Reported only by `timeline import`, about the sheet it reads.
    only_import: bool = False


#: Every code, in the reference's order. A declarative table: long by nature.
CODES: dict[str, Code] = {
    code.name: code
    for code in (
        Code(
            "encoding",
            "error",
            "the file is not UTF-8 (the line and column of the first bad byte are given)",
            "save the file as UTF-8",
        ),
        Code(
            "yaml-syntax",
            "error",
            "the YAML cannot be read: an unclosed quote, a tab used for indentation, "
            "a stray `:` ...",
            "fix the syntax at the place given",
        ),
        Code(
            "yaml-alias",
            "error",
            "an anchor, alias or merge key",
            "write the values out in full",
        ),
        Code(
            "yaml-tag",
            "error",
            "a `!!tag`",
            "remove it",
        ),
        Code(
            "duplicate-key",
            "error",
            "a key is repeated in one mapping",
            "keep one",
        ),
        Code(
            "too-deep",
            "error",
            "nesting over 64 levels, in a file or of folders (the folder's files are not read)",
            "split or flatten it; move the files up",
        ),
        Code(
            "too-large",
            "error",
            "a file over 16 MiB",
            "split or flatten it",
        ),
        Code(
            "unreadable",
            "error",
            "the file or folder cannot be read (permissions, a link to nothing or a loop of links)",
            "check its permissions; fix or remove the link",
        ),
        Code(
            "not-a-file",
            "error",
            "a `*.yaml` name that is a FIFO, a socket or a device (or a link to one): "
            "it is not read",
            "remove it or replace it with a file",
        ),
        Code(
            "not-a-record",
            "error",
            "a document or list item is not a mapping",
            "write each event as `key: value` lines",
        ),
        Code(
            "missing-field",
            "error",
            "a required key is missing",
            "add it",
        ),
        Code(
            "unknown-field",
            "error",
            "a key the format does not have; the closest one is suggested",
            "fix the spelling (`did you mean 'title'?`)",
        ),
        Code(
            "wrong-type",
            "error",
            "e.g. a number where text is expected (`title: 1984`), text where a list is",
            "quote the text / write a list",
        ),
        Code(
            "invalid-value",
            "error",
            "a value outside its list (`type: meating`); the closest is suggested",
            "use one of the listed values",
        ),
        Code(
            "invalid-slug",
            "error",
            "an id or tag that is not a slug (`Side Event`)",
            "lowercase letters, digits, hyphens (`side-event`)",
        ),
        Code(
            "invalid-title",
            "error",
            "an empty title, a title over 200 characters or on several lines",
            "one line; move detail to `summary`",
        ),
        Code(
            "invalid-country",
            "error",
            "not an ISO 3166-1 code (`no` for Norway must be `NO`)",
            "write the code in capitals",
        ),
        Code(
            "invalid-date",
            "error",
            "not a date expression, or not a calendar day",
            "see Dates",
        ),
        Code(
            "date-order",
            "error",
            "an interval or a window ends before it starts, or an `updates` entry is dated "
            "before the one above it",
            "swap the two dates; keep updates oldest first",
        ),
        Code(
            "url-characters",
            "error",
            "a source `url` with a space, a backslash, a line break or another control or "
            "invisible character (`\\r\\n`, NUL, tab, ESC, U+202E)",
            "write the link on one line; a space as `%20`",
        ),
        Code(
            "url-scheme",
            "error",
            "a source `url` that is not `http` or `https` (`javascript:`, `ftp:`)",
            "give the web address",
        ),
        Code(
            "url-host",
            "error",
            "a source `url` with no host (`https://:80`, `https:///page`)",
            "write the whole link, site included",
        ),
        Code(
            "url-port",
            "error",
            "a source `url` whose port is not a number from 1 to 65535 (`https://e.org:99999`)",
            "fix the port or leave it out",
        ),
        Code(
            "invalid-source",
            "error",
            "a source with neither `title` nor `url`",
            "add one",
        ),
        Code(
            "duplicate-id",
            "error",
            "two events (or two actors) share an id; every place is named",
            "give each its own id",
        ),
        Code(
            "unknown-actor",
            "error",
            "an event names an actor not in `actors.yaml`; the closest id is suggested",
            "fix the id or add the actor",
        ),
        Code(
            "unknown-event",
            "error",
            "`related` names an event that does not exist",
            "fix the id",
        ),
        Code(
            "self-reference",
            "error",
            "an event relates to itself",
            "name another event",
        ),
        Code(
            "part-of-cycle",
            "error",
            "events that are `part-of` each other, directly or through others; each file is named",
            "remove one of the `part-of` links",
        ),
        Code(
            "unknown-affiliation",
            "error",
            "an actor's `affiliation` names no actor",
            "fix the id or add the actor",
        ),
        Code(
            "stale-status",
            "warning",
            "`proposed` / `scheduled`, but its latest day (a window's end) is before the as-of day",
            "record what happened: `timeline update ID --status ...`",
        ),
        Code(
            "future-occurred",
            "warning",
            "`occurred`, but it starts after the as-of day, or its window ends after it",
            "use `scheduled`, check the date, or narrow the window: "
            "`timeline update ID --date ...`",
        ),
        Code(
            "status-mismatch",
            "warning",
            "the last `updates` entry with a status disagrees with `status`",
            "make them agree",
        ),
        Code(
            "no-source",
            "warning",
            "no sources",
            "add where it was reported",
        ),
        Code(
            "part-of-outside",
            "warning",
            "a `part-of` event's dates are not inside its parent's",
            "check both dates",
        ),
        Code(
            "file-exists",
            "error",
            "`<year>/<id>.yaml` already exists, holding other records",
            "choose another id",
            only_add=True,
        ),
        Code(
            "unsafe-path",
            "error",
            "the id cannot be a file name inside the collection",
            "use a slug id",
            only_add=True,
        ),
        Code(
            "write-mismatch",
            "error",
            "the event would not read back exactly as given (a bug)",
            "report it with the event",
            only_add=True,
        ),
        Code(
            "not-a-sheet",
            "error",
            "the file cannot be read as a sheet: not a workbook, a damaged or zip-bomb "
            "workbook, broken CSV quoting, no visible or non-empty sheet",
            "save it again from the spreadsheet program, as XLSX, ODS or CSV UTF-8",
            only_import=True,
        ),
        Code(
            "unknown-column",
            "warning",
            "columns whose header names no field (named in one warning; not read)",
            "rename the header, or `--map COLUMN=FIELD`",
            only_import=True,
        ),
        Code(
            "cell-too-long",
            "error",
            "a cell over 32,767 characters (a spreadsheet cell's limit)",
            "shorten it",
            only_import=True,
        ),
        Code(
            "formula-text",
            "error",
            "a cell holds a formula (`=HYPERLINK(...)`), not a value",
            "save the sheet with its values, or start the text with `'`",
            only_import=True,
        ),
        Code(
            "control-character",
            "error",
            "a cell holds a control character (U+0000 to U+001F but tab and line breaks, "
            "U+007F to U+009F)",
            "delete it",
            only_import=True,
        ),
        Code(
            "skipped-row",
            "warning",
            "a TimelineJS `title` or `era` slide: not an event, not imported",
            "nothing, or delete the row",
            only_import=True,
        ),
        Code(
            "import-conflict",
            "error",
            "a row's id is an event of the collection with other content",
            "`--update` to change that record, or another id",
            only_import=True,
        ),
    )
}
