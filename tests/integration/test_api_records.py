"""Records, exports, suggestions and libraries against the real engine."""

from __future__ import annotations

import io
import json

import pymarc
import pytest
from aiohttp.test_utils import TestClient
from opensearchpy import AsyncOpenSearch

pytestmark = pytest.mark.engine


async def book_id(api: TestClient, q: str) -> str:
    body = await (await api.get("/api/v1/search", params={"q": q})).json()
    return body["hits"][0]["id"]


async def stored_marc(engine: AsyncOpenSearch, prefix: str, member: str) -> dict:
    found = await engine.get(index=f"{prefix}-records", id=member)
    return found["_source"]["marc"]


HOLDING_TAGS = {"852", "876", "877", "878", "952"}


def same_record(parsed: pymarc.Record, stored: dict) -> None:
    """Fields equal but holdings (the union's 852s replace them: one per library);
    leader equal except the lengths and addresses a writer recomputes."""
    got = parsed.as_dict()

    def bibliographic(fields: list[dict]) -> list[dict]:
        return [f for f in fields if next(iter(f)) not in HOLDING_TAGS]

    assert bibliographic(got["fields"]) == bibliographic(stored["fields"])
    assert sorted(f["a"] for f in parsed.get_fields("852")) == ["DBI", "TGI", "THCS"]
    keep = [*range(5, 9), *range(10, 12), *range(17, 24)]
    assert [got["leader"][i] for i in keep] == [stored["leader"][i] for i in keep]


async def test_record_json_lists_members_and_holdings(api: TestClient) -> None:
    doc_id = await book_id(api, "isbn:9786046912347")
    response = await api.get(f"/api/v1/records/{doc_id}")
    body = await response.json()
    assert response.status == 200
    assert {m["library"] for m in body["members"]} == {"DBI", "TGI", "THCS"}
    assert body["title"] == "Truyện Kiều"


@pytest.mark.parametrize("fmt", ["marcxml", "xml"])
async def test_marcxml_export_parses_back_into_the_same_record(
    api: TestClient,
    engine: AsyncOpenSearch,
    api_prefix: str,
    fmt: str,
) -> None:
    doc_id = await book_id(api, "isbn:9786046912347")
    response = await api.get(f"/api/v1/records/{doc_id}", params={"format": fmt})
    assert response.status == 200
    assert response.content_type == "application/marcxml+xml"
    records = pymarc.parse_xml_to_array(io.BytesIO(await response.read()))
    assert len(records) == 1
    same_record(records[0], await stored_marc(engine, api_prefix, "DBI:DBI0001"))
    assert records[0]["245"]["a"] == "Truyện Kiều"


@pytest.mark.parametrize("fmt", ["iso2709", "marc"])
async def test_iso2709_export_parses_back_into_the_same_record(
    api: TestClient,
    engine: AsyncOpenSearch,
    api_prefix: str,
    fmt: str,
) -> None:
    doc_id = await book_id(api, "isbn:9786046912347")
    response = await api.get(f"/api/v1/records/{doc_id}", params={"format": fmt})
    assert response.status == 200
    assert response.content_type == "application/marc"
    raw = await response.read()
    assert raw[9:10] == b"a"  # UTF-8 declared in leader/09
    records = list(pymarc.MARCReader(raw, to_unicode=True, force_utf8=True))
    assert len(records) == 1 and records[0] is not None
    same_record(records[0], await stored_marc(engine, api_prefix, "DBI:DBI0001"))


async def test_marc_json_export(api: TestClient, engine: AsyncOpenSearch, api_prefix: str) -> None:
    doc_id = await book_id(api, "isbn:9786046912347")
    response = await api.get(f"/api/v1/records/{doc_id}", params={"format": "marc-json"})
    body = json.loads(await response.read())
    (parsed,) = list(pymarc.JSONReader(json.dumps(body)))
    same_record(parsed, await stored_marc(engine, api_prefix, "DBI:DBI0001"))


