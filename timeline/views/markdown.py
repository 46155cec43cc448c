"""User text as inert Markdown: the escaping of the Markdown report and of `timeline diff
--format md`, one for both."""

from __future__ import annotations

import re

from timeline.views.direction import balance_direction

# GFM punctuation that could start a link, image, emphasis, code span, HTML, table cell or
# strikethrough. `&` only where it would start an entity (`&lt;`), so ordinary ampersands
# stay readable in the Markdown source.
_MD_SPECIAL = re.compile(r"[\\`*_\[\]<>|~!#]|&(?=#?[0-9A-Za-z]+;)")
_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029]+\s*")


def md_text(value: object) -> str:
    """User text as one line of inert Markdown: safe in a paragraph, heading or table cell,
    its direction controls closed so that none reorders the rest of the line."""
    one_line = balance_direction(_LINE_BREAKS.sub(" ", str(value)))
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), one_line)


def md_block(value: object) -> str:
    """Multi-line user text as inert Markdown paragraphs (line breaks kept, direction
    controls closed on each line)."""
    text = balance_direction(str(value).replace("\r\n", "\n").replace("\r", "\n"))
    lines = text.split("\n")
    return "\n".join(_MD_SPECIAL.sub(lambda m: "\\" + m.group(0), line) for line in lines)
