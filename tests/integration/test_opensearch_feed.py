"""``/opensearch.xml`` (the browser's "add search engine"), its suggestions, and the Atom feed of
a query, against the real engine."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient
from lxml import etree

pytestmark = pytest.mark.engine

OS = "http://a9.com/-/spec/opensearch/1.1/"
ATOM = "http://www.w3.org/2005/Atom"


async def test_the_demo_page_links_the_description(api: TestClient) -> None:
    page = await (await api.get("/")).text()
    head = page.split("</head>")[0]
    assert '<link rel="search" type="application/opensearchdescription+xml"' in head
    assert 'href="/opensearch.xml"' in head


async def test_description_names_results_suggestions_and_feed(api: TestClient) -> None:
    response = await api.get("/opensearch.xml")
    assert response.status == 200
    assert response.content_type == "application/opensearchdescription+xml"
    root = etree.fromstring(await response.read())
    assert len(root.findtext(f"{{{OS}}}ShortName")) <= 16
    urls = {u.get("type"): u.get("template") for u in root.iter(f"{{{OS}}}Url")}
    origin = f"http://{api.host}:{api.port}"
    assert urls["text/html"] == f"{origin}/?q={{searchTerms}}"
    assert urls["application/x-suggestions+json"].startswith(f"{origin}/opensearch/suggest?")
    assert urls["application/atom+xml"] == f"{origin}/api/v1/feed?q={{searchTerms}}"
    # Every template, filled in, answers.
    for kind, template in urls.items():
        filled = template.replace("{searchTerms}", "kieu").replace("{startPage?}", "1")
        filled = filled.replace("{startIndex?}", "1").removeprefix(origin)
        answer = await api.get(filled)
        assert answer.status == 200, (kind, filled)


async def test_suggestions_are_in_the_browsers_shape(api: TestClient) -> None:
    response = await api.get("/opensearch/suggest", params={"q": "truyen ki"})
    assert response.content_type == "application/x-suggestions+json"
    query, completions = await response.json(content_type=None)
    assert query == "truyen ki"
    assert "Truyện Kiều" in completions


async def test_feed_of_new_books_in_one_library(api: TestClient) -> None:
    response = await api.get("/api/v1/feed", params={"library": "TGI", "sort": "newest"})
    assert response.status == 200
    assert response.content_type == "application/atom+xml"
    root = etree.fromstring(await response.read())
    assert root.findtext(f"{{{OS}}}totalResults") == "3"
    titles = {e.findtext(f"{{{ATOM}}}title") for e in root.iter(f"{{{ATOM}}}entry")}
    assert titles == {"Truyện Kiều", "Điện Biên Phủ : điểm hẹn lịch sử",
                      "Kỹ thuật trồng lúa nương"}
    assert "Tuần Giáo" in root.findtext(f"{{{ATOM}}}title")
    stamps = [e.findtext(f"{{{ATOM}}}updated") for e in root.iter(f"{{{ATOM}}}entry")]
    assert stamps == sorted(stamps, reverse=True)


async def test_feed_of_a_query_finds_what_search_finds(api: TestClient) -> None:
    root = etree.fromstring(await (await api.get("/api/v1/feed", params={"q": "hoa"})).read())
    feed_ids = [e.findtext(f"{{{ATOM}}}id").rsplit("/", 1)[1]
                for e in root.iter(f"{{{ATOM}}}entry")]
    found = await (await api.get("/api/v1/search", params={"q": "hoa"})).json()
    assert feed_ids == [h["id"] for h in found["hits"]]


@pytest.mark.parametrize("params", [{"sort": "cheapest"}, {"size": "500"}, {"q": "title:(kieu"}])
async def test_feed_refuses_bad_parameters_with_the_json_error(
    api: TestClient, params: dict[str, str]
) -> None:
    response = await api.get("/api/v1/feed", params=params)
    assert response.status == 400
    assert "error" in await response.json()
