"""Suggestions in the catalogue's own spelling, against the real engine (issue #21 item 6).

The catalogue holds words close to the reader's typos on purpose: `Diễn`, `Phu`, `Trác`, `Tư`,
`Hoàng` are one edit from the unaccented words, so a suggester correcting word by word towards
the nearest accented term would invent `diễn biên phu` or `trác gia: Tư Hoàng`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from opensearchpy import AsyncOpenSearch

from tests.catalogue import Catalogue
from tests.catalogue import catalogue as build_catalogue
from tests.marc_builders import book

pytestmark = pytest.mark.engine

BOOKS = [
    ("Điện Biên Phủ : điểm hẹn lịch sử", "Võ Nguyên Giáp"),
    ("Diễn văn và bài nói", "Trác Văn Hoàng"),
    ("Phu nhân và bá tước", "Tư Mã Thiên"),
    ("Dế Mèn phiêu lưu ký", "Tô Hoài"),
    ("Thế giới của Nguyễn Nhật Ánh", "Lê Minh Quốc"),
    ("Mắt biếc", "Nguyễn Nhật Ánh"),
    ("Cho tôi xin một vé đi tuổi thơ", "Nguyễn Nhật Ánh"),
    ("Nguyễn Nhật Ánh và tuổi thơ", "Nhiều tác giả"),
    ("Toán học vui", "Gia Hoàng"),
]


@pytest.fixture(scope="module")
async def catalogue(
    engine: AsyncOpenSearch, index_prefix: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Catalogue]:
    records = [
        book(f"SP-{n}", title, author=author, year=2000 + n)
        for n, (title, author) in enumerate(BOOKS)
    ]
    async with build_catalogue(
        engine,
        f"{index_prefix}-spelling",
        ("DBI",),
        {"DBI": records},
        tmp_path_factory.mktemp("spelling"),
    ) as built:
        yield built


async def search(api: TestClient, q: str) -> dict[str, Any]:
    response = await api.get("/api/v1/search", params={"q": q})
    assert response.status == 200
    body: dict[str, Any] = await response.json()
    return body


async def suggestions(api: TestClient, q: str) -> list[dict[str, str]]:
    response = await api.get("/api/v1/suggest", params={"q": q})
    assert response.status == 200
    found: list[dict[str, str]] = (await response.json())["suggestions"]
    return found


@pytest.mark.parametrize(
    ("q", "suggestion"),
    [
        ("dien bien phuu", "điện biên phủ"),  # as the catalogue spells it
        ("Dien Bien Phuu", "Điện Biên Phủ"),
        ('"diem hen" dien bien phuu', '"diem hen" điện biên phủ'),  # the phrase as typed
        ("toan hocc", "toán học"),
    ],
)
async def test_did_you_mean_uses_the_catalogues_spelling(
    api: TestClient, q: str, suggestion: str
) -> None:
    body = await search(api, q)
    assert body["suggestion"] == suggestion, body
    assert (await search(api, suggestion))["total"] > body["total"]


@pytest.mark.parametrize("q", ["tác giả: Tô Hoài", "tác giả: Tô Hoài Dế Mèn", "Tô Hoài"])
async def test_field_labels_and_right_words_get_no_suggestion(api: TestClient, q: str) -> None:
    assert (await search(api, q))["suggestion"] is None


async def test_a_label_stays_as_typed(api: TestClient) -> None:
    body = await search(api, "tác giả: To Hoaii")
    assert body["suggestion"] in (None, "tác giả: To Hoài")


@pytest.mark.parametrize("q", ["nguyeenx", "nguyen nha", "nguyeenx nhaa", "Nguyễn Nh"])
async def test_autocomplete_finds_nguyen_nhat_anh(api: TestClient, q: str) -> None:
    texts = [s["text"] for s in await suggestions(api, q)]
    assert "Nguyễn Nhật Ánh" in texts, texts
    assert "Nguyễn Nhật Ánh và tuổi thơ" in texts, texts
    # Starting with the typed words before holding them later.
    if "Thế giới của Nguyễn Nhật Ánh" in texts:
        assert texts.index("Nguyễn Nhật Ánh và tuổi thơ") < texts.index(
            "Thế giới của Nguyễn Nhật Ánh"
        )


async def test_autocomplete_puts_titles_starting_with_the_words_first(api: TestClient) -> None:
    texts = [s["text"] for s in await suggestions(api, "nguyen nhat anh")]
    assert texts.index("Nguyễn Nhật Ánh và tuổi thơ") < texts.index(
        "Thế giới của Nguyễn Nhật Ánh"
    ), texts


async def test_autocomplete_literal_words_are_not_lost_to_telex(api: TestClient) -> None:
    texts = [s["text"] for s in await suggestions(api, "Mắt b")]
    assert texts[0] == "Mắt biếc"


async def test_sort_by_author_is_filing_order(api: TestClient) -> None:
    response = await api.get("/api/v1/search", params={"sort": "author", "size": 20})
    hits = (await response.json())["hits"]
    assert [hit["authors"][0] for hit in hits] == [
        "Gia Hoàng",
        "Lê Minh Quốc",
        "Nguyễn Nhật Ánh",  # Cho tôi xin… before Mắt biếc: then by title
        "Nguyễn Nhật Ánh",
        "Nhiều tác giả",
        "Tô Hoài",
        "Trác Văn Hoàng",
        "Tư Mã Thiên",
        "Võ Nguyên Giáp",
    ]
    assert [hit["title"] for hit in hits[2:4]] == ["Cho tôi xin một vé đi tuổi thơ", "Mắt biếc"]
