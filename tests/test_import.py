"""`timeline import`: sheets (CSV, XLSX, ODS, the TimelineJS template) to records, shown
first with every problem at its cell, written all or none."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from helpers import ACTORS, ROOT, event_yaml, tree_snapshot
from typer.testing import Result

from timeline.cli import import_events
from timeline.collection.files import MAX_FILE_BYTES
from timeline.collection.pipeline import load_collection
from timeline.collection.sheetcolumns import FIELDS
from timeline.collection.sheetrows import slug_of
from timeline.collection.sheets import column_letters

Tree = Callable[[Mapping[str, str | bytes]], Path]
Cli = Callable[..., Result]
SAMPLES = ROOT / "tests" / "data" / "import"
AS_OF = "2014-09-24"
REGISTRY = (
    ACTORS + "- id: un\n  name: United Nations\n  kind: igo\n  aliases: [UN, Nations Unies]\n"
)
HEADER = "title,date,type,status,actors,sources\n"


def sheet(tmp_path: Path, text: str | bytes, name: str = "sheet.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def workbook(
    tmp_path: Path,
    rows: Sequence[Sequence[Any]],
    name: str = "book.xlsx",
    title: str = "Events",
    prepare: Callable[[Any], None] | None = None,
) -> Path:
    book = openpyxl.Workbook()
    first = book.active
    first.title = title
    for row in rows:
        first.append(list(row))
    if prepare is not None:
        prepare(book)
    path = tmp_path / name
    book.save(path)
    return path


def run(cli: Cli, events: Path, path: Path, *args: str) -> Result:
    return cli("import", path, "--events", events, "--as-of", AS_OF, *args)


def lines(text: str) -> list[str]:
    return text.strip().splitlines()


# --- the samples, and the dry run ---------------------------------------------------------


def test_the_csv_sample_dry_run_says_what_it_would_add(
    tree: Tree, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = tree({"actors.yaml": (ROOT / "events" / "actors.yaml").read_text()})
    before = tree_snapshot(events)
    monkeypatch.chdir(SAMPLES)
    result = run(cli, events, Path("tracker.csv"))
    assert result.exit_code == 0, result.output
    assert lines(result.stdout) == [
        f"add kerry-and-yun-meet-in-new-york (tracker.csv:2:1) as {events}/2014/"
        "kerry-and-yun-meet-in-new-york.yaml",
        f"add coi-report-debated-in-the-third-committee (tracker.csv:3:1) as {events}/2014/"
        "coi-report-debated-in-the-third-committee.yaml",
        f"add eu-and-japan-table-the-draft-resolution (tracker.csv:4:1) as {events}/2014/"
        "eu-and-japan-table-the-draft-resolution.yaml",
        "3 rows read: 3 events to add, 0 to change (give --update), 0 unchanged",
        "dry run: nothing was written; give --write to write",
    ]
    assert lines(result.stderr) == [
        "tracker.csv:1:1: warning: 1 column(s) not read: 'Owner'; name a field for one with "
        "--map COLUMN=FIELD (fields: id, title, date, end, year, month, day, end-year, "
        "end-month, end-day, type, status, actors, location, country, summary, sources, "
        "source-title, publisher, tags) [unknown-column]"
    ]
    assert tree_snapshot(events) == before


def test_the_xlsx_sample_gives_the_records_of_the_csv_sample(
    tree: Tree, cli: Cli, tmp_path: Path
) -> None:
    registry = (ROOT / "events" / "actors.yaml").read_text()
    records = []
    for name in ("tracker.csv", "tracker.xlsx"):
        events = tree({"actors.yaml": registry})
        result = run(cli, events, SAMPLES / name, "--write")
        assert result.exit_code == 0, result.output
        records.append([e.model_dump() for e in load_collection(events).events])
        (events / "2014").rename(tmp_path / f"written-{name}")
    assert records[0] == records[1] and len(records[0]) == 3
    result = run(cli, tree({"actors.yaml": registry}), SAMPLES / "tracker.xlsx")
    assert "note: read sheet 'Tracker'; not read: 'Notes'; choose another with" in result.stderr


def test_write_then_the_same_sheet_again_changes_nothing(tree: Tree, cli: Cli, tmp_path: Path
                                                         ) -> None:  # fmt: skip
    events = tree({"actors.yaml": REGISTRY})
    path = sheet(tmp_path, HEADER + "Talks in Geneva,2014-09-12,meeting,occurred,kerry,"
                 "https://example.org/a\n")  # fmt: skip
    result = run(cli, events, path, "--write")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "events/2014/talks-in-geneva.yaml"
    written = tree_snapshot(events)
    assert written["2014/talks-in-geneva.yaml"] == (
        b"# yaml-language-server: $schema=../event.schema.json\nid: talks-in-geneva\n"
        b"title: Talks in Geneva\ndate: 2014-09-12\ntype: meeting\nstatus: occurred\n"
        b"actors:\n  - kerry\nsources:\n  - url: https://example.org/a\n"
    )
    again = run(cli, events, path, "--write")
    assert again.exit_code == 0, again.output
    assert "1 row read: 0 events to add, 0 to change (give --update), 1 unchanged" in again.stdout
    assert tree_snapshot(events) == written


def test_a_changed_row_is_a_conflict_unless_update_which_keeps_comments(
    tree: Tree, cli: Cli, tmp_path: Path
) -> None:
    record = event_yaml("talks", title="Talks", actors="\n  - actor: kerry\n    role: organizer")
    record = record.replace("type: meeting\n", "type: meeting  # as announced\n# checked\n")
    events = tree({"actors.yaml": REGISTRY, "2014/talks.yaml": record})
    path = sheet(tmp_path, "id,title,date,type,status,actors,summary\n"
                 "talks,Talks,2014-09-13,meeting,occurred,kerry,Held at last.\n")  # fmt: skip
    before = tree_snapshot(events)
    result = run(cli, events, path, "--write")
    assert result.exit_code == 1
    assert (
        f"{path.name}:2:1: error: 'talks' is already in the collection "
        "(events/2014/talks.yaml:1) with another date, summary; give --update to change "
        "that record, or give this row another id [import-conflict]"
    ) in result.stderr
    assert tree_snapshot(events) == before
    result = run(cli, events, path, "--write", "--update")
    assert result.exit_code == 0, result.output
    assert "update talks (events/2014/talks.yaml): date, summary" in result.stdout
    assert (events / "2014" / "talks.yaml").read_text() == (
        "id: talks\ntitle: Talks\ndate: 2014-09-13\ntype: meeting  # as announced\n"
        "# checked\nstatus: occurred\nsources: \n  - title: A source\n"
        "actors: \n  - actor: kerry\n    role: organizer\nsummary: Held at last.\n"
    )
    [event] = load_collection(events).events
    assert event.actors[0].role == "organizer"  # the sheet gives ids: roles are kept
    assert event.sources[0].title == "A source"  # a source the sheet does not list stays


# --- formats ------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_csv_delimiter_is_sniffed_and_a_bom_dropped(
    tree: Tree, cli: Cli, tmp_path: Path, delimiter: str, bom: bytes
) -> None:
    events = tree({"actors.yaml": REGISTRY})
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(HEADER.strip().split(","))
    writer.writerow(["Talks; round 2, again", "2014-09-12", "meeting", "occurred", "kerry",
                     "https://example.org/a"])  # fmt: skip
    result = run(cli, events, sheet(tmp_path, bom + buffer.getvalue().encode()), "--write")
    assert result.exit_code == 0, result.output
    [event] = load_collection(events).events
    assert (event.id, event.title) == ("talks-round-2-again", "Talks; round 2, again")


def test_csv_not_utf8_is_named_at_its_row_and_column(tree: Tree, cli: Cli, tmp_path: Path
                                                     ) -> None:  # fmt: skip
    events = tree({"actors.yaml": REGISTRY})
    data = (HEADER + '"Line\none",2014,meeting,occurred,kerry,x\nCaf\xe9,2014,meeting\n').encode(
        "latin-1"
    )
    result = run(cli, events, sheet(tmp_path, data))
    assert result.exit_code == 1
    assert lines(result.stderr)[0] == (
        "sheet.csv:3:1: error: the file is not UTF-8 (byte 0xe9 cannot be read); save it as "
        "'CSV UTF-8' (or export it with the UTF-8 encoding) [encoding]"
    )


def test_xlsx_cells_dates_numbers_and_places(tree: Tree, cli: Cli, tmp_path: Path) -> None:
    events = tree({"actors.yaml": REGISTRY})
    path = workbook(tmp_path, [
        [None], ["id", "Title", "Date", "Type", "Status", "Who", "Source"],
        ["a", 1984, datetime.date(2014, 9, 12), "meeting", "occurred", "KERRY", "Reuters"],
        ["b", "B", datetime.datetime(2014, 9, 13), "Meeting", "Occurred", "United Nations; un",
         "https://example.org/b"],
        ["c", "C", 2014, "meating", "occurred", "Kery", "Reuters"],
    ])  # fmt: skip
    result = run(cli, events, path)
    assert result.exit_code == 1
    assert lines(result.stderr) == [
        "book.xlsx[Events]!D5: error: type: 'meating' is not allowed; use one of meeting, "
        "summit, conference, side-event, visit, negotiation, statement, letter, report, "
        "resolution, vote, agreement, sanction, publication, other; did you mean "
        "'meeting'? [invalid-value]",
        "book.xlsx[Events]!F5: error: actors: no actor has the id, name or alias 'Kery'; "
        "closest ids: 'kerry' (or add the actor to actors.yaml) [unknown-actor]",
        "error: nothing was written; fix the problems above and run again",
    ]
    path = workbook(tmp_path, [
        ["id", "Title", "Date", "Type", "Status", "Who", "Source"],
        ["a", 1984, datetime.date(2014, 9, 12), "meeting", "occurred", "KERRY", "Reuters"],
        ["b", "B", datetime.datetime(2014, 9, 13), "Meeting", "Occurred", "United Nations; un",
         "https://example.org/b"],
        ["c", "C", 2014, "meeting", "occurred", "John Kerry", "Reuters"],
    ])  # fmt: skip
    result = run(cli, events, path, "--write")
    assert result.exit_code == 0, result.output
    found = {e.id: e for e in load_collection(events).events}
    assert found["a"].title == "1984" and found["a"].date.text == "2014-09-12"
    assert found["a"].sources[0].title == "Reuters"
    assert (found["b"].type, found["b"].actor_ids()) == ("meeting", ["un"])
    assert found["c"].date.text == "2014" and found["c"].actor_ids() == ["kerry"]


def test_ods_is_read(tree: Tree, cli: Cli, tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="Tracker")
    rows = [["title", "date", "type", "status"], ["Talks", "2014-09~", "meeting", "occurred"]]
    for cells in rows:
        row = TableRow()
        for value in cells:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    path = tmp_path / "book.ods"
    document.save(str(path))
    events = tree({"actors.yaml": REGISTRY})
    result = run(cli, events, path, "--write")
    assert result.exit_code == 0, result.output
    assert "book.ods[Tracker]!A2: warning: the event has no sources" in result.stderr
    [event] = load_collection(events).events
    assert (event.id, event.date.label) == ("talks", "c. Sep 2014")


def test_timelinejs_template(tree: Tree, cli: Cli, tmp_path: Path) -> None:
    header = ["Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time",
              "Display Date", "Headline", "Text", "Media", "Media Credit", "Media Caption",
              "Media Thumbnail", "Type", "Group", "Background"]  # fmt: skip

    def row(**cells: Any) -> list[Any]:
        return [cells.get(name.lower().replace(" ", "_")) for name in header]

    path = workbook(tmp_path, [
        header,
        row(headline="UNGA 69", text="The debate", type="title"),
        row(year=2014, month=9, headline="September", type="era"),
        row(year=2014, month=9, day=22, end_year=2014, end_month=10, end_day=1,
            headline="Leaders' week", text="<p>General debate</p>",
            media="https://example.org/video", media_credit="UN Web TV",
            media_caption="Opening", group="UN General Assembly"),
        row(year=2014, month=12, headline="Resolution adopted", media="<iframe></iframe>"),
        row(year=2013, headline="COI set up"),
    ], title="od1")  # fmt: skip
    events = tree({"actors.yaml": REGISTRY})
    result = run(cli, events, path)
    assert result.exit_code == 1
    assert lines(result.stderr)[:3] == [
        "note: the TimelineJS template: Headline is the title, Text the summary, Media (a "
        "web link) a source, Group a tag; title and era slides are not events",
        "book.xlsx[od1]!A1: error: the sheet has no column for 'status', which every new "
        "event needs; add a column 'status', or give one value for every row with --set "
        "status=occurred [missing-field]",
        "book.xlsx[od1]!A1: error: the sheet has no column for 'type', which every new event "
        "needs; add a column 'type', or give one value for every row with --set type=other "
        "[missing-field]",
    ]
    result = run(cli, events, path, "--set", "type=other", "--set", "status=occurred", "--write")
    assert result.exit_code == 0, result.output
    assert "book.xlsx[od1]!P2: warning: a TimelineJS title slide, not an event: not imported" \
        " [skipped-row]" in result.stderr  # fmt: skip
    found = {e.id: e for e in load_collection(events).events}
    assert sorted(found) == ["coi-set-up", "leaders-week", "resolution-adopted"]
    week = found["leaders-week"]
    assert (week.date.text, week.summary, week.tags) == (
        "2014-09-22/2014-10-01",
        "<p>General debate</p>",
        ["un-general-assembly"],
    )
    source = week.sources[0]
    assert (source.url, source.publisher, source.title) == (
        "https://example.org/video",
        "UN Web TV",
        "Opening",
    )
    assert found["resolution-adopted"].date.text == "2014-12"
    assert found["resolution-adopted"].sources == []  # an embed is not a source


def test_split_year_month_day_and_their_problems(tree: Tree, cli: Cli, tmp_path: Path) -> None:
    events = tree({"actors.yaml": REGISTRY})
    path = sheet(
        tmp_path,
        "title,year,month,day,type,status\n"
        "A,2014,,,vote,occurred\nB,2014,September,3,vote,occurred\n"
        "C,2014,,3,vote,occurred\nD,2014,2,30,vote,occurred\nE,twenty,,,vote,occurred\n",
    )
    result = run(cli, events, path)  # fmt: skip
    errors = [line for line in lines(result.stderr) if ": error: " in line]
    assert errors == [
        "sheet.csv:4:4: error: day: a day without a month; fill in the month, or empty the "
        "day [invalid-date]",
        "sheet.csv:5:2: error: date: '2014-02-30' is not a calendar date [invalid-date]",
        "sheet.csv:6:2: error: year: 'twenty' is not a number; write the year in digits "
        "[invalid-date]",
    ]
    assert "add a (sheet.csv:2:1)" in result.stdout and "add b (sheet.csv:3:1)" in result.stdout


# --- columns, --map, --set, ids -------------------------------------------------------------


def test_map_and_set(tree: Tree, cli: Cli, tmp_path: Path) -> None:
    events = tree({"actors.yaml": REGISTRY})
    path = sheet(tmp_path, "What,When,Kind,Owner\nTalks,2014-09-12,,Ana\nVote,2014-09-13,vote,\n")
    result = run(cli, events, path, "--map", "what=title", "--map", "When=date",
                 "--map", "kind=type", "--map", "OWNER=ignore", "--set", "type=meeting",
                 "--set", "status=occurred", "--write")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "unknown-column" not in result.stderr
    found = {e.id: (e.type, e.status) for e in load_collection(events).events}
    assert found == {"talks": ("meeting", "occurred"), "vote": ("vote", "occurred")}


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--map", "Nope=title"], "--map 'Nope': the sheet has no such column; its columns: "),
        (["--map", "title=titel"], "'titel' is not a field; did you mean 'title'?"),
        (["--map", "title"], "'title' is not NAME=VALUE; write e.g. Headline=title"),
        (["--set", "type=meating"], "'meating' is not one of meeting"),
        (["--sheet", "Other"], "--sheet 'Other': sheet.csv is a CSV file, which has no sheets"),
    ],
)
def test_bad_options_are_usage_errors(
    tree: Tree, cli: Cli, tmp_path: Path, option: list[str], message: str
) -> None:
    result = run(cli, tree({"actors.yaml": REGISTRY}), sheet(tmp_path, HEADER), *option)
    assert result.exit_code == 2
    assert message in " ".join(result.output.replace("│", " ").split())
    assert "Traceback" not in result.output


def test_ids_are_slugs_unique_in_the_collection_and_stable(
    tree: Tree, cli: Cli, tmp_path: Path
) -> None:
    events = tree({"actors.yaml": REGISTRY, "2014/x.yaml": event_yaml("talks", title="Other")})
    text = (
        "title,date,type,status\nTalks,2014-09-12,meeting,occurred\n"
        "Talks,2015-01-02,meeting,occurred\nTalks,2015-03-04,meeting,occurred\n"
        "Déjà vu: the “talks”!,2014,meeting,occurred\n한국,2014,meeting,occurred\n"
    )
    path = sheet(tmp_path, text)
    result = run(cli, events, path, "--write")
    assert result.exit_code == 0, result.output
    ids = sorted(e.id for e in load_collection(events).events)
    assert ids == ["deja-vu-the-talks", "event", "talks", "talks-2014", "talks-2015",
                   "talks-2015-03-04"]  # fmt: skip
    written = tree_snapshot(events)
    again = run(cli, events, path, "--write")
    assert "0 events to add, 0 to change (give --update), 5 unchanged" in again.stdout
    assert tree_snapshot(events) == written


def test_slug_of() -> None:
    assert slug_of("  Kerry & Yun -- meet!  ") == "kerry-yun-meet"
    assert slug_of("x" * 50 + " " + "y" * 50) == "x" * 50
    assert slug_of("…") == "event"


def test_the_command_names_the_same_fields_as_the_library() -> None:
    assert import_events.FIELDS == FIELDS


def test_column_letters() -> None:
    assert [column_letters(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]


# --- hostile sheets -----------------------------------------------------------------------


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1 << 20)
            for _ in range(300):
                member.write(block)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("not.xlsx", b"title,date\n", "book:1:1: error: the file is named .xlsx but is not a "
         "workbook (not a zip of sheets); save it again from the spreadsheet program, or as "
         "CSV [not-a-sheet]"),
        ("bomb.xlsx", _zip_bomb(), "error: the file is not a workbook that can be read: it "
         "would unpack to 314,572,8"),
        ("junk.xlsx", b"PK\x03\x04" + b"\0" * 100, "error: the file is not a workbook that can "
         "be read: the zip is damaged"),
        ("other.xlsx", b"", "the zip holds no XLSX or ODS workbook"),
        ("quotes.csv", b'title,date\n"open,2014\n', "quotes.csv:2:1: error: the CSV cannot be "
         "read from here on"),
        ("empty.csv", b"\n,,\n", "empty.csv:1:1: error: the sheet is empty"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "old.xls:1:1: error: "
         "the file is an Excel 97-2003 workbook (.xls) or one protected by a password; save "
         "it as XLSX (without the password) and import that [not-a-sheet]"),
    ],
)  # fmt: skip
def test_what_is_not_a_sheet(tree: Tree, cli: Cli, tmp_path: Path, name: str, content: bytes,
                             expected: str) -> None:  # fmt: skip
    if name == "other.xlsx":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "hi")
        content = buffer.getvalue()
    events = tree({"actors.yaml": REGISTRY})
    before = tree_snapshot(events)
    result = run(cli, events, sheet(tmp_path, content, name))
    assert result.exit_code == 1
    assert expected.replace("book:", f"{name}:") in result.stderr
    assert "Traceback" not in result.output
    assert tree_snapshot(events) == before


def test_a_file_over_16_mib_is_refused(tree: Tree, cli: Cli, tmp_path: Path) -> None:
    path = sheet(tmp_path, HEADER.encode() + b" " * MAX_FILE_BYTES)
    result = run(cli, tree({"actors.yaml": REGISTRY}), path)
    assert result.exit_code == 1
    size = path.stat().st_size
    assert f"sheet.csv:1:1: error: the file has {size:,} bytes, more than the limit of " \
        "16,777,216; split the sheet into smaller ones [too-large]" in result.stderr  # fmt: skip


def test_hostile_cells(tree: Tree, cli: Cli, tmp_path: Path) -> None:
    events = tree({"actors.yaml": REGISTRY})
    big = "x" * 1_000_000
    text = (
        "title,date,type,status,summary,,,\n"
        ",,,,,,,\n"
        f"Big,2014,vote,occurred,{big},,,\n"
        '"=HYPERLINK(""http://evil.example"",""click"")",2014,vote,occurred,,,,\n'
        "'=1+1 is text,2014,vote,occurred,,,,\n"
        "Bell\x07,2014,vote,occurred,\x00,,,\n"
        ",,,,,,,\n"
    )
    before = tree_snapshot(events)
    result = run(cli, events, sheet(tmp_path, text))
    assert result.exit_code == 1
    errors = [line for line in lines(result.stderr) if ": error: " in line]
    assert errors == [
        "sheet.csv:3:5: error: summary: the cell has 1,000,000 characters, more than a "
        "spreadsheet cell holds (32,767); shorten it [cell-too-long]",
        "sheet.csv:4:1: error: title: the cell holds a formula, '=HYPERLINK(\"http://evil.exa"
        'mple","click"\', not a value; save the sheet with its values (a workbook keeps them), '
        "or start the text with ' to keep it as written [formula-text]",
        "sheet.csv:6:1: error: title: the cell holds the control character U+0007, invisible "
        "and never meant; delete it (it often comes from copying out of another program) "
        "[control-character]",
        "sheet.csv:6:5: error: summary: the cell holds the control character U+0000, invisible "
        "and never meant; delete it (it often comes from copying out of another program) "
        "[control-character]",
    ]
    assert "add 1-1-is-text (sheet.csv:5:1)" in result.stdout
    assert tree_snapshot(events) == before


def test_merged_and_hidden_sheets(tree: Tree, cli: Cli, tmp_path: Path) -> None:
    def prepare(book: Any) -> None:
        events = book["Events"]
        events.merge_cells("C2:C3")  # one type for two rows
        events.merge_cells("E2:F2")  # a summary spread over two columns
        hidden = book.create_sheet("Secret", 0)
        hidden.sheet_state = "hidden"
        hidden.append(["title", "date", "type", "status"])
        hidden.append(["Hidden", "2014", "vote", "occurred"])

    path = workbook(tmp_path, [
        ["title", "date", "type", "status", "summary", "tags"],
        ["A", "2014", "vote", "occurred", "Spread", None],
        ["B", "2014", None, "occurred", None, "x"],
    ], prepare=prepare)  # fmt: skip
    events = tree({"actors.yaml": REGISTRY})
    result = run(cli, events, path, "--write")
    assert result.exit_code == 0, result.output
    assert "note: read sheet 'Events'; not read: 'Secret' (1 hidden)" in result.stderr
    found = {e.id: e for e in load_collection(events).events}
    assert (found["a"].type, found["b"].type) == ("vote", "vote")
    assert (found["a"].summary, found["a"].tags) == ("Spread", [])
    result = run(cli, events, path, "--sheet", "Secret", "--write")
    assert result.exit_code == 0, result.output
    assert "hidden" in {e.id for e in load_collection(events).events}
    result = run(cli, events, path, "--sheet", "Nope")
    assert result.exit_code == 2
    assert "--sheet 'Nope': book.xlsx has no such sheet; its sheets: 'Secret', 'Events'" in (
        result.stderr
    )


def test_a_failed_write_leaves_everything_as_it_was(
    tree: Tree, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from timeline.store import atomic

    events = tree({"actors.yaml": REGISTRY, "2014/t.yaml": event_yaml("t", title="T")})
    path = sheet(tmp_path, "id,title,date,type,status\nt,T,2014-09-13,meeting,occurred\n"
                 "n,New,2014-09-13,meeting,occurred\n")  # fmt: skip
    before = tree_snapshot(events)
    real = atomic.write_atomic

    def failing(target: Path, data: bytes, *, overwrite: bool = True) -> Path:
        if overwrite:
            raise atomic.WriteError("cannot write (disk full); nothing was written")
        return real(target, data, overwrite=overwrite)

    monkeypatch.setattr(atomic, "write_atomic", failing)
    result = run(cli, events, path, "--write", "--update")
    assert result.exit_code == 1
    assert "error: cannot write (disk full)" in result.stderr
    assert tree_snapshot(events) == before


def test_formulas_are_read_as_their_cached_values_never_run(
    tree: Tree, cli: Cli, tmp_path: Path
) -> None:
    rows = [
        ["title", "date", "type", "status"],
        ['=UPPER("talks")', "2014", "vote", "occurred"],
        ['=UPPER("never computed")', "2015", "vote", "occurred"],
    ]
    path = workbook(tmp_path, rows)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
    cached = '<c r="A2" t="str"><f>UPPER("talks")</f><v>Talks, as last computed</v></c>'
    sheet_xml = sheet_xml.replace('<c r="A2"><f>UPPER("talks")</f><v /></c>', cached)
    assert cached in sheet_xml
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    events = tree({"actors.yaml": REGISTRY})
    result = run(cli, events, path)
    assert result.exit_code == 1
    assert "add talks-as-last-computed (book.xlsx[Events]!A2)" in result.stdout
    assert (
        "book.xlsx[Events]!A3: error: title: the cell is empty; fill it in, or give --set "
        "title=VALUE for every row without one [missing-field]"
    ) in result.stderr


def test_a_sheet_of_ids_and_statuses_records_news(tree: Tree, cli: Cli, tmp_path: Path) -> None:
    events = tree({
        "actors.yaml": REGISTRY,
        "2014/a.yaml": event_yaml("a", status="scheduled"),
        "2014/b.yaml": event_yaml("b", status="scheduled"),
    })  # fmt: skip
    path = sheet(tmp_path, "id,status\na,occurred\nb,scheduled\n")
    result = run(cli, events, path, "--update", "--write")
    assert result.exit_code == 0, result.output
    assert "update a (events/2014/a.yaml): status" in result.stdout
    assert "0 events to add, 1 to update, 1 unchanged" in result.stdout
    assert (events / "2014" / "a.yaml").read_text() == event_yaml("a", status="occurred")
    result = run(cli, events, sheet(tmp_path, "id,status\nnew,occurred\n"))
    assert result.exit_code == 1
    assert "sheet.csv:1:1: error: the sheet has no column for 'date', which every new event" \
        in result.stderr  # fmt: skip


def test_the_export_of_the_seed_imports_into_it_as_unchanged(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    exported = cli("export", "--format", "csv", "--as-of", "2014-09-13", "-o", tmp_path / "s.csv")
    assert exported.exit_code == 0, exported.output
    before = tree_snapshot(ROOT / "events")
    result = cli("import", tmp_path / "s.csv", "--as-of", "2014-09-13", "--write", "--update")
    assert result.exit_code == 0, result.output
    assert "11 rows read: 0 events to add, 0 to update, 11 unchanged" in result.stdout
    assert tree_snapshot(ROOT / "events") == before


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_update_in_place_keeps_a_bom_line_ends_and_other_records_of_the_file(
    tree: Tree, cli: Cli, tmp_path: Path, newline: str
) -> None:
    text = (
        "\ufeff# two events\r\n- id: a\r\n  title: A  # first\r\n  date: 2014\r\n"
        "  type: vote\r\n  status: scheduled\r\n  location: Geneva\r\n"
        "- id: b\r\n  title: B\r\n  date: 2014\r\n  type: vote\r\n  status: occurred\r\n"
        "  tags: [x]\r\n"
    )
    events = tree({"actors.yaml": REGISTRY, "2014/ab.yaml": text.replace("\r\n", newline).encode()})
    path = sheet(tmp_path, "id,title,status,tags,summary,country\n"
                 "a,A,occurred,,,CH\nb,B,occurred,\"y,x\",\"Two\nlines\",\n")  # fmt: skip
    result = run(cli, events, path, "--write", "--update")
    assert result.exit_code == 0, result.output
    assert (events / "2014" / "ab.yaml").read_bytes().decode() == (
        "\ufeff# two events\r\n- id: a\r\n  title: A  # first\r\n  date: 2014\r\n"
        "  type: vote\r\n  status: occurred\r\n  location:\r\n    name: Geneva\r\n"
        "    country: CH\r\n"
        "- id: b\r\n  title: B\r\n  date: 2014\r\n  type: vote\r\n  status: occurred\r\n"
        '  tags:\r\n    - "y"\r\n    - x\r\n  summary: |-\r\n    Two\r\n    lines\r\n'
    ).replace("\r\n", newline)


def test_two_columns_for_one_field_read_the_first_and_say_so(
    tree: Tree, cli: Cli, tmp_path: Path
) -> None:
    path = sheet(tmp_path, "title,headline,date,type,status\nA,B,2014,vote,occurred\n")
    result = run(cli, tree({"actors.yaml": REGISTRY}), path)
    assert result.exit_code == 0, result.output
    assert lines(result.stderr)[0] == (
        "note: columns A and B ('headline') both give 'title': A is read; --map "
        "'headline=FIELD' reads 'headline' as another field, --map 'headline=ignore' says it "
        "is not wanted"
    )
    assert "add a (sheet.csv:2:1)" in result.stdout


def test_a_zip_that_lies_about_its_sizes_is_refused(tree: Tree, cli: Cli, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (2 << 20))
    data = bytearray(buffer.getvalue())
    for signature, name_at, size_at in ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)):
        start = data.find(signature, data.find(signature) + 4)  # the second member's header
        assert data[start + name_at : start + name_at + 24] == b"xl/worksheets/sheet1.xml"
        data[start + size_at : start + size_at + 4] = (100).to_bytes(4, "little")
    result = run(cli, tree({"actors.yaml": REGISTRY}), sheet(tmp_path, bytes(data), "liar.xlsx"))
    assert result.exit_code == 1
    assert lines(result.stderr)[0] == (
        "liar.xlsx:1:1: error: the file is not a workbook that can be read: the zip is "
        "damaged (Bad CRC-32 for file 'xl/worksheets/sheet1.xml') [not-a-sheet]"
    )


def test_the_import_undoes_exactly_the_escapes_the_export_makes() -> None:
    from timeline.collection.sheetrows import ESCAPED_STARTS as undone
    from timeline.views.export import ESCAPED_STARTS as made

    assert sorted(undone) == sorted(made)
