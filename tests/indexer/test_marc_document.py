"""MARC → record fields (pure functions)."""

from __future__ import annotations

import pytest

from indexer.isbn import query_isbn, to_isbn13
from indexer.marc_document import clean, filing_title, record_fields
from tests.marc_builders import book


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Truyện Kiều /", "Truyện Kiều"),
        ("Điện Biên Phủ :", "Điện Biên Phủ"),
        ("Nxb. Trẻ,", "Nxb. Trẻ"),
        ("  Hà   Nội ; ", "Hà Nội"),
        ("Truye\u0302\u0323n", "Truyện"),
    ],
)
def test_clean(raw: str, expected: str) -> None:
    assert clean(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("978-604-69-1234-7", "9786046912347"),
        ("9786046912347 (bìa mềm)", "9786046912347"),
        ("0-306-40615-2", "9780306406157"),
        ("0306406152", "9780306406157"),
        ("978-604-69-1234-5", None),
        ("no isbn", None),
    ],
)
def test_isbn13(raw: str, expected: str | None) -> None:
    assert to_isbn13(raw) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("978-604-69-1234-7", "9786046912347"),
        ("ISBN 0306406152", "9780306406157"),
        ("truyện kiều", None),
    ],
)
def test_query_isbn(query: str, expected: str | None) -> None:
    assert query_isbn(query) == expected


def test_record_fields_of_a_vietnamese_book() -> None:
    fields = record_fields(
        book(
            "DBI1",
            "Điện Biên Phủ :",
            author="Võ Nguyên Giáp",
            year=2004,
            publisher="Nxb. Quân đội nhân dân,",
            isbn="978-604-69-1234-7",
            subjects=("Chiến dịch Điện Biên Phủ",),
            call_number="959.7041 V400G",
            copies=4,
            part="Tập 1",
        )
    )
    assert fields.title == "Điện Biên Phủ"
    assert fields.part == "Tập 1"
    assert fields.authors == ["Võ Nguyên Giáp"]
    assert fields.publisher == "Nxb. Quân đội nhân dân"
    assert fields.year == 2004
    assert fields.isbns == ["9786046912347"]
    assert fields.subjects == ["Chiến dịch Điện Biên Phủ"]
    assert fields.languages == ["vie"]
    assert fields.type == "book"
    assert (fields.call_number, fields.copies) == ("959.7041 V400G", 4)


@pytest.mark.parametrize(
    ("title", "nonfiling", "expected"),
    [
        ("The tale of Kieu /", 4, "tale of Kieu"),
        ("L'Amant", 2, "Amant"),
        ('"Đất rừng phương Nam"', 0, ""),  # no indicator: the title files as it is
        ("Truyện Kiều", 0, ""),
    ],
    ids=["the", "elided-article", "indicator-0-quotes", "indicator-0"],
)
def test_filing_title_skips_the_nonfiling_characters(
    title: str, nonfiling: int, expected: str
) -> None:
    record = book("F1", title, nonfiling=nonfiling)
    assert filing_title(record) == expected
    assert record_fields(record).filing_title == expected
