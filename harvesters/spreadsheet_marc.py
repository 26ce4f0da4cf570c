"""One row of a library's book list → a MARC record, with the record's identity (001).

The identity is the library's own accession number (``Số ĐKCB``, ``Mã sách``…) when the list has
one, never a row number (``STT``): two lists numbered from 1 would overwrite each other's books.
Without one, :func:`content_id` derives the id from the book itself, so re-ordering rows or
loading a second list changes nothing.

The mapping: 245 $a title $n volume, 100/700 $a authors, 260 $a $b $c, 020 $a ISBN ($z when its
shape is wrong), 300, 500, 541 $h price, 546 for an unknown language, 650 $a subject,
852 $a library $h call number $t copies. What was done to a cell is appended to ``notes`` as
(field, message); a cell that cannot be read at all raises ValueError for the caller to report
as a problem of that row.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

import pymarc
from pymarc import Field, Indicators, Subfield

from harvesters.cells import copies, isbn, isbn_shape, year_of
from harvesters.spreadsheet_headings import fold

_LANGUAGES = {
    "vie": ("tieng viet", "viet", "vietnamese", "vie", "vi"),
    "eng": ("tieng anh", "anh", "english", "eng", "en"),
    "fre": ("tieng phap", "phap", "french", "fre", "fra", "fr"),
}


def content_id(values: Mapping[str, str]) -> str:
    """The id of a row without an accession number, made from the book itself.

    Normalised title, authors, year, publisher and volume: stable when rows are re-ordered or the
    list is saved again, equal for two rows describing the same book (they are then merged, and
    the merge reported), different for two different books in two different files.
    """
    parts = [fold(values.get(name, "")) for name in ("title", "author", "volume", "publisher")]
    parts.insert(3, year_of(None, values.get("year", "")))
    digest = hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:16]
    return f"book-{digest}"


def row_record(local_id: str, v: Mapping[str, str], raw: Mapping[str, Any],
               notes: list[tuple[str, str]], *, library: str, language: str,
               has_copies: bool) -> pymarc.Record:
    """The MARC record of one row: ``v`` holds each field's cell as text, ``raw`` as read (for
    numbers and dates); ``language`` is the MARC code used when the row names none;
    ``has_copies`` says the sheet has a copies column (then 852 $t is always written)."""
    record = pymarc.Record(force_utf8=True, leader="     nam a22     uu 4500")
    record.add_field(Field(tag="001", data=local_id))
    year = year_of(raw.get("year"), v.get("year", ""), notes)
    code = _language(v.get("language", "")) or language
    record.add_field(Field(tag="008", data=_field_008(year, code)))
    number = isbn(raw.get("isbn"), v.get("isbn", ""), notes)
    if number:
        record.add_field(_df("020", [("a" if isbn_shape(number) else "z", number)]))
    authors = [a.strip() for a in re.split(r"[;\n]", v.get("author", "")) if a.strip()]
    if authors:
        record.add_field(_df("100", [("a", authors[0])], ("1", " ")))
    title = [("a", v["title"])] + ([("n", v["volume"])] if v.get("volume") else [])
    record.add_field(_df("245", title, ("1" if authors else "0", "0")))
    imprint = [(c, v[k]) for c, k in (("a", "place"), ("b", "publisher")) if v.get(k)]
    if year or v.get("year"):
        imprint.append(("c", year or v["year"]))
    if imprint:
        record.add_field(_df("260", imprint))
    if v.get("pages"):
        record.add_field(_df("300", [("a", v["pages"])]))
    if v.get("note"):
        record.add_field(_df("500", [("a", v["note"])]))
    if v.get("language") and not _language(v["language"]):
        record.add_field(_df("546", [("a", v["language"])]))
    if v.get("price"):
        record.add_field(_df("541", [("h", v["price"])]))
    for subject in (s.strip() for s in re.split(r"[;\n]", v.get("subject", ""))):
        if subject:
            record.add_field(_df("650", [("a", subject)], (" ", "4")))
    for author in authors[1:]:
        record.add_field(_df("700", [("a", author)], ("1", " ")))
    holding = [("a", library)] if library else []
    if v.get("call_number"):
        holding.append(("h", v["call_number"]))
    count = copies(v.get("copies", ""), notes) if has_copies else 0
    if count:  # one 852 per copy, $t its copy number (852 $t is a copy number, not a count)
        for number in range(1, count + 1):
            record.add_field(_df("852", [*holding, ("t", str(number))]))
    elif holding:
        record.add_field(_df("852", holding))
    return record


def _df(tag: str, subfields: Iterable[tuple[str, str]], ind: tuple[str, str] = (" ", " ")
        ) -> Field:
    return Field(tag=tag, indicators=Indicators(*ind),
                 subfields=[Subfield(code, value) for code, value in subfields])


def _language(text: str) -> str:
    folded = fold(text)
    return next((code for code, names in _LANGUAGES.items() if folded in names), "")


def _field_008(year: str, language: str) -> str:
    # Books 008: date type s + Date 1, country "vm " (Vietnam), language at 35-37.
    data = " " * 6 + ("s" + year if year else "n    ") + "    " + "vm " + " " * 17
    return data + language.ljust(3)[:3] + " d"
