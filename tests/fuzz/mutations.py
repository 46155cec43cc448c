"""Hostile inputs made from the bundled collection: mutated bytes and near-YAML text.

Each input starts from a real seed file (so most of it is good YAML a parser has to walk
far into) and gets a few mutations: flipped bytes, dropped, duplicated and swapped lines,
broken indentation, truncation, injected YAML syntax (anchors, aliases, tags, merge
keys, directives), BOMs, NULs, bidi and other invisible characters, invalid UTF-8,
huge scalars, deep nesting, and values that a YAML 1.1 reader misreads.
"""

from __future__ import annotations

from pathlib import Path

from helpers import SEED
from hypothesis import strategies as st

from timeline.collection.files import ACTORS_FILE, collection_files

#: (display path, bytes, is the actor registry) of every record file of the seed.
SEED_FILES: list[tuple[str, bytes, bool]] = [
    (
        f"events/{path.relative_to(SEED).as_posix()}",
        path.read_bytes(),
        path.relative_to(SEED).as_posix() == ACTORS_FILE,
    )
    for path in collection_files(SEED)
]

INJECTIONS: tuple[bytes, ...] = tuple(
    text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    for text in (
        "&a ", "*a", "&a [*a, *a, *a]", "<<: *a\n", "<<: {x: 1}\n", "? ", "? [a, b]\n: c\n",
        "!!python/object/apply:os.system ['echo pwned']", "!!python/name:os.system ",
        "!!binary ", "!!timestamp ", "!!str ", "!!int ", "!!set ", "!!omap ", "!!map ",
        "!local ", "!<tag:x,2000:y> ", "%YAML 1.1\n---\n", "%TAG ! tag:x,2000:\n---\n",
        "---\n", "...\n", "--- |\n", "{", "}", "[", "]", '"', "'", "|", ">", "|-\n", "#",
        ": ", "- ", "-", ",", "\\", "%", "@", "`", "\t", "\r", "\r\n", "\n\n\n",
        "\ufeff", "\x00", "\x1b[2J", "\x1b]0;title\x07", "\x07", "\x08", "\x7f", "\x85",
        "\u2028", "\u2029", "\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069",
        "\u200b", "\u200f", "\ufffe", "\U0001f600", "\ud800",
        b"\xff", b"\xfe", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe2\x80", b"\xf4\x90\x80\x80",
    )
)  # fmt: skip

LOOKALIKES: tuple[str, ...] = (
    "NO", "no", "No", "yes", "Yes", "y", "n", "on", "OFF", "true", "False", "~", "null",
    "12:30", "1:20:30", "0123", "0o17", "0x1F", "0b101", "1_000", "+12", "-0", "1e3",
    ".inf", "-.inf", ".NaN", "2014-13", "2014-00", "2014-02-30", "2014-9-1", "14-09-13",
    "2014-09-13T10:00:00Z", "2014-09-13 10:00:00", "2014-W38", "2014-Q3", "2014?", "2014~",
    "2014%", "2014-09/..", "../2014", "2014-09-22/2014-09-01", "2014/2015/2016", "99999",
    "-2014", "0", "''", '""', "{}", "[]", "-", "?", "=cmd|' /C calc'!A0", "<<", "*", "&",
    "javascript:alert(1)", "ftp://x", "https://", "https://x.org/\u202egnp.exe",
    "<script>alert(1)</script>", "{{ 7*7 }}", "${jndi:ldap://x}", "%{x}", "US", "usa",
    "XK", "ZZZ",
    # windows: unquoted (a YAML list), backwards, bad parts, qualifiers in the wrong place
    "[2014-09-08..2014-09-12]", "'[2014-09-12..2014-09-08]'", "'[2014-09..2014-13]'",
    '"[2014-09-08~..2014-09-12]"', "'[2014..2015]~'", "'[..2014]'", "'[2014-09-08..]'",
    "'[2014-09-08...2014-09-12]'", "'[2014-02-29..2014-03]'", "[2014, 2015]",
)  # fmt: skip

_OPS = (
    "flip", "drop", "duplicate", "swap", "indent", "dedent", "tab", "truncate", "inject",
    "inject-line", "lookalike", "huge", "nest-flow", "nest-block", "nest-map",
)  # fmt: skip

