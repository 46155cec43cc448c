"""The second clock: `--known-on`, `diff` and `history` on real git repositories built in
temporary folders (commits with set authors and dates), with moves, renames, merges, an
event removed and recorded again, and a record invalid in an old commit."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import ACTORS, event_yaml, tree_snapshot
from history_example import commit, git, init
from history_repos import EV, NEEDS_GIT, alpha, beta
from typer.testing import Result

from timeline.collection import gitstates
from timeline.collection.gitchanges import event_versions
from timeline.collection.gitrepo import GitError, Repository
from timeline.collection.gitstates import History

pytestmark = NEEDS_GIT
Cli = Callable[..., Result]


def events_of(result: Result) -> list[str]:
    return [event["id"] for event in json.loads(result.stdout)]


# --- --known-on ------------------------------------------------------------------------------


def test_known_on_reads_the_last_commit_of_the_day(cli: Cli, repo: Path) -> None:
    result = cli("list", "--events", repo / "events", "--known-on", "2014-03-07", "--format",
                 "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(events_of(result)) == ["alpha", "beta", "gamma"]
    assert {e["status"] for e in json.loads(result.stdout) if e["id"] == "alpha"} == {"occurred"}
    assert "known on 2014-03-07: as committed in" in result.stderr
    on_the_day = cli("list", "--events", repo / "events", "--known-on", "2014-03-01",
                     "--format", "json")  # fmt: skip
    assert sorted(events_of(on_the_day)) == ["alpha", "beta"]


def test_known_on_never_reads_the_working_tree(cli: Cli, repo: Path) -> None:
    (repo / "events" / "b2.yaml").write_text("id: [broken\n", encoding="utf-8")
    (repo / "events" / "new.yaml").write_text(event_yaml("delta"), encoding="utf-8")
    result = cli("list", "--events", repo / "events", "--known-on", "HEAD", "--format", "json")
    assert result.exit_code == 0, result.output
    assert sorted(events_of(result)) == ["alpha", "beta", "gamma"]


def test_known_on_takes_revisions_and_tags(cli: Cli, repo: Path) -> None:
    git(repo, "tag", "briefing", "HEAD~2")
    for spec in ("HEAD~2", "briefing", git(repo, "rev-parse", "HEAD~2").strip()):
        result = cli("list", "--events", repo / "events", "--known-on", spec, "--format", "json")
        assert result.exit_code == 0, result.output
        assert sorted(events_of(result)) == ["alpha", "beta", "gamma"]


def test_as_of_defaults_to_the_known_on_day(cli: Cli, repo: Path) -> None:
    # Alpha (4 March) is scheduled on 1 March: judged on that day its status is right;
    # judged later it is stale.
    result = cli("validate", "--events", repo / "events", "--known-on", "2014-03-01")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-2:] == [
        "2 events in 3 files: 0 errors, 0 warnings",
        f"known on 2014-03-01: as committed in {git(repo, 'rev-parse', '--short', 'HEAD~3')[:-1]}"
        " (2014-03-01)",
    ]
    later = cli("validate", "--events", repo / "events", "--known-on", "2014-03-01",
                "--as-of", "2014-03-20")  # fmt: skip
    assert "[stale-status]" in later.stdout


def test_show_and_export_read_the_commit(cli: Cli, repo: Path) -> None:
    shown = cli("show", "alpha", "--events", repo / "events", "--known-on", "2014-03-02")
    assert shown.exit_code == 0, shown.output
    assert "scheduled" in shown.stdout and "as committed in" in shown.stdout
    exported = cli("export", "--format", "csv", "--events", repo / "events",
                   "--known-on", "2014-03-02")  # fmt: skip
    assert exported.exit_code == 0, exported.output
    assert "gamma" not in exported.stdout and "beta" in exported.stdout


def test_outside_git_is_one_line_and_exit_2(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "plain" / "events").mkdir(parents=True)
    for args in (
        ("list", "--known-on", "2014-03-01"),
        ("validate", "--known-on", "HEAD"),
        ("diff", "HEAD"),
        ("history", "alpha"),
        ("render", "--history", "-o", "page.html"),
    ):
        result = cli(*args, "--events", tmp_path / "plain" / "events")
        assert result.exit_code == 2, result.output
        assert result.stderr.count("\n") == 1
        assert "is not in a git repository" in result.stderr


def test_a_day_before_the_first_commit_is_exit_2(cli: Cli, repo: Path) -> None:
    result = cli("report", "2014-02", "--events", repo / "events", "--known-on", "2014-02-28")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: 2014-02-28 is before the first commit "
        f"({git(repo, 'rev-parse', '--short', 'HEAD~3').strip()}, 2014-03-01); nothing was "
        "recorded yet, pick a later day\n"
    )


def test_bad_days_and_unknown_revisions_are_exit_2(cli: Cli, repo: Path) -> None:
    for spec, said in (
        ("2014-02-30", "is not a day"),
        ("no-such-tag", "neither a day (YYYY-MM-DD) nor a revision"),
        ("--all", "neither a day"),
    ):
        result = cli("list", "--events", repo / "events", f"--known-on={spec}")
        assert result.exit_code == 2, result.output
        assert said in result.stderr and result.stderr.count("\n") == 1


def test_a_shallow_clone_lacking_the_day_is_exit_2(cli: Cli, repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "--quiet", "--depth", "1", repo.as_uri(), str(clone)],
        check=True, capture_output=True,
    )  # fmt: skip
    result = cli("list", "--events", clone / "events", "--known-on", "2014-03-05")
    assert result.exit_code == 2
    assert "shallow" in result.stderr and "git fetch --unshallow" in result.stderr
    assert result.stderr.count("\n") == 1
    fine = cli("list", "--events", clone / "events", "--known-on", "2014-03-12")
    assert fine.exit_code == 0, fine.output


def test_records_invalid_in_an_old_commit_are_named_with_it(cli: Cli, tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    first = commit(repo, "2014-03-01", "A bad date", {
        EV + "actors.yaml": ACTORS,
        EV + "good.yaml": event_yaml("good"),
        EV + "bad.yaml": event_yaml("bad", date="2014-13-45"),
    })[:7]  # fmt: skip
    commit(repo, "2014-03-02", "Fixed", {EV + "bad.yaml": event_yaml("bad")})
    old = cli("list", "--events", repo / "events", "--known-on", "2014-03-01")
    assert old.exit_code == 1
    assert "good" in old.stdout  # the rest is shown
    assert f"{first}:repo/events/bad.yaml:3:7: error:" in old.stderr
    # a past commit's errors cannot be fixed: its report is written without those records
    report = cli("report", "2014-09", "--events", repo / "events", "--known-on", "2014-03-01")
    assert report.exit_code == 1
    assert report.stdout == "wrote reports/2014-09.md (1 event)\n"
    assert f"{first}:repo/events/bad.yaml:3:7: error:" in report.stderr
    assert f"as committed in {first} (2014-03-01) has errors, so records may" in report.stderr
    page = cli("render", "--events", repo / "events", "--known-on", "2014-03-01", "-o", "p.html")
    assert page.exit_code == 1 and Path("p.html").exists()
    assert cli("list", "--events", repo / "events", "--known-on", "2014-03-02").exit_code == 0


# --- diff ------------------------------------------------------------------------------------


def test_diff_names_added_removed_and_changed_fields(cli: Cli, repo: Path) -> None:
    result = cli("diff", "2014-03-01", "2014-03-10", "--events", repo / "events", "--format",
                 "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["added"] == ["gamma"] and data["removed"] == ["beta"]
    assert data["changed"] == [{"id": "alpha", "fields": {
        "status": ["scheduled", "occurred"],
        "path": ["repo/events/a.yaml", "repo/events/sub/alpha.yaml"],
    }}]  # fmt: skip
    assert data["from"]["day"] == "2014-03-01" and data["to"]["author"] == "Editor"


def test_a_renamed_file_is_a_change_not_a_removal(cli: Cli, repo: Path) -> None:
    result = cli("diff", "2014-03-05", "2014-03-10", "--events", repo / "events")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].endswith(": 0 added, 1 removed, 1 changed")
    assert "    path: repo/events/a.yaml -> repo/events/sub/alpha.yaml" in lines


def test_diff_to_the_working_tree_and_exit_code(cli: Cli, repo: Path) -> None:
    same = cli("diff", "HEAD", "--events", repo / "events", "--exit-code")
    assert same.exit_code == 0, same.output
    assert same.stdout.splitlines() == [
        f"{git(repo, 'rev-parse', '--short', 'HEAD').strip()} (2014-03-12) -> working tree: "
        "0 added, 0 removed, 0 changed"
    ]
    (repo / "events" / "b2.yaml").write_text(event_yaml("beta", title="Beta, retitled"))
    changed = cli("diff", "HEAD", "--events", repo / "events", "--exit-code", "--format", "md")
    assert changed.exit_code == 1
    assert "  - title: Event beta → Beta, retitled" in changed.stdout
    assert cli("diff", "HEAD", "--events", repo / "events").exit_code == 0


def test_diff_filters_apply(cli: Cli, repo: Path) -> None:
    result = cli("diff", "2014-03-01", "2014-03-10", "--events", repo / "events", "--format",
                 "json", "--from", "2014-03-01", "--type", "meeting")  # fmt: skip
    data = json.loads(result.stdout)
    assert (data["added"], data["removed"]) == ([], [])  # gamma is a statement, beta before
    assert [c["id"] for c in data["changed"]] == ["alpha"]


# --- history ---------------------------------------------------------------------------------


def test_history_follows_moves_removal_and_recording_again(cli: Cli, repo: Path) -> None:
    result = cli("history", "beta", "--events", repo / "events", "--format", "json")
    assert result.exit_code == 0, result.output
    versions = json.loads(result.stdout)
    assert [(v["date"][:10], v["change"]) for v in versions] == [
        ("2014-03-01", "recorded"), ("2014-03-10", "removed"), ("2014-03-12", "recorded again"),
    ]  # fmt: skip
    assert versions[1]["author"] == "Editor"
    assert versions[2]["fields"]["date"] == [None, "2014-02-02"]
    moved = cli("history", "alpha", "--events", repo / "events")
    assert moved.exit_code == 0, moved.output
    lines = moved.stdout.splitlines()
    assert lines[0].startswith("alpha: 3 committed versions, first recorded on 2014-03-01 (")
    assert "    status: scheduled -> occurred" in lines
    assert "    path: repo/events/a.yaml -> repo/events/sub/alpha.yaml" in lines


def test_history_of_an_unknown_id(cli: Cli, repo: Path) -> None:
    result = cli("history", "omega", "--events", repo / "events")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no commit of the collection's history has an event with the id 'omega'" in (
        result.stderr
    )


def test_merges_count_on_the_day_they_reach_the_branch(cli: Cli, tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    commit(repo, "2014-03-01", "Alpha", {EV + "actors.yaml": ACTORS, EV + "a.yaml": alpha()})
    git(repo, "checkout", "--quiet", "-b", "side")
    commit(repo, "2014-03-03", "Retitle alpha", {EV + "a.yaml": alpha(title="Alpha, retitled")})
    git(repo, "checkout", "--quiet", "main")
    commit(repo, "2014-03-04", "Delta", {EV + "d.yaml": event_yaml("delta")})
    git(repo, "merge", "--quiet", "--no-ff", "-m", "Merge the retitling", "side",
        day="2014-03-06")  # fmt: skip
    events = repo / "events"

    def title_on(day: str) -> str:
        result = cli("list", "--events", events, "--known-on", day, "--format", "json")
        assert result.exit_code == 0, result.output
        return next(e["title"] for e in json.loads(result.stdout) if e["id"] == "alpha")

    assert title_on("2014-03-03") == "Event alpha"  # on the side branch, not yet merged
    assert title_on("2014-03-05") == "Event alpha"
    assert title_on("2014-03-06") == "Alpha, retitled"
    versions = json.loads(cli("history", "alpha", "--events", events, "--format", "json").stdout)
    assert [(v["date"][:10], v["subject"], v["change"]) for v in versions] == [
        ("2014-03-01", "Alpha", "recorded"),
        ("2014-03-06", "Merge the retitling", "changed"),
    ]
    assert versions[1]["fields"] == {"title": ["Event alpha", "Alpha, retitled"]}


# --- the git layer -----------------------------------------------------------------------------


def test_nothing_in_the_repository_changes(cli: Cli, repo: Path) -> None:
    (repo / "events" / "b2.yaml").write_text(event_yaml("beta", title="Uncommitted"))
    before = tree_snapshot(repo)
    for args in (
        ("list", "--known-on", "2014-03-05"), ("validate", "--known-on", "HEAD~1"),
        ("diff", "2014-03-01"), ("history", "alpha"), ("render", "--known-on", "2014-03-12",
        "-o", "page.html"), ("report", "2014-09", "--known-on", "2014-03-12"),
    ):  # fmt: skip
        cli(*args, "--events", repo / "events")
    assert tree_snapshot(repo) == before  # the index and every object as they were


def record_parses(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The bytes of every blob the history parses from now on, in order."""
    parsed: list[bytes] = []
    real = gitstates._parse_blob

    def recording(data: bytes, actors: bool) -> object:
        parsed.append(data)
        return real(data, actors)

    monkeypatch.setattr(gitstates, "_parse_blob", recording)
    return parsed


