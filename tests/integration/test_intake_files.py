"""Issue #20: nothing lost on the way in. Files as school and district libraries really send them
(built here with openpyxl and pymarc), loaded into the real node; the report must account for
every book, and every book that can be read must be stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from opensearchpy import AsyncOpenSearch

from tests.integration.intake_helpers import (
    configure,
    load,
    stored,
    subfield,
    tcvn3_bytes,
    workbook,
)
from tests.marc_builders import book

pytestmark = pytest.mark.engine

HEAD = ["DANH MỤC SÁCH THƯ VIỆN TRƯỜNG"]


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, opensearch_url: str,
           index_prefix: str, request: pytest.FixtureRequest) -> Path:
    name = request.node.name.split("[")[0].replace("test_", "")[:30].replace("_", "-")
    return configure(tmp_path, monkeypatch, opensearch_url, f"{index_prefix}-in-{name}")


def prefix_of(monkeypatch_env: Path) -> str:
    import os

    return os.environ["MUCLUC_INDEX_PREFIX"]


# 1. Record identity -----------------------------------------------------------------------------

async def test_two_workbooks_numbered_from_one_keep_each_others_books(
    tmp_path: Path, config: Path, engine: AsyncOpenSearch
) -> None:
    first = workbook(tmp_path / "lop-6.xlsx", {"Sheet1": [HEAD, ["STT", "Tên sách", "Tác giả"],
                                                         [1, "Dế Mèn phiêu lưu ký", "Tô Hoài"],
                                                         [2, "Truyện Kiều", "Nguyễn Du"]]})
    second = workbook(tmp_path / "lop-7.xlsx", {"Sheet1": [["STT", "Tên sách", "Tác giả"],
                                                          [1, "Tắt đèn", "Ngô Tất Tố"],
                                                          [2, "Số đỏ", "Vũ Trọng Phụng"]]})
    one = await load(config, "THMP", first)
    two = await load(config, "THMP", second)
    assert (one.new, two.new, two.updated) == (2, 2, 0)
    titles = {subfield(d, "245", "a") for d in (await stored(engine, prefix_of(config),
                                                              "THMP")).values()}
    assert titles == {"Dế Mèn phiêu lưu ký", "Truyện Kiều", "Tắt đèn", "Số đỏ"}


async def test_accession_number_is_the_id_and_reload_is_idempotent_and_withdraws(
    tmp_path: Path, config: Path, engine: AsyncOpenSearch
) -> None:
    rows = [["STT", "Số ĐKCB", "Tên sách", "Tác giả", "Năm XB"],
            [1, "MP-0101", "Dế Mèn phiêu lưu ký", "Tô Hoài", 2019],
            [2, "MP-0102", "Truyện Kiều", "Nguyễn Du", 2015],
            [3, "MP-0103", "Tắt đèn", "Ngô Tất Tố", 2010]]
    path = workbook(tmp_path / "so-dkcb.xlsx", {"Sổ ĐKCB": rows})
    first = await load(config, "THNB", path)
    assert first.new == 3 and not [w for w in first.warnings if "STT" in w.message]
    assert set(await stored(engine, prefix_of(config), "THNB")) == {"MP-0101", "MP-0102",
                                                                     "MP-0103"}
    again = await load(config, "THNB", path)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)

    shuffled = workbook(path, {"Sổ ĐKCB": [rows[0], rows[3], rows[1]]})  # one book gone
    kept = await load(config, "THNB", shuffled, withdraw=False)
    assert (kept.new, kept.updated, kept.unchanged, kept.withdrawn) == (0, 0, 2, 0)
    assert [(w.kind, w.record_id) for w in kept.warnings if w.kind == "missing"] == \
        [("missing", "MP-0102")]
    assert "MP-0102" in await stored(engine, prefix_of(config), "THNB")
    gone = await load(config, "THNB", shuffled)
    assert gone.withdrawn == 1 and gone.balanced
    assert [w.record_id for w in gone.warnings if w.kind == "withdrawn"] == ["MP-0102"]
    assert set(await stored(engine, prefix_of(config), "THNB")) == {"MP-0101", "MP-0103"}


async def test_without_an_id_column_reordering_rows_changes_nothing(
    tmp_path: Path, config: Path
) -> None:
    rows = [["Tên sách", "Tác giả", "NXB", "Năm XB", "Tập"],
            ["Lịch sử Việt Nam", "Nhiều tác giả", "KHXH", 2017, "1"],
            ["Lịch sử Việt Nam", "Nhiều tác giả", "KHXH", 2017, "2"],
            ["Đất rừng phương Nam", "Đoàn Giỏi", "Kim Đồng", 2018, ""]]
    path = tmp_path / "ds.csv"
    path.write_text("\n".join(",".join(str(c) for c in r) for r in rows), encoding="utf-8")
    assert (await load(config, "MCH", path)).new == 3
    path.write_text("\n".join(",".join(str(c) for c in r) for r in [rows[0], *rows[:0:-1]]),
                    encoding="utf-8")
    again = await load(config, "MCH", path)
    assert (again.new, again.updated, again.unchanged, again.withdrawn) == (0, 0, 3, 0)


# 2. Every sheet ---------------------------------------------------------------------------------

async def test_every_sheet_with_headings_is_read_and_the_others_are_reported(
    tmp_path: Path, config: Path, engine: AsyncOpenSearch
) -> None:
    path = workbook(tmp_path / "thu-vien.xlsx", {
        "Sách tham khảo": [HEAD, ["Mã sách", "Tên sách", "Tác giả"],
                           ["TK-1", "Nhật ký Đặng Thùy Trâm", "Đặng Thùy Trâm"]],
        "Sách giáo khoa": [["Mã sách", "Tên sách", "Môn"], ["GK-6-1", "Toán 6 tập 1", "Toán"],
                           ["GK-6-2", "Ngữ văn 6 tập 1", "Ngữ văn"]],
        "Ghi chú": [["Cập nhật ngày 1/9"], ["Người lập: cô Lò Thị Hoa"]],
    })
    report = await load(config, "THMP", path)
    assert report.new == 3
    assert set(await stored(engine, prefix_of(config), "THMP")) >= {"TK-1", "GK-6-1", "GK-6-2"}
    assert [f["sheet"] for f in report.files if f["sheet"]] == ["Sách tham khảo",
                                                                "Sách giáo khoa"]
    skipped = [w for w in report.warnings if w.kind == "sheet-skipped"]
    assert len(skipped) == 1 and "'Ghi chú' skipped" in skipped[0].message


# 3. Forgiving cells, honest warnings ------------------------------------------------------------

async def test_cells_as_excel_writes_them_are_read_and_each_change_reported(
    tmp_path: Path, config: Path, engine: AsyncOpenSearch
) -> None:
    from datetime import datetime

    rows = [["Số ĐKCB\u00a0", " Tên sách ", "Số lượng", "Năm XB", "ISBN"],
            ["A1", "Sách một", 3.0, 2019.0, 9786042088837],
            ["A2", "Sách hai", "02", "[2019]", "9.78604E+12"],
            ["A3", "Sách ba", "2 cuốn", "c2019", ""],
            ["A4", "Sách bốn", "2 bản", "2019-2020", ""],
            ["A5", "Sách năm", None, datetime(2019, 5, 1), ""]]
    path = workbook(tmp_path / "o.xlsx", {"DS": rows})
    report = await load(config, "MCH", path)
    assert (report.new, report.skipped) == (5, 0)
    books = await stored(engine, prefix_of(config), "MCH")
    # copies counted from the items: one 852 per copy, its $t the copy's number
    assert [books[i]["fields"]["copies"] for i in ("A1", "A2", "A3", "A4", "A5")] == \
        [3, 2, 2, 2, 1]
    assert {subfield(books[i], "260", "c")[:4] for i in ("A1", "A2", "A3", "A4", "A5")} == \
        {"2019"}
    assert subfield(books["A1"], "020", "a") == "9786042088837"
    assert subfield(books["A2"], "020", "a") == "" and subfield(books["A2"], "020", "z") == ""
    isbn = [w for w in report.warnings if w.field == "isbn"]
    assert len(isbn) == 1 and isbn[0].offset == 3 and "digits are lost" in isbn[0].message
    assert {(w.record_id, w.field) for w in report.warnings} >= {
        ("A2", "copies"), ("A3", "copies"), ("A4", "copies"), ("A2", "year"), ("A3", "year")}
    written = json.loads(Path(report.report or _write(report)).read_text(encoding="utf-8"))
    assert written["warnings"] and {"source", "row", "field", "message"} <= set(
        written["warnings"][0])
    assert f"{len(report.warnings)} warnings" in report.line()


def _write(report) -> str:  # type: ignore[no-untyped-def]
    from harvesters.reports import write_load_report

    return str(write_load_report(Path(report.source).parent / "reports", report))


# 4. MARC: one record lost at most ---------------------------------------------------------------

def _records(count: int, prefix: str) -> list[bytes]:
    return [book(f"{prefix}-{n}", f"Sách số {n} của huyện", author="Lò Văn Pọm").as_marc()
            for n in range(1, count + 1)]


@pytest.mark.parametrize(("count", "lie_in", "by"), [(5, 1, 60), (10, 3, 20), (10, 3, -20)],
                         ids=["first-60-too-long", "third-20-too-long", "third-20-too-short"])
async def test_a_lying_record_length_costs_nothing_after_it(
    tmp_path: Path, config: Path, engine: AsyncOpenSearch, count: int, lie_in: int, by: int
) -> None:
    records = _records(count, f"L{count}{lie_in}{by}")
    lying = bytearray(records[lie_in - 1])
    lying[0:5] = b"%05d" % (len(lying) + by)
    records[lie_in - 1] = bytes(lying)
    path = tmp_path / "lying.mrc"
    path.write_bytes(b"".join(records))
    report = await load(config, "ACC", path)
    assert (report.new, report.skipped) == (count, 0)
    assert report.repaired == 1 and report.repairs[0][1].kind == "framing"


async def test_tcvn3_bytes_in_iso2709_are_repaired_and_found(
    tmp_path: Path, config: Path, engine: AsyncOpenSearch
) -> None:
    record = book("DB-TCVN", "PLACEHOLDER", author="Nhiều tác giả").as_marc()
    raw = record.replace(b"PLACEHOLDER", tcvn3_bytes("Sử thi Tây Nguyên"))
    raw = raw[:9] + b" " + raw[10:]  # leader/09 blank, as old systems write it
    path = tmp_path / "tcvn3.mrc"
    path.write_bytes(raw)
    report = await load(config, "MCH", path)
    assert report.new == 1 and any(r.kind == "TCVN3" for _, r in report.repairs)
    assert subfield((await stored(engine, prefix_of(config), "MCH"))["DB-TCVN"], "245",
                    "a").startswith("Sử thi Tây Nguyên")
    from indexer.store import alias

    await engine.indices.refresh(index=alias(prefix_of(config), "union"))
    hits = await engine.search(index=alias(prefix_of(config), "union"),
                               body={"query": {"match": {"title.folded": "su thi tay nguyen"}}})
    assert hits["hits"]["total"]["value"] == 1


async def test_records_sharing_an_001_are_each_accounted_for(
    tmp_path: Path, config: Path, engine: AsyncOpenSearch
) -> None:
    same = book("DUP-1", "Vợ chồng A Phủ", author="Tô Hoài").as_marc()
    other = [book("DUP-1", f"Truyện Tây Bắc tập {n}", author="Tô Hoài").as_marc()
             for n in (1, 2)]
    path = tmp_path / "dup.mrc"
    path.write_bytes(same + other[0] + same + other[1])
    report = await load(config, "THNB", path)
    assert (report.read, report.new, report.merged, report.skipped) == (4, 3, 1, 0)
    assert set(await stored(engine, prefix_of(config), "THNB")) >= {"DUP-1", "DUP-1~2",
                                                                     "DUP-1~3"}
    assert sum(1 for w in report.warnings if "kept apart" in w.message) == 2


# 5. Folders -------------------------------------------------------------------------------------

async def test_one_unreadable_file_is_a_report_line_and_the_others_load(
    tmp_path: Path, config: Path
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    workbook(folder / "a-good.xlsx", {"S": [["Mã sách", "Tên sách"], ["G-1", "Tắt đèn"]]})
    (folder / "b-damaged.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    (folder / "c-empty.xlsx").write_bytes(b"")
    (folder / "d-old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200)
    (folder / "e-books.mrc").write_bytes(book("G-2", "Số đỏ").as_marc())
    (folder / "f-empty.mrc").write_bytes(b"")
    report = await load(config, "ACC", folder)
    assert report.new == 2
    by_file = {Path(f["file"]).name: f for f in report.files}
    assert {n: f["status"] for n, f in by_file.items()} == {
        "a-good.xlsx": "read", "b-damaged.xlsx": "unreadable", "c-empty.xlsx": "empty",
        "d-old.xls": "unreadable", "e-books.mrc": "read", "f-empty.mrc": "empty"}
    assert "save it as .xlsx or CSV" in by_file["b-damaged.xlsx"]["hint"]
    assert "97-2003" in by_file["d-old.xls"]["detail"]
    assert report.exit_code() == 3 and "2 of 6 files read" in report.line()
