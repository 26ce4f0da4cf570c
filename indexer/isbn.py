"""ISBNs: cleaned, checked, and converted so ISBN-10 and ISBN-13 of one book compare equal."""

from __future__ import annotations

import re
from collections.abc import Iterable

_ISBN_CHARS = re.compile(r"[0-9Xx][0-9Xx\- ]{8,20}[0-9Xx]")


def _digits(text: str) -> str:
    return re.sub(r"[^0-9Xx]", "", text).upper()


def isbn10_valid(isbn: str) -> bool:
    if len(isbn) != 10 or not isbn[:9].isdigit() or not (isbn[9].isdigit() or isbn[9] == "X"):
        return False
    total = sum((10 - i) * int(c) for i, c in enumerate(isbn[:9]))
    total += 10 if isbn[9] == "X" else int(isbn[9])
    return total % 11 == 0


def isbn13_check_digit(first12: str) -> str:
    total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(first12))
    return str((10 - total % 10) % 10)


def isbn13_valid(isbn: str) -> bool:
    return len(isbn) == 13 and isbn.isdigit() and isbn13_check_digit(isbn[:12]) == isbn[12]


def to_isbn13(text: str) -> str | None:
    """The ISBN-13 of an ISBN-10 or ISBN-13 written any way (hyphens, spaces, qualifiers), or None.

    ``978-604-2-12345-6 (bìa mềm)`` and ``604212345X`` style values both work; an invalid
    check digit gives None, because a wrong ISBN must never merge two books.
    """
    match = _ISBN_CHARS.search(text)
    if not match:
        return None
    digits = _digits(match.group(0))
    if len(digits) == 13 and isbn13_valid(digits):
        return digits
    if len(digits) == 10 and isbn10_valid(digits):
        first12 = "978" + digits[:9]
        return first12 + isbn13_check_digit(first12)
    return None




def normalise_isbns(values: Iterable[str]) -> list[str]:
    """Valid ISBNs of the values as ISBN-13, in order, without repeats."""
    found: list[str] = []
    for value in values:
        isbn = to_isbn13(value)
        if isbn and isbn not in found:
            found.append(isbn)
    return found


def query_isbn(text: str) -> str | None:
    """The ISBN-13 a reader's query means, when the whole query is one ISBN."""
    stripped = text.strip()
    if not re.fullmatch(r"(?i)(isbn[:\s]*)?[0-9Xx\- ]{10,17}", stripped):
        return None
    return to_isbn13(stripped)
