"""Detecting and repairing Vietnamese text that went through a legacy encoding.

Old library data was typed in TCVN3 (ABC, `.VnTime` fonts), VNI, VISCII or Windows-1258 and
later read as Windows-1252 (or Latin-1), which turns `Nguyễn Du` into `NguyÔn Du` (TCVN3) or
`Nguyeãn Du` (VNI). `repair` undoes that: it reverses the Windows-1252 reading, decodes the bytes
with each legacy table, and keeps a conversion only when it turns words that are not Vietnamese
into Vietnamese syllables. Genuine French, Spanish or German text (`Hôtel de Ville`, `Ñandú`)
and genuine Vietnamese text are returned unchanged: they do not become (more) Vietnamese.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from analyzers.mapping import Mapping
from analyzers.syllables import is_syllable
from analyzers.tables import cp1258, tcvn3, viscii, vni

__all__ = ["ENCODINGS", "repair"]

# Names reported by `repair`, in the order tried (ties go to the first).
ENCODINGS = ("TCVN3", "VNI", "VISCII", "Windows-1258")
_TABLES = {"TCVN3": tcvn3.DECODE, "VISCII": viscii.DECODE, "Windows-1258": cp1258.DECODE}

# A conversion is kept when at least this share of the words it changes become Vietnamese
# syllables, and at least CONTEXT_AT_LEAST of all the words of the result are syllables.
REPAIR_AT_LEAST = 0.8
CONTEXT_AT_LEAST = 0.5

_WORD_BREAK = re.compile(r"[\s'\-]+")
# Stripped from word edges before judging. « and » are not: in TCVN3 they are the letters ô and
# ằ (`Ng«` is Ngô), and French or German quotes glued to a word do not decode to Vietnamese anyway.
# The typographic marks are TCVN3 capitals (’ is Ò, “ is Ỏ): a word is judged with them when it
# then decodes to a syllable (`L’` is LÒ), without them otherwise (`“Bonjour”`).
_TYPOGRAPHIC = "“”‘’„…–—‹›"
_EDGE_PUNCTUATION = string.punctuation + _TYPOGRAPHIC
# Cased letters by their Unicode category that no Vietnamese or European word is spelled with.
_NOT_IN_WORDS = "µƒ"


@cache
def _cp1252_bytes() -> dict[str, int]:
    """Character → byte for text that was bytes read as Windows-1252 (or as Latin-1)."""
    table: dict[str, int] = {}
    for byte in range(256):
        table[chr(byte)] = byte  # Latin-1 reading (also covers cp1252's five unused bytes)
    for byte in range(0x80, 0xA0):
        try:
            table[bytes([byte]).decode("cp1252")] = byte
        except UnicodeDecodeError:
            pass
    return table


def _as_bytes(text: str) -> bytes | None:
    table = _cp1252_bytes()
    try:
        return bytes(table[c] for c in text)
    except KeyError:
        return None


def _decode(data: bytes, table: dict[int, str]) -> str | None:
    out: list[str] = []
    for byte in data:
        if byte in table:
            out.append(table[byte])
        elif byte < 0x80:
            out.append(chr(byte))
        else:
            return None
    return "".join(out)


@cache
def _vni_mapping() -> Mapping:
    rules: dict[str, str] = {}
    tones = {
        "": "",
        "sắc": "\u0301",
        "huyền": "\u0300",
        "hỏi": "\u0309",
        "ngã": "\u0303",
        "nặng": "\u0323",
    }

    def add(base: str, mark_chars: str, combining: str) -> None:
        lower, upper = mark_chars
        for b, m in ((base, lower), (base.upper(), upper), (base.upper(), lower)):
            rules[b + m] = unicodedata.normalize("NFC", b + combining)

    for base in "aeouy":
        for tone, chars in vni.TONE.items():
            add(base, chars, tones[tone])
    for base in "aeo":
        for tone, chars in vni.CIRCUMFLEX.items():
            add(base, chars, "\u0302" + tones[tone])
    for tone, chars in vni.BREVE.items():
        add("a", chars, "\u0306" + tones[tone])
    for (lower, upper), (letter, capital) in vni.SINGLE.items():
        rules[lower], rules[upper] = letter, capital
    # ơ and ư are single bytes that then take a tone byte like any vowel.
    for (lower, upper), (letter, capital) in vni.SINGLE.items():
        if letter not in "ơư":
            continue
        for tone, (tone_lower, tone_upper) in vni.TONE.items():
            rules[lower + tone_lower] = unicodedata.normalize("NFC", letter + tones[tone])
            rules[upper + tone_upper] = unicodedata.normalize("NFC", capital + tones[tone])
            rules[upper + tone_lower] = unicodedata.normalize("NFC", capital + tones[tone])
    return Mapping(rules)


@cache
def _legacy_chars() -> frozenset[str]:
    """Every character that legacy bytes read as Windows-1252 (or Latin-1) can turn into."""
    return frozenset(_cp1252_bytes())


@cache
def _suspicious() -> frozenset[str]:
    """Characters of mojibake that genuine Vietnamese or European words are not spelled with.

    Derived from the tables: the Windows-1252 readings of TCVN3, VISCII and VNI bytes that are
    not cased letters (©, «, ¸, ¹, §, ª, ˆ, the soft hyphen, control characters…) or are
    letters only by their Unicode category (µ, ƒ). Whitespace is not suspicious.
    """
    readings = _cp1252_bytes()
    chars = {c for c, byte in readings.items() if byte in tcvn3.DECODE or byte in viscii.DECODE}
    chars.update(c for key in _vni_mapping().rules for c in key if not c.isascii())
    return frozenset(
        c
        for c in chars
        if not c.isspace() and (unicodedata.category(c) not in ("Lu", "Ll") or c in _NOT_IN_WORDS)
    )


def _oddity(word: str) -> int:
    """How much `word` (as written) looks like mojibake: 0 not at all, 1 somewhat, 2 surely.

    Surely: a suspicious character between two letters (`T©y`, `ng©m`, `§¹i`) or a capital
    letter inside a lowercase word (`TÊt`, `NguyÔn`, `ViÖt`). Somewhat: a suspicious character
    at an edge of the word (`Ng«`, `th\\xad`, `µm`).
    """
    suspicious = _suspicious()
    found = 0
    last = len(word) - 1
    for i, c in enumerate(word):
        if c in suspicious:
            if 0 < i < last and word[i - 1].isalpha() and word[i + 1].isalpha():
                return 2
            found = 1
        elif i and c.isupper() and not c.isascii():
            # a non-ASCII capital after a lowercase letter, or followed by lowercase letters
            if word[i - 1].islower() or any(d.islower() for d in word[i + 1 :]):
                return 2
    return found


_STOP_FINALS = ("p", "t", "c", "ch")
_STOP_TONES = frozenset("\u0301\u0323")  # sắc, nặng


@lru_cache(maxsize=1 << 16)
def _is_syllable(word: str) -> bool:
    """`is_syllable`, plus the rule that a syllable ending in p, t, c or ch carries the sắc or
    nặng tone (`học`, `tốt`; never `hữc`, `nhôt`), which tells legacy decodings apart."""
    if not is_syllable(word):
        return False
    lower = word.lower()
    if not lower.endswith(_STOP_FINALS):
        return True
    return any(c in _STOP_TONES for c in unicodedata.normalize("NFD", lower))


def _decoder(name: str) -> Callable[[str], str | None]:
    if name == "VNI":
        return _vni_mapping()

    table = _TABLES[name]

    def decode(text: str) -> str | None:
        data = _as_bytes(text)
        return None if data is None else _decode(data, table)

    return decode


@dataclass
class _Evidence:
    """What one decoding does to the words of a text."""

    changed: int = 0  # words the decoding changes
    vietnamese_before: int = 0  # of those, clean Vietnamese syllables as written
    vietnamese_after: int = 0  # of those, Vietnamese syllables once decoded
    odd: int = 0  # highest oddity of a changed word as written
    unchanged: int = 0  # words the decoding leaves alone
    unchanged_vietnamese: int = 0  # of those, Vietnamese syllables

    @property
    def words(self) -> int:
        return self.changed + self.unchanged

    @property
    def vietnamese(self) -> int:
        """Vietnamese syllables in the decoded text."""
        return self.vietnamese_after + self.unchanged_vietnamese

    def convincing(self) -> bool:
        """The decoded text is clearly more Vietnamese than the text as written."""
        if self.vietnamese_after <= self.vietnamese_before:
            return False  # also: correct Vietnamese (every changed word a syllable) stays
        if self.vietnamese_after < REPAIR_AT_LEAST * self.changed:
            return False
        if self.vietnamese < CONTEXT_AT_LEAST * self.words:
            return False
        if self.odd == 2:
            return True
        if self.words == 1:
            return False  # one lone word (`Bø`, `µm`, `Nº`): only sure mojibake is repaired
        if self.odd == 1 and self.vietnamese_before == 0:
            return True
        # Nothing out of place as written (`Nguyeãn Du`, `BØ vá`): the decoding must at least
        # double the syllables and be backed by a second changed word or Vietnamese context.
        if self.vietnamese_after < 2 * self.vietnamese_before:
            return False
        if self.changed >= 2:
            return True
        return self.vietnamese >= REPAIR_AT_LEAST * self.words and self.unchanged_vietnamese > 0


def _words(text: str) -> list[str]:
    """The words of `text` that hold a letter, edge punctuation stripped.

    Name prefixes (H'Mông, Ê-đê) are split off: the parts are what must be syllables. Words
    without a letter are left out (`–`, `©`, `«`, `2005`) unless they are at least two
    characters that are not all punctuation (`§“` is TCVN3 for ĐỎ).
    """
    words = (w.strip(string.punctuation) for w in _WORD_BREAK.split(text))
    return [w for w in words if _is_word(w)]


def _is_word(text: str) -> bool:
    suspicious = _suspicious()
    return any(c.isalpha() for c in text) or (
        len(text) > 1 and any(c not in _EDGE_PUNCTUATION and c in suspicious for c in text)
    )


def _judged(word: str, decode: Callable[[str], str | None]) -> tuple[str, str] | None:
    """`word` as judged (typographic edges kept or stripped, see _TYPOGRAPHIC) and its decoding."""
    decoded = decode(word)
    if decoded is None:
        return None
    decoded = unicodedata.normalize("NFC", decoded)
    stripped = word.strip(_EDGE_PUNCTUATION)
    if stripped == word or _is_syllable(decoded):
        return word, decoded
    return _judged(stripped, decode) if _is_word(stripped) else None


def _evidence(words: list[str], decode: Callable[[str], str | None]) -> _Evidence | None:
    found = _Evidence()
    for whole in words:
        judged = _judged(whole, decode)
        if judged is None:
            if decode(whole) is None:
                return None
            continue  # only punctuation
        word, decoded = judged
        if decoded == word:
            found.unchanged += 1
            found.unchanged_vietnamese += _is_syllable(word) and not _oddity(word)
            continue
        odd = _oddity(word)
        found.changed += 1
        found.odd = max(found.odd, odd)
        found.vietnamese_before += not odd and _is_syllable(word)
        found.vietnamese_after += _is_syllable(decoded)
    return found


def repair(text: str) -> tuple[str, str | None]:
    """Return `(text, encoding)`: the repaired text and the legacy encoding it was in, or the
    text unchanged and None.

    A decoding is kept only when it makes the text clearly more Vietnamese (see
    `_Evidence.convincing`); of several, the one with the most Vietnamese syllables wins (ties go
    to the first of `ENCODINGS`). Text that is ASCII, or holds any character that bytes read as
    Windows-1252 cannot produce (`Nguyễn`, `Dvořák`), is returned at once.

    The repaired text is NFC and otherwise as the cataloguer typed it (callers normalise for
    matching). Callers should log every repair (the encoding name is one of `ENCODINGS`).
    """
    if text.isascii() or not _legacy_chars().issuperset(text):
        return text, None
    return _repair(text)


@lru_cache(maxsize=1 << 14)
def _repair(text: str) -> tuple[str, str | None]:
    """:func:`repair` of text that may be legacy-encoded: judged word by word against four
    tables, and catalogue text repeats (names, publishers, places), so the verdict is cached."""
    words = _words(text)
    if not words:
        return text, None
    best: tuple[tuple[int, int, int], str] | None = None
    for name in ENCODINGS:
        found = _evidence(words, _decoder(name))
        if found is None or not found.convincing():
            continue
        rank = (found.vietnamese, 0, 0)
        if best is None or rank > best[0]:
            best = (rank, name)
    if best is None:
        return text, None
    name = best[1]
    decoded = _decoder(name)(text)
    if decoded is None:
        return text, None
    return unicodedata.normalize("NFC", decoded), name
