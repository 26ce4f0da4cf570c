"""Folding: the form an unaccented query matches (tones, vowel marks and the stroke of đ gone).

Vietnamese readers often type without diacritics, so every text field has a folded twin. The
fold table is derived here once and used both by `fold` and by the engine's `vi_fold` mapping
char filter, so both sides fold identically. Only Latin letters are folded: other scripts (Tai
Viet, Han, ...) pass unchanged.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache

from analyzers.mapping import Mapping
from analyzers.normalise import normalise
from analyzers.tables import marks

__all__ = ["fold", "fold_mapping"]

# đ/Đ have no Unicode decomposition, so NFD-based stripping would keep them.
_STROKED = {"\u0111": "d", "\u0110": "D"}


@cache
def fold_mapping() -> Mapping:
    """Precomposed Latin letters → their ASCII base letter; đ → d; stray combining marks removed.

    Letters without a decomposition to an ASCII base (ø, æ, ß, ł) are left as they are.
    """
    rules: dict[str, str] = dict(_STROKED)
    for low, high in marks.LATIN_RANGES:
        for code in range(low, high + 1):
            letter = chr(code)
            decomposed = unicodedata.normalize("NFD", letter)
            if len(decomposed) > 1 and decomposed[0].isascii() and decomposed[0].isalpha():
                rules[letter] = decomposed[0]
    for code in range(0x0300, 0x0370):
        rules[chr(code)] = ""
    return Mapping(rules)


def fold(text: str) -> str:
    """Normalise, lowercase and strip tones, vowel marks and đ → d: `Điện Biên` → `dien bien`.

    Idempotent. What callers may rely on: a text and its unaccented spelling fold to the same
    string; non-Latin scripts are only normalised and lowercased.
    """
    if text.isascii() and text.isprintable():
        return text.lower()
    return _fold(text)


@lru_cache(maxsize=1 << 16)
def _fold(text: str) -> str:
    return fold_mapping()(normalise(text).lower())
