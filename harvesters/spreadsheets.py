"""Book lists kept as spreadsheets (CSV, XLSX) by school and district libraries → MARC records.

School libraries in Điện Biên keep their registers in Excel, with headings in Vietnamese or
English, sometimes under a title row ("DANH MỤC SÁCH THƯ VIỆN TRƯỜNG …"). The reader

* finds the heading row among the first rows, matching headings through the table in
  :mod:`harvesters.headers`, insensitive to case, diacritics (đ → d) and spacing
  (:mod:`harvesters.spreadsheet_headings`);
* takes an explicit ``mapping`` (heading → field, or → ``None`` to ignore a column) over the table;
* reports a column it cannot place as a warning naming it, never as a failure; only a sheet with
  no title column is refused (:class:`~mucluc.core.errors.SourceError` naming the columns found);
* turns each row into a pymarc Record (245 $a title $n volume, 100/700 $a authors, 260 $a $b $c,
  020 $a ISBN, 650 $a subject, 852 $a library $h call number $t copies) and each bad row into a
  :class:`RecordProblem` with its row number (the mapping is :mod:`harvesters.spreadsheet_marc`);
* takes the record id (001) from the accession-number column (``Số ĐKCB``, ``Mã sách``…), never
  from a row number (``STT``): without one, the id is derived from the book itself
  (:func:`~harvesters.spreadsheet_marc.content_id`), so re-ordering rows or loading a second
  list changes nothing;
* reads cells forgivingly (``3.0``, ``2 cuốn``, ``[2019]``, ``c2019``, Excel dates, ISBNs stored
  as numbers) and says what it did in a :class:`Notice` yielded before the row's record; an
  ISBN whose digits Excel lost (``9.78604E+12``) is dropped, never invented;
* reads every sheet of a workbook that has a heading row; a sheet without one is a notice;
* reads CSV as UTF-8 (with or without BOM), falling back to Windows-1258 (the Vietnamese code page
  Excel uses for "CSV" on Vietnamese Windows) with a warning; the delimiter (``,`` ``;`` tab) is
  sniffed. XLSX is streamed with openpyxl in read-only mode.
"""

from __future__ import annotations

import csv
import io
import logging
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from harvesters.cells import cell_text
from harvesters.records import Notice, RecordProblem, SourceRecord
from harvesters.spreadsheet_headings import HEADER_SCAN_ROWS, find_heading_row, match_header
from harvesters.spreadsheet_marc import content_id, row_record
from mucluc.core.errors import SourceError

log = logging.getLogger(__name__)

SourceItem = SourceRecord | RecordProblem | Notice


@dataclass
class Spreadsheet:
    """An opened sheet: which column holds which field, the warnings, and its records."""

    path: Path
    library: str
    source: str
    headings: list[str]
    header_row: int  # 1-based row number of the headings
    columns: dict[str, int]  # field → 0-based column index
    warnings: list[str] = field(default_factory=list)
    language: str = "vie"
    sheet: str = ""
    _rows: Iterator[tuple[int, list[Any]]] = field(default=iter(()), repr=False)
    _close: Any = field(default=None, repr=False)

    def __enter__(self) -> Spreadsheet:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._close is not None:
            self._close()
            self._close = None

    def records(self) -> Iterator[SourceRecord | RecordProblem]:
        """One SourceRecord per row with a title; a RecordProblem per bad row; blanks skipped."""
        for item in self.items():
            if not isinstance(item, Notice):
                yield item

    def items(self) -> Iterator[SourceItem]:
        """Records and problems, each preceded by the notices of what was done to its cells."""
        for number, cells in self._rows:
            if not any(cell_text(c) for c in cells):
                continue
            values = {name: cell_text(cells[i]) if i < len(cells) else ""
                      for name, i in self.columns.items()}
            raw = {name: cells[i] if i < len(cells) else None for name, i in self.columns.items()}
            yield from self._row_items(number, values, raw)

    def _where(self, number: int) -> str:
        return f"sheet {self.sheet!r}, row {number}" if self.sheet else f"row {number}"

    def _row_items(self, number: int, values: dict[str, str], raw: dict[str, Any]
                   ) -> Iterator[SourceItem]:
        local_id = values.get("id", "")
        if not values.get("title"):
            yield RecordProblem(self.source, f"{self._where(number)}: no title",
                                record_id=local_id, offset=number, library=self.library)
            return
        local_id = local_id or content_id(values)
        notes: list[tuple[str, str]] = []  # (field, what was done)
        try:
            record = row_record(local_id, values, raw, notes, library=self.library,
                                language=self.language, has_copies="copies" in self.columns)
        except ValueError as exc:
            yield RecordProblem(self.source, f"{self._where(number)}: {exc}", record_id=local_id,
                                offset=number, library=self.library)
            return
        for name, message in notes:
            yield Notice(self.source, message, record_id=local_id, offset=number, field=name,
                         library=self.library)
        yield SourceRecord(self.library, self.source, local_id, record, offset=number)

