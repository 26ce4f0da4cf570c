"""The kinds of known-item query the relevance benchmark asks for a book: small pure generators.

Each generator turns a book's title (and author) into what a reader would type for it: the title
as written, without diacritics, only its first words, an author plus one title word, raw Telex or
VNI keystrokes (no input method), the other tone-placement style, capitals, decomposed Unicode.
They are written from Vietnamese orthography and the keyboard conventions, independently of
`analyzers`, so the benchmark does not grade the analyzers against their own code.

A generator returns None when its kind does not apply to the book (an author query for a book
without an author, a tone-style swap for a title without oa/oe/uy, a partial title of a one- or
two-word title).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping

__all__ = [
    "KINDS",
    "author_and_word",
    "exact",
    "nfd",
    "other_tone_style",
    "partial",
    "telex",
    "title_words",
    "unaccented",
    "upper",
    "vni",
]

GRAVE, ACUTE, TILDE, HOOK, DOT_BELOW = "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"
CIRCUMFLEX, BREVE, HORN = "\u0302", "\u0306", "\u031b"
TONES = (GRAVE, ACUTE, TILDE, HOOK, DOT_BELOW)

# Telex: the vowel mark is typed as a key right after its letter (â = aa, ư = uw), the tone as a
# key at the end of the syllable; đ is dd.
TELEX_TONE_KEYS = {ACUTE: "s", GRAVE: "f", HOOK: "r", TILDE: "x", DOT_BELOW: "j"}
TELEX_MARK_KEYS = {CIRCUMFLEX: None, BREVE: "w", HORN: "w"}  # None: repeat the letter
# VNI: one digit per mark, all typed after the syllable (marks in letter order, then the tone).
VNI_TONE_KEYS = {ACUTE: "1", GRAVE: "2", HOOK: "3", TILDE: "4", DOT_BELOW: "5"}
VNI_MARK_KEYS = {CIRCUMFLEX: "6", HORN: "7", BREVE: "8"}
VNI_STROKE_KEY = "9"

STROKED = {"đ": "d", "Đ": "D"}

# Syllables: runs of letters (with their combining marks); everything else passes through.
_SYLLABLE = re.compile(r"[^\W\d_](?:[^\W\d_]|[\u0300-\u036f])*")
# Words of a title for partial and author queries: letters and digits, punctuation dropped.
_WORD = re.compile(r"[^\W_](?:[^\W_]|[\u0300-\u036f])*")
# Open syllables whose tone placement has two styles: (initial consonants)(oa|oe|uy), where the
# initial is not q (in quý the u belongs to the initial) nor gi.
_TWO_STYLES = re.compile(r"^(?!q)(?!gi)([bcdđghklmnprstvx]*)(oa|oe|uy)$")


def exact(title: str) -> str:
    """The title as catalogued."""
    return title


def unaccented(title: str) -> str:
    """Tones and vowel marks removed, đ → d; case and punctuation kept: `Điện` → `Dien`."""
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", title) if not unicodedata.combining(c)
    )
    return unicodedata.normalize("NFC", "".join(STROKED.get(c, c) for c in stripped))


def title_words(title: str) -> list[str]:
    """The words of a title, punctuation dropped: `Nhà Giả Kim (Tái Bản)` → Nhà Giả Kim Tái Bản."""
    return _WORD.findall(unicodedata.normalize("NFC", title))


def partial(title: str) -> str | None:
    """The first words a reader remembers: min(4, n − 1) of the title's n words, at least two.

    Always shorter than the title, so the query is really partial; None below three words.
    """
    words = title_words(title)
    k = min(4, len(words) - 1)
    return " ".join(words[:k]) if k >= 2 else None


def author_and_word(title: str, authors: str, frequency: Mapping[str, int]) -> str | None:
    """The author followed by the title's most distinctive word (the lowest `frequency`; ties go
    to the earlier word). `frequency` is keyed by the lowercased, unaccented word; unknown words
    count as 0. None for a book without an author (blank, or punctuation only: the list has `.`)
    or a title without words."""
    authors = authors.strip()
    words = title_words(title)
    if not title_words(authors) or not words:
        return None
    word = min(words, key=lambda w: frequency.get(unaccented(w).lower(), 0))
    return f"{authors} {word}"


def _syllable_keys(syllable: str, *, vni_style: bool) -> str:
    letters: list[str] = []
    trailing: list[str] = []
    tone = ""
    for char in unicodedata.normalize("NFC", syllable):
        base, *marks = unicodedata.normalize("NFD", char)
        if base in STROKED:
            base = STROKED[base]
            if vni_style:
                trailing.append(VNI_STROKE_KEY)
            else:
                base += base
        for mark in marks:
            if mark in TONES:
                tone = VNI_TONE_KEYS[mark] if vni_style else TELEX_TONE_KEYS[mark]
            elif vni_style and mark in VNI_MARK_KEYS:
                trailing.append(VNI_MARK_KEYS[mark])
            elif not vni_style and mark in TELEX_MARK_KEYS:
                key = TELEX_MARK_KEYS[mark]
                base += base if key is None else (key.upper() if base.isupper() else key)
            else:  # a mark no Vietnamese key types (ç, ñ, ü): the reader types the base letter
                pass
        letters.append(base)
    return "".join(letters) + "".join(trailing) + tone


def telex(title: str) -> str:
    """Telex keystrokes: `Đường Việt` → `DDuwowngf Vieetj` (mark keys after their letter, in the
    letter's case; the tone key, lowercase, at the end of the syllable)."""
    return _SYLLABLE.sub(lambda m: _syllable_keys(m.group(), vni_style=False), title)


def vni(title: str) -> str:
    """VNI keystrokes: `Đường Việt` → `Duong9772 Viet65` (one digit per mark after the syllable,
    the tone digit last)."""
    return _SYLLABLE.sub(lambda m: _syllable_keys(m.group(), vni_style=True), title)


def _swap_tone(match: re.Match[str]) -> str:
    syllable = match.group()
    decomposed = unicodedata.normalize("NFD", syllable)
    tones = [c for c in decomposed if c in TONES]
    if len(tones) != 1:
        return syllable
    letters = [c for c in decomposed if c not in TONES]
    if any(unicodedata.combining(c) for c in letters):  # oă, uê...: not an oa/oe/uy syllable
        return syllable
    plain = "".join(letters)
    if not _TWO_STYLES.match(plain.lower()):
        return syllable
    toned_at = next(
        i for i, c in enumerate(unicodedata.normalize("NFC", syllable)) if c != plain[i]
    )
    other = len(plain) - 1 if toned_at == len(plain) - 2 else len(plain) - 2
    return unicodedata.normalize("NFC", plain[: other + 1] + tones[0] + plain[other + 1 :])


def other_tone_style(title: str) -> str | None:
    """The title with the other tone placement in open oa/oe/uy syllables (hòa ↔ hoà, khỏe ↔
    khoẻ, thủy ↔ thuỷ), each such syllable swapped; None when the title has none."""
    swapped = _SYLLABLE.sub(_swap_tone, unicodedata.normalize("NFC", title))
    return swapped if swapped != unicodedata.normalize("NFC", title) else None


def other_tone_window(title: str) -> str | None:
    """Two or three words of the title around its first oa/oe/uy syllable, that syllable written
    in the other tone style (`Hòa Bình Lập Lại` → `Hoà Bình Lập`): a reader remembering a few
    words, typed on a keyboard set to the other style. None when the title has no such syllable.

    A whole-title query would be found by its other words alone; the window makes the swapped
    syllable decide.
    """
    words = title_words(title)
    for index, word in enumerate(words):
        swapped = other_tone_style(word)
        if swapped is None:
            continue
        start = max(0, min(index - 1, len(words) - 3))
        window = words[start : start + 3]
        if len(window) < 2:
            return None
        window[index - start] = swapped
        return " ".join(window)
    return None


def upper(title: str) -> str:
    """The title in capitals, as on a cover or an old card catalogue."""
    return title.upper()


def nfd(title: str) -> str:
    """The title decomposed (NFD), as some systems and macOS file names deliver it."""
    return unicodedata.normalize("NFD", title)


# Kind name → generator over (title, authors, word frequency); the benchmark's row order.
KINDS: dict[str, Callable[[str, str, Mapping[str, int]], str | None]] = {
    "exact title": lambda t, a, f: exact(t),
    "unaccented title": lambda t, a, f: unaccented(t),
    "partial title": lambda t, a, f: partial(t),
    "author + title word": author_and_word,
    "Telex keystrokes": lambda t, a, f: telex(t),
    "VNI keystrokes": lambda t, a, f: vni(t),
    "other tone style": lambda t, a, f: other_tone_window(t),
    "upper case": lambda t, a, f: upper(t),
    "NFD": lambda t, a, f: nfd(t),
}

AUTHOR_KINDS = frozenset({"author + title word"})
