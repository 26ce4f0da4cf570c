"""The matching form of Vietnamese text: one spelling for what readers see as one spelling.

`normalise` is applied to documents at ingest and to every query; the engine's analysis chain
applies the same two rewrite tables (`compose_mapping`, `tone_mapping`) through `mapping` char
filters, so Python and the engine agree on what a text means.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from itertools import permutations, product

from analyzers.mapping import Mapping
from analyzers.tables import marks
from analyzers.tables.tone_placement import RULES as TONE_RULES

__all__ = ["compose_mapping", "normalise", "tone_mapping"]

_NOT_PLAIN_SPACE = re.compile(r"\s*[^\S ]\s*")


@cache
def compose_mapping() -> Mapping:
    """Rewrites every spelling of a precomposed Latin letter to that letter, and cleans up.

    Covers, for every precomposed letter of the Latin blocks: fully decomposed text (NFD), the
    MARC-21 character model (a partly composed letter plus a combining mark, e.g. ơ + hook), marks
    in either order, and for Vietnamese the non-equivalent order "tone mark, then circumflex /
    breve / horn" that some input methods emit. Also: U+00D0 Ð → Đ, apostrophe variants → ',
    control and invisible characters removed (tab, newline and carriage return are kept: they
    only separate words).
    """
    rules: dict[str, str] = {}
    for low, high in marks.LATIN_RANGES:
        for code in range(low, high + 1):
            letter = chr(code)
            decomposed = unicodedata.normalize("NFD", letter)
            if len(decomposed) < 2:
                continue
            base, combining = decomposed[0], decomposed[1:]
            vietnamese = (
                len(combining) == 2
                and any(m in marks.VOWEL_MARKS for m in combining)
                and any(m in marks.TONE_MARKS for m in combining)
            )
            for order in set(permutations(combining)):
                spelled = base + "".join(order)
                if unicodedata.normalize("NFC", spelled) != letter and not vietnamese:
                    continue
                for composed in range(len(order)):
                    head = unicodedata.normalize("NFC", base + "".join(order[:composed]))
                    if len(head) != 1:
                        continue
                    key = head + "".join(order[composed:])
                    if rules.setdefault(key, letter) != letter:
                        raise AssertionError(f"ambiguous compose rule {key!r}")
    rules.update(marks.ETH_FOR_D)
    rules.update({a: "'" for a in marks.APOSTROPHES})
    rules.update({c: "" for c in marks.INVISIBLE})
    for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)]:
        if chr(code) not in "\t\n\r":
            rules[chr(code)] = ""
    return Mapping(rules)


@cache
def tone_mapping() -> Mapping:
    """Rewrites old-style and mis-placed tones to the one style (see `tables.tone_placement`)."""
    rules: dict[str, str] = {}
    for letters, typed, proper in TONE_RULES:
        for tone in marks.TONE_MARKS:
            key = _with_tone(letters, typed, tone)
            value = _with_tone(letters, proper, tone)
            for pattern in product((False, True), repeat=len(letters)):
                rules[_cased(key, pattern)] = _cased(value, pattern)
    return Mapping(rules)


def _with_tone(letters: str, position: int, tone: str) -> str:
    toned = unicodedata.normalize("NFC", letters[position] + tone)
    return letters[:position] + toned + letters[position + 1 :]


def _cased(text: str, upper: tuple[bool, ...]) -> str:
    return "".join(c.upper() if u else c for c, u in zip(text, upper, strict=True))


def normalise(text: str) -> str:
    """Return the matching form of `text`; letter case is preserved.

    Callers may rely on: the result is NFC; Vietnamese letters written decomposed, in the MARC-21
    model or with marks in another order become the precomposed letter; oa/oe/uy carry the tone
    in the one house style (hoà, khoẻ, thuỷ) and typing slips hòan/ngòai/qúy/gìa are repaired;
    Ð (U+00D0) becomes Đ; apostrophe variants become '; control and invisible characters are
    removed; a run of whitespace containing anything but plain spaces becomes one space (runs of
    plain spaces are left alone, so printable ASCII text is never changed). Idempotent.
    """
    if text.isascii() and text.isprintable():
        return text  # no rule applies to printable ASCII (a property test holds us to it)
    return _normalise(text)


@lru_cache(maxsize=1 << 16)
def _normalise(text: str) -> str:
    """Catalogue text repeats (names, publishers, subjects): the rewrite is cached."""
    previous = None
    while text != previous:
        previous = text
        text = unicodedata.normalize("NFC", text)
        text = compose_mapping()(text)
        text = tone_mapping()(unicodedata.normalize("NFC", text))
        text = _NOT_PLAIN_SPACE.sub(" ", unicodedata.normalize("NFC", text))
    return text
