"""What matching reads of one record (:class:`Profile`), computed once per record.

The record's fields are folded once (tones removed, đ → d, NFC/NFD and both tone-placement
styles equal, ISBD punctuation and leading articles gone), and the numbers that tell books apart
are read out of their text: volumes and parts ("Tập 2", 245 $n, "Phần II"), editions ("Tái bản
lần thứ 2", "3rd ed."), series numbers (490 $v), ISSNs and agency identifiers. Publisher
spellings ("NXB Trẻ", "Nhà xuất bản Trẻ") are not read: they vary more between libraries than
between books. :mod:`indexer.matching` decides on profiles; nothing here compares two records.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from analyzers.fold import fold
from analyzers.normalise import normalise
from indexer.marc_document import RecordFields

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Leading articles a 245 second indicator would skip (Vietnamese titles have none).
ARTICLES = frozenset(
    "the a an le la les l der die das ein eine el los las il lo gli i un une uno".split()
)
NUMBER_WORDS = {
    "mot": 1, "nhat": 1, "hai": 2, "ba": 3, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8,
    "chin": 9, "muoi": 10,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10,
}  # fmt: skip
_ROMAN = re.compile(r"^(?=[ivxlc]+$)c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_NUMBER = r"(\d+|[ivxlc]+|mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi)"
# Volume designations, on folded text: "Tập 2", "Q. 3", "T.1", "Phần II", "Vol. 4", "Bd. 2".
_VOLUME = re.compile(
    rf"\b(?:(?:tap|quyen|cuon|phan|volume|vol|tome|part|book|band)\.?\s*{_NUMBER}"
    r"|(?:t|q|v|bd|pt|so|no)\.?\s*(\d+))\b"
)
_EDITION_WORDS = r"(?:ed|edition\w*|edn|aufl|auflage|uitg|edicion|edizione|wyd|painos)\b"
_EDITION_PATTERNS: tuple[tuple[re.Pattern[str], int], ...] = (
    # "Tái bản lần thứ 2" is the second reprint: the third edition of the text.
    (re.compile(r"\btai ban (?:lan )?(?:thu )?(\w+)"), 1),
    (re.compile(r"\b(?:xuat ban|in) (?:lan )?(?:thu )?(\w+)"), 0),
    (re.compile(r"\blan (?:xuat ban |in |tai ban )?thu (\w+)"), 0),
    (re.compile(r"\b(\d+)(?:st|nd|rd|th|e|er|eme)? " + _EDITION_WORDS), 0),
    (re.compile(r"\b(\w+) " + _EDITION_WORDS), 0),
)
_ISSN = re.compile(r"(\d{4})-?(\d{3}[\dXx])")
_AGENCY_ID = re.compile(r"^\(([^)]+)\)\s*(.+)$")


def words(text: str) -> list[str]:
    """Folded words of a text: no tones, đ → d, lowercase, punctuation gone."""
    return _WORD.findall(fold(text))


def _number(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    if token in NUMBER_WORDS:
        return NUMBER_WORDS[token]
    if _ROMAN.match(token):
        values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
        total = 0
        for index, letter in enumerate(token):
            value = values[letter]
            following = values[token[index + 1]] if index + 1 < len(token) else 0
            total += -value if value < following else value
        return total
    return None


def volumes(fields: RecordFields) -> tuple[frozenset[int], str]:
    """(volume numbers, named part) of a record: from 245 $n/$p and the title text itself."""
    found: set[int] = set()
    for text in (fields.title, fields.subtitle):
        for match in _VOLUME.finditer(" ".join(words(text))):
            number = _number(match.group(1) or match.group(2))
            if number is not None:
                found.add(number)
    part_words = words(fields.part)
    part_numbers = {n for w in part_words if (n := _number(w)) is not None and w not in ARTICLES}
    found |= part_numbers
    named = "" if part_numbers else " ".join(w for w in part_words if w not in _PART_WORDS)
    return frozenset(found), named


_PART_WORDS = frozenset("tap quyen cuon phan vol volume part t q v".split())


def edition_number(edition: str) -> int | None:
    """The edition's number from a 250 statement, or None when it states none."""
    text = " ".join(words(edition))
    if not text:
        return None
    for pattern, offset in _EDITION_PATTERNS:
        match = pattern.search(text)
        if match:
            number = _number(match.group(1))
            if number is not None:
                return number + offset
    return None


def series_numbers(series: list[str]) -> frozenset[int]:
    found: set[int] = set()
    for entry in series:
        tokens = words(entry)
        if tokens and tokens[-1].isdigit():
            found.add(int(tokens[-1]))
    return frozenset(found)


def identifier(value: str) -> str | None:
    """An 010/024/035 value as a comparable key, or None when it cannot identify a book alone.

    A 035 without an agency prefix ("12345") is a local number that may repeat across
    libraries, so only "(OCoLC)…"-style values and LCCNs count.
    """
    text = "".join(value.split()).lower()
    if not text:
        return None
    match = _AGENCY_ID.match(text)
    if match:
        agency, number = match.groups()
        if agency == "ocolc":
            number = number.removeprefix("ocm").removeprefix("ocn").removeprefix("on").lstrip("0")
        return f"({agency}){number}" if number else None
    if re.fullmatch(r"[a-z]{0,3}\d{8,10}", text):  # an LCCN such as "n78890351" or "2001012345"
        return f"lccn:{text}"
    return None


