"""Decoding raw Telex and VNI keystrokes typed without an input method.

`nguyeenx du` (Telex) and `nguye64n du` (VNI) reach the search box when a reader has no
Vietnamese keyboard. The decoders return the Vietnamese text, or None when the query does not
plausibly contain such keystrokes. Callers must use a decoding only as an extra, lower-weighted
alternative to the literal query: `Marx`, `moon`, `box` and Hmong RPA words (`Hmoob`, whose
final letters mark tones) are real words. A word is decoded only when it gives a valid Vietnamese
syllable (`tables.syllables`); other words are kept as typed, because real titles mix Vietnamese
with English words and codes (`Tawngj Kemf Bookmark`, `Sach1 Luye65n thi B1`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from analyzers.fold import fold
from analyzers.syllables import place_tone
from analyzers.tables import marks
from analyzers.tables.syllables import VOWELS

__all__ = ["decode_telex", "decode_vni", "fold_telex"]

_TELEX_TONES = {
    "s": marks.ACUTE,
    "f": marks.GRAVE,
    "r": marks.HOOK,
    "x": marks.TILDE,
    "j": marks.DOT_BELOW,
}
# Longest first: uow before ow, so "truwowngf"/"truowngf" both give trương.
_TELEX_LETTERS = (
    ("uwow", "ươ"),
    ("uow", "ươ"),
    ("dd", "đ"),
    ("aa", "â"),
    ("aw", "ă"),
    ("ee", "ê"),
    ("oo", "ô"),
    ("ow", "ơ"),
    ("uw", "ư"),
)
_VNI_TONES = {
    "1": marks.ACUTE,
    "2": marks.GRAVE,
    "3": marks.HOOK,
    "4": marks.TILDE,
    "5": marks.DOT_BELOW,
}
_VNI_MARKS = {"6": ("aeo", marks.CIRCUMFLEX), "7": ("ou", marks.HORN), "8": ("a", marks.BREVE)}

_ASCII_WORD = re.compile(r"[A-Za-z]+")
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]+")


class _NotVietnamese(Exception):
    pass


def _syllable(letters: str, tone: str | None) -> str:
    try:
        return place_tone(letters, tone)
    except ValueError as exc:
        raise _NotVietnamese from exc


def _telex_word(match: re.Match[str]) -> str:
    word = match.group()
    body = word.lower()
    tone = None
    if len(body) > 1 and body[-1] in _TELEX_TONES:
        tone, body = _TELEX_TONES[body[-1]], body[:-1]
    changed = tone is not None
    for keys, letter in _TELEX_LETTERS:
        if keys in body:
            body, changed = body.replace(keys, letter), True
    if not changed:
        return word
    return _syllable(body, tone)


def _vni_word(match: re.Match[str]) -> str:
    word = match.group()
    if word.isdigit() or not any(c in "123456789" for c in word):
        return word
    letters: list[str] = []
    tone = None
    for char in word.lower():
        if char in _VNI_TONES:
            if not any(letter in VOWELS for letter in letters):  # a tone key follows its vowel
                raise _NotVietnamese
            tone = _VNI_TONES[char]
        elif char in _VNI_MARKS:
            targets, mark = _VNI_MARKS[char]
            _add_mark(letters, targets, mark)
            if char == "7" and len(letters) > 1 and letters[-1] == "ơ" and letters[-2] == "u":
                letters[-2] = "ư"  # "uo7" is how ươ is usually typed
            if char == "7" and "uư" in "".join(letters):
                at = "".join(letters).index("uư")  # the horn of ưu is on its first u: hưu, cừu
                letters[at : at + 2] = ["ư", "u"]
        elif char == "9":
            if "d" not in letters:
                raise _NotVietnamese
            letters[len(letters) - 1 - letters[::-1].index("d")] = "đ"
        elif char.isalpha():
            letters.append(char)
        else:  # 0 is no VNI key
            raise _NotVietnamese
    return _syllable("".join(letters), tone)


def _add_mark(letters: list[str], targets: str, mark: str) -> None:
    for i in range(len(letters) - 1, -1, -1):
        if letters[i] in targets:
            letters[i] = unicodedata.normalize("NFC", letters[i] + mark)
            return
    raise _NotVietnamese


def _decode(
    query: str, pattern: re.Pattern[str], word: Callable[[re.Match[str]], str]
) -> str | None:
    def keep_if_not_vietnamese(match: re.Match[str]) -> str:
        try:
            return word(match)
        except _NotVietnamese:
            return match.group()

    decoded = pattern.sub(keep_if_not_vietnamese, query)
    return decoded if decoded != query else None


def decode_telex(query: str) -> str | None:
    """Decode Telex keystrokes (aa â, aw ă, ee ê, oo ô, ow ơ, uw ư, dd đ; final s f r x j tones).

    `nguyeenx du` → `nguyễn du`. Words without Telex keys are kept as typed; changed words come
    back lowercase, words that are no Vietnamese syllable stay as typed (`Marx`, `Bookmark`). None
    when nothing decodes.
    """
    return _decode(query, _ASCII_WORD, _telex_word)


def decode_vni(query: str) -> str | None:
    """Decode VNI keystrokes (1–5 tones, 6 circumflex, 7 horn, 8 breve, 9 đ).

    `truye6n5 kie6u2` → `truyện kiều`. Numbers such as years, codes such as `B1` or `MP3` and
    words that are no Vietnamese syllable are kept as typed; None when nothing decodes.
    """
    return _decode(query, _ASCII_ALNUM, _vni_word)


# A Telex tone key ends a syllable that ends in a vowel or one of these finals.
_FINALS = ("c", "ch", "m", "n", "ng", "nh", "p", "t")


def _folded_telex_word(match: re.Match[str]) -> str:
    word = match.group()
    body = word.lower()
    if len(body) > 1 and body[-1] in _TELEX_TONES:
        stem = body[:-1]
        if any(v in stem for v in "aeiouy") and (stem[-1] in "aeiouyw" or stem.endswith(_FINALS)):
            body = stem
    for keys, letter in _TELEX_LETTERS:
        body = body.replace(keys, fold(letter))
    return body if body != word.lower() else word


def fold_telex(text: str) -> str | None:
    """The folded letters that Telex keystrokes stand for, tolerant of unfinished words.

    For autocomplete, where the last word is a prefix that is no syllable yet: `nguyeenx nhaa`
    → `nguyen nha`, `ddieen` → `dien`. Words without Telex keys are kept as typed; None when
    nothing changes. Like the decoders, only an extra alternative to the literal text.
    """
    folded = _ASCII_WORD.sub(_folded_telex_word, text)
    return folded if folded != text else None
