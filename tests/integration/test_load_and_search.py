"""The spine end to end: MARC files → `load` → the union index → the search and record API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pymarc
import pytest
from aiohttp.test_utils import TestClient
from opensearchpy import AsyncOpenSearch

from harvesters.files import read_path
from tests.catalogue import Catalogue
from tests.catalogue import catalogue as build_catalogue
from tests.marc_builders import book

pytestmark = pytest.mark.engine


def spine_books() -> dict[str, list[pymarc.Record]]:
    return {
        "DBI": [
            book(
                "DBI0001",
                "Truyện Kiều",
                author="Nguyễn Du",
                year=2015,
                publisher="Nxb. Văn học",
                isbn="978-604-69-1234-7",
                call_number="895.9221 NG-D",
                copies=3,
            ),
            book(
                "DBI0002",
                "Điện Biên Phủ : điểm hẹn lịch sử",
                author="Võ Nguyên Giáp",
                year=2004,
                publisher="Nxb. Quân đội nhân dân",
                subjects=("Chiến dịch Điện Biên Phủ",),
                copies=2,
            ),
            book("DBI0003", "Hóa học đại cương", author="Trần Văn Nam", year=2010),
        ],
        "TGI": [
            # The same books, catalogued differently: NFD text, inverted author, ISBD punctuation.
            book(
                "TG-0042",
                "Truye\u0302\u0323n Kie\u0302\u0300u /",
                author="Nguyễn, Du",
                year=2015,
                call_number="V23 NG-D",
                copies=1,
            ),
            book(
                "TG-0043",
                "Điện Biên Phủ : điểm hẹn lịch sử",
                author="Võ Nguyên Giáp",
                year=2004,
                copies=1,
            ),
        ],
        "MCH": [
            book("MCH-7", "Điện Biên Phủ : điểm hẹn lịch sử.", author="Võ Nguyên Giáp", year=2004)
        ],
    }


@pytest.fixture(scope="module")
async def catalogue(
    engine: AsyncOpenSearch, index_prefix: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Catalogue]:
    async with build_catalogue(
        engine,
        f"{index_prefix}-spine",
        ("DBI", "TGI", "MCH"),
        spine_books(),
        tmp_path_factory.mktemp("spine"),
    ) as built:
        yield built


async def test_every_record_loads(catalogue: Catalogue) -> None:
    loaded = {code: (s.new, s.skipped) for code, s in catalogue.summaries.items()}
    assert loaded == {"DBI": (3, 0), "TGI": (2, 0), "MCH": (1, 0)}


@pytest.mark.parametrize("query", ["nguyen du", "Nguyễn Du", "truyen kieu", "Truyện Kiều"])
async def test_truyen_kieu_found_with_and_without_diacritics(api: TestClient, query: str) -> None:
    response = await api.get("/api/v1/search", params={"q": query})
    body = await response.json()
    assert response.status == 200
    assert body["hits"], body
    assert body["hits"][0]["title"] == "Truyện Kiều"


async def test_one_hit_per_book_with_every_library(api: TestClient) -> None:
    response = await api.get("/api/v1/search", params={"q": "dien bien phu"})
    body = await response.json()
    assert body["total"] == 1
    holdings = body["hits"][0]["holdings"]
    assert [h["library"] for h in holdings] == ["DBI", "MCH", "TGI"]
    assert holdings[0]["library_name"] == "Thư viện tỉnh Điện Biên"
    assert {h["record_id"] for h in holdings} == {"DBI0002", "TG-0043", "MCH-7"}


async def test_holding_keeps_call_number_and_copies(api: TestClient) -> None:
    body = await (await api.get("/api/v1/search", params={"q": "Truyện Kiều"})).json()
    holdings = {h["library"]: h for h in body["hits"][0]["holdings"]}
    assert holdings["DBI"]["call_number"] == "895.9221 NG-D"
    assert holdings["DBI"]["copies"] == 3
    assert holdings["TGI"]["record_id"] == "TG-0042"


async def test_exact_diacritics_rank_first(api: TestClient) -> None:
    body = await (await api.get("/api/v1/search", params={"q": "Hóa học"})).json()
    assert body["hits"][0]["title"] == "Hóa học đại cương"


async def test_isbn_search_with_or_without_hyphens(api: TestClient) -> None:
    for query in ("978-604-69-1234-7", "9786046912347"):
        body = await (await api.get("/api/v1/search", params={"q": query})).json()
        assert [h["title"] for h in body["hits"]] == ["Truyện Kiều"], query


async def test_record_lists_members(api: TestClient) -> None:
    body = await (await api.get("/api/v1/search", params={"q": "dien bien phu"})).json()
    record_id = body["hits"][0]["id"]
    response = await api.get(f"/api/v1/records/{record_id}")
    record = await response.json()
    assert response.status == 200
    assert {m["library"] for m in record["members"]} == {"DBI", "TGI", "MCH"}


async def test_library_facet_counts(api: TestClient) -> None:
    body = await (await api.get("/api/v1/search", params={"q": ""})).json()
    facet = {f["value"]: f["count"] for f in body["facets"]["library"]}
    assert facet == {"DBI": 3, "TGI": 2, "MCH": 1}


async def test_loading_the_same_file_twice_changes_nothing(catalogue: Catalogue) -> None:
    again = await catalogue.loader.load(read_path(catalogue.files["DBI"], library="DBI"))
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)


async def test_unknown_record_is_404(api: TestClient) -> None:
    response = await api.get("/api/v1/records/doesnotexist")
    assert response.status == 404
    assert (await response.json())["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"q": "x" * 501}, "query_too_long"),
        ({"q": "a", "page": "zero"}, "bad_page"),
        ({"q": "a", "size": "1000"}, "bad_size"),
        ({"q": "a", "sort": "colour"}, "bad_sort"),
    ],
    ids=["overlong-query", "page-not-a-number", "size-too-big", "unknown-sort"],
)
async def test_bad_requests_get_one_json_error(
    api: TestClient, params: dict[str, str], code: str
) -> None:
    response = await api.get("/api/v1/search", params=params)
    assert response.status == 400
    assert (await response.json())["error"]["code"] == code


async def test_health(api: TestClient) -> None:
    response = await api.get("/health")
    assert response.status == 200
    assert (await response.json())["status"] == "ok"
