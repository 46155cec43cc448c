"""Text direction: user text kept from reordering the text around it.

A title ending in U+202E (RIGHT-TO-LEFT OVERRIDE) reverses the rest of its line, and
right-to-left text (Hebrew, Arabic) pulls neighbouring numbers and punctuation into its
own order. HTML isolates each piece of user text with `<bdi>` or `dir="auto"`; where
there are no elements (Markdown, Plotly's text, a page `<title>`) the text's own
direction controls are balanced, and in Plotly's text right-to-left text is wrapped in
FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE, the plain-text `<bdi>`.
"""

from __future__ import annotations

import re

from markupsafe import Markup

#: LEFT-TO-RIGHT and RIGHT-TO-LEFT EMBEDDING and OVERRIDE: each is closed by PDF.
_EMBEDDINGS = frozenset("\u202a\u202b\u202d\u202e")
_PDF = "\u202c"
#: LEFT-TO-RIGHT, RIGHT-TO-LEFT and FIRST STRONG ISOLATE: each is closed by PDI.
_ISOLATES = frozenset("\u2066\u2067\u2068")
_PDI = "\u2069"
_CONTROLS = _EMBEDDINGS | _ISOLATES | {_PDF, _PDI}
#: Paragraph separators (bidi class B): the Unicode Bidirectional Algorithm ends every
#: embedding and isolate at them, so text is balanced line by line.
_PARAGRAPH_BREAKS = frozenset("\n\r\x1c\x1d\x1e\x85\u2029")


def _closers(opened: list[str]) -> str:
    return "".join(_PDF if char in _EMBEDDINGS else _PDI for char in reversed(opened))


def balance_direction(text: str) -> str:
    """`text` with every embedding, override and isolate it opens closed before the end
    of its line, and every closing control that closes nothing it opened dropped, so
    that none reaches past it (nor closes one of ours)."""
    if _CONTROLS.isdisjoint(text):
        return text
    out: list[str] = []
    opened: list[str] = []
    for char in text:
        if char in _EMBEDDINGS or char in _ISOLATES:
            opened.append(char)
        elif char == _PDF:
            if not opened or opened[-1] not in _EMBEDDINGS:
                continue  # it closes no embedding of this text
            opened.pop()
        elif char == _PDI:
            if _ISOLATES.isdisjoint(opened):
                continue
            while opened.pop() not in _ISOLATES:  # a PDI also ends what the isolate holds
                pass
        elif char in _PARAGRAPH_BREAKS:
            out.append(_closers(opened))
            opened.clear()
        out.append(char)
    out.append(_closers(opened))
    return "".join(out)


# The blocks of the right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, NKo, ... and
# their presentation forms), RIGHT-TO-LEFT MARK and the direction controls. A search for
# them is one pass in C; asking `unicodedata.bidirectional` of every character of 100,000
# titles took seconds. A neutral character inside these blocks only isolates needlessly.
_MAY_REORDER = re.compile(
    "[\u0590-\u08ff\u200f\u202a-\u202e\u2066-\u2069\ufb1d-\ufdff\ufe70-\ufefe"
    "\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def needs_isolation(text: str) -> bool:
    """True when `text` could reorder what is around it: it holds right-to-left letters
    or direction controls (text in left-to-right scripts cannot)."""
    return _MAY_REORDER.search(text) is not None


def isolate(text: str) -> str:
    """Plain text isolated for direction: balanced, and wrapped in FSI ... PDI when it
    needs it; text in left-to-right scripts is returned as it is."""
    if text.isascii() or not needs_isolation(text):
        return text
    return f"\u2068{balance_direction(text)}\u2069"


def bdi(value: object) -> Markup:
    """User text as HTML in its own `<bdi>` element (escaped, controls balanced)."""
    return Markup("<bdi>%s</bdi>") % balance_direction(str(value))  # `%` escapes the text
