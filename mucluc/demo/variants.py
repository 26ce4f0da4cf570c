"""Ways the same Vietnamese text is catalogued differently from one library to the next.

Real union catalogues meet these differences in every batch, so the demo data reproduces them:
Unicode composed (NFC) or decomposed (NFD) text, old or new tone placement on ``oa``, ``oe`` and
``uy`` (Hòa/Hoà, khỏe/khoẻ, Thủy/Thuỷ), publisher names abbreviated or spelled out, personal names
in direct or inverted order, ISBD punctuation kept or dropped.
"""

from __future__ import annotations

import re
import unicodedata

# Tone marks on the vowel letters that carry them, composed form: base vowel -> 5 toned vowels
# in the order huyền, sắc, hỏi, ngã, nặng.
_TONED = {
    "a": "àáảãạ",
    "e": "èéẻẽẹ",
    "o": "òóỏõọ",
    "u": "ùúủũụ",
    "y": "ỳýỷỹỵ",
}
_TONE_OF = {ch: (base, i) for base, row in _TONED.items() for i, ch in enumerate(row)}
_TONE_OF.update({ch.upper(): (base.upper(), i) for ch, (base, i) in list(_TONE_OF.items())})


def _toned(base: str, tone: int) -> str:
    row = _TONED[base.lower()]
    return row[tone].upper() if base.isupper() else row[tone]


# A Vietnamese spelling fact: only the open rhymes oa, oe, uy (nothing after them in the
# syllable) have two accepted tone placements. "hoàng", "thuyền", "quý" have one.
_OLD_STYLE = re.compile(r"(?<![qQ])([òóỏõọÒÓỎÕỌùúủũụÙÚỦŨỤ])([aAeEyY])(?!\w)")
_NEW_STYLE = re.compile(r"(?<![qQ])([oOuU])([àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸỳýỷỹỵỲÝỶỸỴ])(?!\w)")
_PAIRS = {"o": "ae", "u": "y"}


def to_new_tones(text: str) -> str:
    """Move the tone mark to the second vowel of open oa/oe/uy: Hòa → Hoà, Thủy → Thuỷ."""

    def move(m: re.Match[str]) -> str:
        first, second = m.group(1), m.group(2)
        base, tone = _TONE_OF[first]
        if second.lower() not in _PAIRS[base.lower()]:
            return m.group(0)
        return base + _toned(second, tone)

    return _OLD_STYLE.sub(move, unicodedata.normalize("NFC", text))


def to_old_tones(text: str) -> str:
    """Move the tone mark to the first vowel of open oa/oe/uy: Hoà → Hòa, Thuỷ → Thủy."""

    def move(m: re.Match[str]) -> str:
        first, second = m.group(1), m.group(2)
        base, tone = _TONE_OF[second]
        if base.lower() not in _PAIRS[first.lower()]:
            return m.group(0)
        return _toned(first, tone) + base

    return _NEW_STYLE.sub(move, unicodedata.normalize("NFC", text))


def invert_name(name: str) -> str:
    """Catalogue a Vietnamese name surname-first with a comma: "Nguyễn Du" → "Nguyễn, Du".

    Names already inverted (with a comma, e.g. foreign authors) and one-word names are kept.
    """
    if "," in name or " " not in name:
        return name
    surname, rest = name.split(" ", 1)
    return f"{surname}, {rest}"


def publisher_name(short: str, form: str) -> str:
    """Spell a publisher as a library does: ``"Nxb. Trẻ"``, ``"Nhà xuất bản Trẻ"`` or ``"Trẻ"``."""
    if form == "abbrev":
        return f"Nxb. {short}"
    if form == "full":
        return f"Nhà xuất bản {short}"
    return short


def isbd(values: list[str], marks: list[str]) -> list[str]:
    """Append ISBD punctuation marks (``" :"``, ``" /"``, ``"."``...) to subfield values.

    A value that already ends with the mark's punctuation is not doubled (``"T. 1."``).
    """
    out = []
    for value, mark in zip(values, marks, strict=True):
        if mark and value.endswith(mark.strip()):
            out.append(value)
        else:
            out.append(value + mark)
    return out
