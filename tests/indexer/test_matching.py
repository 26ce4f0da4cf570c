"""The order of the matching rules, as indexer/matching.py's docstring states it: which rule
decides a pair when several could. Pure functions only."""

from __future__ import annotations

from dataclasses import replace

import pytest

from indexer.marc_document import RecordFields
from indexer.matching import same_book

ISBN = "9786041234567"
BOOK = RecordFields(title="Mắt biếc", authors=["Nguyễn Nhật Ánh"], year=2018, pages=280)
WITH_ISBN = replace(BOOK, isbns=[ISBN])

# (case, record a, record b, expected reason) — the reason names the rule that decided.
CASES = [
    ("volume-before-identifier", replace(WITH_ISBN, part="Tập 1"),
     replace(WITH_ISBN, part="Tập 2"), "volume"),
    ("year-before-identifier", WITH_ISBN, replace(WITH_ISBN, year=2020), "year"),
    ("edition-without-year-before-identifier", replace(WITH_ISBN, year=None),
     replace(WITH_ISBN, year=None, edition="Tái bản lần thứ 2"), "edition"),
    ("identifier-before-title", WITH_ISBN, replace(WITH_ISBN, title="Mắt biếc : tiểu thuyết dài"),
     "identifier"),
    ("identifier-before-series", replace(WITH_ISBN, series=["Tủ sách 3"]),
     replace(WITH_ISBN, series=["Tủ sách 4"]), "identifier"),
    ("identifier-before-pages", WITH_ISBN, replace(WITH_ISBN, pages=400), "identifier"),
    ("identifier-before-evidence", replace(WITH_ISBN, year=None, pages=None), WITH_ISBN,
     "identifier"),
    ("other-isbns", WITH_ISBN, replace(BOOK, isbns=["9786049999990"]), "isbn"),
    ("series-before-pages", replace(BOOK, series=["Tủ sách 3"]),
     replace(BOOK, series=["Tủ sách 4"], pages=400), "series"),
    ("pages-before-evidence", replace(BOOK, year=None), replace(BOOK, pages=400), "pages"),
    ("evidence-before-title", replace(BOOK, year=None, pages=None), BOOK, "evidence"),
    ("missing-year-with-pages-goes-on", replace(BOOK, year=None), BOOK, "rules"),
    ("title-before-author", BOOK, replace(BOOK, title="Số đỏ", authors=["Vũ Trọng Phụng"]),
     "title"),
    ("author", BOOK, replace(BOOK, authors=["Tô Hoài"]), "author"),
    ("rules", BOOK, replace(BOOK, title="Mat biec"), "rules"),
]  # fmt: skip


@pytest.mark.parametrize(("a", "b", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_the_first_rule_that_decides_wins(a: RecordFields, b: RecordFields, reason: str) -> None:
    assert same_book(a, b).reason == reason
    assert same_book(b, a).reason == reason
