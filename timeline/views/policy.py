"""What every HTML page the tool writes may load: nothing from anywhere.

The timeline page, the HTML report and the index of a series carry this policy, one
constant, so they cannot drift apart. Scripts and styles are inline (the pages are one
file each); plotly.js needs `'unsafe-eval'`; images and fonts only as data. No request
leaves the page, even if something slipped through the escaping.
"""

from __future__ import annotations

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'unsafe-inline'; img-src data: blob:; font-src data:"
)
#: Following a source link sends no address of the page along.
REFERRER_POLICY = "no-referrer"
