"""School-library book lists (CSV, XLSX) with Vietnamese or English headings → MARC records."""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from harvesters.records import Notice, RecordProblem, SourceRecord
from harvesters.spreadsheet_headings import fold, match_header
from harvesters.spreadsheets import open_spreadsheet, read_spreadsheet
from mucluc.core.errors import SourceError

HEADINGS = ["STT", "Tên sách", "Tác giả", "NXB", "Năm XB", "ISBN", "SL", "Ký hiệu xếp giá",
            "Môn loại", "Người nhập"]
ROWS = [
    [1, "Dế Mèn phiêu lưu ký", "Tô Hoài", "Kim Đồng", 2019, 9786042088837, 5, "V23 TH",
     "Văn học"],
    [2, "Truyện Kiều", "Nguyễn Du", "Văn học", "2015", "978-604-69-1234-5", 2, "V1 ND",
     "Văn học; Thơ"],
    [3, "", "Không tên", "", "", "", 1, "", ""],  # a bad row: no title
    [None, None, None, None, None, None, None, None, None],  # blank row: skipped
    [4, "Lịch sử Điện Biên Phủ", "Võ Nguyên Giáp; Hữu Mai", "Quân đội nhân dân", "1994",
     "", "", "", "Lịch sử"],
]


def write_xlsx(path: Path, headings: list[str], rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Sổ đăng ký"
    sheet.append(["DANH MỤC SÁCH THƯ VIỆN TRƯỜNG THCS MƯỜNG PHĂNG"])
    sheet.append(["Năm học 2025-2026"])
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letter (ê, ơ…) + combining tone."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        base, *marks = unicodedata.normalize("NFD", char)
        candidates = [char, base + "".join(marks)] + [
            unicodedata.normalize("NFC", base + mark) + "".join(marks[:i] + marks[i + 1:])
            for i, mark in enumerate(marks)
        ]
        for candidate in candidates:
            try:
                out += candidate.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            raise ValueError(f"{char!r} has no Windows-1258 form")
    return bytes(out)


def write_csv(path: Path, headings: list[str], rows: list[list[object]], *, delimiter: str,
              encoding: str) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headings)
    writer.writerows(rows)
    text = buffer.getvalue()
    path.write_bytes(cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Tên sách", "title"), ("TÊN SÁCH", "title"), ("ten  sach", "title"),
        ("Nhan đề", "title"), ("Title", "title"), ("Tác giả", "author"), ("tac gia", "author"),
        ("Nhà xuất bản", "publisher"), ("N.X.B", "publisher"), ("Năm XB", "year"),
        ("Năm xuất bản", "year"), ("ISBN", "isbn"), ("Số lượng", "copies"), ("SL", "copies"),
        ("Ký hiệu xếp giá", "call_number"), ("Call number", "call_number"),
        ("Môn loại", "subject"), ("Category", "subject"), ("Mã", "id"), ("STT", "row"),
        ("Số ĐKCB", "id"), ("SỐ ĐKCB", "id"), ("so dkcb", "id"), ("Mã vạch", "id"),
        ("Barcode", "id"), ("Số đăng ký cá biệt", "id"), ("TT", "row"), ("Số TT", "row"),
        ("Số\u00a0ĐKCB ", "id"), ("Người nhập", None),
    ],
    ids=lambda v: str(v),
)
def test_heading_matching(heading, field):
    assert match_header(heading) == field


def test_fold_handles_d_with_stroke():
    assert fold("  Đường   Điện-Biên ") == "duong dien bien"


def check_records(items: list[SourceRecord | RecordProblem], name: str) -> None:
    records = [i for i in items if isinstance(i, SourceRecord)]
    problems = [i for i in items if isinstance(i, RecordProblem)]
    # STT is a row number, never an id: without an accession column the id is the book's own.
    assert [r.local_id[:5] for r in records] == ["book-"] * 3
    assert len({r.local_id for r in records}) == 3
    assert len(problems) == 1 and problems[0].reason.endswith("no title")
    de_men = records[0].record
    assert de_men["245"]["a"] == "Dế Mèn phiêu lưu ký"
    assert de_men["100"]["a"] == "Tô Hoài"
    assert de_men["260"]["b"] == "Kim Đồng" and de_men["260"]["c"] == "2019"
    assert de_men["020"]["a"] == "9786042088837"
    assert de_men["650"]["a"] == "Văn học"
    # 5 copies: one 852 per item, $t its copy number (852 $t is never a count)
    assert [f.get_subfields("a", "h", "t") for f in de_men.get_fields("852")] == [
        ["TH-MP", "V23 TH", str(n)] for n in range(1, 6)]
    assert de_men["008"].data[7:11] == "2019" and de_men["008"].data[35:38] == "vie"
    kieu = records[1].record
    assert kieu["020"]["a"] == "9786046912345"
    assert [f["a"] for f in kieu.get_fields("650")] == ["Văn học", "Thơ"]
    dbp = records[2].record
    assert dbp["100"]["a"] == "Võ Nguyên Giáp" and dbp["700"]["a"] == "Hữu Mai"
    assert all(r.library == "TH-MP" for r in records)