def _decode_csv(data: bytes, source: str, warnings: list[str]) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        warnings.append(f"{source}: not UTF-8; read as Windows-1258 (Vietnamese), check accents")
        # cp1258 keeps tone marks as combining characters: compose them as Unicode text would be.
        return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))


def _delimiter(sample: str) -> str | type[csv.Dialect] | csv.Dialect:
    """The delimiter under which the first rows hold the most known headings.

    csv.Sniffer alone guesses wrong on short school lists whose cells contain commas or
    semicolons ("Võ Nguyên Giáp; Hữu Mai"); the headings are the reliable signal.
    """
    best, best_score = ",", 0
    for candidate in (",", ";", "\t"):
        rows = list(csv.reader(io.StringIO(sample), delimiter=candidate))[:HEADER_SCAN_ROWS]
        score = max((sum(1 for c in row if match_header(c)) for row in rows), default=0)
        if score > best_score:
            best, best_score = candidate, score
    if best_score:
        return best
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return ","


def _csv_rows(path: Path, source: str, warnings: list[str]) -> Iterator[tuple[int, list[Any]]]:
    text = _decode_csv(path.read_bytes(), source, warnings)
    delimiter = _delimiter(text[:16384])
    reader = (csv.reader(io.StringIO(text), delimiter=delimiter) if isinstance(delimiter, str)
              else csv.reader(io.StringIO(text), delimiter))
    for number, row in enumerate(reader, start=1):
        yield number, list(row)


class _Workbook:
    """An XLSX workbook opened read-only; every failure to open it is a SourceError with advice."""

    def __init__(self, path: Path, source: str) -> None:
        import openpyxl

        head = path.read_bytes()[:8] if path.is_file() else b""
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise SourceError(f"{source}: an old Excel 97-2003 workbook (.xls) cannot be read",
                              source=source, hint="save it as .xlsx or CSV in Excel")
        if not head:
            raise SourceError(f"{source}: the file is empty", source=source,
                              hint="save it again as .xlsx or CSV")
        try:
            self.book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # zipfile, XML and openpyxl errors alike
            raise SourceError(f"{source}: cannot open as an Excel workbook "
                              f"({type(exc).__name__})", source=source,
                              hint="save it as .xlsx or CSV") from exc

    def sheets(self, only: str | None) -> list[tuple[str, Iterator[tuple[int, list[Any]]]]]:
        if only is not None and only not in self.book.sheetnames:
            names = ", ".join(self.book.sheetnames)
            self.book.close()
            raise SourceError(f"no sheet named {only!r} (sheets: {names})", source=only)
        return [(ws.title, ((n, list(r)) for n, r in
                            enumerate(ws.iter_rows(values_only=True), start=1)))
                for ws in self.book.worksheets if only is None or ws.title == only]

    def close(self) -> None:
        self.book.close()



def _open_sheet(path: Path, source: str, library: str, sheet: str, language: str,
                rows: Iterator[tuple[int, list[Any]]], mapping: Mapping[str, str | None],
                warnings: list[str]) -> tuple[Spreadsheet | None, list[str]]:
    first = [next(rows, None) for _ in range(HEADER_SCAN_ROWS)]
    scanned = [row for row in first if row is not None]
    chosen, fallback = find_heading_row(scanned, mapping)
    if chosen is None:
        return None, fallback
    index, headings, columns, unplaced = chosen
    where = f"{source}, sheet {sheet!r}" if sheet else source
    for heading in unplaced:
        warnings.append(f"{where}: column {heading!r} was not recognised and is ignored")
    for message in warnings:
        log.warning("%s", message)
    return Spreadsheet(
        path=path, library=library, source=source, headings=headings,
        header_row=scanned[index][0], columns=columns, warnings=warnings, language=language,
        sheet=sheet, _rows=_chain(scanned[index + 1:], rows),
    ), fallback


def _no_title(source: str, library: str, found: list[str]) -> SourceError:
    return SourceError(
        f"{source}: no title column found; columns found: "
        f"{', '.join(repr(h) for h in found) or '(none)'}",
        source=source, library=library,
        hint="name the title column with a mapping, e.g. {'<heading>': 'title'}",
    )


