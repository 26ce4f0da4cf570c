"""Holdings, union exports and citations of a book four libraries hold, on the real engine.

The exports are read back with the parsers other software uses: pymarc (Koha, MarcEdit's
kind), rispy (RIS), bibtexparser (BibTeX) and citeproc-py (CSL-JSON).
"""

from __future__ import annotations

import io
import json
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import bibtexparser
import bibtexparser.middlewares as bib_middlewares
import pymarc
import pytest
import rispy
from aiohttp.test_utils import TestClient
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from opensearchpy import AsyncOpenSearch

from indexer.store import Store
from tests.catalogue import ApiClient, Catalogue, make_loader, open_catalogue
from tests.marc_builders import book

pytestmark = pytest.mark.engine

CODES = ("DBI", "TGI", "MCH", "THCS")
KIEU_ISBN = "978-604-69-1234-7"
RECORD_URL = "https://opac.example/cgi-bin/koha/opac-detail.pl?biblionumber={record_id}"
# Items as each library's software writes them → the copies a reader must see.
COPIES = {"DBI": 3, "TGI": 2, "MCH": 4, "THCS": 1}


def _field(tag: str, subfields: list[tuple[str, str]], indicators: str = "  ") -> pymarc.Field:
    return pymarc.Field(
        tag=tag,
        indicators=pymarc.Indicators(*indicators),
        subfields=[pymarc.Subfield(code, value) for code, value in subfields],
    )


def kieu(code: str, local_id: str) -> pymarc.Record:
    """Truyện Kiều with an annotator, as each library catalogued it (with its own items)."""
    record = book(local_id, "Truyện Kiều", author="Nguyễn Du", year=2015, isbn=KIEU_ISBN,
                  publisher="Nxb. Văn học")  # fmt: skip
    record.add_field(_field("700", [("a", "Kiều Văn"), ("e", "chú giải")], "0 "))
    record.add_field(_field("700", [("a", "Đào Duy Anh"), ("4", "trl")], "0 "))
    if code == "DBI":  # one 852 per copy, $t the copy number
        for n in (1, 2, 3):
            record.add_field(_field("852", [("a", code), ("h", "895.9221 NG-D"), ("t", str(n))]))
    elif code == "TGI":  # Koha items
        for n in (1, 2):
            record.add_field(_field("952", [("a", code), ("o", "V23 NG-D"), ("p", f"TG{n}")]))
    elif code == "MCH":  # one 852, items in 876
        record.add_field(_field("852", [("a", code), ("h", "895.922 NG-D"), ("t", "1")]))
        for n in range(4):
            record.add_field(_field("876", [("p", f"MC{n}")]))
    else:
        record.add_field(_field("852", [("a", code), ("h", "V23"), ("t", "7")]))  # copy no. 7
    if code == "TGI":  # decomposed Unicode, as some exports arrive
        for marc_field in record.fields:
            if not marc_field.is_control_field():
                marc_field.subfields = [
                    pymarc.Subfield(s.code, unicodedata.normalize("NFD", s.value))
                    for s in marc_field.subfields
                ]
    return record


def books() -> dict[str, list[pymarc.Record]]:
    return {
        "DBI": [
            kieu("DBI", "DBI0001"),
            book("DBI0002", "Toán 6", part="T. 1", isbn="978-604-0-00001-0", year=2021),
            book("DBI0003", "Toán 6", part="T. 2", isbn="978-604-0-00002-7", year=2021),
            book("DBI0004", "Điện Biên Phủ", author="Võ Nguyên Giáp", year=2004),
        ],
        "TGI": [kieu("TGI", "TG-0042")],
        "MCH": [kieu("MCH", "MC/77")],
        "THCS": [kieu("THCS", "TH5")],
    }


@pytest.fixture(scope="module")
async def catalogue(
    engine: AsyncOpenSearch, index_prefix: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Catalogue]:
    built = await open_catalogue(engine, f"{index_prefix}-union-exports", CODES)
    built.libraries["DBI"] = replace(built.libraries["DBI"], record_url=RECORD_URL)
    built.loader = make_loader(engine, built.prefix, built.libraries)
    try:
        for code, summary in (
            await built.load_marc(books(), tmp_path_factory.mktemp("union-exports"))
        ).items():
            assert summary.skipped == 0, (code, summary.problems)
        yield built
    finally:
        await Store(engine, built.prefix).drop_all()


async def kieu_id(api: TestClient) -> str:
    body = await (await api.get("/api/v1/search", params={"q": f"isbn:{KIEU_ISBN}"})).json()
    assert body["total"] == 1, body
    return body["hits"][0]["id"]