def issn(value: str) -> str | None:
    match = _ISSN.search(value)
    return f"{match.group(1)}{match.group(2).upper()}" if match else None


@dataclass(frozen=True)
class Profile:
    """What matching reads of one record, computed once."""

    type: str
    title: str
    main_title: str
    marked_title: str
    marked_main_title: str
    has_subtitle: bool
    volumes: frozenset[int]
    named_part: str
    edition: int | None
    year: int | None
    pages: int | None
    series: frozenset[int]
    isbns: frozenset[str]
    issns: frozenset[str]
    ids: frozenset[str]
    authors: tuple[tuple[str, ...], ...]


def _title_words(text: str) -> tuple[list[str], list[str]]:
    """(folded words, words with their marks) of a title, volume designations and articles gone.

    Marks matter for Vietnamese: "Số đỏ" and "Số đó" fold to one string but are two titles.
    """
    marked = _WORD.findall(normalise(text).lower())
    folded = [fold(word) for word in marked]
    kept = [True] * len(folded)
    joined = " ".join(folded)
    for match in _VOLUME.finditer(joined):
        first = joined[: match.start()].count(" ")
        last = joined[: match.end()].count(" ")
        for index in range(first, last + 1):
            kept[index] = False
    folded = [w for w, keep in zip(folded, kept, strict=True) if keep]
    marked = [w for w, keep in zip(marked, kept, strict=True) if keep]
    while len(folded) > 1 and folded[0] in ARTICLES:
        folded, marked = folded[1:], marked[1:]
    return folded, marked


def _name_words(name: str) -> tuple[str, ...]:
    return tuple(w for w in words(name) if not w.isdigit())


def as_fields(fields: RecordFields | Mapping[str, Any]) -> RecordFields:
    if isinstance(fields, RecordFields):
        return fields
    known = RecordFields.__dataclass_fields__
    return RecordFields(**{k: v for k, v in fields.items() if k in known})


# What `profile` reads of a record's fields: equal values here, equal profiles.
_PROFILED = ("type", "title", "subtitle", "part", "edition", "year", "pages", "series", "isbns",
             "issns", "other_ids", "authors")
_LISTS = frozenset({"series", "isbns", "issns", "other_ids", "authors"})
_DEFAULTS = {name: RecordFields.__dataclass_fields__[name].default for name in _PROFILED
             if name not in _LISTS and name != "title"}


def profile(fields: RecordFields | Mapping[str, Any]) -> Profile:
    """The profile of a record's fields (a dataclass or its dict, as stored).

    A record is profiled several times on its way in (its keys, its work key, its batch's
    clustering, its neighbours' batches), so profiles are cached by the values they read
    (a bounded cache: :class:`Profile` is immutable, so sharing one is safe)."""
    if isinstance(fields, RecordFields):
        values = [getattr(fields, name) for name in _PROFILED]
    elif "title" not in fields:
        return _profile(as_fields(fields))  # raises as a RecordFields without title does
    else:
        values = [fields.get(name, _DEFAULTS.get(name, ())) for name in _PROFILED]
    key = tuple(tuple(v) if isinstance(v, list) else v for v in values)
    try:
        return _cached_profile(key)
    except TypeError:  # an unhashable value where a string was expected: profile it as is
        return _profile(as_fields(fields))


@lru_cache(maxsize=8192)
def _cached_profile(key: tuple[Any, ...]) -> Profile:
    named = dict(zip(_PROFILED, key, strict=True))
    return _profile(RecordFields(**{
        name: list(value) if name in _LISTS else value for name, value in named.items()
    }))


def _main(raw_title: str) -> str:
    """A title up to its first colon (ISBD's subtitle mark, or a flat "Title: part")."""
    return raw_title.split(" : ")[0].split(":")[0] if ":" in raw_title else raw_title


def main_title(raw_title: str) -> str:
    """``profile(RecordFields(title=raw_title)).main_title`` without the rest of a profile
    (the work key reads only this of the title it builds)."""
    return " ".join(_title_words(_main(raw_title))[0])


def _profile(fields: RecordFields) -> Profile:
    raw_title = fields.title
    main = _main(raw_title)
    numbers, named = volumes(fields)
    title, marked_title = _title_words(f"{raw_title} {fields.subtitle}")
    main_title, marked_main_title = _title_words(main)
    return Profile(
        type=fields.type or "book",
        title=" ".join(title),
        main_title=" ".join(main_title),
        marked_title=_if_marked(marked_title),
        marked_main_title=_if_marked(marked_main_title),
        has_subtitle=bool(fields.subtitle.strip()) or ":" in raw_title,
        volumes=numbers,
        named_part=named,
        edition=edition_number(fields.edition),
        year=fields.year,
        pages=fields.pages,
        series=series_numbers(fields.series),
        isbns=frozenset(fields.isbns),
        issns=frozenset(i for v in fields.issns if (i := issn(v))),
        ids=frozenset(i for v in fields.other_ids if (i := identifier(v))),
        authors=tuple(a for a in (_name_words(n) for n in fields.authors) if a),
    )


def _if_marked(words: list[str]) -> str:
    """The title with its marks when it has any (else '': typed without diacritics)."""
    text = " ".join(words)
    return "" if text.isascii() else text
