"""``/sru`` against the real engine: the same Vietnamese queries as the reader API find the same
books in the same order; records in MARCXML and DC; diagnostics with the standard URIs."""

from __future__ import annotations

import io

import pymarc
import pytest
from aiohttp.test_utils import TestClient
from lxml import etree

from tests.catalogue import ApiClient, Catalogue

pytestmark = pytest.mark.engine

SRU = "http://www.loc.gov/zing/srw/"
SRU2 = "http://docs.oasis-open.org/ns/search-ws/sruResponse"
MARC = "http://www.loc.gov/MARC21/slim"
DC = "http://purl.org/dc/elements/1.1/"


async def sru(api: TestClient, version: str = "1.2", **params: str) -> etree._Element:
    query = {"operation": "searchRetrieve", "version": version, **params}
    response = await api.get("/sru", params=query)
    assert response.status == 200
    assert response.content_type == "application/xml"
    return etree.fromstring(await response.read())


def marc_records(root: etree._Element) -> list[pymarc.Record]:
    records = []
    for node in root.iter(f"{{{MARC}}}record"):
        records += pymarc.parse_xml_to_array(io.BytesIO(etree.tostring(node)))
    return records


def diagnostic_uri(root: etree._Element) -> str | None:
    for node in root.iter():
        if etree.QName(node).localname == "uri":
            return node.text
    return None


async def api_ids(api: TestClient, q: str) -> list[str]:
    body = await (await api.get("/api/v1/search", params={"q": q, "size": 100})).json()
    return [h["id"] for h in body["hits"]]


async def sru_ids(api: TestClient, cql: str) -> list[str]:
    root = await sru(api, query=cql, recordSchema="dc", maximumRecords="100")
    return [
        ids[-1] for record in root.iter("{info:srw/schema/1/dc-schema}dc")
        if (ids := [n.text for n in record.iter(f"{{{DC}}}identifier")
                    if not n.text.startswith("urn:")])
    ]


@pytest.mark.parametrize(
    ("cql", "q"),
    [
        ('"truyen kieu"', "truyen kieu"),
        ('"truyện kiều"', "truyện kiều"),
        ('cql.serverChoice = "dien bien phu"', "dien bien phu"),
        ('"Điện Biên"', "Điện Biên"),
        ("hoa", "hoa"),
        ("hóa", "hóa"),
        ('dc.title = "truyen kieu"', "title:(truyen kieu)"),
        ("dc.creator = giap", "author:giap"),
        ('dc.subject = "nong nghiep"', "subject:(nong nghiep)"),
        ("dc.publisher = plenum", "publisher:plenum"),
        ('dc.title adj "dien bien phu"', 'title:"dien bien phu"'),
        ("bath.isbn = 978-604-69-1234-7", "isbn:9786046912347"),
        ("dc.date = 1999", "year:1999"),
        ("dc.date >= 2019", "year:2019.."),
        ("hoa not dc.date = 2019", "hoa NOT year:2019"),
        ("lua or mathematics", "lua OR mathematics"),
        ('dc.title all "lich su"', "title:lich AND title:su"),
    ],
)
async def test_sru_finds_what_the_reader_api_finds_in_the_same_order(
    api: TestClient, cql: str, q: str
) -> None:
    expected = await api_ids(api, q)
    assert expected, f"the reader API finds nothing for {q!r}: the case proves nothing"
    assert await sru_ids(api, cql) == expected


async def test_marcxml_records_are_the_stored_marc(api: TestClient) -> None:
    root = await sru(api, query="bath.isbn = 9786046912347", recordSchema="marcxml")
    assert root.findtext(f"{{{SRU}}}numberOfRecords") == "1"
    (record,) = marc_records(root)
    assert record["245"]["a"] == "Truyện Kiều"
    assert record["001"].data == "DBI0001"  # the preferred member's own record


async def test_a_library_scoped_query_carries_that_librarys_own_record(api: TestClient) -> None:
    root = await sru(api, query="mucluc.library = TGI and dc.title = kieu")
    (record,) = marc_records(root)
    assert record["001"].data == "TG-0042"
    assert record["852"]["h"] == "V23 NG-D"