def all_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in all_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in all_strings(v)]
    return []


def nfc_everywhere(record: pymarc.Record) -> None:
    strings = all_strings(record.as_dict())
    assert strings and all(unicodedata.is_normalized("NFC", s) for s in strings)


def check_union_record(record: pymarc.Record) -> None:
    holdings = {f["a"]: f for f in record.get_fields("852")}
    assert sorted(holdings) == sorted(CODES)
    assert {code: int(f["9"]) for code, f in holdings.items()} == COPIES
    assert holdings["TGI"]["x"] == "TG-0042" and holdings["MCH"]["x"] == "MC/77"
    assert holdings["DBI"]["h"] == "895.9221 NG-D" and holdings["TGI"]["h"] == "V23 NG-D"
    assert holdings["DBI"]["u"] == RECORD_URL.format(record_id="DBI0001")
    assert not record.get_fields("952", "876", "877", "878")
    assert record["260"]["a"] == "H."  # the MARC stays as catalogued
    nfc_everywhere(record)


async def test_hits_count_copies_from_items_and_link_each_library(api: TestClient) -> None:
    body = await (await api.get("/api/v1/search", params={"q": f"isbn:{KIEU_ISBN}"})).json()
    holdings = {h["library"]: h for h in body["hits"][0]["holdings"]}
    assert {code: h["copies"] for code, h in holdings.items()} == COPIES
    assert holdings["DBI"]["record_url"].endswith("biblionumber=DBI0001")
    assert holdings["MCH"]["record_url"] == ""  # not configured for MCH
    assert holdings["THCS"]["call_number"] == "V23"
    assert body["hits"][0]["authors"] == ["Nguyễn Du"]  # the annotator is no author


async def test_volumes_are_told_apart(api: TestClient) -> None:
    body = await (await api.get("/api/v1/search", params={"q": "toán 6", "sort": "title"})).json()
    assert sorted(h["part"] for h in body["hits"]) == ["T. 1", "T. 2"]


@pytest.mark.parametrize("fmt", ["iso2709", "marcxml", "marc-json"])
async def test_marc_export_is_the_union_record(api: TestClient, fmt: str) -> None:
    response = await api.get(f"/api/v1/records/{await kieu_id(api)}", params={"format": fmt})
    raw = await response.read()
    assert response.status == 200
    if fmt == "iso2709":
        (record,) = list(pymarc.MARCReader(raw, to_unicode=True, force_utf8=True))
    elif fmt == "marcxml":
        (record,) = pymarc.parse_xml_to_array(io.BytesIO(raw))
    else:
        (record,) = list(pymarc.JSONReader(raw.decode("utf-8")))
    check_union_record(record)


def read_ris(text: str) -> list[dict[str, Any]]:
    return rispy.loads(text)


def read_bibtex(text: str) -> list[Any]:
    library = bibtexparser.parse_string(
        text,
        append_middleware=[bib_middlewares.SeparateCoAuthors(), bib_middlewares.SplitNameParts()],
    )
    assert not library.failed_blocks
    return library.entries


def read_csl(text: str) -> Any:
    source = CiteProcJSON(json.loads(text))
    return source


def check_kieu_citation(fmt: str, text: str) -> None:
    """Family name Nguyễn, given Du; the annotator and translator are not authors; Hà Nội."""
    assert unicodedata.is_normalized("NFC", text)
    if fmt == "ris":
        (entry,) = [e for e in read_ris(text) if e["title"].startswith("Truyện Kiều")]
        assert entry["authors"] == ["Nguyễn, Du"]
        assert entry["subsidiary_authors"] == ["Đào, Duy Anh"]  # A4: the translator
        assert entry["place_published"] == "Hà Nội"
    elif fmt == "bibtex":
        (entry,) = [e for e in read_bibtex(text) if e["title"].startswith("Truyện Kiều")]
        (author,) = entry["author"]
        assert (author.last, author.first) == (["Nguyễn"], ["Du"])
        assert "Kiều Văn" not in str(entry["author"])
        assert "Kiều, Văn" in str(entry["annotator"])
        (translator,) = entry["translator"]
        assert (translator.last, translator.first) == (["Đào"], ["Duy", "Anh"])
        assert entry["address"] == "Hà Nội"
    else:
        items = json.loads(text)
        (key,) = [i["id"] for i in items if i["title"].startswith("Truyện Kiều")]
        reference = read_csl(text)[key.lower()]
        (author,) = reference["author"]
        assert (author["family"], author["given"]) == ("Nguyễn", "Du")
        assert [t["family"] for t in reference["translator"]] == ["Đào"]
        style = CitationStylesStyle("harvard-cite-them-right", validate=False)
        bibliography = CitationStylesBibliography(style, read_csl(text), formatter.plain)
        bibliography.register(Citation([CitationItem(key)]))
        (rendered,) = [str(entry) for entry in bibliography.bibliography()]
        assert rendered.startswith("Nguyễn, D. (2015)"), rendered  # family name first, alone
        assert "Hà Nội:" in rendered and "Kiều Văn" not in rendered


