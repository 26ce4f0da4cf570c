"""Sorting by title through the API gives Vietnamese alphabetical order (cases 41 and 42)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient
from opensearchpy import AsyncOpenSearch

from tests.catalogue import Catalogue
from tests.catalogue import catalogue as build_catalogue
from tests.marc_builders import book

pytestmark = pytest.mark.engine

CASE_41 = [
    "An Nam chí lược",
    "Ăn quả nhớ kẻ trồng cây",
    "Âm nhạc dân gian",
    "Bình Ngô đại cáo",
    "Dân tộc học",
    "Dương",
    "Đại Việt sử ký toàn thư",
    "Điện Biên Phủ",
    "Em",
    "Êđê",
]
CASE_42 = ["ca", "cà", "cả", "cã", "cá", "cạ"]
VOLUMES = ["Lịch sử Việt Nam. Tập 1", "Lịch sử Việt Nam. Tập 2", "Lịch sử Việt Nam. Tập 10"]


@pytest.fixture(scope="module")
async def catalogue(
    engine: AsyncOpenSearch, index_prefix: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Catalogue]:
    titles = [*CASE_41, *CASE_42, *VOLUMES]
    # Written in reverse: the order must come from the collation, not from loading.
    records = [
        book(f"ORD-{n}", title, author=f"Tác giả {n}", year=2000 + n)
        for n, title in enumerate(reversed(titles))
    ]
    async with build_catalogue(
        engine,
        f"{index_prefix}-order",
        ("DBI",),
        {"DBI": records},
        tmp_path_factory.mktemp("order"),
    ) as built:
        assert built.summaries["DBI"].new == len(titles)
        yield built


async def sorted_titles(api: TestClient, q: str) -> list[str]:
    response = await api.get("/api/v1/search", params={"q": q, "sort": "title", "size": 50})
    assert response.status == 200
    return [hit["title"] for hit in (await response.json())["hits"]]


async def test_case_41_initial_letters(api: TestClient) -> None:
    shown = [t for t in await sorted_titles(api, "") if t in CASE_41]
    assert shown == CASE_41


async def test_case_42_tones(api: TestClient) -> None:
    shown = [t for t in await sorted_titles(api, "") if t in CASE_42]
    assert shown == CASE_42


async def test_volumes_sort_by_number(api: TestClient) -> None:
    assert await sorted_titles(api, "lich su viet nam") == VOLUMES