def open_spreadsheet(
    path: Path | str,
    *,
    library: str,
    fmt: str = "auto",
    mapping: Mapping[str, str | None] | None = None,
    sheet: str | None = None,
    language: str = "vie",
) -> Spreadsheet:
    """Open one sheet of a CSV or XLSX book list (``sheet``, else the first with headings) and
    place its columns; read rows with ``.records()``. :func:`read_spreadsheet` reads every sheet.

    ``mapping`` maps a heading as written in the file to a field of
    :data:`harvesters.headers.HEADERS` (or to None to ignore the column); it wins over the table.
    ``language`` is the MARC language code for rows without a language column.
    """
    for opened in _sheets(Path(path), library=library, fmt=fmt, mapping=mapping or {},
                          sheet=sheet, language=language):
        if isinstance(opened, Spreadsheet):
            return opened
    raise AssertionError("unreachable: _sheets raises when no sheet has headings")


def _sheets(path: Path, *, library: str, fmt: str, mapping: Mapping[str, str | None],
            sheet: str | None, language: str) -> Iterator[Spreadsheet | Notice]:
    """Every sheet with headings, opened; a Notice for each sheet without. SourceError when the
    file cannot be read or no sheet has headings."""
    source = str(path)
    if fmt == "auto":
        fmt = "xlsx" if path.suffix.lower() in {".xlsx", ".xlsm", ".xls"} else "csv"
    if fmt == "csv":
        warnings: list[str] = []
        try:
            rows = _csv_rows(path, source, warnings)
            opened, found = _open_sheet(path, source, library, "", language, rows, mapping,
                                        warnings)
        except OSError as exc:
            raise SourceError(f"{source}: cannot read: {exc.strerror}", source=source,
                              library=library) from exc
        if opened is None:
            raise _no_title(source, library, found)
        yield opened
        return
    if fmt != "xlsx":
        raise SourceError(f"{source}: {fmt!r} is not a spreadsheet format", source=source)
    workbook = _Workbook(path, source)
    try:
        # Every sheet's heading row is found first, so a workbook with none fails before any
        # notice is yielded.
        opened_sheets = [(name, *_open_sheet(path, source, library, name, language, rows,
                                             mapping, []))
                         for name, rows in workbook.sheets(sheet)]
        if not any(opened for _name, opened, _found in opened_sheets):
            raise _no_title(source, library, [h for _n, _o, found in opened_sheets
                                              for h in found])
        for name, opened, found in opened_sheets:
            if opened is not None:
                yield opened
                continue
            reason = ("it is empty" if not found else "no heading row with a title column "
                      f"(columns found: {', '.join(repr(h) for h in found[:8])})")
            yield Notice(source, f"sheet {name!r} skipped: {reason}", kind="sheet-skipped",
                         field=name, library=library,
                         hint="" if not found else "name the title column, e.g. 'Tên sách'")
    finally:
        workbook.close()


def _chain(head: list[tuple[int, list[Any]]], tail: Iterator[tuple[int, list[Any]]]
           ) -> Iterator[tuple[int, list[Any]]]:
    yield from head
    yield from tail


def read_spreadsheet(
    path: Path | str,
    *,
    library: str,
    fmt: str = "auto",
    mapping: Mapping[str, str | None] | None = None,
    sheet: str | None = None,
    warnings: list[str] | None = None,
) -> Iterator[SourceItem]:
    """Records of every sheet of a spreadsheet, streamed, with notices: the columns not
    recognised, each sheet read or skipped, what was done to cells. Column warnings are also
    appended to ``warnings`` (as text) if a list is given."""
    for opened in _sheets(Path(path), library=library, fmt=fmt, mapping=mapping or {},
                          sheet=sheet, language="vie"):
        if isinstance(opened, Notice):
            yield opened
            continue
        with opened:
            if warnings is not None:
                warnings.extend(opened.warnings)
            for message in opened.warnings:
                heading = message.rpartition("column ")[2].split(" was not")[0].strip("'")
                yield Notice(opened.source, message.split(": ", 1)[-1], field=heading,
                             library=library, hint="add it to a mapping if it matters")
            if opened.sheet:
                yield Notice(opened.source, f"sheet {opened.sheet!r} read (headings on row "
                             f"{opened.header_row})", kind="sheet-read", field=opened.sheet,
                             library=library)
            yield from opened.items()
