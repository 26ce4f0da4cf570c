"""Are two records the same book? Pairwise verification, after RecordManager, made for Vietnamese.

Every comparison works on a :class:`Profile`: the record's fields folded once (tones removed,
đ → d, NFC/NFD and both tone-placement styles equal, ISBD punctuation and leading articles gone).
Publisher spellings ("NXB Trẻ", "Nhà xuất bản Trẻ") are never compared: they vary more between
libraries than between books.

The rules, in order (the first that decides wins):

1. material types differ → different;
2. volume or part numbers differ, or one record names a volume and the other none ("Tập 1" /
   "Tập 2", 245 $n, numbers written in the title) → different, even with a shared ISBN, because
   a multi-volume set often carries one ISBN on every volume;
3. edition numbers differ ("Tái bản lần thứ 2" / "lần 3", "2nd ed." / "3rd ed.") → different;
4. a shared ISBN (ISBN-10 and -13 compare equal), ISSN or identifier (010, 024, 035 with an
   agency prefix) → same;
5. both have ISBNs (or ISSNs) and none is shared → different;
6. years differ (a missing year is allowed) → different;
7. series numbers (490 $v) both present and disjoint → different;
8. page counts differ by more than 10 % (and more than 2 pages) → different;
9. folded titles differ by an edit distance of 10 % of their length or more → different (a title
   whose subtitle one library left out is compared without it);
10. authors: both absent, or compatible — same words in any order ("Nguyễn, Du" = "Nguyễn Du",
    "Austen, Jane" = "Jane Austen"), initials matching names, one name's words within the
    other's, or an edit distance of at most 20 % — else different.

What callers may rely on: `verify` is symmetric and pure; `conflict` is the subset of rules that
no chain of matches may break (clusters use it so A≈B≈C never joins two volumes or two years).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analyzers.fold import fold
from analyzers.normalise import normalise
from indexer.marc_document import RecordFields

TITLE_TOLERANCE = 0.10
AUTHOR_TOLERANCE = 0.20
PAGE_TOLERANCE = 0.10
PAGE_SLACK = 2
WEAK_EVIDENCE = True

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


def profile(fields: RecordFields | Mapping[str, Any]) -> Profile:
    fields = as_fields(fields)
    raw_title = fields.title
    main = raw_title.split(" : ")[0].split(":")[0] if ":" in raw_title else raw_title
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


def distance(a: str, b: str, limit: int | None = None) -> int:
    """Levenshtein distance; stops early (returning limit + 1) once it exceeds `limit`."""
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    if limit is not None and len(a) - len(b) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if limit is not None and min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _close(a: str, b: str, tolerance: float, *, inclusive: bool = False) -> bool:
    """Edit distance below (or, inclusive, at most) `tolerance` of the longer text's length."""
    if a == b:
        return True
    allowed = round(tolerance * max(len(a), len(b)), 9)
    limit = math.floor(allowed) if inclusive else math.ceil(allowed) - 1
    return limit >= 0 and distance(a, b, limit) <= limit


def titles_compatible(a: Profile, b: Profile) -> bool:
    # Compared with their marks when both have them, folded when either was typed without.
    marked = bool(a.marked_title and b.marked_title)
    first, second = (a.marked_title, b.marked_title) if marked else (a.title, b.title)
    if _close(first, second, TITLE_TOLERANCE):
        return not _word_replaced(first, second)
    # One library left the subtitle out: compare the main titles.
    if (not a.has_subtitle or not b.has_subtitle) and a.main_title and b.main_title:
        if marked and a.marked_main_title and b.marked_main_title:
            return _close(a.marked_main_title, b.marked_main_title, TITLE_TOLERANCE)
        return _close(a.main_title, b.main_title, TITLE_TOLERANCE)
    return False


def _word_replaced(a: str, b: str) -> bool:
    """A word swapped for another, not mistyped: "Mường Chà" / "Mường Nhé" (two districts)."""
    first, second = a.split(), b.split()
    if len(first) != len(second):
        return False
    return any(
        distance(x, y) > max(len(x), len(y)) // 2
        for x, y in zip(first, second, strict=True)
        if x != y
    )


def _word_matches(short: str, long: str) -> bool:
    if short == long:
        return True
    if len(short) == 1 or len(long) == 1:  # an initial
        return short[0] == long[0]
    return False


def names_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Same person? Word order is free (inverted names), initials match names."""
    if sorted(a) == sorted(b):
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    remaining = list(long)
    full_words = 0
    for word in sorted(short, key=len, reverse=True):
        match = next((w for w in remaining if _word_matches(word, w)), None)
        if match is None:
            break
        remaining.remove(match)
        full_words += len(word) > 1 and len(match) > 1
    else:
        if full_words >= 1:
            return True
    return _close(" ".join(sorted(a)), " ".join(sorted(b)), AUTHOR_TOLERANCE, inclusive=True)


def authors_compatible(a: Profile, b: Profile) -> bool:
    if not a.authors and not b.authors:
        return True
    if not a.authors or not b.authors:
        return False
    return any(names_compatible(x, y) for x in a.authors for y in b.authors)


def _pages_differ(a: int | None, b: int | None) -> bool:
    if not a or not b:
        return False
    gap = abs(a - b)
    return gap > PAGE_SLACK and gap > PAGE_TOLERANCE * max(a, b)


def shares_identifier(a: Profile, b: Profile) -> bool:
    return bool(a.isbns & b.isbns or a.issns & b.issns or a.ids & b.ids)


@dataclass(frozen=True)
class Verdict:
    same: bool
    reason: str
    strength: int = 0  # 2: shared identifier, 1: matched by the rules, 0: different


def conflict(a: Profile, b: Profile) -> str:
    """The rule that forbids these two records in one cluster whatever links them, or ''."""
    if a.type != b.type:
        return "type"
    if a.volumes != b.volumes or a.named_part != b.named_part:
        return "volume"
    if a.edition is not None and b.edition is not None and a.edition != b.edition:
        return "edition"
    # Vietnamese publishers often keep the ISBN when they reprint ("tái bản"), so a shared ISBN
    # does not overrule two different years.
    if a.year and b.year and a.year != b.year:
        return "year"
    if (not a.year or not b.year) and (a.edition is None) != (b.edition is None):
        return "edition"  # "Tái bản lần thứ 2" vs no statement, and no year to tell them apart
    if shares_identifier(a, b):
        return ""
    if a.isbns and b.isbns:
        return "isbn"
    if a.issns and b.issns:
        return "issn"
    if a.series and b.series and not a.series & b.series:
        return "series"
    return ""


def verify(a: Profile, b: Profile) -> Verdict:
    """Are these two records one book? (The rules are in the module docstring.)"""
    reason = conflict(a, b)
    if reason:
        return Verdict(False, reason)
    if shares_identifier(a, b):
        return Verdict(True, "identifier", 2)
    if _pages_differ(a.pages, b.pages):
        return Verdict(False, "pages")
    if WEAK_EVIDENCE and (not a.year or not b.year) and not (a.pages and b.pages):
        return Verdict(False, "evidence")
    if not titles_compatible(a, b):
        return Verdict(False, "title")
    if not authors_compatible(a, b):
        return Verdict(False, "author")
    return Verdict(True, "rules", 1)


def same_book(a: RecordFields | Mapping[str, Any], b: RecordFields | Mapping[str, Any]) -> Verdict:
    """`verify` on two records' fields (convenience for tests and benchmarks)."""
    return verify(profile(a), profile(b))
