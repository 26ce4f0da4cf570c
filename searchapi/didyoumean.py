""""Did you mean": spelling corrections from the catalogue's own words, checked before offered.

The engine's term suggester looks up each word of the reader's free text among the exact
(diacritics kept) terms of titles, authors and subjects. A word typed without diacritics is one
edit away from its accented form ("truyen" → "truyện"), so the same mechanism both fixes typos
and restores accents. A suggestion is offered only when the search found few books and the
corrected query finds more.
"""

from __future__ import annotations

import re
from typing import Any

# Exact fields restore diacritics; folded ones fix typos in text typed without them. Vietnamese
# syllables are short, so words from two letters are looked up and the accuracy is lowered (a
# typo plus a missing accent is two edits in three letters); the count check guards the result.
EXACT_FIELDS = ("title", "authors", "subjects")
SUGGEST_FIELDS = (*EXACT_FIELDS, "title.folded", "authors.folded")
FEW_RESULTS = 3


def suggest_body(text: str) -> dict[str, Any]:
    """The ``suggest`` section of a search request for the free text ``text``."""
    body: dict[str, Any] = {"text": text}
    for field in SUGGEST_FIELDS:
        body[field.replace(".", "_")] = {
            "term": {
                "field": field,
                "suggest_mode": "missing",
                "size": 3,
                "max_edits": 2,
                "min_word_length": 2,
                "accuracy": 0.3,
            }
        }
    return body


def corrections(text: str, suggest: dict[str, Any]) -> dict[str, str]:
    """Original word (as typed) → best replacement, across the suggesters.

    An exact-field option (it carries diacritics) beats a folded one; then score, then frequency.
    """
    best: dict[tuple[int, int], tuple[bool, float, int, str]] = {}
    for field in SUGGEST_FIELDS:
        for entry in suggest.get(field.replace(".", "_"), []):
            if not entry.get("options"):
                continue
            option = entry["options"][0]
            span = (entry["offset"], entry["length"])
            rank = (field in EXACT_FIELDS, option["score"], option["freq"], option["text"])
            if span not in best or rank[:3] > best[span][:3]:
                best[span] = rank
    found: dict[str, str] = {}
    for (offset, length), (_exact, _score, _freq, replacement) in best.items():
        typed = text[offset : offset + length]
        if typed and typed.lower() != replacement.lower():
            found[typed] = _same_case(typed, replacement)
    return found


def _same_case(typed: str, replacement: str) -> str:
    if typed[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def apply(q: str, fixes: dict[str, str]) -> str:
    """``q`` with each misspelt word replaced where it stands as a whole word."""
    for typed, replacement in fixes.items():
        # A function, not a template: a catalogue word with a backslash is text, not an escape.
        pattern = re.compile(rf"(?<!\w){re.escape(typed)}(?!\w)")
        q = pattern.sub(lambda _, text=replacement: text, q, count=1)
    return q
