"""Same book or not: pairs of records that must and must not match, and clusters built from them.

Pure functions only: nothing here needs the engine.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import pytest

from analyzers.legacy import repair
from bench.vietnamese_dedup_set import tcvn3_mojibake
from indexer.clusters import candidate_keys, cluster_id, cluster_records
from indexer.marc_document import RecordFields
from indexer.matching import same_book
from indexer.profiles import edition_number, volumes


def rec(title: str, **kwargs: object) -> RecordFields:
    defaults: dict[str, object] = {"authors": ["Nguyễn Nhật Ánh"], "year": 2018, "pages": 280}
    defaults.update(kwargs)
    return RecordFields(title=title, **defaults)  # type: ignore[arg-type]


BASE = rec("Tôi thấy hoa vàng trên cỏ xanh", isbns=["9786041234567"])
KIEU = rec("Truyện Kiều", authors=["Nguyễn Du"], year=2015)
NFD = unicodedata.normalize("NFD", "Tôi thấy hoa vàng trên cỏ xanh")

SAME = [
    ("identical", BASE, BASE),
    ("nfd-vs-nfc", BASE, rec(NFD)),
    ("tone-style-hoa", rec("Hòa bình", authors=["Lê Văn Hòa"]),
     rec("Hoà bình", authors=["Lê Văn Hoà"])),
    ("tone-style-thuy", rec("Thủy hử", authors=["Thi Nại Am"]),
     rec("Thuỷ hử", authors=["Thi Nại Am"])),
    ("unaccented", KIEU, rec("Truyen Kieu", authors=["Nguyen Du"], year=2015)),
    ("isbd-punctuation", KIEU, rec("Truyện Kiều /", authors=["Nguyễn Du."], year=2015)),
    ("inverted-vietnamese-author", KIEU, rec("Truyện Kiều", authors=["Nguyễn, Du"], year=2015)),
    ("inverted-western-author", rec("Pride and prejudice", authors=["Austen, Jane"]),
     rec("Pride and prejudice", authors=["Jane Austen"])),
    ("initials", rec("Public education", authors=["Cubberley, Ellwood P."]),
     rec("Public education", authors=["Cubberley, Ellwood Patterson"])),
    ("publisher-spelling", rec("Mắt biếc", publisher="NXB Trẻ"),
     rec("Mắt biếc", publisher="Nhà xuất bản Trẻ")),
    ("missing-isbn", BASE, replace(BASE, isbns=[])),
    ("missing-year", BASE, replace(BASE, year=None)),
    ("pages-within-10%", BASE, replace(BASE, pages=290)),
    ("title-typo", BASE, rec("Tôi thấy hoa vàng trên cỏ xah", isbns=[])),
    ("author-typo", BASE, rec(BASE.title, authors=["Nguyễn Nhật Anhh"])),
    ("subtitle-left-out", rec("Điện Biên Phủ", subtitle="điểm hẹn lịch sử", authors=["Giáp"]),
     rec("Điện Biên Phủ", authors=["Giáp"])),
    ("subtitle-in-245a", rec("Điện Biên Phủ", subtitle="điểm hẹn lịch sử", authors=["Giáp"]),
     rec("Điện Biên Phủ : điểm hẹn lịch sử", authors=["Giáp"])),
    ("volume-in-title-or-245n", rec("Tây du ký. Tập 1"), rec("Tây du ký", part="T.1")),
    ("roman-volume", rec("Lịch sử Việt Nam", part="Phần II"), rec("Lịch sử Việt Nam. Phần 2")),
    ("edition-words-vs-digits", rec("Mắt biếc", edition="Tái bản lần thứ hai"),
     rec("Mắt biếc", edition="Tái bản lần 2")),
    ("shared-isbn-beats-title", rec("Đắc nhân tâm", isbns=["9786041234567"]),
     rec("Đắc nhân tâm : bí quyết thành công", isbns=["9786041234567"], authors=["Carnegie"])),
    ("oclc-number", rec("Số đỏ", other_ids=["(OCoLC)ocm00012345"], authors=[]),
     rec("So do", other_ids=["(OCoLC)12345"], authors=["Vũ Trọng Phụng"])),
    ("tcvn3-repaired", rec("Khoa học và đời sống", authors=["Phạm Văn Đồng"]),
     rec(repair(tcvn3_mojibake("Khoa học và đời sống"))[0], authors=["Phạm Văn Đồng"])),
    ("no-authors-either", rec("Báo cáo tổng kết năm học", authors=[]),
     rec("Báo cáo tổng kết năm học.", authors=[])),
]  # fmt: skip

DIFFERENT = [
    ("other-volume", rec("Tây du ký", part="Tập 1"), rec("Tây du ký", part="Tập 2")),
    ("other-volume-shared-isbn", rec("Tây du ký", part="Tập 1", isbns=["9786041234567"]),
     rec("Tây du ký", part="Tập 2", isbns=["9786041234567"])),
    ("volume-vs-whole-set", rec("Tây du ký. Tập 1"), rec("Tây du ký")),
    ("other-volume-words", rec("Tây du ký. Quyển một"), rec("Tây du ký. Quyển hai")),
    ("other-edition", rec("Mắt biếc", edition="Tái bản lần thứ 2"),
     rec("Mắt biếc", edition="Tái bản lần thứ 3")),
    ("other-english-edition", rec("Media law", edition="5th ed."),
     rec("Media law", edition="Sixth edition")),
    ("edition-vs-none-without-year", rec("Mắt biếc", edition="Tái bản lần thứ 2", year=None),
     rec("Mắt biếc")),
    ("other-year", KIEU, replace(KIEU, year=2016)),
    ("other-year-shared-isbn", replace(KIEU, isbns=["9786046912347"]),
     replace(KIEU, year=2019, isbns=["9786046912347"])),
    ("other-author", rec("Lịch sử Điện Biên", authors=["Lò Văn Pó"]),
     rec("Lịch sử Điện Biên", authors=["Trần Văn Sinh"])),
    ("author-vs-none", rec("Nhật ký", authors=["Đặng Thùy Trâm"]), rec("Nhật ký", authors=[])),
    ("other-isbns", replace(BASE, isbns=["9786041234567"]), replace(BASE, isbns=["9786049999990"])),
    ("pages-over-10%", BASE, replace(BASE, pages=340, isbns=[])),
    ("short-title-typo", rec("Số đỏ"), rec("Số đó")),
    ("similar-local-titles", rec("Địa chí huyện Mường Chà"), rec("Địa chí huyện Mường Nhé")),
    ("other-material", rec("Truyện Kiều"), rec("Truyện Kiều", type="audio")),
    ("other-series-number", rec("Truyện cổ Thái", series=["Tủ sách dân tộc 3"]),
     rec("Truyện cổ Thái", series=["Tủ sách dân tộc 4"])),
]  # fmt: skip


@pytest.mark.parametrize(("a", "b"), [(a, b) for _, a, b in SAME], ids=[c[0] for c in SAME])
def test_same_book(a: RecordFields, b: RecordFields) -> None:
    assert same_book(a, b).same, same_book(a, b)
    assert same_book(b, a).same


@pytest.mark.parametrize(
    ("a", "b"), [(a, b) for _, a, b in DIFFERENT], ids=[c[0] for c in DIFFERENT]
)
def test_different_books(a: RecordFields, b: RecordFields) -> None:
    assert not same_book(a, b).same
    assert not same_book(b, a).same


@pytest.mark.parametrize(
    ("statement", "number"),
    [
        ("Tái bản lần thứ 2", 3),
        ("Tái bản lần 1", 2),
        ("In lần thứ hai", 2),
        ("Xuất bản lần thứ 3", 3),
        ("2nd ed.", 2),
        ("Second edition", 2),
        ("Rev. and enl. ed.", None),
        ("", None),
    ],
)
def test_edition_number(statement: str, number: int | None) -> None:
    assert edition_number(statement) == number


@pytest.mark.parametrize(
    ("title", "part", "found"),
    [
        ("Dế Mèn phiêu lưu ký. Tập 1", "", {1}),
        ("Dế Mèn phiêu lưu ký", "T.2", {2}),
        ("Lịch sử Việt Nam. Phần IV", "", {4}),
        ("Phần mềm máy tính", "", set()),
        ("Tập làm văn lớp 5", "", set()),
    ],
)
def test_volumes(title: str, part: str, found: set[int]) -> None:
    assert volumes(RecordFields(title=title, part=part))[0] == found


def test_keys_survive_inversion_folding_and_isbn_10() -> None:
    a = rec("Truyện Kiều", authors=["Nguyễn Du"], isbns=["9786046912347"])
    b = rec("Truye\u0302\u0323n Kie\u0302\u0300u", authors=["Nguyễn, Du"], isbns=["9786046912347"])
    assert set(candidate_keys(a)) == set(candidate_keys(b))
    assert "isbn:9786046912347" in candidate_keys(a)


def test_chains_never_join_two_volumes() -> None:
    # The volume-less record would match either volume alone; it must not bridge them.
    records = {
        "A:1": rec("Tây du ký", part="Tập 1", isbns=["9786041234567"]),
        "B:1": rec("Tây du ký", part="Tập 2", isbns=["9786041234567"]),
        "C:1": rec("Tây du ký", part="Tập 1"),
    }
    result = cluster_records(records)
    assert result["A:1"] == result["C:1"] != result["B:1"]


def test_cluster_ids_come_from_the_smallest_member_and_ignore_order() -> None:
    records = {"TGI:9": KIEU, "DBI:2": replace(KIEU, authors=["Nguyễn, Du"]), "MCH:1": rec("Số đỏ")}
    first = cluster_records(records)
    second = cluster_records(dict(reversed(list(records.items()))))
    assert first == second
    assert first["TGI:9"] == first["DBI:2"] == cluster_id("DBI:2")
    assert first["MCH:1"] == cluster_id("MCH:1")


def test_one_library_may_hold_two_records_of_a_book() -> None:
    result = cluster_records({"DBI:1": KIEU, "DBI:2": replace(KIEU, pages=281)})
    assert result["DBI:1"] == result["DBI:2"]
