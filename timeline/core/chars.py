"""Which characters are never shown as they are: they could move the cursor, recolour,
reorder or break a line of a terminal or a message."""

from __future__ import annotations

#: Unicode categories escaped wherever data is shown (file names, terminal output, JSON on
#: a terminal): controls, format characters (bidi overrides, zero-width), surrogates,
#: private use, and line and paragraph separators.
UNSAFE_CATEGORIES = frozenset(("Cc", "Cf", "Cs", "Co", "Zl", "Zp"))
