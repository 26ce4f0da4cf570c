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
from functools import cache

from analyzers.mapping import Mapping
from analyzers.syllables import is_syllable
from analyzers.tables import cp1258, tcvn3, viscii, vni

__all__ = ["ENCODINGS", "repair"]

# Names reported by `repair`, in the order tried (ties go to the first).
ENCODINGS = ("TCVN3", "VNI", "VISCII", "Windows-1258")
_TABLES = {"TCVN3": tcvn3.DECODE, "VISCII": viscii.DECODE, "Windows-1258": cp1258.DECODE}

# A conversion is kept when at least this share of its non-ASCII words are Vietnamese syllables
# and fewer than REPAIR_BELOW of the original's were.
REPAIR_AT_LEAST = 0.8
REPAIR_BELOW = 0.5

_WORD_BREAK = re.compile(r"[\s'\-]+")
_EDGE_PUNCTUATION = string.punctuation + "“”‘’«»…–—"


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


def _words(text: str) -> list[str]:
    # Name prefixes (H'Mông, Ê-đê) are split off: the parts are what must be syllables.
    words = (w.strip(_EDGE_PUNCTUATION) for w in _WORD_BREAK.split(text))
    return [w for w in words if w and not w.isascii()]


def _vietnamese_share(text: str) -> float:
    words = _words(text)
    if not words:
        return 0.0
    return sum(is_syllable(w) for w in words) / len(words)


def _candidates(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    data = _as_bytes(text)
    for name in ENCODINGS:
        if name == "VNI":
            decoded: str | None = _vni_mapping()(text)
        elif data is None:
            continue
        else:
            decoded = _decode(data, _TABLES[name])
        if decoded is not None:
            decoded = unicodedata.normalize("NFC", decoded)
            if decoded != text:
                found.append((name, decoded))
    return found


def repair(text: str) -> tuple[str, str | None]:
    """Return `(text, encoding)`: the repaired text and the legacy encoding it was in, or the
    text unchanged and None.

    The repaired text is NFC and otherwise as the cataloguer typed it (callers normalise for
    matching). Callers should log every repair (the encoding name is one of `ENCODINGS`).
    """
    if text.isascii():
        return text, None
    original = _vietnamese_share(text)
    if original >= REPAIR_BELOW:
        return text, None
    best: tuple[float, str, str] | None = None
    for name, decoded in _candidates(text):
        share = _vietnamese_share(decoded)
        if share >= REPAIR_AT_LEAST and share > original and (best is None or share > best[0]):
            best = (share, name, decoded)
    if best is None:
        return text, None
    return best[2], best[1]