async def test_ris_export(api: TestClient) -> None:
    doc_id = await book_id(api, "isbn:9786046912347")
    response = await api.get(f"/api/v1/records/{doc_id}", params={"format": "ris"})
    text = (await response.read()).decode("utf-8")
    assert response.content_type == "application/x-research-info-systems"
    lines = text.splitlines()
    assert lines[0] == "TY  - BOOK"
    assert "TI  - Truyện Kiều" in lines
    assert "AU  - Nguyễn, Du" in lines  # family name, given name
    assert "PY  - 2015" in lines
    assert "SN  - 9786046912347" in lines
    assert lines[-1] == "ER  -"


async def test_bibtex_export(api: TestClient) -> None:
    doc_id = await book_id(api, "isbn:9786046912347")
    response = await api.get(f"/api/v1/records/{doc_id}", params={"format": "bibtex"})
    text = (await response.read()).decode("utf-8")
    assert text.startswith("@book{nguyen2015truyen,")
    assert "title = {Truyện Kiều}" in text
    assert "author = {Nguyễn, Du}" in text  # read as family Nguyễn, given Du


async def test_csl_json_export(api: TestClient) -> None:
    doc_id = await book_id(api, "publisher:plenum")
    response = await api.get(f"/api/v1/records/{doc_id}", params={"format": "csl-json"})
    (item,) = json.loads(await response.read())
    assert item["type"] == "book"
    assert item["title"] == "Mathematics for everyone"
    assert item["author"] == [{"family": "Smith", "given": "John"}]
    assert item["issued"] == {"date-parts": [[1999]]}
    assert item["ISBN"] == "9780306406157"


async def test_unknown_format_is_400(api: TestClient) -> None:
    doc_id = await book_id(api, "isbn:9786046912347")
    response = await api.get(f"/api/v1/records/{doc_id}", params={"format": "docx"})
    body = await response.json()
    assert response.status == 400
    assert body["error"]["code"] == "bad_format"
    assert "marcxml" in body["error"]["message"]


@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("Hóa", "Hóa học đại cương"),
        ("Hoa", "Hoa học trò"),
        ("hoa hoc", "Hoa học trò"),
        ("nguyen d", "Nguyễn Du"),
        ("Nguyễn D", "Nguyễn Du"),
        ("toan 6", "Toán 6 : tập 1"),
    ],
)
async def test_suggest_completes_titles_and_authors(api: TestClient, q: str, first: str) -> None:
    response = await api.get("/api/v1/suggest", params={"q": q})
    body = await response.json()
    assert response.status == 200
    texts = [s["text"] for s in body["suggestions"]]
    assert texts and texts[0] == first, body


async def test_suggest_exact_accent_first_then_folded(api: TestClient) -> None:
    body = await (await api.get("/api/v1/suggest", params={"q": "Hóa"})).json()
    texts = [s["text"] for s in body["suggestions"]]
    assert texts.index("Hóa học đại cương") < texts.index("Hoa học trò")


@pytest.mark.parametrize("q", ["", "h", "  "])
async def test_suggest_needs_two_characters(api: TestClient, q: str) -> None:
    body = await (await api.get("/api/v1/suggest", params={"q": q})).json()
    assert body["suggestions"] == []


async def test_libraries_with_counts(api: TestClient) -> None:
    response = await api.get("/api/v1/libraries")
    body = await response.json()
    assert response.status == 200
    listed = {lib["code"]: lib for lib in body["libraries"]}
    assert [lib["code"] for lib in body["libraries"]] == ["DBI", "TGI", "THCS"]
    assert listed["DBI"]["records"] == 7
    assert listed["THCS"] == {
        "code": "THCS",
        "name": "Thư viện trường THCS Mường Thanh",
        "kind": "school",
        "parent": "DBI",
        "records": 3,
        "books": 3,
    }
    assert listed["TGI"]["books"] == 3
