"""Spreadsheets to rows of cells: CSV (delimiter sniffed, UTF-8), XLSX and ODS workbooks.

Workbooks are read with python-calamine (Rust's calamine): fast, and it reads the value a
formula last computed, never evaluating one. Before calamine sees a workbook, its zip is
checked member by member (real sizes, not the sizes it claims), so a zip bomb is refused
instead of filling the memory.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from timeline.collection.files import (
    MAX_FILE_BYTES,
    NotAFile,
    TooLarge,
    read_limited,
    unread_reason,
)
from timeline.core.errors import TimelineError
from timeline.core.problems import Problem

#: A cell value as read: text, a number, true/false, a day or a moment; None when empty.
CellValue = str | int | float | bool | date | datetime | time | timedelta | None

#: A workbook's members may unpack to at most this much in all (a 10,000-row sheet
#: unpacks to a few MB); more is taken for a zip bomb.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
#: An OLE2 compound file: an Excel 97-2003 workbook, or an XLSX saved with a password.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DELIMITERS = ",;\t|"


class SheetError(TimelineError):
    """The sheet asked for is not in the workbook: a usage error (exit 2)."""

    exit_code = 2


@dataclass(slots=True)
class Sheet:
    """A table read from a file: its non-empty rows, each at its row number in the file."""

    path: str
    #: The sheet's name in a workbook; None for CSV.
    name: str | None
    #: (row number counting from 1, the row's cells from column 1 on)
    rows: list[tuple[int, list[CellValue]]] = field(default_factory=list)
    #: Ranges of merged cells: (first row, first column, last row, last column), from 1.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The name problems are filed under: the file, and the sheet of a workbook."""
        return self.path if self.name is None else f"{self.path}[{self.name}]"

    def place(self, row: int, column: int) -> str:
        """A cell's place as a person finds it: `FILE:ROW:COLUMN` or `FILE[Sheet]!C7`."""
        if self.name is None:
            return f"{self.path}:{row}:{column}"
        return f"{self.label}!{column_letters(column)}{row}"


def column_letters(column: int) -> str:
    """`A` for 1, `Z` for 26, `AA` for 27: a column as spreadsheets name it."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(slots=True)
class SheetRead:
    """What reading a file gave: the sheet (None if it could not be read), its problems,
    and notes on what was chosen (which sheet, what was skipped)."""

    sheet: Sheet | None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_sheet(path: Path, display: str, sheet_name: str | None = None) -> SheetRead:
    """The table in the file at `path`: a workbook's sheet (`sheet_name`, else the first
    visible one) or the CSV text."""
    try:  # never more than the limit and one byte, whatever `stat` says (see read_limited)
        data = read_limited(path)[0]
    except (NotAFile, TooLarge, OSError) as error:
        return _unread(display, *unread_reason(path, error, "split the sheet into smaller ones"))
    if data.startswith(_ZIP_MAGIC):
        return read_workbook(data, display, sheet_name)
    if data.startswith(_OLE2_MAGIC):
        return _unread(
            display,
            "not-a-sheet",
            "the file is an Excel 97-2003 workbook (.xls) or one protected by a password; "
            "save it as XLSX (without the password) and import that",
        )
    if path.suffix.lower() in (".xlsx", ".xlsm", ".ods", ".xls", ".xlsb"):
        return _unread(
            display,
            "not-a-sheet",
            f"the file is named {path.suffix} but is not a workbook (not a zip of sheets); "
            "save it again from the spreadsheet program, or as CSV",
        )
    if sheet_name is not None:
        raise SheetError(f"--sheet {sheet_name!r}: {display} is a CSV file, which has no sheets")
    return read_csv(data, display)


def _unread(display: str, code: str, message: str) -> SheetRead:
    return SheetRead(None, [Problem(display, 1, 1, "error", code, message)])


# --- CSV ----------------------------------------------------------------------------------


def read_csv(data: bytes, display: str) -> SheetRead:
    """The rows of CSV bytes: UTF-8 (a BOM is dropped), the delimiter sniffed."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return SheetRead(None, [_encoding_problem(data, error, display)])
    text = text.removeprefix("\ufeff")
    sheet = Sheet(display, None)
    dialect = _dialect(text)
    # The csv module refuses fields over 128 KiB; the cell limit is checked later, with
    # its place, so let it read any field the file can hold.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))
    # strict: a quote left open is an error here, not a cell that swallows the file
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    number = 0
    try:
        for number, row in enumerate(reader, 1):
            cells: list[CellValue] = [cell if cell.strip() else None for cell in row]
            if any(cell is not None for cell in cells):
                sheet.rows.append((number, cells))
    except csv.Error as error:
        return SheetRead(
            sheet,
            [
                Problem(
                    display,
                    number + 1,
                    1,
                    "error",
                    "not-a-sheet",
                    f"the CSV cannot be read from here on ({error}); check the quotes in this row",
                )
            ],
        )
    return SheetRead(sheet)


def _dialect(text: str) -> type[csv.Dialect]:
    """Excel's CSV dialect with the delimiter the header row uses most.

    The header tells best: its names rarely hold a comma or semicolon, where a row's
    text often does (csv.Sniffer, which weighs every row alike, guessed `;` for a comma
    file whose titles had semicolons in them).
    """
    header = text.split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in _DELIMITERS}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    if counts[best] == 0 or best == ",":
        return csv.excel

    class Sniffed(csv.excel):
        delimiter = best

    return Sniffed


