"""Limits that protect the user's machine and terminal: size, depth, problems shown, escapes."""

from __future__ import annotations

import io
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import ACTORS, event_yaml
from typer.testing import Result

from fuzz.figures import assert_terminal_safe
from timeline.cli.app import app
from timeline.collection.files import MAX_FILE_BYTES
from timeline.collection.pipeline import load_collection
from timeline.collection.reading import read_bytes
from timeline.collection.yamlread import MAX_DEPTH
from timeline.core.model import LINE_BREAKS
from timeline.core.problems import MAX_PROBLEMS_PER_FILE

Tree = Callable[[dict[str, str | bytes]], Path]
Cli = Callable[..., Result]
AS_OF = ("--as-of", "2014-09-13")
HOSTILE = "\x1b[2J\x1b]0;pwned\x07\u202eevil\u2066\r\x08\x00\u2028"
ONE_LINE = "".join(c for c in HOSTILE if c not in LINE_BREAKS)  # a title is one line


def test_a_file_over_the_size_limit_is_refused_unread(tree: Tree, cli: Cli) -> None:
    root = tree({"actors.yaml": ACTORS, "ok.yaml": event_yaml("ok")})
    with (root / "big.yaml").open("wb") as sparse:  # sparse: costs no disk and no time
        sparse.truncate(MAX_FILE_BYTES + 1)
    started = time.perf_counter()
    result = cli("validate", *AS_OF)
    assert time.perf_counter() - started < 5  # it was not read (16 MiB of NULs)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"events/big.yaml:1:1: error: the file has {MAX_FILE_BYTES + 1:,} bytes, more than the "
        f"limit of {MAX_FILE_BYTES:,}; split it into smaller files [too-large]"
    )


def test_add_refuses_an_input_over_the_size_limit(tree: Tree, cli: Cli) -> None:
    tree({"actors.yaml": ACTORS})
    result = cli("add", "-", *AS_OF, input=b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    assert result.exit_code == 1
    assert "larger than" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("depth", "refused"), [(MAX_DEPTH, False), (MAX_DEPTH + 1, True), (100_000, True)]
)
def test_nesting_deeper_than_the_limit_is_refused(depth: int, refused: bool) -> None:
    data = b"a: " + b"[" * (depth - 1) + b"]" * (depth - 1) + b"\n"
    problems = read_bytes(data, "deep.yaml").problems
    if depth > 1_000:  # libyaml stops first, at its own limit of 1,000 levels
        [problem] = problems
        assert problem.code == "yaml-syntax" and "levels of nesting" in problem.message
        return
    assert ("too-deep" in [p.code for p in problems]) is refused
    if refused:
        [problem] = [p for p in read_bytes(data, "deep.yaml").problems if p.code == "too-deep"]
        assert (problem.line, problem.column) == (1, 4 + MAX_DEPTH - 1)
        assert problem.message == f"nesting deeper than {MAX_DEPTH} levels; records need only a few"


def test_at_most_100_problems_per_file_are_printed(tree: Tree, cli: Cli) -> None:
    extra = MAX_PROBLEMS_PER_FILE + 37
    records = "".join(f"- id: BAD{i}\n" for i in range(extra // 5 + 1))  # 5 problems each
    tree({"actors.yaml": ACTORS, "many.yaml": records, "one.yaml": "id: [\n"})
    total = len(load_collection(Path("events")).problems)
    result = cli("validate", *AS_OF)
    lines = result.stdout.splitlines()
    many = [line for line in lines if line.startswith("events/many.yaml:") and "[" in line]
    assert len(many) == MAX_PROBLEMS_PER_FILE
    # each record also lacks sources: a warning of the checks across the collection, which
    # still read what is valid of a broken record
    warnings = extra // 5 + 1
    hidden = total + warnings - MAX_PROBLEMS_PER_FILE - 1  # one problem is one.yaml's
    assert f"events/many.yaml: {hidden} more problems not shown" in lines
    assert any(line.startswith("events/one.yaml:") for line in lines)
    assert lines[-1].endswith(f"{total} errors, {warnings} warnings")
    listed = json.loads(cli("validate", *AS_OF, "--format", "json").stdout)
    assert len(listed) == total + warnings  # data for programs is never cut


def test_control_and_bidi_characters_in_a_file_name_are_escaped(tree: Tree, cli: Cli) -> None:
    tree({"actors.yaml": ACTORS, f"bad{HOSTILE.replace(chr(0), '')}.yaml": "id: [\n"})
    result = cli("validate", *AS_OF)
    assert result.exit_code == 1
    assert_terminal_safe(result.output)
    assert "\\x1b[2J" in result.stdout and "\\u202e" in result.stdout


def test_hostile_text_in_records_never_reaches_the_terminal_raw(tree: Tree, cli: Cli) -> None:
    tree(
        {
            "actors.yaml": ACTORS
            + f"- id: hostile\n  name: {json.dumps('Name' + HOSTILE)}\n  kind: person\n",
            "e.yaml": event_yaml(
                "e", title=json.dumps("Title" + ONE_LINE), actors="[hostile]",
                location=json.dumps("Place" + HOSTILE), summary=json.dumps("Sum" + HOSTILE),
                tags="[x]",
            ),
        }
    )  # fmt: skip
    for args in (["list"], ["show", "e"], ["list", "--tag", "x"], ["show", "e" + HOSTILE]):
        result = cli(*args, *AS_OF)
        assert (result.exit_code in (0, 1) and result.exception is None) or isinstance(
            result.exception, SystemExit
        )
        assert_terminal_safe(result.output)
    assert "Title\\x1b[2J" in cli("list", *AS_OF).stdout
    assert "Name\\x1b[2J" in cli("show", "e", *AS_OF).stdout


def test_problem_messages_quote_hostile_values(tree: Tree, cli: Cli) -> None:
    tree({"actors.yaml": ACTORS, "e.yaml": event_yaml("e", type=json.dumps("meet" + HOSTILE))})
    result = cli("validate", *AS_OF)
    assert result.exit_code == 1 and "[invalid-value]" in result.stdout
    assert_terminal_safe(result.output)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_json_and_csv_on_a_terminal_are_escaped_and_stay_data(tree: Tree, cli: Cli) -> None:
    """Regression: `list --format json|csv` wrote bidi and line-separator characters raw."""
    title, place = "Title\u202eevil", "Place\u2028\x85"  # line breaks: not in a title
    tree({
        "actors.yaml": ACTORS,
        "e.yaml": event_yaml("e", title=json.dumps(title), location=json.dumps(place)),
    })  # fmt: skip
    for fmt in ("json", "csv"):
        screen = _Terminal()
        with pytest.MonkeyPatch.context() as patch, pytest.raises(SystemExit) as done:
            patch.setattr(sys, "stdout", screen)
            app(["list", "--format", fmt, *AS_OF], prog_name="timeline")
        assert done.value.code in (0, None)
        shown = screen.getvalue()
        assert_terminal_safe(shown)
        if fmt == "json":  # the escapes are JSON's: the same data
            assert "Title\\u202eevil" in shown and "Place\\u2028\\u0085" in shown
            assert json.loads(shown)[0]["title"] == title
            assert json.loads(shown)[0]["location"]["name"] == place
        else:
            assert "Title\\u202eevil" in shown and "Place\\u2028\\x85" in shown
