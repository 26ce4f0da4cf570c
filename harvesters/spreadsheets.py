"""Book lists kept as spreadsheets (CSV, XLSX) by school and district libraries → MARC records.

School libraries in Điện Biên keep their registers in Excel, with headings in Vietnamese or
English, sometimes under a title row ("DANH MỤC SÁCH THƯ VIỆN TRƯỜNG …"). The reader

* finds the heading row among the first rows, matching headings through the table in
  :mod:`harvesters.headers`, insensitive to case, diacritics (đ → d) and spacing;
* takes an explicit ``mapping`` (heading → field, or → ``None`` to ignore a column) over the table;
* reports a column it cannot place as a warning naming it, never as a failure; only a sheet with
  no title column is refused (:class:`~mucluc.core.errors.SourceError` naming the columns found);
* turns each row into a pymarc Record (245 $a title, 100/700 $a authors, 260 $a $b $c, 020 $a
  ISBN, 650 $a subject, 852 $a library $h call number $t copies, 001 = the ID column or
  ``<filename>:<row>``) and each bad row into a :class:`RecordProblem` with its row number;
* reads CSV as UTF-8 (with or without BOM), falling back to Windows-1258 (the Vietnamese code page
  Excel uses for "CSV" on Vietnamese Windows) with a warning; the delimiter (``,`` ``;`` tab) is
  sniffed. XLSX is streamed with openpyxl in read-only mode.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import pymarc
from pymarc import Field, Indicators, Subfield

from analyzers.fold import fold as fold_vietnamese
from harvesters.headers import HEADERS
from harvesters.records import RecordProblem, SourceRecord
from mucluc.core.errors import SourceError

log = logging.getLogger(__name__)

SourceItem = SourceRecord | RecordProblem
FIELDS = tuple(HEADERS)
HEADER_SCAN_ROWS = 15  # title rows above the headings seldom exceed a few lines

_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_LANGUAGES = {
    "vie": ("tieng viet", "viet", "vietnamese", "vie", "vi"),
    "eng": ("tieng anh", "anh", "english", "eng", "en"),
    "fre": ("tieng phap", "phap", "french", "fre", "fra", "fr"),
}


def fold(text: str) -> str:
    """Heading key: lower case, no diacritics, đ → d, punctuation and runs of spaces → one space."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold_vietnamese(text)).split())


def _key(heading: str) -> str:
    # Spacing-insensitive: "N.X.B", "NXB" and "N X B" are one heading.
    return fold(heading).replace(" ", "")


#: folded heading → (field, rank); a lower rank is the more specific heading of its field.
_KNOWN: dict[str, tuple[str, int]] = {
    _key(heading): (name, rank)
    for name, headings in HEADERS.items()
    for rank, heading in enumerate(headings)
}


