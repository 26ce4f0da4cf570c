"""A book's own page (``/records/{id}``) and the catalogue page's server-rendered results.

Real engine, real API: the pages are parsed as HTML (not grepped), and the address of a book is
checked to survive a re-load of the same file and a reindex.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from aiohttp.test_utils import TestClient
from opensearchpy import AsyncOpenSearch

from harvesters.files import read_path
from indexer.reindex import reindex
from indexer.store import Store
from searchapi import exports
from tests.catalogue import ApiClient, Catalogue
from tests.catalogue import catalogue as build_catalogue
from tests.marc_builders import book

pytestmark = pytest.mark.engine

CODES = ("DBI", "TGI")
HOSTILE = 'Thơ <script>alert("x")</script> & "ngoặc"'


def books() -> dict[str, list[Any]]:
    return {
        "DBI": [
            book(
                "DBI0001",
                "Truyện Kiều",
                author="Nguyễn Du",
                year=2015,
                publisher="Nxb. Văn học",
                isbn="978-604-69-1234-7",
                subjects=("Văn học Việt Nam -- Thơ",),
                call_number="895.9221 NG-D",
                copies=3,
                edition="Tái bản lần thứ 5",
                pages=320,
                series="Văn học cổ điển Việt Nam",
            ),
            book(
                "DBI0002", "Truyện Kiều", author="Nguyễn Du", year=1995, publisher="Nxb. Giáo dục"
            ),
            book("DBI0003", HOSTILE, author="Lò Văn <b>Mười</b>", year=2001),
        ],
        "TGI": [
            book(
                "TG-0042",
                "Truyện Kiều",
                author="Nguyễn Du",
                year=2015,
                isbn="9786046912347",
                call_number="V23 NG-D",
                copies=1,
            ),
        ],
    }


@pytest.fixture(scope="module")
async def catalogue(
    engine: AsyncOpenSearch, index_prefix: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Catalogue]:
    async with build_catalogue(
        engine, f"{index_prefix}-pages", CODES, books(), tmp_path_factory.mktemp("pages")
    ) as built:
        yield built


class Page(HTMLParser):
    """What a reader and a crawler read of a page: text, links, meta, JSON-LD, tables."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.head_links: dict[str, str] = {}
        self.meta: dict[str, list[str]] = {}
        self.scripts: dict[str, list[str]] = {}
        self.text: list[str] = []
        self.lang = ""
        self._a: list[Any] | None = None
        self._script: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag == "a":
            self._a = [a.get("href", ""), ""]
        elif tag == "link" and a.get("rel"):
            self.head_links[a["rel"] + a.get("hreflang", "")] = a.get("href", "")
        elif tag == "meta":
            key = a.get("property") or a.get("name") or ""
            self.meta.setdefault(key, []).append(a.get("content", ""))
        elif tag in ("script", "style"):
            self._script = a.get("type", "") + "|" + a.get("class", "")
            self.scripts.setdefault(self._script, [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._a is not None:
            self.links.append((self._a[0], self._a[1].strip()))
            self._a = None
        elif tag in ("script", "style"):
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self.scripts[self._script].append(data)
            return
        self.text.append(data)
        if self._a is not None:
            self._a[1] += data

    @property
    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())

    def href(self, text: str) -> str:
        return next(href for href, label in self.links if label == text)


async def book_id(api: TestClient, q: str, **params: str) -> str:
    body = await (await api.get("/api/v1/search", params={"q": q, **params})).json()
    return body["hits"][0]["id"]


async def page_of(api: TestClient, path: str) -> tuple[int, Page, Any]:
    response = await api.get(path)
    return response.status, Page(await response.text()), response


async def test_record_page_shows_the_book_with_links_holdings_and_metadata(
    api: TestClient,
) -> None:
    doc_id = await book_id(api, "isbn:9786046912347")
    status, page, response = await page_of(api, f"/records/{doc_id}")
    assert status == 200
    assert response.content_type == "text/html"
    assert page.lang == "vi"
    text = page.all_text
    for expected in (
        "Truyện Kiều",
        "Tái bản lần thứ 5",
        "Nxb. Văn học, 2015",
        "320 trang",
        "ISBN 9786046912347",
        "Các thư viện có tài liệu",
        "Thư viện tỉnh Điện Biên 895.9221 NG-D 3 DBI0001",
        "Thư viện huyện Tuần Giáo V23 NG-D 1 TG-0042",
    ):
        assert expected in text, expected
    author = parse_qs(urlsplit(page.href("Nguyễn Du")).query)
    assert author == {"q": ['author:"Nguyễn Du"']}
    subject = parse_qs(urlsplit(page.href("Văn học Việt Nam -- Thơ")).query)
    assert subject == {"q": ['subject:"Văn học Việt Nam -- Thơ"']}
    assert page.href("Văn học cổ điển Việt Nam").startswith("/?q=title")

    canonical = page.head_links["canonical"]
    assert canonical.endswith(f"/records/{doc_id}") and canonical.startswith("http://")
    assert page.head_links["alternateen"] == f"{canonical}?lang=en"
    assert page.meta["og:type"] == ["book"]
    assert page.meta["og:url"] == [canonical]
    assert page.meta["og:title"] == ["Truyện Kiều"]
    (ld,) = page.scripts["application/ld+json|"]
    book_ld = json.loads("".join(ld))
    assert book_ld["@type"] == "Book" and book_ld["name"] == "Truyện Kiều"
    assert book_ld["author"] == [{"@type": "Person", "name": "Nguyễn Du"}]
    assert book_ld["datePublished"] == "2015" and book_ld["numberOfPages"] == 320

    for name in exports.EXPORTS:  # every export is linked, and each link answers
        (href,) = [h for h, _ in page.links if h.endswith(f"?format={name}")]
        assert (await api.get(href)).status == 200, name
    assert "TY - BOOK" in text and "@book{" in text
    cited = text.split("Kiểu Việt Nam (TCVN 7115) ")[1].split(" Kiểu APA")[0]
    cited = cited.replace(" ,", ",")  # all_text puts a space at the end of <i>
    assert cited == "Nguyễn Du (2015), Truyện Kiều, Tái bản lần thứ 5, Nxb. Văn học, H."


async def test_other_editions_link_each_other(api: TestClient) -> None:
    new = await book_id(api, "Truyện Kiều", year_from="2015")
    old = await book_id(api, "Truyện Kiều", year_to="2000")
    assert new != old
    _, page, _ = await page_of(api, f"/records/{new}")
    assert "Các lần xuất bản khác" in page.all_text
    assert (f"/records/{old}", "Truyện Kiều") in page.links
    _, page, _ = await page_of(api, f"/records/{old}")
    assert (f"/records/{new}", "Truyện Kiều") in page.links


async def test_english_page_on_request(api: TestClient) -> None:
    doc_id = await book_id(api, "isbn:9786046912347")
    status, page, response = await page_of(api, f"/records/{doc_id}?lang=en")
    assert status == 200 and page.lang == "en"
    assert response.headers["Content-Language"] == "en"
    assert "Libraries holding it" in page.all_text and "Other editions" in page.all_text
    assert page.head_links["canonical"].endswith(f"/records/{doc_id}?lang=en")


async def test_catalogue_text_is_escaped(api: TestClient) -> None:
    doc_id = await book_id(api, "ngoặc")
    response = await api.get(f"/records/{doc_id}")
    raw = await response.text()
    assert "<script>alert" not in raw and "<b>Mười" not in raw
    page = Page(raw)
    assert HOSTILE in page.all_text  # shown as text, exactly
    assert page.meta["og:title"] == [HOSTILE]
    (ld,) = page.scripts["application/ld+json|"]
    assert json.loads("".join(ld))["name"] == HOSTILE


@pytest.mark.parametrize(
    ("path", "lang", "message"),
    [
        ("/records/0000000000000000dead", "vi", "Không có tài liệu nào mang mã"),
        ("/records/no%20such%3Cid%3E", "vi", "Không có tài liệu nào mang mã no such<id>"),
        ("/records/0000000000000000dead?lang=en", "en", "There is no item with the id"),
    ],
)
async def test_unknown_id_is_a_404_page_in_the_readers_language(
    api: TestClient, path: str, lang: str, message: str
) -> None:
    status, page, response = await page_of(api, path)
    assert status == 404
    assert response.content_type == "text/html"
    assert page.lang == lang
    assert message in page.all_text
    assert page.meta["robots"] == ["noindex"]


async def test_catalogue_page_renders_its_first_results_on_the_server(api: TestClient) -> None:
    status, page, _ = await page_of(api, "/?q=truyen+kieu&sort=year_asc")
    assert status == 200
    first, second = [h for h, label in page.links if label == "Truyện Kiều"][:2]
    assert first == f"/records/{await book_id(api, 'truyen kieu', sort='year_asc')}"
    assert second != first
    assert "Tìm thấy 2 kết quả cho “truyen kieu”" in page.all_text
    (data,) = page.scripts["application/json|mucluc-data"]
    served = json.loads("".join(data))
    api_body = await (
        await api.get("/api/v1/search", params={"q": "truyen kieu", "sort": "year_asc", "size": 10})
    ).json()
    assert served["hits"] == api_body["hits"] and served["total"] == 2

    _, before, _ = await page_of(api, "/?q=truyen+kieu&ssr=0")  # the old flow, for benchmarks
    assert "application/json|mucluc-data" not in before.scripts
    assert not [h for h, _ in before.links if h.startswith("/records/")]


@pytest.mark.parametrize("query", ["", "q=", "q=%20%20", "q=x&page=999", "q=x&sort=nope"])
async def test_catalogue_page_without_results_still_serves_the_widget(
    api: TestClient, query: str
) -> None:
    response = await api.get(f"/?{query}")
    raw = await response.text()
    assert response.status == 200
    assert "mucluc-data" not in raw
    assert '<mucluc-search url-param="q" size="10"><form class="ssr-f"' in raw
    assert '<script src="/widget/' in raw


async def test_a_books_address_survives_reload_and_reindex(
    engine: AsyncOpenSearch, index_prefix: str, api_client: ApiClient, tmp_path: Path
) -> None:
    async with (
        build_catalogue(engine, f"{index_prefix}-pages-ids", CODES, books(), tmp_path) as built,
        api_client(built.prefix, built.libraries) as api,
    ):
        store = Store(engine, built.prefix)

        async def ids() -> dict[str, str]:
            body = await (await api.get("/api/v1/search", params={"size": 100})).json()
            return {hit["id"]: f"{hit['title']} {hit['year']}" for hit in body["hits"]}

        before = await ids()
        assert len(before) == 3
        for code in CODES:  # the same files again, as a nightly re-load does
            await built.loader.load(read_path(built.files[code], library=code))
        await store.refresh("union")
        assert await ids() == before
        await reindex(store, built.libraries)
        assert await ids() == before
        for doc_id, shown in before.items():
            status, page, _ = await page_of(api, f"/records/{doc_id}")
            assert status == 200
            assert page.all_text.count(shown.split(" ")[0]) >= 1
