"""ISBN-13 and ISSN numbers for the demo data: check digits and the spellings libraries use.

The demo's ISBNs are synthetic (made from a publisher's registrant prefix and a number derived
from the work's key) but always carry a correct check digit, so validation code can be tested on
them. They are not the ISBNs of the real printings.
"""

from __future__ import annotations

import zlib

from indexer.isbn import isbn13_check_digit, isbn13_valid

__all__ = ["is_valid_isbn13", "isbn13_check_digit", "issn_check_digit", "make_isbn13"]


def is_valid_isbn13(isbn: str) -> bool:
    """True when ``isbn`` (hyphens and spaces allowed) is 13 digits with a correct check digit."""
    return isbn13_valid(isbn.replace("-", "").replace(" ", ""))


def make_isbn13(prefix: str, key: str) -> str:
    """A hyphenated ISBN-13 under ``prefix`` (e.g. ``978-604-2``), numbered from ``key``.

    The same key always gives the same ISBN; the publication number fills the digits the
    prefix leaves free.
    """
    parts = prefix.split("-")
    free = 12 - sum(len(p) for p in parts)
    if free < 1:
        raise ValueError(f"prefix {prefix!r} leaves no room for a publication number")
    number = str(zlib.crc32(key.encode("utf-8")) % 10**free).zfill(free)
    digits = "".join(parts) + number
    return f"{prefix}-{number}-{isbn13_check_digit(digits)}"


def issn_check_digit(first7: str) -> str:
    """Check digit of an ISSN (weights 8..2, modulus 11, ``X`` for ten)."""
    total = sum(int(d) * w for d, w in zip(first7, range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)