def match_header(heading: str) -> str | None:
    """The field a heading means, or None."""
    found = _KNOWN.get(_key(heading))
    return found[0] if found else None


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

    def records(self) -> Iterator[SourceItem]:
        """One SourceRecord per row with a title; a RecordProblem per bad row; blanks skipped."""
        for number, cells in self._rows:
            values = {name: _cell_text(cells[i]) if i < len(cells) else ""
                      for name, i in self.columns.items()}
            if not any(_cell_text(c) for c in cells):
                continue
            yield self._row_item(number, values, cells)

    def _row_item(self, number: int, values: dict[str, str], cells: list[Any]) -> SourceItem:
        local_id = values.get("id") or f"{self.path.name}:{number}"
        if not values.get("title"):
            return RecordProblem(self.source, f"row {number}: no title", record_id=local_id,
                                 offset=number, library=self.library)
        year_cell = cells[self.columns["year"]] if "year" in self.columns and \
            self.columns["year"] < len(cells) else None
        try:
            record = self._record(local_id, values, year_cell)
        except ValueError as exc:
            return RecordProblem(self.source, f"row {number}: {exc}", record_id=local_id,
                                 offset=number, library=self.library)
        return SourceRecord(self.library, self.source, local_id, record, offset=number)

    def _record(self, local_id: str, v: dict[str, str], year_cell: Any) -> pymarc.Record:
        record = pymarc.Record(force_utf8=True, leader="     nam a22     uu 4500")
        record.add_field(Field(tag="001", data=local_id))
        year = _year(year_cell, v.get("year", ""))
        language = _language(v.get("language", "")) or self.language
        record.add_field(Field(tag="008", data=_field_008(year, language)))
        isbn = re.sub(r"[\s-]", "", v.get("isbn", "")).upper()
        if isbn:
            valid = re.fullmatch(r"\d{9}[\dX]|\d{13}", isbn) is not None
            record.add_field(_df("020", [("a" if valid else "z", isbn)]))
        authors = [a.strip() for a in re.split(r"[;\n]", v.get("author", "")) if a.strip()]
        if authors:
            record.add_field(_df("100", [("a", authors[0])], ("1", " ")))
        record.add_field(_df("245", [("a", v["title"])], ("1" if authors else "0", "0")))
        imprint = [(c, v[k]) for c, k in (("a", "place"), ("b", "publisher")) if v.get(k)]
        if year or v.get("year"):
            imprint.append(("c", year or v["year"]))
        if imprint:
            record.add_field(_df("260", imprint))
        if v.get("pages"):
            record.add_field(_df("300", [("a", v["pages"])]))
        if v.get("note"):
            record.add_field(_df("500", [("a", v["note"])]))
        if v.get("language") and not _language(v["language"]):
            record.add_field(_df("546", [("a", v["language"])]))
        if v.get("price"):
            record.add_field(_df("541", [("h", v["price"])]))
        for subject in (s.strip() for s in re.split(r"[;\n]", v.get("subject", ""))):
            if subject:
                record.add_field(_df("650", [("a", subject)], (" ", "4")))
        for author in authors[1:]:
            record.add_field(_df("700", [("a", author)], ("1", " ")))
        holding = [("a", self.library)] if self.library else []
        if v.get("call_number"):
            holding.append(("h", v["call_number"]))
        if v.get("copies"):
            copies = v["copies"].replace(" ", "")
            if not copies.isdigit():
                raise ValueError(f"copies {v['copies']!r} is not a whole number")
            holding.append(("t", str(int(copies))))
        if holding:
            record.add_field(_df("852", holding))
        return record


def _df(tag: str, subfields: Iterable[tuple[str, str]], ind: tuple[str, str] = (" ", " ")
        ) -> Field:
    return Field(tag=tag, indicators=Indicators(*ind),
                 subfields=[Subfield(code, value) for code, value in subfields])


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores ISBNs, years and counts as floats
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return " ".join(str(value).split())


def _year(cell: Any, text: str) -> str:
    if isinstance(cell, datetime | date):
        return str(cell.year)
    match = _YEAR.search(text)
    return match.group(1) if match else ""


def _language(text: str) -> str:
    folded = fold(text)
    return next((code for code, names in _LANGUAGES.items() if folded in names), "")


def _field_008(year: str, language: str) -> str:
    # Books 008: date type s + Date 1, country "vm " (Vietnam), language at 35-37.
    data = " " * 6 + ("s" + year if year else "n    ") + "    " + "vm " + " " * 17
    return data + language.ljust(3)[:3] + " d"


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


def _xlsx_rows(path: Path, source: str, sheet: str | None) -> tuple[Iterator[tuple[int, list[Any]]],
                                                                    Any]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise SourceError(f"{source}: cannot open as XLSX: {exc}", source=source) from exc
    try:
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    except KeyError as exc:
        workbook.close()
        raise SourceError(f"{source}: no sheet named {sheet!r} (sheets: "
                          f"{', '.join(workbook.sheetnames)})", source=source) from exc
    rows = ((n, list(r)) for n, r in enumerate(worksheet.iter_rows(values_only=True), start=1))
    return rows, workbook.close


