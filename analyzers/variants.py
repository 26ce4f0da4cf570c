"""The i/y equivalence key: kĩ/kỹ, lí/lý, mĩ/mỹ, hi/hy, Qui/Quy are one word spelled two ways.

After a consonant (or qu) a syllable-final i and y are interchangeable in Vietnamese spelling
(both styles are official and both are in catalogues). `ay`/`ai`, `uy` after other consonants and
`yê`/`iê` are different sounds and are not merged. The key works on folded syllables, so it is
matched as a separate, low-weight field: it widens recall, never outranks an exact spelling.
"""

from __future__ import annotations

import re

from analyzers.tokens import folded_tokens

__all__ = [
    "IY_ENGINE_PATTERN",
    "IY_ENGINE_REPLACEMENT",
    "variant_key",
    "variant_syllable",
    "variant_tokens",
]

_INITIALS = "bcdghklmnprstvx"

# The same rule for the engine's `pattern_replace` token filter (Java regex) and for Python.
IY_ENGINE_PATTERN = f"^(qu|[{_INITIALS}]+)y$"
IY_ENGINE_REPLACEMENT = "$1i"
_IY = re.compile(IY_ENGINE_PATTERN)


def variant_syllable(folded_syllable: str) -> str:
    """Map one folded, lowercased syllable to its i/y key (`ky` → `ki`, `quy` → `qui`)."""
    return _IY.sub(r"\1i", folded_syllable)


def variant_tokens(text: str) -> list[str]:
    """The `.variant` field's tokens: folded syllables with the i/y key applied."""
    return [variant_syllable(t) for t in folded_tokens(text)]


def variant_key(text: str) -> str:
    """Fold `text` and merge syllable-final y into i after a consonant: `Kỹ thuật` → `ki thuat`."""
    return " ".join(variant_tokens(text))
