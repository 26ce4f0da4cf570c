"""MARC → record fields (pure functions)."""

from __future__ import annotations

import pymarc
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


def _with(fields: list[tuple[str, str, list[tuple[str, str]]]]) -> pymarc.Record:
    """A book (no holdings of its own) plus ``fields`` as (tag, indicators, subfields)."""
    record = book("H1", "Toán 6")
    for tag, indicators, subfields in fields:
        record.add_field(
            pymarc.Field(
                tag=tag,
                indicators=pymarc.Indicators(*indicators),
                subfields=[pymarc.Subfield(code, value) for code, value in subfields],
            )
        )
    return record


# Holdings as library systems write them (MARC 21 Holdings, Koha's item field).
COPIES_CASES = [
    pytest.param([], 1, "", id="no-holdings-is-one-copy"),
    pytest.param(
        [("852", "1 ", [("a", "DBI"), ("h", "510 T406"), ("t", str(n))]) for n in (1, 2, 3)],
        3, "510 T406", id="852-per-copy-t-is-copy-number",
    ),
    pytest.param(
        [("852", "1 ", [("a", "DBI"), ("h", "510 T406"), ("t", "5")])],
        1, "510 T406", id="one-852-copy-number-5-is-one-copy",
    ),
    pytest.param(
        [("852", "1 ", [("a", "DBI"), ("k", "GK"), ("h", "510"), ("i", "T406")])]
        + [("876", "  ", [("a", f"i{n}"), ("p", f"VV{n:05d}")]) for n in range(4)],
        4, "GK 510 T406", id="852-with-876-items",
    ),
    pytest.param(
        [("852", "0 ", [("a", "DBI"), ("h", "510")]), ("877", "  ", [("p", "VV1")]),
         ("878", "  ", [("p", "VV2")])],
        2, "510", id="877-878-items",
    ),
    pytest.param(
        [("952", "  ", [("a", "DBI"), ("o", "510 T406"), ("p", f"B{n}"), ("t", str(n))])
         for n in (1, 2)],
        2, "510 T406", id="koha-952-per-item",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("fields", "copies", "call_number"), COPIES_CASES)
def test_copies_are_counted_from_items(
    fields: list[tuple[str, str, list[tuple[str, str]]]], copies: int, call_number: str
) -> None:
    found = record_fields(_with(fields))
    assert (found.copies, found.call_number) == (copies, call_number)


@pytest.mark.parametrize(
    ("relator", "role"),
    [
        ([], "author"),
        ([("e", "tác giả")], "author"),
        ([("e", "chủ biên")], "editor"),
        ([("e", "Chủ biên.")], "editor"),
        ([("e", "biên soạn")], "compiler"),
        ([("e", "dịch")], "translator"),
        ([("e", "biên dịch")], "translator"),
        ([("e", "chú giải")], "annotator"),
        ([("e", "hiệu đính")], "editor"),
        ([("e", "minh họa")], "illustrator"),
        ([("e", "minh hoạ")], "illustrator"),  # the old tone placement
        ([("4", "trl")], "translator"),
        ([("4", "aut")], "author"),
        ([("4", "ill"), ("e", "tác giả")], "illustrator"),  # the code wins
        ([("e", "người kể chuyện")], "contributor"),
    ],
)
def test_roles_from_relator_terms_and_codes(relator: list[tuple[str, str]], role: str) -> None:
    record = _with([("700", "0 ", [("a", "Kiều Văn"), *relator])])
    fields = record_fields(record)
    assert {"name": "Kiều Văn", "role": role, "kind": "person"} in fields.contributors
    assert ("Kiều Văn" in fields.authors) == (role == "author")


@pytest.mark.parametrize(
    ("fields", "part"),
    [
        ([], ""),
        ([("490", "0 ", [("a", "Sách giáo khoa"), ("v", "T. 2")])], "T. 2"),
    ],
)
def test_part_from_series_numbering(
    fields: list[tuple[str, str, list[tuple[str, str]]]], part: str
) -> None:
    assert record_fields(_with(fields)).part == part


def test_part_from_245_n_p_wins() -> None:
    record = book("P1", "Toán 6", part="T. 1", series="SGK", series_number="Q. 9")
    record["245"].add_subfield("p", "Số học")
    assert record_fields(record).part == "T. 1 Số học"


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
