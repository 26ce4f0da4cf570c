"""The free-text query builder as main had it before issue 15 (commit 63fe88a^1), for cost only.

The relevance benchmark asks the same queries of the same `mucluc` index with today's builder
(`analyzers.query.text_query`, through the search API's parser) and with this one, side by side in
one run, so the latency ratio today/old is measured under the same load rather than compared
across runs. What it keeps of the old builder: the recall gate (folded and i/y-variant
`cross_fields`, minimum-should-match `3<-25%`), the per-field exact, phrase and shingle clauses
with today's weights, and up to two keyboard readings of the query at a lower weight; none of the
author+title, title-start or run bonuses. The readings come from today's `analyzers.keyboard`
(the old decoders gave at most two as well, so the clause count is the same).
"""

from __future__ import annotations

from typing import Any

from analyzers.keyboard import readings
from analyzers.normalise import normalise
from analyzers.query import (
    ALL_EXACT,
    DECODED_FIELDS,
    DECODED_WEIGHT,
    EXACT_WEIGHT,
    FOLDED_PHRASE_WEIGHT,
    FOLDED_SHINGLE_WEIGHT,
    FOLDED_WEIGHT,
    MAX_WORDS,
    PHRASE_WEIGHT,
    SHINGLE_WEIGHT,
    VARIANT_WEIGHT,
)

MINIMUM_SHOULD_MATCH = "3<-25%"


def _constant(query: dict[str, Any], boost: float) -> dict[str, Any]:
    return {"constant_score": {"filter": query, "boost": boost}}


def _gate(text: str, fields: dict[str, float], suffix: str, factor: float) -> dict[str, Any]:
    return {
        "multi_match": {
            "query": text,
            "type": "cross_fields",
            "fields": [f"{name}{suffix}^{weight * factor:g}" for name, weight in fields.items()],
            "operator": "or",
            "minimum_should_match": MINIMUM_SHOULD_MATCH,
        }
    }


def _alternative(text: str, fields: dict[str, float], boost: float) -> dict[str, Any]:
    gate = {
        "bool": {
            "should": [
                _gate(text, fields, ".folded", FOLDED_WEIGHT),
                _gate(text, fields, ".variant", VARIANT_WEIGHT),
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


def old_text_query(q: str, fields: dict[str, float]) -> dict[str, Any]:
    """The old builder's query for free text `q` over `fields` (base name → weight)."""
    text = " ".join(normalise(q).split()[:MAX_WORDS])
    if not text:
        return {"match_none": {}}
    alternatives = [_alternative(text, fields, 1.0)]
    heaviest = dict(sorted(fields.items(), key=lambda item: -item[1])[:DECODED_FIELDS])
    for reading in readings(text):
        alternatives.append(_alternative(reading, heaviest, DECODED_WEIGHT))
    return {"bool": {"should": alternatives, "minimum_should_match": 1}}
