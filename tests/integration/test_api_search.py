"""``/api/v1/search`` against the real engine: query language, filters, facets, sort, paging,
cursors, highlighting, "did you mean" and ISBNs."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from analyzers.collation import sort_key

pytestmark = pytest.mark.engine


async def search(api: TestClient, **params: object) -> dict:
    response = await api.get("/api/v1/search", params=params)
    body = await response.json()
    assert response.status == 200, body
    return body


def titles(body: dict) -> list[str]:
    return [h["title"] for h in body["hits"]]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("truyen kieu", "Truyện Kiều"),
        ('title:"truyện kiều"', "Truyện Kiều"),
        ('"dien bien phu"', "Điện Biên Phủ : điểm hẹn lịch sử"),
        ("author:giap", "Điện Biên Phủ : điểm hẹn lịch sử"),
        ("subject:nong nghiep", "Kỹ thuật trồng lúa nương"),
        ("publisher:plenum", "Mathematics for everyone"),
        ("isbn:9786046912347", "Truyện Kiều"),
        ("978-604-69-1234-7", "Truyện Kiều"),
        ("isbn:0306406152", "Mathematics for everyone"),
        ("0-306-40615-2", "Mathematics for everyone"),
        ("9780306406157", "Mathematics for everyone"),
        ("year:1999", "Mathematics for everyone"),
        ("lua nuong OR mathematics year:2018", "Kỹ thuật trồng lúa nương"),
    ],
)
async def test_query_language_finds(api: TestClient, q: str, expected: str) -> None:
    body = await search(api, q=q)
    assert titles(body)[:1] == [expected], body


async def test_isbn_finds_one_book_held_by_two_libraries(api: TestClient) -> None:
    body = await search(api, q="isbn:978-604-69-1234-7")
    assert body["total"] == 1
    assert {h["library"] for h in body["hits"][0]["holdings"]} == {"DBI", "TGI", "THCS"}


async def test_not_and_minus_leave_books_out(api: TestClient) -> None:
    everything = await search(api, q="toan")
    assert everything["total"] == 2
    assert (await search(api, q='toan -"tập 2"'))["total"] == 1
    assert (await search(api, q='toan NOT "tập 2"'))["total"] == 1
    # Without the exclusion the 2004 book is found too; with it, only the other two are.
    assert "Điện Biên Phủ : điểm hẹn lịch sử" in titles(await search(api, q="dien bien"))
    assert set(titles(await search(api, q="dien bien -year:2004"))) == {
        "Bản đồ hành chính tỉnh Điện Biên",
        "Lịch sử Đảng bộ tỉnh Điện Biên",
    }


async def test_bad_query_is_a_400_that_helps(api: TestClient) -> None:
    response = await api.get("/api/v1/search", params={"q": "colour:red"})
    body = await response.json()
    assert response.status == 400
    assert body["error"]["code"] == "bad_query"
    assert "title, author" in body["error"]["message"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"library": "THCS"}, 3),
        ({"library": ["THCS", "TGI"]}, 5),
        ({"kind": "school"}, 3),
        ({"type": "map"}, 1),
        ({"lang": "eng"}, 1),
        ({"subject": "Toán học"}, 2),
        ({"year_from": "2020"}, 4),
        ({"year_from": "2004", "year_to": "2010"}, 2),
        ({"library": "DBI", "year_to": "2004"}, 2),
    ],
    ids=[
        "library",
        "two-libraries",
        "kind",
        "type",
        "lang",
        "subject",
        "year-from",
        "year-range",
        "library-and-year",
    ],
)
async def test_filters(api: TestClient, params: dict, expected: int) -> None:
    body = (
        await search(api, **{"q": ""}, **params)
        if "library" not in params or isinstance(params["library"], str)
        else None
    )
    if body is None:
        response = await api.get(
            "/api/v1/search", params=[("library", v) for v in params["library"]]
        )
        body = await response.json()
    assert body["total"] == expected, body


async def test_facets_are_multi_select_with_labels(api: TestClient) -> None:
    body = await search(api, library="THCS")
    library = {f["value"]: f for f in body["facets"]["library"]}
    # Other libraries are still counted while THCS is chosen.
    assert library["DBI"]["count"] == 7
    assert library["THCS"]["label"] == "Thư viện trường THCS Mường Thanh"
    kind = {f["value"]: f["count"] for f in body["facets"]["kind"]}
    # Truyện Kiều is also held by the provincial and a district library.
    assert kind == {"school": 3, "provincial": 1, "district": 1}
    assert {f["value"] for f in body["facets"]["subject"]} >= {"Toán học"}
    assert body["facets"]["year"][0]["value"] == 2021
    assert {f["value"] for f in body["facets"]["type"]} == {"book"}


async def test_sort_by_title_is_vietnamese_order(api: TestClient) -> None:
    body = await search(api, sort="title", size=50)
    shown = titles(body)
    assert shown == sorted(shown, key=sort_key)
    # Vietnamese filing order: Đ is its own letter after D and before E…H; within a syllable
    # the tone decides before the next syllable (hoa < hóa), as dictionaries order words.
    assert shown.index("Điện Biên Phủ : điểm hẹn lịch sử") < shown.index("Hoa học trò")
    assert shown.index("Hoa học trò") < shown.index("Hóa học đại cương")


async def test_sort_by_year(api: TestClient) -> None:
    newest = [h["year"] for h in (await search(api, sort="year", size=50))["hits"]]
    assert newest == sorted(newest, reverse=True)
    oldest = [h["year"] for h in (await search(api, sort="year_asc", size=50))["hits"]]
    assert oldest == sorted(oldest)


async def test_pages_and_cursor_walk_the_same_list(api: TestClient) -> None:
    whole = titles(await search(api, sort="title", size=50))
    walked: list[str] = []
    body = await search(api, sort="title", size=3)
    walked += titles(body)
    pages = 1
    while body["next_cursor"]:
        body = await search(api, sort="title", size=3, cursor=body["next_cursor"])
        pages += 1
        assert body["page"] == pages
        walked += titles(body)
    assert walked == whole
    paged = []
    for page in range(1, pages + 1):
        paged += titles(await search(api, sort="title", size=3, page=page))
    assert paged == whole


async def test_cursor_for_another_search_is_refused(api: TestClient) -> None:
    body = await search(api, sort="title", size=2)
    response = await api.get(
        "/api/v1/search", params={"sort": "year", "size": 2, "cursor": body["next_cursor"]}
    )
    assert response.status == 400
    assert (await response.json())["error"]["code"] == "bad_cursor"
    response = await api.get("/api/v1/search", params={"cursor": "%%%not-a-cursor"})
    assert (await response.json())["error"]["code"] == "bad_cursor"


async def test_deep_pages_are_capped(api: TestClient) -> None:
    response = await api.get("/api/v1/search", params={"page": "60", "size": "20"})
    body = await response.json()
    assert response.status == 400
    assert body["error"]["code"] == "page_too_deep"
    assert "next_cursor" in body["error"]["message"]


async def test_highlight_marks_matched_words_exact_first(api: TestClient) -> None:
    body = await search(api, q="kieu")
    assert "<mark>" in body["hits"][0]["highlight"]["title"][0]
    body = await search(api, q="Kiều")
    assert body["hits"][0]["highlight"]["title"] == ["Truyện <mark>Kiều</mark>"]


@pytest.mark.parametrize(
    ("q", "suggestion"),
    [
        ("Toan hocc", "Toán học"),
        ("nguyen duu", "nguyễn du"),
        ("lua nuongg", "lúa nương"),  # as the catalogue spells it (issue #21)
    ],
)
async def test_did_you_mean(api: TestClient, q: str, suggestion: str) -> None:
    body = await search(api, q=q)
    assert body["suggestion"] == suggestion, body
    assert (await search(api, q=body["suggestion"]))["total"] > body["total"]


async def test_no_suggestion_when_results_are_plenty(api: TestClient) -> None:
    assert (await search(api, q="dien bien"))["suggestion"] is None
