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

__all__ = ["MAX_READINGS", "decode_telex", "decode_vni", "fold_telex", "readings", "telex_syllable"]

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
# Whole words (a Telex word next to an accented letter is no Telex: `Diều` stays as typed).
_WORD = re.compile(r"[^\W\d_]+")
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
    decoded = telex_syllable(word)
    return word if decoded is None else decoded


_TELEX_VOWELS = "aeiouy"


def telex_syllable(word: str) -> str | None:
    """One word of Telex keys → its Vietnamese syllable (lowercase), or None when the word has no
    Telex key or does not give a Vietnamese syllable.

    Accepts what input methods accept: the tone key at the end (`vieetj`) or anywhere after the
    first vowel (`vieejt`, `tieesng`), and the vowel-mark key right after its letter (`vieet`,
    `dduwowngf`) or after the whole word (`viete`, `dduongwf`: the mark goes on the nucleus). No
    Vietnamese final contains s, f, r, x or j, so such a letter after the first vowel can only be
    a tone key.
    """
    body = word.lower()
    if len(body) < 2 or not body.isascii() or not body.isalpha():
        return None
    first = next((i for i, c in enumerate(body) if c in _TELEX_VOWELS), None)
    if first is None:
        return None
    tone_at = [i for i in range(first + 1, len(body)) if body[i] in _TELEX_TONES]
    tone = None
    if len(tone_at) > 1:
        return None
    if tone_at:
        tone = _TELEX_TONES[body[tone_at[0]]]
        body = body[: tone_at[0]] + body[tone_at[0] + 1 :]
    trailing = _trailing_mark(body)
    readings = [body]
    if trailing is not None and (tone or trailing[-1] not in _STOPS or body[-1] == "w"):
        readings.append(trailing)  # tried second: keys next to their letter come first
    for reading in readings:
        changed = tone is not None or reading is trailing
        for keys, letter in _TELEX_LETTERS:
            if keys in reading:
                reading, changed = reading.replace(keys, letter), True
        if not changed:
            continue
        try:
            return _syllable(reading, tone)
        except _NotVietnamese:
            continue
    return None


_TRAILING_W = (("uo", "ươ"), ("o", "ơ"), ("u", "ư"), ("a", "ă"))


def _trailing_mark(body: str) -> str | None:
    """`body` with a vowel-mark key typed after its final consonant applied to the nucleus
    (`viete` → `viêt`, `duongw` → `dương`), or None when it ends otherwise."""
    if len(body) < 3 or body[-2] in (body[-1], "w"):
        return None
    key, stem = body[-1], body[:-1]
    if key == "w":
        for plain, marked in _TRAILING_W:
            at = stem.rfind(plain)
            if at >= 0 and "w" not in stem:
                return stem[:at] + marked + stem[at + len(plain) :]
        return None
    if key in "aeo":
        at = stem.rfind(key)
        if at >= 0 and stem[at + 1 : at + 2] != key:
            return stem[:at] + _CIRCUMFLEX[key] + stem[at + 1 :]
    return None


_CIRCUMFLEX = {"a": "â", "e": "ê", "o": "ô"}
# A syllable ending in a stop (c, ch, p, t) always carries a tone: `dât` is no word, so `data`
# is not read as a trailing circumflex (`dâta`) unless a tone key says it is Telex (`datas`).
_STOPS = "cpth"


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
    return _decode(query, _WORD, _telex_word)


def decode_vni(query: str) -> str | None:
    """Decode VNI keystrokes (1–5 tones, 6 circumflex, 7 horn, 8 breve, 9 đ).

    `truye6n5 kie6u2` → `truyện kiều`. Numbers such as years, codes such as `B1` or `MP3` and
    words that are no Vietnamese syllable are kept as typed; None when nothing decodes.
    """
    return _decode(query, _ASCII_ALNUM, _vni_word)


MAX_READINGS = 2


def readings(text: str) -> list[str]:
    """What `text` may stand for besides itself when typed without an input method: its Telex
    decoding and its VNI decoding (each word decoded on its own, accented and foreign words kept),
    distinct, never the text itself, at most `MAX_READINGS`.

    A word such as `dda` (`đa`, or the letters themselves) is ambiguous: callers search the text
    and every reading side by side, so each reading adds its own evidence (`analyzers.query`)."""
    found: list[str] = []
    seen = {text.lower()}
    for decoded in (decode_telex(text), decode_vni(text)):
        if decoded and decoded.lower() not in seen:
            seen.add(decoded.lower())
            found.append(decoded)
    return found[:MAX_READINGS]


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
