"""Vietnamese syllables: recognising them and placing their tone in the house style.

Used by the Telex/VNI decoders (is a decoding real Vietnamese?) and by legacy repair (did a
conversion produce Vietnamese?). Data in `tables.syllables`.
"""

from __future__ import annotations

import unicodedata

from analyzers.tables import marks
from analyzers.tables.syllables import (
    INITIALS,
    MARKED_VOWELS,
    RHYMES,
    SECOND_VOWEL_TONED,
    VOWELS,
)

__all__ = ["is_syllable", "place_tone"]


def _split(syllable: str) -> tuple[str, str] | None:
    for initial in INITIALS:
        if not syllable.startswith(initial):
            continue
        rhyme = syllable[len(initial) :]
        if rhyme in RHYMES:
            return initial, rhyme
        if initial == "gi" and "i" + rhyme in RHYMES:
            return initial, rhyme
    return None


def _letters_and_tones(word: str) -> tuple[str, list[str]]:
    decomposed = unicodedata.normalize("NFD", word.lower())
    letters = "".join(c for c in decomposed if c not in marks.TONE_MARKS)
    return unicodedata.normalize("NFC", letters), [c for c in decomposed if c in marks.TONE_MARKS]


def is_syllable(word: str) -> bool:
    """True when `word` is spelled like one Vietnamese syllable (any case, at most one tone)."""
    letters, tones = _letters_and_tones(word)
    return len(tones) <= 1 and _split(letters) is not None


def place_tone(syllable: str, tone: str | None) -> str:
    """Put `tone` (a combining tone mark) on an untoned lowercase syllable, in the house style.

    The tone goes on the last vowel carrying a vowel mark (ươ → ơ, uyê → ê); otherwise on the last
    vowel when a final consonant follows (hoàn); otherwise on the second vowel of oa/oe/uy (hoà),
    the first of other pairs (mùa), the middle of three (ngoài, khuỷu). Raises ValueError for a
    string that is not a Vietnamese syllable.
    """
    parts = _split(syllable)
    if parts is None:
        raise ValueError(f"not a Vietnamese syllable: {syllable!r}")
    if tone is None:
        return syllable
    initial, rhyme = parts
    nucleus_end = 0
    while nucleus_end < len(rhyme) and rhyme[nucleus_end] in VOWELS:
        nucleus_end += 1
    nucleus = rhyme[:nucleus_end]
    if not nucleus:  # "gì": the i of the initial is the vowel
        initial, rhyme, nucleus = initial[:-1], initial[-1] + rhyme, initial[-1]
        nucleus_end = 1
    marked = [i for i, v in enumerate(nucleus) if v in MARKED_VOWELS]
    if marked:
        at = marked[-1]
    elif nucleus_end < len(rhyme) or len(nucleus) == 1:
        at = len(nucleus) - 1
    elif nucleus in SECOND_VOWEL_TONED:
        at = 1
    elif len(nucleus) == 2:
        at = 0
    else:
        at = 1
    toned = unicodedata.normalize("NFC", rhyme[at] + tone)
    return initial + rhyme[:at] + toned + rhyme[at + 1 :]
