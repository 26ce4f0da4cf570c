"""The API keeps few built queries, and only short texts (each is ~45 kB of objects)."""

from __future__ import annotations

from searchapi import search


def test_short_texts_are_kept_long_ones_built_each_time() -> None:
    search._kept.cache_clear()
    short = "truyện kiều nguyễn du"
    long = " ".join(["dế mèn phiêu lưu ký"] * 8)
    assert len(long) > search.KEPT_QUERY_CHARS
    assert search.parsed(short) is search.parsed(short)
    first, again = search.parsed(long), search.parsed(long)
    assert first is not again and first[1] == again[1]
    assert search._kept.cache_info().currsize == 1


def test_the_cache_is_bounded() -> None:
    search._kept.cache_clear()
    for n in range(search.QUERIES_KEPT + 50):
        search.parsed(f"sách {n}")
    assert search._kept.cache_info().currsize == search.QUERIES_KEPT
