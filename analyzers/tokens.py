"""Syllable tokens exactly as the engine's analyzers produce them.

The engine chain is: char filters `vi_compose`, `vi_tone` (the normaliser's tables),
`vi_join_names`, [`vi_fold`], the `vi_syllables` pattern tokenizer, `lowercase`. These functions
run the same steps in Python; `tests/integration/test_analysis_agreement.py` checks that the two
agree, which is what lets the indexer and the search API reason about tokens without the engine.

Syllables, not dictionary words: Vietnamese word segmenters disagree with themselves on
unaccented text, while syllables plus syllable bigrams (see `analysis`) are robust.
"""

from __future__ import annotations

import re
import unicodedata

from analyzers.fold import fold_mapping
from analyzers.normalise import normalise

__all__ = [
    "JOIN_NAMES_ENGINE_PATTERN",
    "SYLLABLE_SPLIT_ENGINE_PATTERN",
    "folded_tokens",
    "join_names",
    "tokens",
]

# Central Highlands and Hmong names write a one-letter prefix with an apostrophe or hyphen:
# H'Mông, H-Mông, Hmông; M'Nông; H'Hen Niê; K'Ho. The prefix is joined to the name so all
# spellings give one token. Only before a consonant: French elisions (l'amour, d'Artagnan is an
# exception we accept) come before vowels and stay split.
_FIRST = "A-Za-zĐđ"
_CONSONANTS = "b-df-hj-np-tv-zB-DF-HJ-NP-TV-ZĐđ"
JOIN_NAMES_ENGINE_PATTERN = f"(?<![\\p{{L}}\\p{{N}}])([{_FIRST}])['\\-](?=[{_CONSONANTS}])"
JOIN_NAMES_ENGINE_REPLACEMENT = "$1"
_JOIN = re.compile(f"(?<![^\\W_])([{_FIRST}])['\\-](?=[{_CONSONANTS}])")

# Token characters are letters, marks and digits; everything else separates tokens.
SYLLABLE_SPLIT_ENGINE_PATTERN = "[^\\p{L}\\p{M}\\p{N}]+"


def join_names(text: str) -> str:
    """Join a one-letter name prefix to the name: `H'Mông` → `HMông`, `H-Mông` → `HMông`."""
    return _JOIN.sub(r"\1", text)


def _split(text: str) -> list[str]:
    out: list[str] = []
    current: list[str] = []
    for char in text:
        if unicodedata.category(char)[0] in "LMN":
            current.append(char)
        elif current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out


def tokens(text: str) -> list[str]:
    """The exact-field tokens of `text`: normalised, lowercased syllables, diacritics kept."""
    return [t.lower() for t in _split(join_names(normalise(text)))]


def folded_tokens(text: str) -> list[str]:
    """The folded-field tokens: as `tokens`, with tones, vowel marks and đ removed."""
    return [t.lower() for t in _split(fold_mapping()(join_names(normalise(text))))]
