"""Ranking on a small real catalogue: the books of the relevance benchmark's development split.

The catalogue is `bench.relevance_corpus` (real Vietnamese book lists from `shared/data` and the
demo works, each book catalogued differently by a dozen libraries), indexed once for the module
with the engine's real analysis. Queries go through the search API's own parser and query
builder. Only books of the development split appear here, so the held-out split stays unseen.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from opensearchpy import AsyncOpenSearch

from analyzers.analysis import analysis_settings, text_field
from bench.relevance_corpus import read_books, union_documents
from searchapi.query_parser import parse, to_dsl

pytestmark = pytest.mark.engine

FIELDS = ("title", "subtitle", "authors", "series")


@pytest.fixture(scope="module")
async def ranking_index(engine: AsyncOpenSearch, shared_data: object) -> AsyncIterator[str]:
    name = f"test-ranking-{uuid.uuid4().hex[:8]}"
    await engine.indices.create(
        index=name,
        body={
            "settings": {
                "number_of_shards": 1,
                "number_of_replicas": 0,
                "analysis": analysis_settings(),
            },
            "mappings": {"properties": dict.fromkeys(FIELDS, text_field())},
        },
    )
    try:
        actions: list[dict[str, Any]] = []
        for doc in union_documents(read_books()):
            actions += [
                {"index": {"_index": name, "_id": doc.id}},
                {field: getattr(doc, field) for field in FIELDS} | {"book": doc.book},
            ]
        for start in range(0, len(actions), 2000):
            response = await engine.bulk(body=actions[start : start + 2000], request_timeout=120)
            assert not response["errors"]
        await engine.indices.refresh(index=name)
        yield name
    finally:
        await engine.indices.delete(index=name, ignore_unavailable=True)


async def ranked_books(engine: AsyncOpenSearch, index: str, q: str) -> list[str]:
    """The book identities of the top ten hits of `q`, as the search API would rank them."""
    body = {"query": to_dsl(parse(q)), "size": 10, "_source": ["book"]}
    found = await engine.search(index=index, body=body)
    return [hit["_source"]["book"] for hit in found["hits"]["hits"]]


def book_titled(start: str) -> str:
    matches = [b.key for b in read_books() if b.title.startswith(start) and b.split == "dev"]
    assert len(matches) == 1, f"{start!r} names {len(matches)} development books"
    return matches[0]


@pytest.mark.parametrize(
    ("q", "wanted"),
    [
        # An author's word and a title word, unaccented, in either order.
        pytest.param("anh ngoi", "Bàn Có Năm Chỗ Ngồi", id="author-given-name-then-title"),
        pytest.param("thanh keigo", "Sự Cứu Rỗi Của Thánh Nữ", id="title-then-author-name"),
        # Consecutive words from the middle of a long title, with diacritics.
        pytest.param("Ngắm Hoa Kèn Hồng", "Ra Bờ Suối Ngắm Hoa Kèn Hồng", id="middle-words"),
        pytest.param("Xin Một Vé Đi", "Cho Tôi Xin Một Vé Đi Tuổi Thơ", id="middle-short-words"),
        # Telex typed without an input method, every way input methods accept.
        pytest.param("trajI hoa vafng", "Trại Hoa Vàng", id="telex-tone-inside-nucleus"),
        pytest.param("dduongw xuaw maay trangws", "ĐƯỜNG XƯA MÂY TRẮNG", id="telex-marks-at-end"),
        pytest.param("Bafn Co Nawm Choox Ngooif", "Bàn Có Năm Chỗ Ngồi", id="telex-doubled-vowels"),
        pytest.param("Con chim xanh Bieecs", "Con Chim Xanh Biếc", id="telex-mixed-plain"),
        pytest.param("Từng Bước Nowr Hoa Sen", "Từng Bước Nở Hoa Sen", id="telex-mixed-accented"),
        # VNI, and the other tone style.
        pytest.param("Tra5i Hoa Va2ng", "Trại Hoa Vàng", id="vni"),
        # A whole title pasted (subtitle, bookshop notes) where every library kept only the
        # main title: the title that starts with the query's first words passes the gate.
        pytest.param(
            "B2B Tinh Gọn - Xây Dựng Sản Phẩm Mà Các Doanh Nghiệp Muốn",
            "B2B Tinh Gọn",
            id="pasted-title-catalogued-short",
        ),
        pytest.param("Ehon - Cây Sooif (Tái Banr 2020)", "Ehon - Cây Sồi", id="telex-with-notes"),
        # Exclusion: only the excluded word itself, with its diacritics, leaves a book out.
        pytest.param("sợ hãi -hoà", "Fear - Sợ Hãi", id="exclusion-keeps-other-diacritics"),
        # A dash inside a pasted title is not an exclusion (the title holds the word).
        pytest.param(
            "Cánh Cửa Mở Rộng -Thần Thoại Sisyphus",
            "Cánh Cửa Mở Rộng -Thần Thoại Sisyphus",
            id="dash-in-pasted-title",
        ),
        # A short run in order in a subtitle beats the same words scattered in another title.
        pytest.param(
            "Cuốn Âm Thanh",
            "Sách Ehon - Combo 3 Cuốn Âm Thanh Quanh Bé - Dành Cho Trẻ Từ 0 - 6 Tuổi",
            id="middle-words-in-order-in-subtitle",
        ),
    ],
)
async def test_intended_book_first(
    engine: AsyncOpenSearch, ranking_index: str, q: str, wanted: str
) -> None:
    books = await ranked_books(engine, ranking_index, q)
    assert books and books[0] == book_titled(wanted), (q, books[:3])
