"""The statistics' tables: one model, rendered as an HTML table, CSV and XLSX.

Each table is built once from the statistics' JSON (:mod:`searchapi.console.stats`) by a
function of ``TABLES``: its title, column headers and rows of plain values. The page shows it
under its chart, ``/console/stats/<name>.csv`` and ``.xlsx`` download the same rows, so what a
librarian reads on screen and what they download never disagree. Headers are Vietnamese or
English (``lang``); numbers stay numbers in XLSX and shares stay fractions (formatted as %).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

KIND_NAMES = {
    "vi": {"provincial": "Thư viện tỉnh", "district": "Thư viện huyện",
           "school": "Thư viện trường"},
    "en": {"provincial": "Provincial", "district": "District", "school": "School"},
}  # fmt: skip
HEADERS = {
    "vi": {
        "library": "Thư viện", "code": "Mã", "kind": "Loại", "titles": "Số tên sách",
        "records": "Số biểu ghi", "copies": "Số bản", "isbn": "Có ISBN",
        "subject": "Có chủ đề", "call_number": "Có ký hiệu xếp giá", "month": "Tháng",
        "new_records": "Biểu ghi mới", "cumulative": "Luỹ kế", "day": "Ngày",
        "searches": "Lượt tìm", "site": "Trang web (thư viện)", "query": "Câu tìm",
        "count": "Số lần", "title": "Nhan đề", "subject_name": "Chủ đề",
    },
    "en": {
        "library": "Library", "code": "Code", "kind": "Kind", "titles": "Titles",
        "records": "Records", "copies": "Copies", "isbn": "With ISBN",
        "subject": "With subject", "call_number": "With call number", "month": "Month",
        "new_records": "New records", "cumulative": "Cumulative", "day": "Day",
        "searches": "Searches", "site": "Website (library)", "query": "Query",
        "count": "Count", "title": "Title", "subject_name": "Subject",
    },
}  # fmt: skip
TITLES = {
    "vi": {
        "holdings": "Vốn tài liệu theo thư viện", "kinds": "Vốn tài liệu theo loại thư viện",
        "quality": "Chất lượng biểu ghi theo thư viện", "growth": "Tăng trưởng theo tháng",
        "searches": "Lượt tìm theo ngày", "sites": "Lượt tìm theo trang web thư viện",
        "zero-results": "Câu tìm không có kết quả (gợi ý bổ sung)",
        "top-queries": "Câu tìm nhiều nhất", "top-titles": "Sách được tìm đến nhiều nhất",
        "top-subjects": "Chủ đề được lọc nhiều nhất",
    },
    "en": {
        "holdings": "Holdings by library", "kinds": "Holdings by kind of library",
        "quality": "Record quality by library", "growth": "Growth by month",
        "searches": "Searches by day", "sites": "Searches by library website",
        "zero-results": "Queries that found nothing (acquisition hints)",
        "top-queries": "Most frequent queries", "top-titles": "Books searches led to most",
        "top-subjects": "Subjects filtered most",
    },
}  # fmt: skip
SHARE_COLUMNS = {"isbn", "subject", "call_number"}


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[str, ...]  # column keys (HEADERS); the shares' keys format as %
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


Builder = Callable[[Mapping[str, Any], str], tuple[tuple[str, ...], list[tuple[Any, ...]]]]


def _holdings(data: Mapping[str, Any], lang: str) -> tuple[tuple[str, ...], list[tuple]]:
    rows = [(row["name"], row["code"], KIND_NAMES[lang].get(row["kind"], row["kind"]),
             row["titles"], row["records"], row["copies"])
            for row in data["holdings"]["libraries"]]  # fmt: skip
    return ("library", "code", "kind", "titles", "records", "copies"), rows


def _kinds(data: Mapping[str, Any], lang: str) -> tuple[tuple[str, ...], list[tuple]]:
    rows = [(KIND_NAMES[lang].get(row["kind"], row["kind"]), row["titles"], row["records"],
             row["copies"]) for row in data["holdings"]["kinds"]]  # fmt: skip
    return ("kind", "titles", "records", "copies"), rows


def _quality(data: Mapping[str, Any], lang: str) -> tuple[tuple[str, ...], list[tuple]]:
    rows = [(row["name"], row["records"], row["isbn_share"], row["subject_share"],
             row["call_number_share"]) for row in data["holdings"]["libraries"]]  # fmt: skip
    return ("library", "records", "isbn", "subject", "call_number"), rows


def _growth(data: Mapping[str, Any], lang: str) -> tuple[tuple[str, ...], list[tuple]]:
    rows = [(row["month"], row["new_records"], row["cumulative"]) for row in data["growth"]]
    return ("month", "new_records", "cumulative"), rows


def _searches(data: Mapping[str, Any], lang: str) -> tuple[tuple[str, ...], list[tuple]]:
    return ("day", "searches"), [(r["day"], r["searches"]) for r in data["searches"]["days"]]


def _sites(data: Mapping[str, Any], lang: str) -> tuple[tuple[str, ...], list[tuple]]:
    none = "(không có)" if lang == "vi" else "(none)"
    rows = [(r["site"] or none, r["searches"]) for r in data["searches"]["sites"]]
    return ("site", "searches"), rows


def _ranked(key: str, column: str) -> Builder:
    def build(data: Mapping[str, Any], lang: str) -> tuple[tuple[str, ...], list[tuple]]:
        return (column, "count"), [(row["label"], row["count"]) for row in data[key]]

    return build


TABLES: dict[str, Builder] = {
    "holdings": _holdings,
    "kinds": _kinds,
    "quality": _quality,
    "growth": _growth,
    "searches": _searches,
    "sites": _sites,
    "zero-results": _ranked("zero_results", "query"),
    "top-queries": _ranked("top_queries", "query"),
    "top-titles": _ranked("top_titles", "title"),
    "top-subjects": _ranked("top_subjects", "subject_name"),
}


def build(name: str, data: Mapping[str, Any], lang: str) -> Table:
    """The table ``name`` (a key of TABLES) of the statistics ``data``."""
    columns, rows = TABLES[name](data, lang)
    return Table(name, TITLES[lang][name], columns,
                 tuple(HEADERS[lang][c] for c in columns), tuple(rows))


def as_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so a spreadsheet opens the Vietnamese text right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headers)
    writer.writerows(table.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(table: Table) -> bytes:
    """One sheet named after the table; counts as numbers, shares as percentages."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=table.name[:31])
    sheet.append([table.title])
    sheet.append(list(table.headers))
    for row in table.rows:
        cells = []
        for column, value in zip(table.columns, row, strict=True):
            cell = WriteOnlyCell(sheet, value=value)
            if column in SHARE_COLUMNS:
                cell.number_format = "0.0%"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