@pytest.mark.parametrize("fmt", ["ris", "bibtex", "csl-json"])
async def test_citation_of_one_book_reads_back(api: TestClient, fmt: str) -> None:
    response = await api.get(f"/api/v1/records/{await kieu_id(api)}", params={"format": fmt})
    assert response.status == 200
    check_kieu_citation(fmt, (await response.read()).decode("utf-8"))


@pytest.mark.parametrize("fmt", ["ris", "bibtex", "csl-json"])
async def test_citations_of_a_result_list_read_back(api: TestClient, fmt: str) -> None:
    response = await api.get("/api/v1/search", params={"q": "", "format": fmt})
    text = (await response.read()).decode("utf-8")
    assert response.status == 200
    assert response.headers["X-Total-Count"] == response.headers["X-Export-Count"] == "4"
    check_kieu_citation(fmt, text)
    count = {
        "ris": lambda: len(read_ris(text)),
        "bibtex": lambda: len({e.key for e in read_bibtex(text)}),  # keys unique
        "csl-json": lambda: len(json.loads(text)),
    }[fmt]()
    assert count == 4


@pytest.mark.parametrize("fmt", ["iso2709", "marcxml", "marc-json"])
async def test_marc_of_a_result_list(api: TestClient, fmt: str) -> None:
    response = await api.get("/api/v1/search", params={"q": "", "format": fmt, "sort": "title"})
    raw = await response.read()
    assert response.status == 200
    if fmt == "iso2709":
        records = list(pymarc.MARCReader(raw, to_unicode=True, force_utf8=True))
    elif fmt == "marcxml":
        records = pymarc.parse_xml_to_array(io.BytesIO(raw))
    else:
        records = list(pymarc.JSONReader(raw.decode("utf-8")))
    assert len(records) == 4
    (record,) = [r for r in records if r["245"]["a"] == "Truyện Kiều"]
    check_union_record(record)
    for other in records:
        nfc_everywhere(other)


async def test_result_list_export_rejects_an_unknown_format(api: TestClient) -> None:
    response = await api.get("/api/v1/search", params={"q": "kiều", "format": "docx"})
    assert response.status == 400
    assert (await response.json())["error"]["code"] == "bad_format"


async def test_no_response_shows_server_internals(
    api: TestClient, catalogue: Catalogue, opensearch_url: str, api_client: ApiClient
) -> None:
    """No path of the server's files, index name or engine host in any response or page."""
    secrets = [str(path.parent) for path in catalogue.files.values()]
    secrets += [catalogue.prefix, opensearch_url.split("//")[-1]]
    doc_id = await kieu_id(api)
    paths = [
        "/", "/health", "/api/v1/libraries", "/api/v1/openapi.json",
        "/api/v1/search?q=", "/api/v1/search?q=ki%E1%BB%81u&format=ris",
        f"/api/v1/records/{doc_id}", "/api/v1/suggest?q=truy",
        "/api/v1/records/nothing-here", "/api/v1/search?q=%22", "/api/v1/search?page=x",
        *[f"/api/v1/records/{doc_id}?format={f}" for f in ("marcxml", "bibtex", "csl-json")],
        *[f"/api/v1/search?q=&format={f}" for f in ("marcxml", "marc-json", "bibtex")],
    ]  # fmt: skip
    for path in paths:
        text = (await (await api.get(path)).read()).decode("utf-8", "replace")
        for secret in secrets:
            assert secret not in text, (path, secret)
    record = await (await api.get(f"/api/v1/records/{doc_id}")).json()
    sources = {m["library"]: m["source"] for m in record["members"]}
    assert sources["DBI"] == "dbi.mrc" and "/" not in "".join(sources.values())
    # And when the engine is down: no host name in the 503.
    async with api_client(catalogue.prefix, catalogue.libraries,
                          engine_url="http://127.0.0.1:9") as down:  # fmt: skip
        text = await (await down.get("/api/v1/search", params={"q": "x"})).text()
        assert "127.0.0.1" not in text and catalogue.prefix not in text
