""" "Did you mean": typos fixed in the catalogue's own words and spelt as the catalogue spells them.

Two steps, so a suggestion never invents a spelling (issue #21: `dien bien phuu` once gave
`diễn biên phu`, each word "corrected" on its own to the nearest accented term):

1. Typos are fixed on the *folded* words (no tones, no vowel marks): the engine's term suggester
   looks each word of the reader's free text up among the folded terms of titles, authors and
   subjects (`phuu` → `phu`). Words it finds are left alone.
2. Only a correction some book holds (all its words, folded) is kept. Diacritics come from that
   book's texts: a run of its words with the corrected words' folds, in order, replaces the
   reader's (`điện biên phủ`); without such a run, a corrected word takes the book's spelling
   of it and words that needed no correction stay as typed.

Only free text is corrected: field names (`author:`, `tác giả:`), quoted phrases, ISBNs, numbers
and negated words stay exactly as typed. A suggestion is offered only when the search found few
books and the corrected query finds more (checked by the caller).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice, product
from typing import Any

from analyzers.fold import fold
from analyzers.normalise import normalise
from searchapi.query_tokens import Token, field_name, tokenize

__all__ = [
    "FEW_RESULTS",
    "Edit",
    "Piece",
    "apply",
    "chosen",
    "corrections",
    "free_words",
    "respell",
    "spelling_body",
    "spelling_texts",
    "suggest_body",
]

FOLDED_FIELDS = ("title.folded", "authors.folded", "subjects.folded")
SPELLED_FIELDS = ("title", "subtitle", "authors", "subjects", "series")
SPELLING_HITS = 5
OPTIONS = 3  # options per word and field
MAX_CANDIDATES = 12
FEW_RESULTS = 3

# Field labels readers type in Vietnamese, folded and without spaces (`tác giả:`, `nhan đề:`).
LABELS = frozenset(
    {"tacgia", "nhande", "tieude", "chude", "nhaxuatban", "nxb", "namxuatban", "tensach", "nam"}
)
_LABEL_WORDS = 3
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


@dataclass(frozen=True)
class Piece:
    """A correctable word of the query: where it starts in the query and its text."""

    start: int
    text: str


@dataclass(frozen=True)
class Edit:
    """One word of the suggest text (as the engine split it) and its folded correction."""

    offset: int  # in the suggest text
    length: int
    typed: str
    target: str  # folded: the suggester's correction, or the typed word folded
    corrected: bool


def free_words(q: str) -> list[Piece]:
    """The words of ``q`` a suggestion may change, in order.

    Left out: quoted phrases, field names (and Vietnamese labels such as `tác giả:`), the values
    of `isbn:` and `year:`, negated words and groups, and words holding digits (ISBNs, volumes).
    ``q`` must already parse; positions are indices into ``q``.
    """
    tokens = tokenize(q)
    kept: list[Token] = []
    skip_next = False
    depth_skipped = 0
    for at, token in enumerate(tokens):
        if depth_skipped:
            depth_skipped += {"LPAREN": 1, "RPAREN": -1}.get(token.kind, 0)
            continue
        if skip_next:
            skip_next = False
            if token.kind == "LPAREN":
                depth_skipped = 1
            continue
        if token.kind in ("MINUS", "NOT") or (
            token.kind == "FIELD" and field_name(token.text) in ("isbn", "year")
        ):
            skip_next = True
        elif token.kind == "WORD" and not any(c.isdigit() for c in token.text):
            if token.text.endswith(":"):
                _drop_label(kept, tokens, at)
            else:
                kept.append(token)
    return [Piece(token.position, token.text) for token in kept]


def _drop_label(kept: list[Token], tokens: list[Token], at: int) -> None:
    """`tác giả:`: the words before a colon that make a label with it are no search words."""
    label = fold(tokens[at].text.rstrip(":"))
    for back in range(1, _LABEL_WORDS + 1):
        if at - back < 0 or len(kept) < back or kept[-back] is not tokens[at - back]:
            return
        label = fold(kept[-back].text) + label
        if label in LABELS:
            del kept[-back:]
            return


def suggest_body(text: str) -> dict[str, Any]:
    """The ``suggest`` section of a search request for the joined free words ``text``."""
    body: dict[str, Any] = {"text": text}
    for field in FOLDED_FIELDS:
        body[field.replace(".", "_")] = {
            "term": {
                "field": field,
                "suggest_mode": "missing",
                "size": 3,
                "max_edits": 2,
                "min_word_length": 2,
                "accuracy": 0.5,
            }
        }
    return body


def corrections(text: str, suggest: dict[str, Any]) -> list[list[Edit]]:
    """Candidate corrections of ``text``: every word the engine saw, with a folded target each.

    Per field, every combination of its options (`missing` is judged per field: a title word
    is "missing" from the authors and gets an author's name there), then the best option of
    each word across fields. Fewest corrected words first (the reader typed most words right),
    then the best score; at most MAX_CANDIDATES, none that changes nothing. Which of them the
    catalogue holds decides the caller (`spelling_body`, `chosen`).
    """
    spans: set[tuple[int, int]] = set()
    per_field: list[dict[tuple[int, int], list[tuple[float, str]]]] = []
    best: dict[tuple[int, int], list[tuple[float, str]]] = {}
    for field in FOLDED_FIELDS:
        options: dict[tuple[int, int], list[tuple[float, str]]] = {}
        for entry in suggest.get(field.replace(".", "_"), []):
            span = (entry["offset"], entry["length"])
            spans.add(span)
            found = [(o["score"], o["text"]) for o in entry.get("options", [])[:OPTIONS]]
            if found:
                options[span] = found
                if span not in best or found[0][0] > best[span][0][0]:
                    best[span] = found[:1]
        per_field.append(options)
    ordered = sorted(spans)
    scored: list[tuple[int, float, list[Edit]]] = []
    for options in [*per_field, best]:
        choices = [options.get(span, [(0.0, "")]) for span in ordered]
        for picked in islice(product(*choices), MAX_CANDIDATES):
            edits: list[Edit] = []
            for (offset, length), (_score, option) in zip(ordered, picked, strict=True):
                typed = text[offset : offset + length]
                target = option or fold(typed)
                if typed:
                    edits.append(Edit(offset, length, typed, target, target != fold(typed)))
            changed = sum(edit.corrected for edit in edits)
            if changed and edits not in [c for _, _, c in scored]:
                scored.append((changed, -sum(score for score, _ in picked), edits))
    scored.sort(key=lambda item: item[:2])
    return [edits for _, _, edits in scored[:MAX_CANDIDATES]]


def spelling_body(candidates: list[list[Edit]]) -> dict[str, Any]:
    """A search for catalogue texts holding every corrected word of a candidate (folded);
    each candidate's query is named by its index, so the hits tell which ones the catalogue
    holds."""
    return {
        "size": SPELLING_HITS * len(candidates),
        "_source": list(SPELLED_FIELDS),
        "query": {
            "bool": {
                "should": [
                    {
                        "multi_match": {
                            "query": " ".join(edit.target for edit in edits),
                            "type": "cross_fields",
                            "operator": "and",
                            "fields": [f"{field}.folded" for field in SPELLED_FIELDS],
                            "_name": str(at),
                        }
                    }
                    for at, edits in enumerate(candidates)
                ],
                "minimum_should_match": 1,
            }
        },
    }


def chosen(
    candidates: list[list[Edit]], response: dict[str, Any]
) -> tuple[list[Edit], list[str]] | None:
    """The first candidate the catalogue holds, with the texts of the books that hold it."""
    hits = response.get("hits", {}).get("hits", [])
    for at, edits in enumerate(candidates):
        holding = [h for h in hits if str(at) in h.get("matched_queries", [])]
        if holding:
            return edits, spelling_texts({"hits": {"hits": holding}})
    return None


def spelling_texts(response: dict[str, Any]) -> list[str]:
    """The texts of the hits of ``spelling_body``, best hit first."""
    texts: list[str] = []
    for found in response.get("hits", {}).get("hits", []):
        source = found.get("_source", {})
        for field in SPELLED_FIELDS:
            value = source.get(field, [])
            texts += [value] if isinstance(value, str) else [v for v in value if v]
    return texts


def respell(edits: list[Edit], texts: list[str]) -> list[str]:
    """The replacement of each edit's word, spelt as the catalogue ``texts`` spell it.

    A run of catalogue words whose folds are the targets, in order, gives every word; otherwise
    a corrected word takes the first catalogue word folding to its target (else the target
    itself, unaccented) and the other words stay as typed. Never a diacritic the catalogue
    does not hold.
    """
    targets = [edit.target for edit in edits]
    spelled: dict[str, str] = {}
    for text in texts:
        words = _WORD.findall(normalise(text))
        folds = [fold(word) for word in words]
        for start in range(len(words) - len(targets) + 1):
            if folds[start : start + len(targets)] == targets:
                run = words[start : start + len(targets)]
                return [_same_case(edit.typed, word) for edit, word in zip(edits, run, strict=True)]
        for word, folded in zip(words, folds, strict=True):
            spelled.setdefault(folded, word)
    return [
        _same_case(edit.typed, spelled.get(edit.target, edit.target))
        if edit.corrected
        else edit.typed
        for edit in edits
    ]


def _same_case(typed: str, replacement: str) -> str:
    if len(typed) > 1 and typed.isupper():
        return replacement.upper()
    if typed[:1].isupper():
        return replacement[:1].upper() + replacement[1:].lower()
    return replacement.lower()


def apply(q: str, replacements: dict[int, tuple[int, str]]) -> str:
    """``q`` with the text at each start position (start → (length, replacement)) replaced."""
    for start in sorted(replacements, reverse=True):
        length, replacement = replacements[start]
        q = q[:start] + replacement + q[start + length :]
    return q
