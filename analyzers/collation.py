"""Sort keys in Vietnamese filing order, syllable by syllable as dictionaries order words.

The engine has no ICU plugin, and ICU's `vi` collation would be wrong anyway for filing: it
compares tones only after the whole string, so `Số đỏ` came before `Sổ tay`. Here every syllable
is encoded as its letters (ranked by `tables.filing.ALPHABET`) followed by its tone digit
(`tables.filing.TONES`), so a syllable is compared completely, tone included, before the next
one. What callers may rely on, comparing keys as plain strings (byte order, as the engine sorts
keyword fields):

  - a ă â b c d đ e ê g … ư v x y, and ca < cà < cả < cã < cá < cạ < các < cách;
  - case, punctuation and spacing are ignored (`Hà Nội - Điện Biên` files as `Hà Nội Điện Biên`);
  - numbers by value, before words: `Tập 2` < `Tập 10`;
  - tone-placement styles and Unicode forms give one key (`Hòa` = `Hoà`);
  - letters of other scripts come after the Latin alphabet, in code point order.

Keys are ASCII apart from other scripts' letters, at most a few times the text's length.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from analyzers.normalise import normalise
from analyzers.tables import filing, marks

__all__ = ["SORT_KEY_TEXT_LIMIT", "sort_key"]

# Keys of long titles stay well below the engine's term-length limit; 200 characters of a title
# decide any order readers notice.
SORT_KEY_TEXT_LIMIT = 200

# Letter codes start above the tone digits, so a syllable's tone digit (its end) sorts before any
# further letter: `ca` < `can` whatever their tones.
_LETTER_CODES = {letter: chr(0x41 + rank) for rank, letter in enumerate(filing.ALPHABET)}
_LETTER_INDEX = {code: letter for letter, code in _LETTER_CODES.items()}
_TONE_DIGITS = {mark: str(rank) for rank, mark in enumerate(filing.TONES)}
_NUMBER = "#"  # below every letter code: numbers file before words
_SEPARATOR = " "  # below everything else: a shorter syllable sequence files first
_MAX_DIGITS = 99

_SYLLABLE = re.compile(r"\d+|[^\W\d_]+")


@lru_cache(maxsize=1 << 14)
def _letter_syllable(word: str) -> str:
    # cached: a catalogue's titles are made of a few thousand syllables, and every union
    # document's filing key walks each of its syllables character by character
    codes: list[str] = []
    tone = ""
    for char in unicodedata.normalize("NFD", word):
        if char in marks.TONE_MARKS:
            tone = tone or char
        elif unicodedata.combining(char) and codes and codes[-1] in _LETTER_INDEX:
            # â ê ô ă ơ ư are letters of their own; other marks on Latin letters (ü, ç) file
            # as the bare letter.
            marked = unicodedata.normalize("NFC", _LETTER_INDEX[codes[-1]] + char)
            codes[-1] = _LETTER_CODES.get(marked, codes[-1])
        else:  # other scripts keep their characters (and marks), after every Latin letter
            codes.append(_LETTER_CODES.get(char, char))
    return "".join(codes) + _TONE_DIGITS[tone]


def _number_syllable(digits: str) -> str:
    value = digits.lstrip("0") or "0"
    return f"{_NUMBER}{min(len(value), _MAX_DIGITS):02d}{value}"


def sort_key(text: str) -> str:
    """The filing key of `text`: compare keys as plain strings to get Vietnamese filing order.

    Callers that honour non-filing characters (MARC 245 second indicator) strip them first.
    """
    words = _SYLLABLE.findall(normalise(text)[:SORT_KEY_TEXT_LIMIT].lower())
    return _SEPARATOR.join(
        _number_syllable(w) if w.isdigit() else _letter_syllable(w) for w in words
    )