def test_xlsx_with_title_rows_and_vietnamese_headings(tmp_path):
    path = write_xlsx(tmp_path / "sach-thcs.xlsx", HEADINGS, ROWS)
    warnings: list[str] = []
    items = list(read_spreadsheet(path, library="TH-MP", warnings=warnings))
    check_records(items, path.name)
    assert warnings == [f"{path}, sheet 'Sổ đăng ký': column 'Người nhập' was not recognised "
                        "and is ignored"]
    problem = next(i for i in items if isinstance(i, RecordProblem))
    assert problem.offset == 6  # spreadsheet row number: 2 title rows, headings, rows 4, 5, 6


@pytest.mark.parametrize(
    ("delimiter", "encoding", "warned"),
    [
        pytest.param(",", "utf-8", False, id="comma-utf8"),
        pytest.param(";", "utf-8-sig", False, id="semicolon-utf8-bom"),
        pytest.param("\t", "utf-8", False, id="tab-utf8"),
        pytest.param(";", "cp1258", True, id="semicolon-windows-1258"),
    ],
)
def test_csv_encodings_and_delimiters(tmp_path, delimiter, encoding, warned):
    path = write_csv(tmp_path / "sach.csv", HEADINGS, ROWS, delimiter=delimiter,
                     encoding=encoding)
    with open_spreadsheet(path, library="TH-MP") as sheet:
        items = list(sheet.records())
        assert any("Windows-1258" in w for w in sheet.warnings) == warned
        assert sheet.header_row == 1
    check_records(items, path.name)


def test_rows_without_id_column_get_an_id_from_the_book(tmp_path):
    rows = [["Cánh đồng bất tận", "Nguyễn Ngọc Tư", "2005"], ["Tắt đèn", "Ngô Tất Tố", "1939"]]
    first = write_csv(tmp_path / "list.csv", ["Title", "Author", "Year"], rows, delimiter=",",
                      encoding="utf-8")
    again = write_csv(tmp_path / "other.csv", ["Tên sách", "Tác giả", "Năm XB"], rows[::-1],
                      delimiter=";", encoding="utf-8")
    ids = [i.local_id for i in read_spreadsheet(first, library="HUYEN-DB")]
    reordered = [i.local_id for i in read_spreadsheet(again, library="HUYEN-DB")]
    assert ids == reordered[::-1] and len(set(ids)) == 2
    (item, _) = read_spreadsheet(first, library="HUYEN-DB")
    assert item.record["001"].data == item.local_id


def test_explicit_mapping_places_unknown_columns(tmp_path):
    path = write_xlsx(tmp_path / "la.xlsx", ["Số", "Tên cuốn", "Người viết", "Ghi chép"],
                      [[7, "Tắt đèn", "Ngô Tất Tố", "sách cũ"]])
    mapping = {"Tên cuốn": "title", "Người viết": "author", "Số": "id", "Ghi chép": None}
    with open_spreadsheet(path, library="TH-X", mapping=mapping) as sheet:
        (item,) = list(sheet.records())
        assert sheet.warnings == []
    assert item.local_id == "7"
    assert item.record["245"]["a"] == "Tắt đèn" and item.record["100"]["a"] == "Ngô Tất Tố"


def test_missing_title_column_names_the_columns_found(tmp_path):
    path = write_xlsx(tmp_path / "no-title.xlsx", ["STT", "Tác giả", "Cuốn"], [[1, "A", "B"]])
    with pytest.raises(SourceError, match=r"no title column found; columns found: .*'Cuốn'"):
        read_spreadsheet(path, library="TH-X").__next__()


def test_unreadable_copies_is_a_warning_not_a_lost_book(tmp_path):
    path = write_csv(tmp_path / "c.csv", ["Tên sách", "SL"],
                     [["Sách A", "hai"], ["Sách B", "3"]], delimiter=",", encoding="utf-8")
    items = list(read_spreadsheet(path, library="TH-X"))
    assert isinstance(items[0], Notice) and "copies 'hai'" in items[0].message
    assert (items[0].offset, items[0].field) == (2, "copies")
    assert isinstance(items[1], SourceRecord)
    assert [f["t"] for f in items[1].record.get_fields("852")] == ["1"]
    assert isinstance(items[2], SourceRecord)
    assert [f["t"] for f in items[2].record.get_fields("852")] == ["1", "2", "3"]