async def test_right_truncation_finds_words_with_diacritics(api: TestClient) -> None:
    ids = await sru_ids(api, "dc.title = kie*")
    assert ids == await api_ids(api, "isbn:9786046912347")


async def test_paging_with_start_record_and_next_position(api: TestClient) -> None:
    everything = await sru_ids(api, "cql.allRecords = 1")
    root = await sru(api, query="cql.allRecords = 1", recordSchema="dc", startRecord="3",
                     maximumRecords="2")
    assert root.findtext(f"{{{SRU}}}numberOfRecords") == str(len(everything))
    assert root.findtext(f"{{{SRU}}}nextRecordPosition") == "5"
    positions = [n.text for n in root.iter(f"{{{SRU}}}recordPosition")]
    assert positions == ["3", "4"]


async def test_version_2_uses_its_namespace_and_escaping(api: TestClient) -> None:
    root = await sru(api, version="2.0", query="kieu", recordXMLEscaping="string",
                     resultSetTTL="300")
    assert etree.QName(root).namespace == SRU2
    data = root.find(f"{{{SRU2}}}records/{{{SRU2}}}record/{{{SRU2}}}recordData")
    assert data is not None and len(data) == 0
    assert "Truyện Kiều" in pymarc.parse_xml_to_array(io.BytesIO(data.text.encode()))[0].title


@pytest.mark.parametrize(
    ("params", "number"),
    [
        ({"query": "dc.title = (kieu"}, 10),
        ({"query": 'dc.title = "kieu'}, 10),
        ({"query": "dc.nosuch = kieu"}, 16),
        ({"query": "dc.title < kieu"}, 19),
        ({"query": "dc.title =/stem kieu"}, 20),
        ({"query": "k*eu"}, 28),
        ({"query": "dc.date = nineteen"}, 36),
        ({"query": "kieu prox du"}, 37),
        ({"query": "kieu", "recordSchema": "mods"}, 66),
        ({"query": "kieu", "recordPacking": "json"}, 71),
        ({"query": "kieu", "startRecord": "0"}, 6),
        ({"query": "kieu", "startRecord": "50"}, 61),
        ({"operation": "scan", "scanClause": "kieu"}, 4),
        ({"query": ""}, 7),
    ],
    ids=lambda v: str(v),
)
async def test_bad_requests_get_the_standard_diagnostic(
    api: TestClient, params: dict[str, str], number: int
) -> None:
    root = await sru(api, **params)
    assert diagnostic_uri(root) == f"info:srw/diagnostic/1/{number}"


async def test_unsupported_version_is_diagnostic_5(api: TestClient) -> None:
    response = await api.get("/sru", params={"version": "3.0", "operation": "explain"})
    root = etree.fromstring(await response.read())
    assert diagnostic_uri(root) == "info:srw/diagnostic/1/5"


async def test_explain_lists_indexes_schemas_and_defaults(api: TestClient) -> None:
    response = await api.get("/sru")
    root = etree.fromstring(await response.read())
    z = "http://explain.z3950.org/dtd/2.0/"
    titles = {n.text for n in root.iter(f"{{{z}}}title")}
    assert {"dc.title", "dc.creator", "bath.isbn", "mucluc.library"} <= titles
    schemas = {n.get("name") for n in root.iter(f"{{{z}}}schema")}
    assert schemas == {"marcxml", "dc"}
    defaults = {n.get("type"): n.text for n in root.iter(f"{{{z}}}default")}
    assert defaults["retrieveSchema"] == "marcxml"


async def test_engine_down_is_diagnostic_1_with_503(
    catalogue: Catalogue, api_client: ApiClient
) -> None:
    async with api_client(catalogue.prefix, catalogue.libraries,
                          engine_url="http://127.0.0.1:1") as down:
        response = await down.get("/sru", params={"query": "kieu", "version": "1.2"})
        assert response.status == 503
        assert response.headers["Retry-After"] == "5"
        root = etree.fromstring(await response.read())
        assert diagnostic_uri(root) == "info:srw/diagnostic/1/1"
        assert "127.0.0.1" not in (await response.text())
