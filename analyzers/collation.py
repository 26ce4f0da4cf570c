"""Sort keys in Vietnamese alphabetical order (ICU `vi` collation).

The engine has no ICU plugin, so keys are computed here and stored in a keyword field
(`analysis.sort_field`). ICU's binary sort key is hex-encoded: hex digits keep byte order, so
sorting the stored strings gives a ă â b c d đ e ê … and, within a letter, ca cà cả cã cá cạ.
Digits compare by numeric value, so volumes come in order: Tập 1, Tập 2, … Tập 10.
"""

from __future__ import annotations

import threading

import icu

from analyzers.normalise import normalise

__all__ = ["SORT_KEY_TEXT_LIMIT", "sort_key"]

# Keys of long titles stay well below the engine's term-length limit; 200 characters of a title
# decide any order readers notice.
SORT_KEY_TEXT_LIMIT = 200

_local = threading.local()


def _collator() -> icu.Collator:
    collator = getattr(_local, "collator", None)
    if collator is None:  # ICU collators are not thread-safe: one per thread
        collator = icu.Collator.createInstance(icu.Locale("vi"))
        # "Tập 2" before "Tập 10": numbers in titles sort by value, as readers expect.
        collator.setAttribute(icu.UCollAttribute.NUMERIC_COLLATION, icu.UCollAttributeValue.ON)
        _local.collator = collator
    return collator


def sort_key(text: str) -> str:
    """The sort key of `text`: compare keys as plain strings to get Vietnamese order.

    Text is normalised first, so tone-placement styles and Unicode forms sort together.
    """
    key: bytes = _collator().getSortKey(normalise(text)[:SORT_KEY_TEXT_LIMIT].strip())
    return key.rstrip(b"\x00").hex()