def _place_columns(headings: list[str], mapping: Mapping[str, str | None]
                   ) -> tuple[dict[str, int], list[str]]:
    override = {_key(k): v for k, v in mapping.items()}
    best: dict[str, tuple[int, int]] = {}  # field → (rank, column)
    unplaced: list[str] = []
    for column, heading in enumerate(headings):
        if not heading:
            continue
        key = _key(heading)
        if key in override:
            target = override[key]
            if target is None:
                continue
            if target not in FIELDS:
                raise SourceError(f"mapping names unknown field {target!r} for column "
                                  f"{heading!r} (fields: {', '.join(FIELDS)})")
            rank = -1
        elif key in _KNOWN:
            target, rank = _KNOWN[key]
        else:
            unplaced.append(heading)
            continue
        if target not in best or rank < best[target][0]:
            if target in best:
                unplaced.append(headings[best[target][1]])
            best[target] = (rank, column)
        else:
            unplaced.append(heading)
    return {name: column for name, (_rank, column) in best.items()}, unplaced


def open_spreadsheet(
    path: Path | str,
    *,
    library: str,
    fmt: str = "auto",
    mapping: Mapping[str, str | None] | None = None,
    sheet: str | None = None,
    language: str = "vie",
) -> Spreadsheet:
    """Open a CSV or XLSX book list and place its columns; read rows with ``.records()``.

    ``mapping`` maps a heading as written in the file to a field of
    :data:`harvesters.headers.HEADERS` (or to None to ignore the column); it wins over the table.
    ``language`` is the MARC language code for rows without a language column.
    """
    path = Path(path)
    source = str(path)
    if fmt == "auto":
        fmt = "xlsx" if path.suffix.lower() in {".xlsx", ".xlsm"} else "csv"
    warnings: list[str] = []
    close = None
    if fmt == "csv":
        try:
            rows: Iterator[tuple[int, list[Any]]] = _csv_rows(path, source, warnings)
            first = [next(rows, None) for _ in range(HEADER_SCAN_ROWS)]
        except OSError as exc:
            raise SourceError(f"{source}: cannot read: {exc}", source=source,
                              library=library) from exc
    elif fmt == "xlsx":
        rows, close = _xlsx_rows(path, source, sheet)
        first = [next(rows, None) for _ in range(HEADER_SCAN_ROWS)]
    else:
        raise SourceError(f"{source}: {fmt!r} is not a spreadsheet format", source=source)
    scanned = [row for row in first if row is not None]
    mapping = mapping or {}
    chosen: tuple[int, list[str], dict[str, int], list[str]] | None = None
    fallback: list[str] = []
    for index, (_number, cells) in enumerate(scanned):
        headings = [_cell_text(c) for c in cells]
        if not any(headings):
            continue
        named = [h for h in headings if h]
        if len(named) > len(fallback):  # the widest row is the likeliest heading row
            fallback = named
        columns, unplaced = _place_columns(headings, mapping)
        if "title" in columns and len(columns) >= (1 if mapping else 2):
            chosen = (index, headings, columns, unplaced)
            break
    if chosen is None:
        if close:
            close()
        raise SourceError(
            f"{source}: no title column found; columns found: "
            f"{', '.join(repr(h) for h in fallback) or '(none)'}",
            source=source, library=library,
            hint="name the title column with a mapping, e.g. {'<heading>': 'title'}",
        )
    index, headings, columns, unplaced = chosen
    for heading in unplaced:
        warnings.append(f"{source}: column {heading!r} was not recognised and is ignored")
    for message in warnings:
        log.warning("%s", message)
    remaining = scanned[index + 1:]
    return Spreadsheet(
        path=path, library=library, source=source, headings=headings,
        header_row=scanned[index][0], columns=columns, warnings=warnings, language=language,
        _rows=_chain(remaining, rows), _close=close,
    )


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
    """Records of a spreadsheet, streamed. Column warnings are logged and, if a list is given,
    appended to ``warnings`` so a run report can show them."""
    with open_spreadsheet(path, library=library, fmt=fmt, mapping=mapping, sheet=sheet) as opened:
        if warnings is not None:
            warnings.extend(opened.warnings)
        yield from opened.records()
