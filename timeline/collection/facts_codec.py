"""A file's facts and problems as bytes, and back: the part of the cache `validate` reads.

Kept apart from `timeline.collection.codec` (the records) because this needs no Pydantic
model: a run that checks a collection from its cached facts never builds one.
"""

from __future__ import annotations

import marshal

from timeline.core.facts import Facts, pack_facts, unpack_facts
from timeline.core.problems import Problem


def encode_facts(facts: Facts, problems: list[Problem]) -> bytes:
    """A file's facts and problems (positions without the path: it is the file's own)."""
    return marshal.dumps(
        (
            marshal.dumps(pack_facts(*facts)),  # read only when the checks run
            [(p.line, p.column, p.level, p.code, p.message) for p in problems],
        )
    )


def decode_problems(data: bytes, display: str) -> tuple[bytes, list[Problem]]:
    """The problems stored by `encode_facts`, placed in `display`, and the facts still
    packed (for `decode_facts`)."""
    facts, problems = marshal.loads(data)
    return facts, [
        Problem(display, line, column, level, code, message)
        for line, column, level, code, message in problems
    ]


def decode_facts(packed: bytes) -> Facts:
    """The facts `decode_problems` left packed."""
    return unpack_facts(marshal.loads(packed))
