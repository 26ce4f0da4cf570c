"""Cells of school book lists as Excel and its users write them, read forgivingly.

Copies ``3.0``, ``02``, ``2 cuốn``; years ``2019.0``, ``[2019]``, ``c2019``, ``2019-2020``, Excel
dates and day numbers; ISBNs stored as numbers, or shortened by Excel to ``9.78604E+12`` (digits
lost: dropped, never invented). Each reader appends ``(field, what was done)`` to ``notes`` when
it had to interpret a cell, so the row's notice in the report says exactly that.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_SCIENTIFIC = re.compile(r"\d(?:[.,]\d+)?e\+?\d+", re.IGNORECASE)
_LEADING_NUMBER = re.compile(r"\s*(\d+)(?:[.,]0+)?(?!\d)")
_EXCEL_SERIALS = (10_000, 73_050)  # 1927-05-18 … 2099-12-31 as Excel day numbers


# More copies of one title than any library holds: a sales or stock column read as copies.
# Each copy becomes an item field (852), so the count is also what bounds a record's size.
MAX_COPIES = 999


def copies(text: str, notes: list[tuple[str, str]]) -> int:
    """``3``, ``3.0``, ``02``, ``2 cuốn``, ``2 bản`` → the number; empty → 1 (one book in hand);
    more than ``MAX_COPIES`` is recorded as ``MAX_COPIES`` with a warning."""
    if not text:
        return 1
    match = _LEADING_NUMBER.match(text)
    if match and int(match.group(1)) > 0:
        number = int(match.group(1))
        if number > MAX_COPIES:
            notes.append(("copies", f"copies {text!r} is more than a library holds; recorded as "
                                    f"{MAX_COPIES}, check that the column counts copies"))
            return MAX_COPIES
        if text.strip() != str(number):
            notes.append(("copies", f"copies {text!r} read as {number}"))
        return number
    notes.append(("copies", f"copies {text!r} is not a number; counted as 1"))
    return 1


def isbn(cell: Any, text: str, notes: list[tuple[str, str]]) -> str:
    """The ISBN as digits; an ISBN Excel turned into ``9.78604E+12`` lost digits: dropped."""
    if _SCIENTIFIC.fullmatch(text.replace(" ", "")) or (
            isinstance(cell, float) and not cell.is_integer()):
        notes.append(("isbn", f"ISBN {text!r} was shortened by Excel (scientific notation): "
                              "digits are lost, the ISBN was dropped; format the column as text"))
        return ""
    digits = re.sub(r"[\s.-]", "", text).upper()
    if digits and not isbn_shape(digits):
        notes.append(("isbn", f"ISBN {text!r} does not have the shape of an ISBN; "
                              "kept as 020 $z"))
    return digits


def isbn_shape(isbn: str) -> bool:
    """The shape of an ISBN (10 or 13 digits); the check digit is judged by the indexer."""
    return re.fullmatch(r"\d{9}[\dX]|\d{13}", isbn) is not None


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores ISBNs, years and counts as floats
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return " ".join(str(value).split())


def year_of(cell: Any, text: str, notes: list[tuple[str, str]] | None = None) -> str:
    """The year of publication: ``2019``, ``2019.0``, ``[2019]``, ``c2019``, ``2019-2020`` (the
    first), an Excel date, or an Excel day number in a year column."""
    if isinstance(cell, datetime | date):
        if 1500 <= cell.year <= 2099:
            return str(cell.year)
        if notes is not None:
            notes.append(("year", f"date {cell.isoformat()[:10]} is not a publication year; "
                                  "left out of 008"))
        return ""
    if isinstance(cell, int | float) and _EXCEL_SERIALS[0] <= cell <= _EXCEL_SERIALS[1]:
        day = datetime(1899, 12, 30) + timedelta(days=int(cell))
        if notes is not None:
            notes.append(("year", f"year {text!r} read as an Excel date: {day.year}"))
        return str(day.year)
    match = _YEAR.search(text)
    if match is None:
        if text and notes is not None:
            notes.append(("year", f"year {text!r} has no year in it; left out of 008"))
        return ""
    if notes is not None and text.strip() != match.group(1):
        notes.append(("year", f"year {text!r} read as {match.group(1)}"))
    return match.group(1)
