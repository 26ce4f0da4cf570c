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


BOOK_FIELDS = {"title": 4.0, "subtitle": 2.0, "authors": 3.0, "series": 1.0}


def constants(query: object) -> list[dict]:
    """Every constant_score clause in the query tree."""
    if isinstance(query, dict):
        own = [query["constant_score"]] if "constant_score" in query else []
        return own + [c for v in query.values() for c in constants(v)]
    if isinstance(query, list):
        return [c for v in query for c in constants(v)]
    return []


def both_fields_bonuses(query: dict) -> list[dict]:
    """The constant clauses that need every word across the authors and title fields."""
    return [
        c
        for c in constants(query)
        if c["filter"].get("multi_match", {}).get("operator") == "and"
        and "authors.folded" in c["filter"]["multi_match"]["fields"]
    ]


@pytest.mark.parametrize(
    ("q", "fields", "bonuses"),
    [
        pytest.param("anh ngoi", BOOK_FIELDS, 1, id="two-words-author-and-title"),
        pytest.param("nguyen nhat anh mat biec", BOOK_FIELDS, 1, id="five-words"),
        pytest.param("mot hai ba bon nam sau bay", BOOK_FIELDS, 0, id="long-query-is-a-title"),
        pytest.param("ngoi", BOOK_FIELDS, 0, id="one-word"),
        pytest.param("anh ngoi", {"title": 4.0, "subtitle": 2.0}, 0, id="title-fields-only"),
        pytest.param("anh ngoi", {"authors": 1.0}, 0, id="author-field-only"),
    ],
)
def test_author_and_title_bonus(q: str, fields: dict[str, float], bonuses: int) -> None:
    assert len(both_fields_bonuses(text_query(q, fields))) == bonuses


def start_spans(query: dict) -> list[list[str]]:
    """The folded syllables of every title-start clause (span_first), in query order."""
    return [
        [
            t["span_term"]["title.folded"]
            for t in c["filter"]["span_first"]["match"]["span_near"]["clauses"]
        ]
        for c in constants(query)
        if "span_first" in c["filter"]
    ]


@pytest.mark.parametrize(
    ("q", "spans"),
    [
        pytest.param("Bộ Vở Bài Tập", [["bo", "vo", "bai"]], id="short-query-bonus-only"),
        # Five words or more: a pasted whole title; a title holding only its first two
        # syllables (the main title a library kept) passes the gate as well.
        pytest.param(
            "Bộ Vở Bài Tập Toán", [["bo", "vo"], ["bo", "vo", "bai"]], id="long-query-start-gate"
        ),
        pytest.param("Bộ", [], id="one-word-no-start"),
    ],
)
def test_title_start_reads_the_first_folded_syllables(q: str, spans: list[list[str]]) -> None:
    query = text_query(q, BOOK_FIELDS)
    assert start_spans(query) == spans
    alternative = query["bool"]["should"][0]["bool"]
    gate = alternative["must"][0]["bool"]["should"]
    assert start_spans({"should": gate}) == spans[:-1]


@pytest.mark.parametrize(
    ("q", "field"),
    [
        pytest.param("hoà", "title", id="accented-excludes-exact-only"),
        pytest.param("Hoa", "title.folded", id="unaccented-excludes-folded"),
        pytest.param("bans", "title.folded", id="telex-like-word-excludes-itself"),
    ],
)
def test_exclusion_is_the_word_itself(q: str, field: str) -> None:
    from analyzers.query import exclusion_query

    query = exclusion_query(q, {"title": 4.0, "authors": 3.0})
    matches = query["bool"]["should"]
    assert [next(iter(m["match"])) for m in matches] == [field, field.replace("title", "authors")]
    assert all(next(iter(m["match"].values()))["operator"] == "and" for m in matches)
    assert "bán" not in json.dumps(query, ensure_ascii=False)


def test_exclusion_of_nothing_excludes_nothing() -> None:
    from analyzers.query import exclusion_query

    assert exclusion_query("  ", {"title": 1.0}) == {"match_none": {}}


def phrase_runs(query: dict) -> list[str]:
    return [
        c["filter"]["multi_match"]["query"]
        for c in constants(query)
        if c["filter"].get("multi_match", {}).get("type") == "phrase"
    ]


@pytest.mark.parametrize(
    ("q", "runs"),
    [
        pytest.param(
            "Bộ Vở Bài Tập Toán 1 Tập 1",
            ["Bộ Vở Bài", "Tập Toán 1", "Tập 1"],
            id="runs-of-three-last-shorter",
        ),
        pytest.param(
            "Ngắm Hoa Kèn Hồng", ["Ngắm Hoa Kèn Hồng"], id="short-query-one-run-any-title-field"
        ),
        pytest.param("Ngắm", [], id="one-word-no-run"),
        pytest.param("a b c d e f g", ["a b c", "d e f"], id="one-word-tail-dropped"),
    ],
)
def test_long_queries_score_runs_of_words_as_phrases(q: str, runs: list[str]) -> None:
    assert phrase_runs(text_query(q, BOOK_FIELDS)) == runs


def test_runs_are_looked_for_in_title_and_subtitle_only() -> None:
    """Not in the series (a reader's run comes from the title; the series cost time and changed
    no rank on the benchmark's development split)."""
    clauses = [
        c["filter"]["multi_match"]
        for c in constants(text_query("Bộ Vở Bài Tập Toán 1", BOOK_FIELDS))
        if c["filter"].get("multi_match", {}).get("type") == "phrase"
    ]
    assert clauses
    assert all(c["fields"] == ["title.folded", "subtitle.folded"] for c in clauses)


@pytest.mark.parametrize(
    ("q", "phrases"),
    [
        pytest.param("Đổi Đen Thay Trắng", ["Đổi Đen Thay Trắng"], id="accented-phrase-alone"),
        pytest.param(
            "DDoior DDen Thay Trawngs",
            ["DDoior DDen Thay Trawngs", "đổi đen Thay trắng"],
            id="telex-phrase-and-its-reading",
        ),
    ],
)
def test_phrase_matches_its_keyboard_readings_as_phrases(q: str, phrases: list[str]) -> None:
    from analyzers.query import DECODED_WEIGHT, phrase_query

    query = phrase_query(q, {"title": 4.0})
    clauses = query["bool"]["should"] if "bool" in query else [query]
    assert [c["multi_match"]["query"] for c in clauses] == phrases
    assert all(c["multi_match"]["type"] == "phrase" for c in clauses)
    assert [c["multi_match"]["boost"] for c in clauses] == [1.0, DECODED_WEIGHT][: len(phrases)]
