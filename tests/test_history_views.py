"""The second clock in reports and on the page: `report --known-on`, "What we learned",
`render --known-on` and `render --history`, and the README's worked example, on real git
repositories built in temporary folders."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import event_yaml
from history_example import commit, git, init
from history_repos import NEEDS_GIT
from typer.testing import Result

from timeline.collection.gitstates import History

pytestmark = NEEDS_GIT
Cli = Callable[..., Result]


def test_report_known_on_names_the_commit_and_what_was_learned(cli: Cli, repo: Path) -> None:
    head = git(repo, "rev-parse", "HEAD").strip()
    result = cli("report", "2014-03", "--events", repo / "events", "--known-on", "2014-03-10",
                 "--format", "json", "-o", "march.json")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(Path("march.json").read_text(encoding="utf-8"))
    assert data["as_of"] == "2014-03-10"
    assert data["known_on"]["asked"] == "2014-03-10"
    assert data["known_on"]["commit"] == git(repo, "rev-parse", "HEAD~1").strip()
    learned = data["learned"]
    assert (learned["first"], learned["last"], learned["history_from"]) == (
        "2014-03-01", "2014-03-10", "2014-03-01",
    )  # fmt: skip
    assert [(i["day"], i["change"], i["event"]) for i in learned["items"]] == [
        ("2014-03-01", "recorded", "beta"),
        ("2014-03-01", "recorded", "alpha"),
        ("2014-03-05", "recorded", "gamma"),
        ("2014-03-05", "changed", "alpha"),
        ("2014-03-10", "changed", "alpha"),
        ("2014-03-10", "removed", "beta"),
    ]  # nothing of 12 March, after the commit read
    assert learned["items"][3]["fields"] == [
        {"name": "status", "old": "scheduled", "new": "occurred", "added": [], "removed": []}
    ]
    assert head not in Path("march.json").read_text(encoding="utf-8")


def test_report_learned_in_markdown_and_html(cli: Cli, repo: Path) -> None:
    for fmt in ("md", "html"):
        result = cli("report", "2014-03", "--events", repo / "events", "--as-of", "2014-03-31",
                     "--format", fmt, "--type", "meeting")  # fmt: skip
        assert result.exit_code == 0, result.output
        text = Path(f"reports/2014-03.{fmt}").read_text(encoding="utf-8")
        assert "What we learned" in text
        assert "status: scheduled → occurred" in text
        assert "gamma" not in text.split("What we learned", 1)[1].split("Coming up", 1)[0]
    md = Path("reports/2014-03.md").read_text(encoding="utf-8")
    assert "3 events first recorded, 2 changed, 1 removed." in md  # beta recorded twice
    assert "**Known on:**" not in md


def test_a_report_on_a_period_before_the_history_has_no_learned_section(
    cli: Cli, repo: Path
) -> None:
    result = cli("report", "2014-02", "--events", repo / "events", "--as-of", "2014-02-28",
                 "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(Path("reports/2014-02.json").read_text(encoding="utf-8"))
    assert "learned" not in data and "known_on" not in data


def test_render_known_on_names_the_commit_in_the_page_header(cli: Cli, repo: Path) -> None:
    short = git(repo, "rev-parse", "--short", "HEAD~2").strip()
    result = cli("render", "--events", repo / "events", "--known-on", "2014-03-06",
                 "-o", "page.html")  # fmt: skip
    assert result.exit_code == 0, result.output
    page = Path("page.html").read_text(encoding="utf-8")
    assert f"Known on 2014-03-06: the collection as committed in <code>{short} (2014-03-05)" in page


def test_replay_states_step_by_day_and_group_when_many(repo: Path, tmp_path: Path) -> None:
    from timeline.collection.gitchanges import MAX_STATES, replay_states

    states = replay_states(History.of(repo / "events", use_cache=False))
    assert [(s.unit, s.first.isoformat(), sorted(s.ids)) for s in states] == [
        ("day", "2014-03-01", ["alpha", "beta"]),
        ("day", "2014-03-05", ["alpha", "beta", "gamma"]),
        ("day", "2014-03-10", ["alpha", "gamma"]),
        ("day", "2014-03-12", ["alpha", "beta", "gamma"]),
    ]
    many = init(tmp_path / "many")
    for n in range(MAX_STATES + 5):  # one commit a day for 65 days: grouped by week
        day = f"2014-{1 + n // 28:02d}-{1 + n % 28:02d}"
        commit(many, day, f"Event {n}", {f"events/e{n}.yaml": event_yaml(f"e{n}")})
    weekly = replay_states(History.of(many / "events", use_cache=False))
    assert {s.unit for s in weekly} == {"week"} and len(weekly) <= MAX_STATES
    assert len(weekly[-1].ids) == MAX_STATES + 5


@pytest.mark.browser
def test_the_replay_control_steps_through_the_history(
    cli: Cli, tmp_path: Path, browser: object
) -> None:
    from history_example import build_example

    repo = build_example(tmp_path / "news")
    result = cli("render", "--events", repo / "events", "--history", "-o", "page.html",
                 "--as-of", "2014-09-30")  # fmt: skip
    assert result.exit_code == 0, result.output
    page = browser.new_page()  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((tmp_path / "page.html").as_uri(), wait_until="load")
    page.wait_for_selector("#timeline .main-svg", timeout=15000)
    assert page.inner_text("#replay-label").startswith("Known on 15 Sep 2014")
    selected = """() => document.getElementById("timeline").data
        .filter(t => t.meta === "events" || t.meta === "open")
        .map(t => t.selectedpoints)"""
    assert all(s is None for s in page.evaluate(selected))
    page.evaluate("""() => { const s = document.getElementById("replay-step");
        s.value = "0"; s.dispatchEvent(new Event("input")); }""")
    assert page.inner_text("#replay-label").startswith("Known on 17 Feb 2014")
    assert page.inner_text("#replay-label").endswith(": 2 events")
    kept = page.evaluate(selected)
    assert sum(len(s) for s in kept) == 2  # the inquiry and its report: one glyph each
    assert "recorded UN Commission of Inquiry issues its report" in page.inner_text("#replay-notes")
    page.click("#replay-play")
    assert page.get_attribute("#replay-play", "aria-pressed") == "true"
    page.wait_for_function("document.getElementById('replay-step').value === '3'", timeout=10000)
    assert errors == []
    page.close()


def test_the_readme_worked_example_prints_what_the_readme_says(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If this fails after an intended change (to the code or to the bundled records),
    run the README's worked example and paste what it prints. Commit hashes are compared
    as hashes only: they change with any byte of the bundled records."""
    import history_example
    from helpers import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### A worked example\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```console\n", 1)[1].split("```", 1)[0]
    build, *commands = block.split("$ ")[1:]
    line, printed = build.rstrip("\n").split("\n")
    assert line == "python tests/history_example.py /tmp/news && cd /tmp/news"
    assert history_example.main([str(tmp_path / "news")]) == 0
    monkeypatch.chdir(tmp_path / "news")
    assert printed == "built /tmp/news: 4 commits"
    for command in commands:
        line, *expected = command.rstrip("\n").split("\n")
        words = line.split()
        assert words[0] == "timeline"
        result = cli(*words[1:])
        assert result.exit_code == 0, result.output
        assert masked(result.stdout.splitlines()) == masked(expected), line
    report = (tmp_path / "news" / "reports" / "2014-09.md").read_text(encoding="utf-8")
    excerpt = section.split("```markdown\n", 1)[1].split("```", 1)[0]
    for paragraph in excerpt.strip().split("\n\n"):
        assert masked([paragraph])[0] in masked([report])[0]


def masked(lines: list[str]) -> list[str]:
    """Lines with short commit hashes replaced by a mark."""
    return [re.sub(r"\b[0-9a-f]{7}\b", "HASH", line) for line in lines]
