"""The API keeps the engine queries of short texts, written as JSON (5-9 kB each), bounded."""

from __future__ import annotations

import orjson

from searchapi import search
from searchapi.query_parser import parse, to_dsl


def test_short_texts_are_kept_long_ones_built_each_time() -> None:
    search._kept.cache_clear()
    short = "truyện kiều nguyễn du"
    long = " ".join(["dế mèn phiêu lưu ký"] * 8)
    assert len(long) > search.KEPT_QUERY_CHARS
    assert search.parsed(short) is search.parsed(short)
    first, again = search.parsed(long), search.parsed(long)
    assert first is not again and orjson.dumps(first[0]) == orjson.dumps(again[0])
    assert search._kept.cache_info().currsize == 1


def test_the_kept_query_is_the_engine_query_of_the_text() -> None:
    search._kept.cache_clear()
    for q in ("truyện kiều nguyễn du", "Tooi thaasy hoa vangf", 'title:"dế mèn" -tập'):
        body = search.build_body(search.parsed(q)[0], {"library": ["DBI"]}, 1990, None, "title")
        sent = orjson.loads(orjson.dumps(body))
        assert sent["query"]["bool"]["must"] == [to_dsl(parse(q))]
        assert sent["query"]["bool"]["filter"] == [{"range": {"year": {"gte": 1990}}}]


def test_the_cache_is_bounded() -> None:
    search._kept.cache_clear()
    for n in range(search.QUERIES_KEPT + 50):
        search.parsed(f"sách {n}")
    assert search._kept.cache_info().currsize == search.QUERIES_KEPT
