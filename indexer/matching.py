"""Are two records the same book? Pairwise verification, after RecordManager, made for Vietnamese.

Every comparison works on a :class:`indexer.profiles.Profile` (the record's fields folded once).
The rules, in the order :func:`verify` applies them (the first that decides wins):

Conflicts: no evidence overrules these (:func:`conflict`).

1. material types differ → different;
2. volume or part numbers differ, or one record names a volume and the other none ("Tập 1" /
   "Tập 2", 245 $n, numbers written in the title) → different, even with a shared ISBN, because
   a multi-volume set often carries one ISBN on every volume;
3. edition numbers differ ("Tái bản lần thứ 2" / "lần 3", "2nd ed." / "3rd ed.") → different;
4. years differ (a missing year is allowed) → different, even with a shared ISBN: Vietnamese
   publishers often keep the ISBN when they reprint ("tái bản");
5. a year is missing and only one record states an edition → different (a "Tái bản lần thứ 2"
   cannot be told from the first printing without a year);

Identifiers.

6. a shared ISBN (ISBN-10 and -13 compare equal), ISSN or identifier (010, 024, 035 with an
   agency prefix) → same (rules 7 to 12 are not asked);
7. both have ISBNs (or both ISSNs) and none is shared → different;
8. series numbers (490 $v) both present and disjoint → different;

Description, for records that share no identifier.

9. page counts differ by more than 10 % (and more than 2 pages) → different;
10. weak evidence: a year is missing and the two records do not both give a page count →
    different; title and author alone would join different printings of a book (on the
    benchmark, dropping this rule lowers precision on every set: bench/dedup.py);
11. folded titles differ by an edit distance of 10 % of their length or more → different (a title
    whose subtitle one library left out is compared without it; a word replaced rather than
    mistyped, "Mường Chà" / "Mường Nhé", is another title);
12. authors: both absent, or compatible — same words in any order ("Nguyễn, Du" = "Nguyễn Du",
    "Austen, Jane" = "Jane Austen"), initials matching names, one name's words within the
    other's, or an edit distance of at most 20 % — else different;
13. otherwise → same.

What callers may rely on: `verify` is symmetric and pure; `conflict` is rules 1–5, 7 and 8 (7 and
8 only without a shared identifier), the rules no chain of matches may break (clusters use it so
A≈B≈C never joins two volumes or two years).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from indexer.marc_document import RecordFields
from indexer.profiles import Profile, profile
from indexer.similarity import authors_compatible, titles_compatible

PAGE_TOLERANCE = 0.10
PAGE_SLACK = 2


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
    if (not a.year or not b.year) and not (a.pages and b.pages):
        return Verdict(False, "evidence")
    if not titles_compatible(a, b):
        return Verdict(False, "title")
    if not authors_compatible(a, b):
        return Verdict(False, "author")
    return Verdict(True, "rules", 1)


def same_book(a: RecordFields | Mapping[str, Any], b: RecordFields | Mapping[str, Any]) -> Verdict:
    """`verify` on two records' fields (convenience for tests and benchmarks)."""
    return verify(profile(a), profile(b))
