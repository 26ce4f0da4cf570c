"""The OpenSearch query for a reader's free text over the multi-fields of `analysis.text_field`.

Ranking intent, which the Vietnamese cases test:
  - every document whose folded (or i/y-merged) syllables contain the query's syllables matches,
    so accented and unaccented queries both find accented and unaccented text;
  - an exact-diacritic match scores above a folded-only match (folding is very lossy: `hoa`
    stands for about ten syllables);
  - adjacent syllables in the same order ("thư viện") score above scattered ones, through phrase
    and syllable-bigram clauses;
  - Telex/VNI decodings of the query ("nguyeenx du") are extra alternatives at a lower weight,
    never replacements: `Marx`, `data`, `Hmoob` are real words;
  - no stopwords: "Của chồng công vợ" is findable.
The query text only ever goes into `match`/`match_phrase`/`multi_match` clauses, never into a
query-string syntax, so readers' punctuation cannot break or widen a search.
"""

from __future__ import annotations

from typing import Any

from analyzers.keyboard import decode_telex, decode_vni
from analyzers.normalise import normalise

__all__ = ["text_query"]

# Constant bonuses (independent of term statistics, so a sparse field or a rare folded form
# cannot outweigh them): every syllable matches with its diacritics; the syllables match as a
# phrase, exactly or folded.
ALL_EXACT = 4.0
PHRASE_WEIGHT = 2.0
FOLDED_PHRASE_WEIGHT = 1.0
# BM25 clauses: exact syllables, bigrams, folded syllables (the recall gate), i/y key.
EXACT_WEIGHT = 1.0
SHINGLE_WEIGHT = 1.0
FOLDED_SHINGLE_WEIGHT = 0.5
FOLDED_WEIGHT = 1.0
VARIANT_WEIGHT = 0.3
DECODED_WEIGHT = 0.2

# Up to three syllables all must match; beyond that a quarter may be missing.
MINIMUM_SHOULD_MATCH = "3<-25%"

# The engine caps the clauses of one query (`indices.query.bool.max_clause_count`; the managed
# node sets 4096). Clauses grow with words × fields × alternatives, so a query is cut to its
# first MAX_WORDS syllables (long commercial titles reach 25) and keyboard decodings search only
# the DECODED_FIELDS heaviest fields. tests/integration/test_query_limits.py holds the worst
# cases to the limit against the real engine.
MAX_WORDS = 40
DECODED_FIELDS = 3


def _weighted(fields: dict[str, float], suffix: str, factor: float) -> list[str]:
    return [f"{name}{suffix}^{weight * factor:g}" for name, weight in fields.items()]


def _constant(query: dict[str, Any], boost: float) -> dict[str, Any]:
    return {"constant_score": {"filter": query, "boost": boost}}


def _alternative(text: str, fields: dict[str, float], boost: float) -> dict[str, Any]:
    gate = {
        "bool": {
            "should": [
                {
                    "multi_match": {
                        "query": text,
                        "type": "cross_fields",
                        "fields": _weighted(fields, ".folded", FOLDED_WEIGHT),
                        "operator": "or",
                        "minimum_should_match": MINIMUM_SHOULD_MATCH,
                    }
                },
                {
                    "multi_match": {
                        "query": text,
                        "type": "cross_fields",
                        "fields": _weighted(fields, ".variant", VARIANT_WEIGHT),
                        "operator": "or",
                        "minimum_should_match": MINIMUM_SHOULD_MATCH,
                    }
                },
            ],
            "minimum_should_match": 1,
        }
    }
    boosts: list[dict[str, Any]] = []
    for name, weight in fields.items():
        boosts += [
            _constant({"match": {name: {"query": text, "operator": "and"}}}, weight * ALL_EXACT),
            {"match": {name: {"query": text, "boost": weight * EXACT_WEIGHT}}},
            _constant({"match_phrase": {name: text}}, weight * PHRASE_WEIGHT),
            _constant({"match_phrase": {f"{name}.folded": text}}, weight * FOLDED_PHRASE_WEIGHT),
            {"match": {f"{name}.shingles": {"query": text, "boost": weight * SHINGLE_WEIGHT}}},
            {
                "match": {
                    f"{name}.folded_shingles": {
                        "query": text,
                        "boost": weight * FOLDED_SHINGLE_WEIGHT,
                    }
                }
            },
        ]
    return {"bool": {"must": [gate], "should": boosts, "boost": boost}}


def text_query(q: str, fields: dict[str, float]) -> dict[str, Any]:
    """Build the query DSL (a `bool`) for free text `q` over `fields` (base name → weight).

    Each field must be mapped with `analysis.text_field`. The query is normalised with the
    Python normaliser first, so what the reader typed and what was indexed are compared in the
    same form. An empty query gives a query that matches nothing.
    """
    if not fields:
        raise ValueError("text_query needs at least one field")
    text = " ".join(normalise(q).split()[:MAX_WORDS])
    if not text:
        return {"match_none": {}}
    alternatives = [_alternative(text, fields, 1.0)]
    heaviest = dict(sorted(fields.items(), key=lambda item: -item[1])[:DECODED_FIELDS])
    seen = {text.lower()}
    for decoded in (decode_telex(text), decode_vni(text)):
        if decoded and decoded.lower() not in seen:
            seen.add(decoded.lower())
            alternatives.append(_alternative(decoded, heaviest, DECODED_WEIGHT))
    return {"bool": {"should": alternatives, "minimum_should_match": 1}}
