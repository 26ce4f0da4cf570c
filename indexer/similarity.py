"""Are two titles, or two people's names, the same text give or take a typing mistake?

Titles are compared with their Vietnamese marks when both records have them ("Số đỏ" and "Số đó"
are two books) and folded when either was typed without; names in any word order, initials
matching names. Both tolerate an edit distance proportional to the text's length.
"""

from __future__ import annotations

import math

from indexer.profiles import Profile

TITLE_TOLERANCE = 0.10
AUTHOR_TOLERANCE = 0.20


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
