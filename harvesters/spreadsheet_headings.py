"""Which column of a library's book list holds which field: heading matching and the heading row.

The headings themselves are data in :mod:`harvesters.headers`; this module reads them. A heading
matches insensitive to case, diacritics (đ → d), punctuation and spacing, so ``Tên sách``,
``TEN SACH`` and ``N.X.B`` / ``NXB`` are recognised as typed by any school library. A caller's
``mapping`` (heading as written → field, or → ``None`` to ignore the column) wins over the table.
A column that cannot be placed is returned as *unplaced* for the caller to report, never an error;
only a mapping naming an unknown field is refused (:class:`~mucluc.core.errors.SourceError`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from analyzers.fold import fold as fold_vietnamese
from harvesters.cells import cell_text
from harvesters.headers import HEADERS
from mucluc.core.errors import SourceError

FIELDS = tuple(HEADERS)
HEADER_SCAN_ROWS = 15  # title rows above the headings seldom exceed a few lines

#: (index in the scanned rows, headings, field → 0-based column, headings not placed)
HeadingRow = tuple[int, list[str], dict[str, int], list[str]]


def fold(text: str) -> str:
    """Heading key: lower case, no diacritics, đ → d, punctuation and runs of spaces → one space."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold_vietnamese(text)).split())


def heading_key(heading: str) -> str:
    """:func:`fold` without spaces: "N.X.B", "NXB" and "N X B" are one heading."""
    return fold(heading).replace(" ", "")


#: folded heading → (field, rank); a lower rank is the more specific heading of its field.
KNOWN: dict[str, tuple[str, int]] = {
    heading_key(heading): (name, rank)
    for name, headings in HEADERS.items()
    for rank, heading in enumerate(headings)
}


def match_header(heading: str) -> str | None:
    """The field a heading means, or None."""
    found = KNOWN.get(heading_key(heading))
    return found[0] if found else None


def place_columns(headings: list[str], mapping: Mapping[str, str | None]
                  ) -> tuple[dict[str, int], list[str]]:
    """field → column for one row of headings, and the headings left unplaced.

    When two columns mean one field, the more specific heading (lower rank; a mapping beats the
    table) wins and the other is unplaced.
    """
    override = {heading_key(k): v for k, v in mapping.items()}
    best: dict[str, tuple[int, int]] = {}  # field → (rank, column)
    unplaced: list[str] = []
    for column, heading in enumerate(headings):
        if not heading:
            continue
        key = heading_key(heading)
        if key in override:
            target = override[key]
            if target is None:
                continue
            if target not in FIELDS:
                raise SourceError(f"mapping names unknown field {target!r} for column "
                                  f"{heading!r} (fields: {', '.join(FIELDS)})")
            rank = -1
        elif key in KNOWN:
            target, rank = KNOWN[key]
        else:
            unplaced.append(heading)
            continue
        if target not in best or rank < best[target][0]:
            if target in best:
                unplaced.append(headings[best[target][1]])
            best[target] = (rank, column)
        else:
            unplaced.append(heading)
    return {name: column for name, (_rank, column) in best.items()}, unplaced


def find_heading_row(scanned: list[tuple[int, list[Any]]], mapping: Mapping[str, str | None]
                     ) -> tuple[HeadingRow | None, list[str]]:
    """(index, headings, columns, unplaced) of the heading row among the first rows, or None;
    and the widest row's cells, to name what was found when there is none."""
    fallback: list[str] = []
    for index, (_number, cells) in enumerate(scanned):
        headings = [cell_text(c) for c in cells]
        if not any(headings):
            continue
        named = [h for h in headings if h]
        if len(named) > len(fallback):  # the widest row is the likeliest heading row
            fallback = named
        columns, unplaced = place_columns(headings, mapping)
        columns.pop("row", None)  # a row number is recognised, never used
        if "title" in columns and len(columns) >= (1 if mapping else 2):
            return (index, headings, columns, unplaced), fallback
    return None, fallback
