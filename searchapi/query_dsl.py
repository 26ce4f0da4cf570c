"""The engine's query DSL of a parsed query, and its free text for "did you mean".

The output is bounded by the tree: the parser caps leaves (``MAX_LEAVES``) and nesting
(``MAX_DEPTH``), and every leaf becomes a fixed number of clauses, so no reader's query can build
a request the engine refuses for its size.
"""

from __future__ import annotations

from typing import Any

from analyzers.query import exclusion_query, phrase_query, text_query
from searchapi.query_ast import And, Isbn, Node, Not, Or, Phrase, Text, YearRange

__all__ = ["ALL_FIELDS", "FIELDS", "free_text", "to_dsl"]

# Searchable fields: reader's name → index fields with weights (all mapped with text_field).
FIELDS: dict[str, dict[str, float]] = {
    "title": {"title": 4.0, "subtitle": 2.0, "series": 1.0},
    "author": {"authors": 1.0},
    "subject": {"subjects": 1.0},
    "publisher": {"publisher": 1.0},
}
ALL_FIELDS: dict[str, float] = {
    "title": 4.0,
    "subtitle": 2.0,
    "authors": 3.0,
    "subjects": 1.5,
    "series": 1.0,
    "publisher": 0.8,
    "summary": 0.3,
}


def _fields(field: str | None) -> dict[str, float]:
    return ALL_FIELDS if field is None else FIELDS[field]


def _phrase(text: str, field: str | None) -> dict[str, Any]:
    """Adjacent words in order; exact diacritics score above a folded-only match; keyboard
    readings as phrases at a lower weight (`analyzers.query.phrase_query`)."""
    return phrase_query(text, _fields(field))


def to_dsl(node: Node | None) -> dict[str, Any]:
    """The engine query of an AST (``match_all`` for None)."""
    if node is None:
        return {"match_all": {}}
    if isinstance(node, Text):
        return text_query(node.text, _fields(node.field))
    if isinstance(node, Phrase):
        return _phrase(node.text, node.field)
    if isinstance(node, Isbn):
        return {"term": {"isbns": node.isbn13}}
    if isinstance(node, YearRange):
        span = {}
        if node.low is not None:
            span["gte"] = node.low
        if node.high is not None:
            span["lte"] = node.high
        return {"range": {"year": span}}
    if isinstance(node, Not):
        return {"bool": {"must": [{"match_all": {}}], "must_not": [_excluded(node.child)]}}
    if isinstance(node, And):
        must = [to_dsl(c) for c in node.children if not isinstance(c, Not)]
        must_not = [_excluded(c.child) for c in node.children if isinstance(c, Not)]
        return {"bool": {"must": must or [{"match_all": {}}], "must_not": must_not}}
    if isinstance(node, Or):
        return {"bool": {"should": [to_dsl(c) for c in node.children], "minimum_should_match": 1}}
    raise TypeError(f"not a query node: {node!r}")  # pragma: no cover


def _excluded(node: Node) -> dict[str, Any]:
    """What `-x` leaves out: free text only by its own words (`analyzers.query.exclusion_query`),
    so no keyboard reading or partial match of it drops an unrelated book."""
    if isinstance(node, Text):
        return exclusion_query(node.text, _fields(node.field))
    return to_dsl(node)


def free_text(node: Node | None) -> list[str]:
    """The free-text words of a query, for "did you mean" (negated parts left out)."""
    if isinstance(node, (Text, Phrase)):
        return [node.text]
    if isinstance(node, (And, Or)):
        return [text for child in node.children for text in free_text(child)]
    return []
