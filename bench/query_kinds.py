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

import random
import re
import unicodedata
from collections.abc import Callable, Mapping

__all__ = [
    "KINDS",
    "author_and_word",
    "author_word_and_title_word",
    "exact",
    "lower_nfd",
    "middle_words",
    "nfd",
    "other_tone_style",
    "partial",
    "telex",
    "telex_typed",
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


def lower_nfd(title: str) -> str:
    """The title lower-cased and decomposed, as a phone keyboard or a Mac clipboard gives it."""
    return unicodedata.normalize("NFD", title.lower())


def author_word_and_title_word(
    title: str, authors: str, frequency: Mapping[str, int], rng: random.Random
) -> str | None:
    """One word of the author's name (the first or the last: surname or given name, whichever
    order the name is in) and the title's most distinctive word, both without diacritics, in
    either order: `anh biec`, `biec nguyen`. None without an author or title words."""
    names = title_words(authors)
    words = title_words(title)
    if not names or not words:
        return None
    name = unaccented(rng.choice((names[0], names[-1]))).lower()
    word = unaccented(min(words, key=lambda w: frequency.get(unaccented(w).lower(), 0))).lower()
    return f"{name} {word}" if rng.random() < 0.5 else f"{word} {name}"


MIDDLE_MIN_WORDS = 6


def middle_words(
    title: str, rng: random.Random, held: Callable[[str], bool] | None = None
) -> str | None:
    """Three or four consecutive words from inside a long title (at least `MIDDLE_MIN_WORDS`
    words), neither its first nor its last word, as written: what a reader remembers of it.

    `held` says whether a run is text a reader can have seen (some library's record holds it in
    order); a drawn run that is not is replaced by one drawn from the runs that are, and None
    when there is none. Without `held` every run counts (the same draw either way)."""
    words = title_words(title)
    if len(words) < MIDDLE_MIN_WORDS:
        return None
    size = rng.choice((3, 4))
    start = rng.randint(1, len(words) - 1 - size)
    run = " ".join(words[start : start + size])
    if held is None or held(run):
        return run
    runs = [
        " ".join(words[i : i + n]) for n in (3, 4) for i in range(1, len(words) - n)
    ]
    runs = [r for r in runs if held(r)]
    return rng.choice(runs) if runs else None


# How a reader without an input method types each word, with the share of words typed so.
TELEX_STYLES = (
    ("tone at the end", 0.35),  # vieetj
    ("tone after the vowel", 0.2),  # vieejt
    ("marks at the end", 0.15),  # vietej, duongwf
    ("no tone key", 0.15),  # vieet
    ("accented", 0.15),  # the word typed correctly (the reader fixed it, or copied it)
)


def _telex_word(word: str, style: str) -> str:
    nfc = unicodedata.normalize("NFC", word)
    if style == "accented":
        return nfc
    decomposed = unicodedata.normalize("NFD", nfc)
    tone_mark = next((c for c in decomposed if c in TONES), "")
    plain = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
    keys = _syllable_keys(plain, vni_style=False)  # vowel marks after their letter, no tone
    tone = TELEX_TONE_KEYS.get(tone_mark, "") if style != "no tone key" else ""
    if style == "marks at the end":
        moved = _marks_at_end(plain)
        return (keys if moved is None else moved) + tone
    if style == "tone after the vowel" and tone:
        vowels = [i for i, c in enumerate(keys.lower()) if c in "aeiouyw"]
        if vowels:
            at = vowels[-1] + 1
            return keys[:at] + tone + keys[at:]
    return keys + tone


def _marks_at_end(plain: str) -> str | None:
    """The word with its one vowel-mark key typed after the whole word (`viêt` → `viete`,
    `đương` → `dduongw`); None when the word has two different marks (`ươ` counts as one)."""
    letters: list[str] = []
    trailing: list[str] = []
    for char in plain:
        base, *marks = unicodedata.normalize("NFD", char)
        if base in STROKED:
            letters.append(STROKED[base] * 2)
            continue
        letters.append(base)
        for mark in marks:
            if mark == CIRCUMFLEX:
                trailing.append(base.lower())
            elif mark in (BREVE, HORN):
                trailing.append("w")
    if len(set(trailing)) > 1 or (len(trailing) > 1 and trailing[0] != "w"):
        return None
    return "".join(letters) + "".join(trailing[:1])


def telex_typed(title: str, rng: random.Random) -> str | None:
    """The title as Telex keystrokes typed without an input method, each word in one of the
    `TELEX_STYLES` (tone key at the end or right after the vowel, vowel-mark keys at the end,
    no tone key, or the word accented). None when no word carries a key."""
    styles = [name for name, _ in TELEX_STYLES]
    weights = [share for _, share in TELEX_STYLES]

    def one(match: re.Match[str]) -> str:
        return _telex_word(match.group(), rng.choices(styles, weights)[0])

    typed = _SYLLABLE.sub(one, unicodedata.normalize("NFC", title))
    return typed if typed != unaccented(title) and typed != title else None


# Kind name → generator over (title, authors, word frequency, random source); the row order.
Generator = Callable[[str, str, Mapping[str, int], random.Random], "str | None"]
KINDS: dict[str, Generator] = {
    "exact title": lambda t, a, f, r: exact(t),
    "lower-case NFD": lambda t, a, f, r: lower_nfd(t),
    "unaccented title": lambda t, a, f, r: unaccented(t),
    "partial title": lambda t, a, f, r: partial(t),
    "middle words": lambda t, a, f, r: middle_words(t, r),
    "author word + title word": author_word_and_title_word,
    "Telex keystrokes": lambda t, a, f, r: telex_typed(t, r),
    "VNI keystrokes": lambda t, a, f, r: vni(t) if vni(t) != t else None,
    "other tone style": lambda t, a, f, r: other_tone_window(t),
}

AUTHOR_KINDS = frozenset({"author word + title word"})
