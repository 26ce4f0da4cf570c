"""text_query builds safe query DSL; ranking itself is tested against the engine."""

import json

import pytest

from analyzers.query import text_query

FIELDS = {"title": 3.0, "authors": 2.0}


def walk(node: object) -> list[str]:
    """Every key in the query tree."""
    if isinstance(node, dict):
        return [k for k, v in node.items() for k in [k, *walk(v)]]
    if isinstance(node, list):
        return [k for v in node for k in walk(v)]
    return []


@pytest.mark.parametrize(
    "q", ['title:"x" OR *', "Hòa bình", "nguyeenx du", "AND ( ) ~ ^2", "truye6n5 kie6u2"]
)
def test_query_text_never_in_query_string(q: str) -> None:
    keys = set(walk(text_query(q, FIELDS)))
    assert not keys & {"query_string", "simple_query_string", "regexp", "wildcard"}


def test_query_is_normalised_first() -> None:
    assert '"hoà"' in json.dumps(text_query("hòa", FIELDS), ensure_ascii=False)


@pytest.mark.parametrize(
    ("q", "alternatives"),
    [("Marx", 1), ("nguyeenx du", 2), ("truye6n5 kie6u2", 2)],
)
def test_keyboard_decodings_are_extra_alternatives(q: str, alternatives: int) -> None:
    query = text_query(q, FIELDS)
    assert len(query["bool"]["should"]) == alternatives
    assert query["bool"]["should"][0]["bool"]["boost"] == 1.0


def test_empty_query_matches_nothing() -> None:
    assert text_query("  ", FIELDS) == {"match_none": {}}


def test_fields_required() -> None:
    with pytest.raises(ValueError):
        text_query("x", {})