Mutation = tuple[str, int, int, bytes]


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def _value_start(line: bytes) -> int:
    """Where the value of a `key: value` or `- value` line begins (else the line's end)."""
    colon = line.find(b": ")
    if colon >= 0:
        return colon + 2
    dash = line.find(b"- ")
    return dash + 2 if dash >= 0 else len(line.rstrip(b"\r\n"))


def apply(data: bytes, mutation: Mutation) -> bytes:
    """One mutation applied to the bytes of a file."""
    op, a, b, payload = mutation
    size = len(data)
    lines = _lines(data)
    i, j = a % len(lines), b % len(lines)
    if op == "flip":
        if not size:
            return payload
        at = a % size
        return data[:at] + bytes([data[at] ^ (b % 255 + 1)]) + data[at + 1 :]
    if op == "drop":
        del lines[i]
    elif op == "duplicate":
        lines.insert(i, lines[i])
    elif op == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "indent":
        lines[i] = b" " * (b % 7 + 1) + lines[i]
    elif op == "dedent":
        lines[i] = lines[i][min(b % 7 + 1, len(lines[i]) - len(lines[i].lstrip(b" "))) :]
    elif op == "tab":
        lines[i] = b"\t" + lines[i].lstrip(b" ")
    elif op == "truncate":
        return data[: a % (size + 1)]
    elif op == "inject":
        at = a % (size + 1)
        return data[:at] + payload + data[at:]
    elif op == "inject-line":
        start = _value_start(lines[i])
        lines[i] = lines[i][:start] + payload + lines[i][start:]
    elif op == "lookalike":
        start = _value_start(lines[i])
        ending = lines[i][len(lines[i].rstrip(b"\r\n")) :]
        lines[i] = lines[i][:start] + payload + ending
    elif op == "huge":
        # Up to ~1.5 MB: far past any real value, still quick enough to try thousands of.
        start = _value_start(lines[i])
        lines[i] = lines[i][:start] + payload * (b % 300_000 + 1) + b"\n"
    elif op == "nest-flow":
        depth = b % 5_000 + 1
        return b"[" * depth + data[: a % (size + 1)] + b"]" * (a % (depth + 1))
    elif op == "nest-block":
        depth = b % 400 + 1
        block = b"".join(b"  " * level + b"- \n" for level in range(depth))
        lines.insert(i, block)
    elif op == "nest-map":
        depth = b % 400 + 1
        block = b"".join(b"  " * level + b"k%d:\n" % level for level in range(depth))
        lines.insert(i, block)
    return b"".join(lines)


def _payload(op: str) -> st.SearchStrategy[bytes]:
    if op in ("inject", "inject-line"):
        return st.one_of(
            st.sampled_from(INJECTIONS),
            st.binary(max_size=8),
            st.text(max_size=8).map(lambda t: t.encode("utf-8", "surrogatepass")),
        )
    if op == "lookalike":
        return st.sampled_from(LOOKALIKES).map(str.encode)
    if op == "huge":
        return st.sampled_from([b"x", b"\xc3\xa9", b"ab ", b"'", b"\xe2\x80\xae"])
    return st.just(b"")


mutation: st.SearchStrategy[Mutation] = st.sampled_from(_OPS).flatmap(
    lambda op: st.tuples(
        st.just(op), st.integers(0, 1 << 20), st.integers(0, 1 << 20), _payload(op)
    )
)


@st.composite
def hostile_file(draw: st.DrawFn) -> tuple[str, bytes, bool]:
    """(display path, bytes, is the actor registry): a seed file mutated, or random bytes."""
    path, data, actors = draw(st.sampled_from(SEED_FILES))
    kind = draw(st.sampled_from(["mutated"] * 8 + ["bytes", "text"]))
    if kind == "bytes":
        return path, draw(st.binary(max_size=2_000)), actors
    if kind == "text":
        text = draw(st.text(max_size=500))
        return path, text.encode("utf-8", "surrogatepass"), actors
    for change in draw(st.lists(mutation, min_size=1, max_size=4)):
        data = apply(data, change)
    return path, data, actors


def line_breaks(data: bytes) -> int:
    """How many line breaks YAML can see in the bytes (for bounding reported lines)."""
    text = data.decode("utf-8", "replace")
    return sum(text.count(mark) for mark in ("\n", "\r", "\x85", "\u2028", "\u2029"))


def seed_path(display: str) -> Path:
    """The seed file a display path names."""
    return SEED / display.removeprefix("events/")
