"""Works through the API (issue #15): every hit's work with exact counts, ``group=work``,
``work=<id>``; browsing without a query; Vietnamese field names in the query syntax.

The catalogue: "Truyện Kiều" by Nguyễn Du in four editions (1999 held by two libraries, 2015
held by two, 2020, and the English translation naming its original in 240) across five
libraries; another author's "Truyện Kiều"; two volumes of one set; "Số đỏ".
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pymarc
import pytest
from aiohttp.test_utils import TestClient
from opensearchpy import AsyncOpenSearch

from tests.catalogue import Catalogue
from tests.catalogue import catalogue as build_catalogue
from tests.marc_builders import book

pytestmark = pytest.mark.engine

KIEU_1999 = dict(author="Nguyễn Du", year=1999, publisher="Nxb. Văn học", isbn="9786041000011")
KIEU_2015 = dict(author="Nguyễn Du", year=2015, publisher="Nxb. Trẻ", isbn="9786041000028",
                 edition="Tái bản lần thứ 5")  # fmt: skip


def translated(control: str, title: str, original: str, **fields: Any) -> pymarc.Record:
    record = book(control, title, language="eng", **fields)
    record.add_field(pymarc.Field(tag="240", indicators=["1", "0"],
                                  subfields=[pymarc.Subfield("a", original)]))
    return record


BOOKS = {
    "DBI": [
        book("D1", "Truyện Kiều", **KIEU_1999),
        book("D2", "Truyện Kiều", **KIEU_2015),
        book("D3", "Truyện Kiều", author="Phạm Đan Quế", year=2005, subtitle="khảo luận"),
        book("D4", "Lịch sử Việt Nam", author="Trần Văn Giàu", part="Tập 1", year=2017),
        book("D5", "Lịch sử Việt Nam", author="Trần Văn Giàu", part="Tập 2", year=2018),
    ],
    "TGI": [book("T1", "Truyện Kiều", **KIEU_1999), book("T2", "Số đỏ", author="Vũ Trọng Phụng",
                                                       year=1990)],
    "MCH": [book("M1", "Truyện Kiều", **KIEU_2015)],
    "THCS": [book("S1", "Truyện Kiều", author="Nguyễn Du", year=2020, publisher="Nxb. Kim Đồng",
                  isbn="9786041000035")],
    "MNH": [translated("N1", "The tale of Kieu", "Truyện Kiều", author="Nguyễn Du", year=1983,
                       publisher="Yale University Press")],
}  # fmt: skip
TOTAL_BOOKS = 8  # the 1999 and 2015 editions are each one book held by two libraries


@pytest.fixture(scope="module")
async def catalogue(
    engine: AsyncOpenSearch, index_prefix: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Catalogue]:
    async with build_catalogue(engine, f"{index_prefix}-works", tuple(BOOKS), BOOKS,
                               tmp_path_factory.mktemp("works")) as built:  # fmt: skip
        yield built


async def search(api: TestClient, status: int = 200, **params: Any) -> dict[str, Any]:
    response = await api.get("/api/v1/search", params={"size": 50, **params})
    body = await response.json()
    assert response.status == status, body
    return body


def kieu_of(hits: list[dict[str, Any]], author: str = "Nguyễn Du") -> list[dict[str, Any]]:
    return [h for h in hits if h["authors"] == [author] and "Ki" in h["title"]]


async def test_every_hit_carries_its_work_with_exact_counts(api: TestClient) -> None:
    body = await search(api, q="kieu")
    by_du = kieu_of(body["hits"])
    assert len(by_du) == 4  # one hit per edition without grouping
    assert {h["work"]["id"] for h in by_du} == {by_du[0]["work"]["id"]}
    assert {(h["work"]["editions"], h["work"]["libraries"]) for h in by_du} == {(4, 5)}
    other = kieu_of(body["hits"], "Phạm Đan Quế")
    assert [(h["work"]["editions"], h["work"]["libraries"]) for h in other] == [(1, 1)]
    assert other[0]["work"]["id"] != by_du[0]["work"]["id"]


async def test_volumes_of_a_set_are_not_one_work(api: TestClient) -> None:
    hits = (await search(api, q="lịch sử việt nam"))["hits"]
    volumes = [h for h in hits if h["authors"] == ["Trần Văn Giàu"]]
    assert len(volumes) == 2
    assert volumes[0]["work"]["id"] != volumes[1]["work"]["id"]
    assert all(h["work"]["editions"] == 1 for h in volumes)


async def test_group_by_work_gives_one_hit_per_work(api: TestClient) -> None:
    body = await search(api, q="kieu", group="work")
    assert body["total"] == 2  # Nguyễn Du's work and Phạm Đan Quế's
    assert len(body["hits"]) == 2
    by_du = kieu_of(body["hits"])
    assert len(by_du) == 1 and by_du[0]["work"]["editions"] == 4
    assert by_du[0]["work"]["libraries"] == 5
    assert body["next_cursor"] is None


async def test_group_by_work_best_edition_first_under_the_sort(api: TestClient) -> None:
    newest = kieu_of((await search(api, q="kieu", group="work", sort="year"))["hits"])
    assert newest[0]["year"] == 2020
    oldest = kieu_of((await search(api, q="kieu", group="work", sort="year_asc"))["hits"])
    assert oldest[0]["year"] == 1983


async def test_group_by_work_counts_works_within_filters(api: TestClient) -> None:
    body = await search(api, q="kieu", group="work", library="MNH")
    assert body["total"] == 1 and body["hits"][0]["title"] == "The tale of Kieu"
    # The facet still counts editions (books) of every library.
    libraries = {f["value"]: f["count"] for f in body["facets"]["library"]}
    assert libraries["DBI"] == 3


async def test_the_editions_of_a_work_one_click_away(api: TestClient) -> None:
    work = kieu_of((await search(api, q="kieu"))["hits"])[0]["work"]["id"]
    body = await search(api, work=work)
    assert body["total"] == 4
    assert sorted(h["year"] for h in body["hits"]) == [1983, 1999, 2015, 2020]
    grouped = await search(api, work=work, group="work")
    assert grouped["total"] == 1


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"group": "author"}, "bad_group"),
        ({"work": "not-a-work"}, "bad_work"),
        ({"group": "work", "cursor": "abc"}, "bad_cursor"),
    ],
    ids=["unknown group", "bad work id", "cursor with group"],
)
async def test_bad_work_parameters_are_400(api: TestClient, params: dict[str, str],
                                           code: str) -> None:
    body = await search(api, 400, q="kieu", **params)
    assert body["error"]["code"] == code


@pytest.mark.parametrize("q", ["", "*", " * "], ids=["empty", "star", "star in spaces"])
async def test_browsing_without_a_query_returns_everything(api: TestClient, q: str) -> None:
    body = await search(api, q=q)
    assert body["total"] == TOTAL_BOOKS


async def test_browsing_with_filters_newest_first_or_by_title(api: TestClient) -> None:
    newest = await search(api, q="*", library="DBI", sort="year")
    assert newest["total"] == 5
    years = [h["year"] for h in newest["hits"]]
    assert years == sorted(years, reverse=True)
    by_title = await search(api, q="", library="TGI", sort="title")
    assert [h["title"] for h in by_title["hits"]] == ["Số đỏ", "Truyện Kiều"]


# Field names as readers type them → the books (titles by year) they must find.
FIELD_QUERIES = [
    ("tác giả:(vũ trọng phụng)", [1990]),
    ("tacgia:phung", [1990]),
    ("Tác giả:quế", [2005]),
    ('nhan đề:"số đỏ"', [1990]),
    ("nhande:(so do)", [1990]),
    ("tiêu đề:kiều tác giả:quế", [2005]),
    ("nxb:trẻ", [2015]),
    ("nhà xuất bản:(văn học)", [1999]),
    ("năm:2015", [2015]),
    ("nam:2017..2018", [2017, 2018]),
    ("năm xuất bản:..1990", [1983, 1990]),
    ("chủ đề:zzzz", []),
]


@pytest.mark.parametrize(("q", "years"), FIELD_QUERIES, ids=[f[0] for f in FIELD_QUERIES])
async def test_vietnamese_field_names(api: TestClient, q: str, years: list[int]) -> None:
    body = await search(api, q=q)
    assert sorted(h["year"] for h in body["hits"]) == years


async def test_an_unknown_field_is_a_400_listing_the_valid_ones(api: TestClient) -> None:
    body = await search(api, 400, q="colour:red")
    assert body["error"]["code"] == "bad_query"
    message = body["error"]["message"]
    assert "Unknown field `colour:`" in message
    assert all(name in message for name in ("title", "tác giả", "nhan đề", "nxb", "năm"))
