"""Sorting by title through the API gives Vietnamese filing order (cases 41 and 42, issue #21).

The catalogue holds the 63 hand-ordered titles of `tests.filing_order` (tones inside the
syllable, đ, ư/ơ, punctuation, `The ` skipped by its 245 indicator, numbers by value).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient
from opensearchpy import AsyncOpenSearch

from tests.catalogue import Catalogue
from tests.catalogue import catalogue as build_catalogue
from tests.filing_order import FILING_ORDER, NONFILING
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
    titles = list(dict.fromkeys([*CASE_41, *CASE_42, *VOLUMES, *FILING_ORDER]))
    # Written in reverse: the order must come from the sort key, not from loading.
    records = [
        book(
            f"ORD-{n}",
            title,
            author=f"Tác giả {n}",
            year=2000 + n,
            nonfiling=NONFILING.get(title, 0),
        )
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
    response = await api.get("/api/v1/search", params={"q": q, "sort": "title", "size": 100})
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


async def test_filing_order_of_63_titles(api: TestClient) -> None:
    shown = [t for t in await sorted_titles(api, "") if t in FILING_ORDER]
    assert shown == FILING_ORDER


async def test_issue_21_examples(api: TestClient) -> None:
    shown = await sorted_titles(api, "")
    assert shown.index("Sổ tay người nội trợ") < shown.index("Số đỏ")
    assert shown.index("Hà Nội băm sáu phố phường") < shown.index(
        "Hà Nội - Điện Biên Phủ trên không"
    )
    # Filed under `tale`, after `Sơn…` and before `Tam…`, not under `The`.
    assert shown.index("Sơn Tinh Thủy Tinh") < shown.index("The tale of Kieu")
    assert shown.index("The tale of Kieu") < shown.index("Tam quốc diễn nghĩa")
