"""One table of problem codes: every problem has a code from it, and the reference agrees."""

from __future__ import annotations

import ast
import re

import pytest
from helpers import ROOT

from timeline.core.codes import CODES
from timeline.core.problems import Problem

REFERENCE = ROOT / "events" / "README.md"
PACKAGE = ROOT / "timeline"
_ROW = re.compile(r"^\| `([a-z-]+)` \| ([a-z]+) \| (.*) \| (.*) \|$")


def reference_tables() -> list[list[tuple[str, str, str, str]]]:
    """The tables of problem codes in the format reference, each as its rows."""
    tables: list[list[tuple[str, str, str, str]]] = []
    in_table = False
    for line in REFERENCE.read_text(encoding="utf-8").splitlines():
        if line == "| code | level | what it means | what to do |":
            tables.append([])
            in_table = True
        elif in_table and line.startswith("|---"):
            continue
        elif in_table and line.startswith("|"):
            found = _ROW.match(line)
            assert found, f"a row of the problems table that is not 'code | level | ...': {line}"
            tables[-1].append(found.groups())  # type: ignore[arg-type]
        else:
            in_table = False
    return tables


def test_the_reference_lists_every_code_as_the_table_says() -> None:
    checked, added, imported = reference_tables()
    rows = [(c.name, c.level, c.meaning, c.fix) for c in CODES.values()]
    pairs = list(zip(rows, CODES.values(), strict=True))
    assert checked == [row for row, c in pairs if not (c.only_add or c.only_import)]
    assert added == [row for row, c in pairs if c.only_add]
    assert imported == [row for row, c in pairs if c.only_import]


def test_every_code_is_used_by_the_code() -> None:
    # A row no module raises is a dead row: the table must be what the tool reports.
    source = "\n".join(
        path.read_text(encoding="utf-8")
        for path in PACKAGE.rglob("*.py")
        if path.name != "codes.py"
    )
    unused = [name for name in CODES if f'"{name}"' not in source]
    assert unused == []


#: The calls that take a problem code: each code written in them must be in the table.
_CODE_TAKERS = {"Problem", "PydanticCustomError", "DateError", "problem", "_problem_at"}
_CODE_SHAPE = re.compile(r"^[a-z]+(?:-[a-z]+)+$")


def test_every_code_written_in_the_code_is_in_the_table() -> None:
    # A typo in a code (`"invalid-titel"`) would make a new code in silence where no test
    # produces it; read every call that takes one instead of waiting for the run.
    written: list[tuple[str, int, str]] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            callee = node.func
            name = callee.id if isinstance(callee, ast.Name) else getattr(callee, "attr", "")
            if name not in _CODE_TAKERS:
                continue
            written += [
                (str(path), node.lineno, argument.value)
                for argument in node.args
                if isinstance(argument, ast.Constant)
                and isinstance(argument.value, str)
                and _CODE_SHAPE.match(argument.value)
            ]
    assert len(written) > 40  # the reader finds the calls
    assert [w for w in written if w[2] not in CODES] == []


def test_every_code_has_a_meaning_and_a_fix() -> None:
    for code in CODES.values():
        assert code.level in ("error", "warning"), code
        assert code.meaning.strip() and code.fix.strip(), code


@pytest.mark.parametrize(
    ("code", "level"),
    [("no-such-code", "error"), ("duplicte-id", "error"), ("no-source", "error")],
)
def test_a_problem_needs_a_code_of_the_table_at_its_level(code: str, level: str) -> None:
    with pytest.raises(ValueError, match="not in the table of codes"):
        Problem("a.yaml", 1, 1, level, code, "message")  # type: ignore[arg-type]


def test_the_invalid_cases_use_codes_of_the_table() -> None:
    printed = set()
    for expected in (ROOT / "tests" / "data" / "invalid").glob("*/expected.txt"):
        printed |= set(re.findall(r"\[([a-z-]+)\]$", expected.read_text(), flags=re.M))
    assert printed and printed <= set(CODES)
