"""Cells as Excel and its users write them (harvesters.cells): table of cases, then properties."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harvesters.cells import cell_text, copies, isbn, year_of


@pytest.mark.parametrize(
    ("text", "number", "noted"),
    [("3", 3, False), ("3.0", 3, True), ("02", 2, True), ("2 cuốn", 2, True),
     ("2 bản", 2, True), ("", 1, False), ("hai", 1, True), ("0", 1, True),
     ("999", 999, False), ("53075.0", 999, True)],
    ids=["plain", "float", "leading-zero", "cuon", "ban", "empty", "words", "zero",
         "most-a-library-holds", "a-sales-count-is-capped"],
)
def test_copies(text: str, number: int, noted: bool) -> None:
    notes: list[tuple[str, str]] = []
    assert copies(text, notes) == number
    assert bool(notes) == noted


@pytest.mark.parametrize(
    ("cell", "text", "year"),
    [(2019, "2019", "2019"), (None, "2019.0", "2019"), (None, "[2019]", "2019"),
     (None, "c2019", "2019"), (None, "2019-2020", "2019"), (datetime(2019, 5, 1), "", "2019"),
     (date(1998, 1, 2), "", "1998"), (43586, "43586", "2019"), (None, "không rõ", ""),
     (None, "12345", "")],
    ids=["int", "float-text", "brackets", "copyright", "range", "datetime", "date",
         "excel-day-number", "words", "five-digits"],
)
def test_year(cell: object, text: str, year: str) -> None:
    assert year_of(cell, text, []) == year


@pytest.mark.parametrize(
    ("cell", "text", "result", "noted"),
    [(9786042088837, "9786042088837", "9786042088837", False),
     (None, "978-604-2-08883-7", "9786042088837", False),
     (None, "9.78604E+12", "", True), (9.78604e12 + 0.5, "9786040000000.5", "", True),
     (None, "ISBN?", "ISBN?", True), (None, "", "", False)],
    ids=["number", "hyphens", "scientific-text", "float", "not-an-isbn", "empty"],
)
def test_isbn(cell: object, text: str, result: str, noted: bool) -> None:
    notes: list[tuple[str, str]] = []
    assert isbn(cell, text, notes) == result
    assert bool(notes) == noted


@given(st.text(max_size=40))
def test_copies_is_always_a_positive_count_and_says_when_it_guessed(text: str) -> None:
    notes: list[tuple[str, str]] = []
    number = copies(cell_text(text), notes)
    assert 1 <= number <= 999
    assert notes or cell_text(text) in {"", str(number)}


@given(st.one_of(st.none(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30),
                 st.datetimes()))
def test_year_is_empty_or_four_digits_and_never_raises(cell: object) -> None:
    found = year_of(cell, cell_text(cell), [])
    assert found == "" or (len(found) == 4 and found.isdigit())


@given(st.text(max_size=30))
def test_isbn_never_invents_digits(text: str) -> None:
    result = isbn(None, cell_text(text), [])
    assert set(result) <= set(cell_text(text).upper())
