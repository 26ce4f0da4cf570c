"""The Vietnamese tables as plain data, for a second implementation that must agree with this one.

The offline catalogue (`searchapi.offline`) searches in the reader's browser with no server, so
its JavaScript needs the very tables Python uses: the compose, tone-placement and fold rewrite
tables (applied with the longest-match rule of `mapping.Mapping`), the syllable lists behind the
Telex/VNI decoders, the keystroke tables, the name-joining rule and the i/y key. They are read
from the modules that own them, never copied, so a change to a table reaches both sides; a test
runs the JavaScript and Python on the same strings and compares.

What callers may rely on: `tables()` is deterministic and JSON-serialisable (str, int, lists and
dicts only).
"""

from __future__ import annotations

from typing import Any

from analyzers import keyboard
from analyzers.fold import fold_mapping
from analyzers.normalise import compose_mapping, tone_mapping
from analyzers.tables import marks
from analyzers.tables import syllables as syllable_tables
from analyzers.tokens import _CONSONANTS, _FIRST
from analyzers.variants import _INITIALS

__all__ = ["tables"]


def tables() -> dict[str, Any]:
    """Every table the offline normaliser, folder, tokenizer and Telex/VNI decoders read."""
    return {
        "compose": dict(sorted(compose_mapping().rules.items())),
        "tone": dict(sorted(tone_mapping().rules.items())),
        "fold": dict(sorted(fold_mapping().rules.items())),
        "tone_marks": {
            "acute": marks.ACUTE,
            "grave": marks.GRAVE,
            "hook": marks.HOOK,
            "tilde": marks.TILDE,
            "dot_below": marks.DOT_BELOW,
        },
        "all_tone_marks": "".join(marks.TONE_MARKS),
        "vowel_marks": {
            "circumflex": marks.CIRCUMFLEX,
            "breve": marks.BREVE,
            "horn": marks.HORN,
        },
        "initials": list(syllable_tables.INITIALS),
        "rhymes": sorted(syllable_tables.RHYMES),
        "vowels": "".join(sorted(syllable_tables.VOWELS)),
        "marked_vowels": "".join(sorted(syllable_tables.MARKED_VOWELS)),
        "second_vowel_toned": sorted(syllable_tables.SECOND_VOWEL_TONED),
        "telex_tones": dict(keyboard._TELEX_TONES),
        "telex_letters": [list(pair) for pair in keyboard._TELEX_LETTERS],
        "telex_finals": list(keyboard._FINALS),
        "telex_vowels": keyboard._TELEX_VOWELS,
        "telex_trailing_w": [list(pair) for pair in keyboard._TRAILING_W],
        "telex_circumflex": dict(keyboard._CIRCUMFLEX),
        "telex_stops": keyboard._STOPS,
        "vni_tones": dict(keyboard._VNI_TONES),
        "vni_marks": {key: list(value) for key, value in keyboard._VNI_MARKS.items()},
        "join_first": _FIRST,
        "join_consonants": _CONSONANTS,
        "iy_initials": _INITIALS,
        # What Python's `str.split()` and the normaliser's `\s` treat as whitespace.
        "whitespace": "".join(chr(c) for c in range(0x110000) if chr(c).isspace()),
    }