def _encoding_problem(data: bytes, error: UnicodeDecodeError, display: str) -> Problem:
    """The bad byte's place as a row and column of the sheet (a quoted cell may span lines)."""
    prefix = data[: error.start].decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(prefix, newline=""), _dialect(prefix)))
    row = max(1, len(rows))
    column = len(rows[-1]) if rows else 1
    if prefix.endswith(("\n", "\r")):
        row, column = row + 1, 1
    byte = data[error.start]
    return Problem(
        display,
        row,
        max(1, column),
        "error",
        "encoding",
        f"the file is not UTF-8 (byte 0x{byte:02x} cannot be read); save it as "
        "'CSV UTF-8' (or export it with the UTF-8 encoding)",
    )


# --- workbooks ----------------------------------------------------------------------------


def _zip_problem(data: bytes) -> str | None:
    """Why the bytes are not a workbook's zip safe to open, or None when they are.

    Each member is unpacked (and thrown away) with its real size counted: the sizes a zip
    declares may lie, and calamine would believe them.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > 10_000:
                return f"the zip holds {len(members):,} files, more than any workbook does"
            declared = sum(member.file_size for member in members)
            if declared > MAX_UNPACKED_BYTES:
                return (
                    f"it would unpack to {declared:,} bytes, more than the limit of "
                    f"{MAX_UNPACKED_BYTES:,} (a zip bomb?)"
                )
            unpacked = 0
            for member in members:
                with archive.open(member) as stream:
                    while chunk := stream.read(1 << 20):
                        unpacked += len(chunk)
                        if unpacked > MAX_UNPACKED_BYTES:
                            return "it unpacks to more than it says (a zip bomb?)"
            names = {member.filename for member in members}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as error:
        return f"the zip is damaged ({error})"
    except NotImplementedError as error:  # an unknown compression method
        return f"the zip cannot be unpacked ({error})"
    if "xl/workbook.xml" not in names and "content.xml" not in names:
        return "the zip holds no XLSX or ODS workbook"
    return None


def read_workbook(data: bytes, display: str, sheet_name: str | None) -> SheetRead:
    """A sheet of an XLSX or ODS workbook: `sheet_name`, else the first visible sheet."""
    why = _zip_problem(data)
    if why is not None:
        return _unread(
            display, "not-a-sheet", f"the file is not a workbook that can be read: {why}"
        )
    from python_calamine import CalamineError, CalamineWorkbook  # imported when needed

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        read = _choose_sheet(book, display, sheet_name)
        if read.sheet is None:
            return read
        table = book.get_sheet_by_name(read.sheet.name or "")
        values = table.to_python()
        first_row, first_column = table.start or (0, 0)
        merged = table.merged_cell_ranges or []
    except SheetError:
        raise
    except (CalamineError, ValueError, OSError) as error:  # a damaged part inside the zip
        return _unread(display, "not-a-sheet", f"the workbook cannot be read ({error})")
    sheet = read.sheet
    for offset, raw in enumerate(values):
        cells: list[CellValue] = [None] * first_column
        cells += [_cell_value(value) for value in raw]
        if any(cell is not None for cell in cells):
            sheet.rows.append((first_row + offset + 1, cells))
    sheet.merged = [(a + 1, b + 1, c + 1, d + 1) for (a, b), (c, d) in merged]
    _fill_merged(sheet)
    return read


def _choose_sheet(book: object, display: str, sheet_name: str | None) -> SheetRead:
    metadata: Sequence[object] = getattr(book, "sheets_metadata", [])
    names = [str(getattr(item, "name", "")) for item in metadata]
    visible = [
        str(getattr(item, "name", ""))
        for item in metadata
        if str(getattr(item, "visible", "")).endswith("Visible")
        and str(getattr(item, "typ", "")).endswith("WorkSheet")
    ]
    if sheet_name is not None:
        if sheet_name not in names:
            listed = ", ".join(repr(name) for name in names) or "none"
            raise SheetError(
                f"--sheet {sheet_name!r}: {display} has no such sheet; its sheets: {listed}"
            )
        return SheetRead(Sheet(display, sheet_name))
    if not visible:
        return _unread(
            display, "not-a-sheet", "the workbook has no visible worksheet; name one with --sheet"
        )
    read = SheetRead(Sheet(display, visible[0]))
    if len(names) > 1:
        others = [name for name in names if name != visible[0]]
        hidden = [name for name in others if name not in visible]
        note = f"read sheet {visible[0]!r}; not read: {', '.join(repr(n) for n in others)}"
        if hidden:
            note += f" ({len(hidden)} hidden)"
        read.notes.append(note + "; choose another with --sheet NAME")
    return read


def _cell_value(value: object) -> CellValue:
    if value == "" or value is None:
        return None
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, str | int | float | bool | date | datetime | time | timedelta):
        return value
    return str(value)


def _fill_merged(sheet: Sheet) -> None:
    """Give each row of a merged range the value of its first cell, in its first column.

    A range merged down several rows says the value holds for each of them (one type for
    a group of rows); merged across columns, the value belongs to the first column only.
    """
    if not sheet.merged:
        return
    rows = dict(sheet.rows)
    for top, left, bottom, _ in sheet.merged:
        first = rows.get(top)
        value = first[left - 1] if first is not None and left - 1 < len(first) else None
        if value is None:
            continue
        for number in range(top, bottom + 1):
            cells = rows.get(number)
            if cells is None:
                cells = rows[number] = []
            cells.extend([None] * (left - len(cells)))
            cells[left - 1] = value
    sheet.rows = sorted(rows.items())
