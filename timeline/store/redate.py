"""A new date for an event, spliced into its file for `timeline update --date`.

Like the rest of `update` (`timeline.store.edit`), only the characters of the event's
`date` value change: its comment, the other keys and events keep every byte. The result
is read back and must hold exactly the intended records before it may be written. The
change itself is recorded by the caller as an `updates` entry whose note names both
dates (`date_change_note`), since an entry has no key for a date.
"""

from __future__ import annotations

from yaml.nodes import ScalarNode

from timeline.core.dates import DateSpan
from timeline.core.model import Event
from timeline.store.edit import EditError, edit_in_place, event_node, same_place


def date_change_note(old: DateSpan, new: DateSpan) -> str:
    """`Date set to 23 Sep 2014 (was sometime 22–30 Sep 2014).`: the entry's note."""
    return f"Date set to {new.label} (was {old.label})."


def date_text(span: DateSpan, quote: str = "") -> str:
    """The expression as written in YAML: in `quote`, the old value's quotes, if it had
    any; else a window in double quotes (unquoted, YAML reads `[...]` as a list), anything
    else plain, as people write dates."""
    if not quote and span.is_window:
        quote = '"'
    return f"{quote}{span.text}{quote}"


def splice_date(text: str, event: Event, span: DateSpan, display: str = "<text>") -> str:
    """The text with the event's `date` value replaced by `span`'s expression."""
    node = event_node(text, display, event)
    value = next((v for k, v in node.value if k.value == "date"), None)
    if not isinstance(value, ScalarNode):
        raise EditError(f"cannot find the date of {event.id!r} in its file; edit it by hand")
    if value.style in ("|", ">"):
        raise EditError(
            f"the date of {event.id!r} is written as a block (| or >); write it on the key's "
            "line (date: 2014-09-23) and run again"
        )
    start, end = value.start_mark.index, value.end_mark.index
    # a window's quotes were needed, not chosen: a day that replaces it goes without
    quote = value.style if value.style in ("'", '"') and not event.date.is_window else ""
    return text[:start] + date_text(span, quote) + text[end:]


def redate_file(data: bytes, display: str, event: Event, span: DateSpan) -> bytes:
    """The file's new bytes with the event's date set to `span`; EditError unless the
    result reads back as the same records with only that date changed."""
    return edit_in_place(
        data,
        display,
        lambda text: splice_date(text, event, span, display),
        lambda old: old.model_copy(update={"date": span}) if same_place(old, event) else old,
        f"could not change the date in {display} without changing more than the date "
        "(an unusual layout?); change it by hand",
    )