def test_a_blob_is_parsed_once(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = record_parses(monkeypatch)
    cache = tmp_path / "cache"
    monkeypatch.setenv("TIMELINE_CACHE_DIR", str(cache))
    history = History.of(repo / "events")
    line = history.repository.line()
    for commit_ in line:
        history.collection_at(commit_)
    event_versions(history, "alpha")
    # alpha's two texts (its move kept the bytes), beta's two, gamma, the actors
    assert len(parsed) == len(set(parsed)) == 6
    parsed.clear()
    again = History.of(repo / "events")  # a later run: the blob cache on disk
    for commit_ in again.repository.line():
        again.collection_at(commit_)
    event_versions(again, "beta")
    assert parsed == []
    uncached = History.of(repo / "events", use_cache=False)
    uncached.collection_at(line[-1])  # the first commit: actors, alpha, beta
    assert len(parsed) == 3


def test_a_damaged_blob_cache_is_ignored(repo: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("TIMELINE_CACHE_DIR", str(tmp_path / "cache"))
    history = History.of(repo / "events")
    head = history.repository.line()[0]
    expected = [e.model_dump() for e in history.collection_at(head).events]
    assert history.cache.path is not None
    data = bytearray(history.cache.path.read_bytes())
    data[-5] ^= 0xFF
    history.cache.path.write_bytes(bytes(data))
    again = History.of(repo / "events")
    assert [e.model_dump() for e in again.collection_at(head).events] == expected


def test_a_folder_that_is_the_top_of_the_repository(tmp_path: Path) -> None:
    repo = init(tmp_path / "top")
    commit(repo, "2014-03-01", "Records at the top", {
        "actors.yaml": ACTORS, "x.yaml": event_yaml("x"), ".hidden/y.yaml": event_yaml("y"),
    })  # fmt: skip
    history = History.of(repo)
    events = history.collection_at(history.repository.resolve("HEAD")).events
    assert [e.id for e in events] == ["x"]


def test_a_repository_without_commits(tmp_path: Path) -> None:
    repo = init(tmp_path / "empty")
    (repo / "events").mkdir()
    with pytest.raises(GitError, match="no commits yet"):
        Repository.around(repo / "events").resolve("2014-01-01")


def test_a_day_before_the_collection_was_first_committed(cli: Cli, tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    commit(repo, "2014-01-05", "Start the project", {"README.md": "notes\n"})
    commit(repo, "2014-03-01", "First records", {EV + "actors.yaml": ACTORS,
                                                 EV + "a.yaml": alpha()})  # fmt: skip
    result = cli("list", "--events", repo / "events", "--known-on", "2014-02-01")
    assert result.exit_code == 2
    assert "its history starts on 2014-03-01, pick a later day" in result.stderr
    assert result.stderr.count("\n") == 1


def test_the_users_git_settings_do_not_change_what_is_read(cli: Cli, repo: Path) -> None:
    for key, value in (("log.follow", "true"), ("color.ui", "always"), ("log.showRoot", "false"),
                       ("diff.renames", "copies"), ("core.abbrev", "12")):  # fmt: skip
        git(repo, "config", key, value)
    result = cli("history", "alpha", "--events", repo / "events", "--format", "json")
    assert result.exit_code == 0, result.output
    versions = json.loads(result.stdout)
    assert [v["change"] for v in versions] == ["recorded", "changed", "changed"]
    assert len(versions[0]["short"]) == 12


def test_blobs_equal_to_working_files_come_from_the_content_cache(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("validate", "--events", repo / "events").exit_code == 0  # fills the cache
    parsed = record_parses(monkeypatch)
    history = History.of(repo / "events")
    head = history.collection_at(history.repository.resolve("HEAD"))
    assert parsed == []  # HEAD's files are the working tree's: none parsed again
    assert sorted(e.id for e in head.events) == ["alpha", "beta", "gamma"]
    assert {e.path for e in head.events} == {
        f"{history.repository.resolve('HEAD').short}:repo/events/{name}"
        for name in ("sub/alpha.yaml", "b2.yaml", "c.yaml")
    }
    history.collection_at(history.repository.resolve("HEAD~3"))
    assert len(parsed) == 2  # the first commit's alpha and beta differ from today's


def test_diff_of_two_commits_reads_only_the_files_that_differ(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = record_parses(monkeypatch)
    result = cli("diff", "HEAD~1", "HEAD", "--events", repo / "events", "--no-cache",
                 "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == ["beta"]
    assert parsed == [beta("2014-02-02").encode()]
    commit(repo, "2014-03-20", "A broken record", {EV + "c.yaml": "id: [gamma\n"})
    broken = cli("diff", "HEAD~1", "HEAD", "--events", repo / "events")
    assert broken.exit_code == 0
    assert broken.stdout.splitlines()[1].startswith("- removed  4 Mar 2014  gamma")
    assert "warning: 1 file has errors in " in broken.stderr


def test_diff_to_the_working_tree_parses_a_blob_the_files_share_once(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = record_parses(monkeypatch)
    result = cli("diff", "HEAD~2", "--events", repo / "events", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [c["id"] for c in json.loads(result.stdout)["changed"]] == ["beta", "alpha"]
    # the actors and gamma are the working files' bytes at the same paths: not parsed again
    assert parsed == [alpha(status="occurred").encode(), beta("2014-02-01").encode()]


def test_unusual_names_and_hostile_subjects(cli: Cli, tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    commit(repo, "2014-03-01", "Plain", {EV + "actors.yaml": ACTORS,
                                         EV + "é vent/a b.yaml": alpha()})  # fmt: skip
    commit(repo, "2014-03-02", "Done \x1b[31mred\u202e", {EV + "é vent/a b.yaml": alpha(
        status="occurred")}, author="Ann \u202eO")  # fmt: skip
    text = cli("history", "alpha", "--events", repo / "events")
    assert text.exit_code == 0, text.output
    assert "\x1b" not in text.stdout and "\u202e" not in text.stdout
    assert "Done \\x1b[31mred\\u202e" in text.stdout
    data = json.loads(cli("history", "alpha", "--events", repo / "events", "--format",
                          "json").stdout)  # fmt: skip
    assert data[1]["subject"] == "Done \x1b[31mred\u202e" and data[1]["author"] == "Ann \u202eO"
    listed = cli("list", "--events", repo / "events", "--known-on", "HEAD", "--format", "json")
    assert json.loads(listed.stdout)[0]["path"].endswith(":repo/events/é vent/a b.yaml")
