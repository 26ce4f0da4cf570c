"""The OAI-PMH provider at /oai over the real engine, harvested by two clients from PyPI.

Every response is validated against the official OAI-PMH 2.0 schema (vendored under
``tests/searchapi/oai_schema``). `sickle` and `oaipmh-scythe` harvest over a real TCP port, in
a thread (they are blocking clients) while the server runs on the test's event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pymarc
import pytest
from lxml import etree
from oaipmh_scythe import Scythe
from oaipmh_scythe import exceptions as scythe_errors
from opensearchpy import AsyncOpenSearch
from sickle import Sickle
from sickle.oaiexceptions import NoRecordsMatch

from harvesters.files import read_path
from harvesters.records import SourceRecord
from harvesters.sources import harvest_source
from indexer.reindex import reindex
from indexer.store import Store
from searchapi.oai import tokens
from tests.catalogue import ApiClient, Catalogue
from tests.catalogue import catalogue as build_catalogue
from tests.marc_builders import book

pytestmark = pytest.mark.engine

SCHEMA = etree.XMLSchema(
    etree.parse(str(Path(__file__).parents[1] / "searchapi" / "oai_schema" / "OAI-PMH.xsd"))
)
NS = {"o": "http://www.openarchives.org/OAI/2.0/", "m": "http://www.loc.gov/MARC21/slim"}
REPO = "mucluc.local"
SHARED_ISBN = "978-604-69-1234-7"
FAST = {"rate": 10_000.0, "burst": 10_000.0}


def books() -> dict[str, list[pymarc.Record]]:
    return {
        "DBI": [
            book("DBI0001", "Truyện Kiều", author="Nguyễn Du", year=2015, isbn=SHARED_ISBN,
                 call_number="895.9221 NG-D", copies=3),
            book("DBI0002", "Điện Biên Phủ : điểm hẹn lịch sử", author="Võ Nguyên Giáp",
                 year=2004),
            book("DBI0003", "Hóa học đại cương", author="Trần Văn Nam", year=2010),
        ],
        "TGI": [
            book("TGI0001", "Truyện Kiều", author="Nguyễn Du", year=2015, isbn=SHARED_ISBN,
                 call_number="895.92 ND", copies=1),
            book("TGI0002", "Lịch sử Tuần Giáo", author="Lò Văn Pâng", year=2018),
        ],
        "THCS": [
            book("THCS001", "Toán 7", author="Bộ Giáo dục", year=2022),
            book("THCS002", "Ngữ văn 7", author="Bộ Giáo dục", year=2022),
        ],
    }


@pytest.fixture(scope="module")
async def catalogue(
    engine: AsyncOpenSearch, index_prefix: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Catalogue]:
    """Read-only for this module's tests (the changing ones build their own)."""
    async with build_catalogue(engine, f"{index_prefix}-oai", ("DBI", "TGI", "THCS"), books(),
                               tmp_path_factory.mktemp("oai")) as built:
        yield built


async def union_ids(engine: AsyncOpenSearch, prefix: str, query: dict | None = None) -> set[str]:
    ids: set[str] = set()
    async for hits in Store(engine, prefix).scan("union", query, source=False):
        ids |= {hit["_id"] for hit in hits}
    return ids


async def oai_xml(api, **params) -> etree._Element:
    response = await api.get("/oai", params=params)
    assert response.status == 200
    assert response.content_type == "text/xml"
    root = etree.fromstring(await response.read())
    SCHEMA.assertValid(root)
    return root


def error_code(root: etree._Element) -> str | None:
    found = root.xpath("o:error/@code", namespaces=NS)
    return found[0] if found else None


def an_id(root: etree._Element) -> str:
    return root.xpath("//o:header/o:identifier/text()", namespaces=NS)[0]


@pytest.mark.parametrize(
    ("params", "answer"),
    [
        ({"verb": "Identify"}, "Identify"),
        ({"verb": "ListMetadataFormats"}, "ListMetadataFormats"),
        ({"verb": "ListSets"}, "ListSets"),
        ({"verb": "ListIdentifiers", "metadataPrefix": "marc21"}, "ListIdentifiers"),
        ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "ListRecords"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "kind:school"},
         "ListRecords"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2000-01-01",
          "until": "2999-12-31"}, "ListRecords"),
        ({}, "badVerb"),
        ({"verb": "Harvest"}, "badVerb"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "marc21", "from": "01/02/2026"},
         "badArgument"),
        ({"verb": "Identify", "metadataPrefix": "marc21"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "mods"}, "cannotDisseminateFormat"),
        ({"verb": "GetRecord", "metadataPrefix": "marc21", "identifier": f"oai:{REPO}:nope"},
         "idDoesNotExist"),
        ({"verb": "ListMetadataFormats", "identifier": "oai:elsewhere:1"}, "idDoesNotExist"),
        ({"verb": "ListRecords", "metadataPrefix": "marc21", "set": "library:NONE"},
         "noRecordsMatch"),
        ({"verb": "ListRecords", "metadataPrefix": "marc21", "until": "2001-01-01"},
         "noRecordsMatch"),
        ({"verb": "ListRecords", "resumptionToken": "forged.token"}, "badResumptionToken"),
        ({"verb": "ListSets", "resumptionToken": "x"}, "badResumptionToken"),
    ],
    ids=lambda v: "-".join(f"{k}={x}" for k, x in v.items()) if isinstance(v, dict) else v,
)
async def test_every_answer_is_valid_oai_pmh(api_client: ApiClient, catalogue, params, answer):
    async with api_client(catalogue.prefix, catalogue.libraries, **FAST) as api:
        root = await oai_xml(api, **params)
    if answer[0].isupper():
        assert error_code(root) is None
        assert root.find(f"o:{answer}", NS) is not None
    else:
        assert error_code(root) == answer
        if answer in ("badVerb", "badArgument"):  # the request is echoed without arguments
            assert dict(root.find("o:request", NS).attrib) == {}


async def test_identify_promises_persistent_deletions(api_client: ApiClient, catalogue, engine):
    async with api_client(catalogue.prefix, catalogue.libraries, **FAST) as api:
        root = await oai_xml(api, verb="Identify")
        listed = await oai_xml(api, verb="ListIdentifiers", metadataPrefix="marc21")
    identify = root.find("o:Identify", NS)
    assert identify.findtext("o:deletedRecord", namespaces=NS) == "persistent"
    assert identify.findtext("o:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    stamps = listed.xpath("//o:header/o:datestamp/text()", namespaces=NS)
    assert identify.findtext("o:earliestDatestamp", namespaces=NS) == min(stamps)


async def test_marc21_carries_one_852_per_holding(api_client: ApiClient, catalogue, engine):
    found = await union_ids(engine, catalogue.prefix, {"term": {"isbns": "9786046912347"}})
    (kieu,) = found
    async with api_client(catalogue.prefix, catalogue.libraries, **FAST) as api:
        root = await oai_xml(api, verb="GetRecord", metadataPrefix="marc21",
                             identifier=f"oai:{REPO}:{kieu}")
        sets = await oai_xml(api, verb="ListSets")
    holdings = [
        (field.xpath("m:subfield[@code='a']/text()", namespaces=NS),
         field.xpath("m:subfield[@code='h']/text()", namespaces=NS),
         field.xpath("m:subfield[@code='9']/text()", namespaces=NS),
         field.xpath("m:subfield[@code='x']/text()", namespaces=NS))
        for field in root.xpath("//m:datafield[@tag='852']", namespaces=NS)
    ]
    assert holdings == [(["DBI"], ["895.9221 NG-D"], ["3"], ["DBI0001"]),
                        (["TGI"], ["895.92 ND"], ["1"], ["TGI0001"])]
    assert root.xpath("//m:controlfield[@tag='001']/text()", namespaces=NS) == [kieu]
    specs = root.xpath("//o:header/o:setSpec/text()", namespaces=NS)
    assert {"library:DBI", "library:TGI", "kind:provincial", "kind:district"} <= set(specs)
    assert "library:THCS" not in specs
    listed = set(sets.xpath("//o:setSpec/text()", namespaces=NS))
    assert {"library:DBI", "library:TGI", "library:THCS", "kind:provincial", "kind:district",
            "kind:school"} <= listed


async def test_resumption_tokens_page_through_and_survive_a_restart(
    api_client: ApiClient, catalogue, engine
):
    expected = await union_ids(engine, catalogue.prefix)
    seen: list[str] = []
    params = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
    cursors = []
    while True:
        # a new app (a restarted API, or another worker) for every page
        async with api_client(catalogue.prefix, catalogue.libraries, oai_page_size=2,
                              **FAST) as api:
            root = await oai_xml(api, **params)
        assert error_code(root) is None
        seen += [i.rsplit(":", 1)[1] for i in root.xpath("//o:identifier/text()", namespaces=NS)]
        token = root.find(".//o:resumptionToken", NS)
        assert token is not None
        assert token.get("completeListSize") == str(len(expected))
        cursors.append(int(token.get("cursor")))
        if not token.text:
            break
        params = {"verb": "ListIdentifiers", "resumptionToken": token.text}
    assert sorted(seen) == sorted(expected)
    assert cursors == list(range(0, len(expected), 2))


async def test_expired_and_foreign_tokens_are_bad(api_client: ApiClient, catalogue):
    position = tokens.Position("ListRecords", "marc21", "", "", "", [], 0, 7)
    expired, _ = tokens.encode(position, tokens.key(catalogue.prefix, ""), now=1_000)
    foreign, _ = tokens.encode(position, tokens.key("another", ""))
    async with api_client(catalogue.prefix, catalogue.libraries, **FAST) as api:
        for token in (expired, foreign):
            root = await oai_xml(api, verb="ListRecords", resumptionToken=token)
            assert error_code(root) == "badResumptionToken"


async def test_post_requests_are_answered_like_get(api_client: ApiClient, catalogue):
    async with api_client(catalogue.prefix, catalogue.libraries, **FAST) as api:
        response = await api.post("/oai", data={"verb": "ListSets"})
        root = etree.fromstring(await response.read())
    SCHEMA.assertValid(root)
    assert root.find("o:ListSets", NS) is not None


def sickle_harvest(url: str, **params) -> dict[str, tuple[str, bool, list[str]]]:
    """identifier → (datestamp, deleted, setSpecs), harvested by sickle (full records)."""
    client = Sickle(url, max_retries=0)
    try:
        records = client.ListRecords(ignore_deleted=False, **params)
        return {r.header.identifier: (r.header.datestamp, r.header.deleted, r.header.setSpecs)
                for r in records}
    except NoRecordsMatch:
        return {}


def scythe_harvest(url: str, **params) -> dict[str, tuple[str, bool]]:
    """identifier → (datestamp, deleted), harvested by oaipmh-scythe (full records, oai_dc)."""
    with Scythe(url) as client:
        try:
            return {
                record.header.identifier: (record.header.datestamp, record.deleted)
                for record in client.list_records(metadata_prefix="oai_dc", **params)
            }
        except scythe_errors.NoRecordsMatch:
            return {}


async def test_two_clients_harvest_the_whole_catalogue_and_a_set(
    api_client: ApiClient, catalogue, engine
):
    expected = {f"oai:{REPO}:{i}" for i in await union_ids(engine, catalogue.prefix)}
    school = {f"oai:{REPO}:{i}" for i in await union_ids(
        engine, catalogue.prefix, {"term": {"library_kinds": "school"}})}
    async with api_client(catalogue.prefix, catalogue.libraries, oai_page_size=2, **FAST) as api:
        url = str(api.make_url("/oai"))
        by_sickle = await asyncio.to_thread(sickle_harvest, url, metadataPrefix="marc21")
        by_scythe = await asyncio.to_thread(scythe_harvest, url)
        school_sickle = await asyncio.to_thread(sickle_harvest, url, metadataPrefix="marc21",
                                                set="kind:school")
        school_scythe = await asyncio.to_thread(scythe_harvest, url, set_="kind:school")
    assert set(by_sickle) == set(by_scythe) == expected
    assert {i: v[0] for i, v in by_sickle.items()} == {i: v[0] for i, v in by_scythe.items()}
    assert set(school_sickle) == set(school_scythe) == school
    assert len(school) == 2


# The changing catalogue ---------------------------------------------------------------------


async def next_second() -> None:
    """Datestamps have second granularity: let the clock pass into a later second."""
    await asyncio.sleep(1.05 - datetime.now().microsecond / 1e6)


async def test_changes_deletions_and_merges_are_harvested_incrementally(
    engine: AsyncOpenSearch, index_prefix: str, tmp_path: Path, api_client: ApiClient
):
    async with build_catalogue(engine, f"{index_prefix}-oai-changes", ("DBI", "TGI", "THCS"),
                               books(), tmp_path) as built:
        store = Store(engine, built.prefix)
        ids = await union_ids(engine, built.prefix)
        async with api_client(built.prefix, built.libraries, oai_page_size=3, **FAST) as api:
            url = str(api.make_url("/oai"))
            before = await asyncio.to_thread(sickle_harvest, url, metadataPrefix="marc21")
            assert len(before) == len(ids) == 6

            # Nothing changes: loading the same file again and a whole reindex keep datestamps.
            await next_second()
            for code, path in built.files.items():
                await built.loader.load(read_path(path, library=code))
            await reindex(store, built.libraries)
            assert await asyncio.to_thread(sickle_harvest, url, metadataPrefix="marc21") == before

            # A holding added (THCS gets Truyện Kiều), a book deleted (TGI's only record of
            # Lịch sử Tuần Giáo), a merge (DBI catalogues Ngữ văn 7: DBI:… < THCS:…, so the
            # cluster's id changes and the old one vanishes into it).
            last = datetime.strptime(max(stamp for stamp, _, _ in before.values()),
                                     "%Y-%m-%dT%H:%M:%SZ")
            harvested = (last + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
            await next_second()
            kieu = await union_ids(engine, built.prefix, {"term": {"members": "DBI:DBI0001"}})
            tuan_giao = await union_ids(engine, built.prefix,
                                        {"term": {"members": "TGI:TGI0002"}})
            old_nguvan = await union_ids(engine, built.prefix,
                                         {"term": {"members": "THCS:THCS002"}})
            await built.loader.load([
                SourceRecord("THCS", "test", "THCS003",
                             book("THCS003", "Truyện Kiều", author="Nguyễn Du", year=2015,
                                  isbn=SHARED_ISBN)),
                SourceRecord("TGI", "test", "TGI0002", None, deleted=True),
                SourceRecord("DBI", "test", "DBI0009",
                             book("DBI0009", "Ngữ văn 7", author="Bộ Giáo dục", year=2022)),
            ])
            await store.refresh("union", "tombstones")
            new_nguvan = await union_ids(engine, built.prefix,
                                         {"term": {"members": "THCS:THCS002"}})
            assert new_nguvan != old_nguvan

            changed = await asyncio.to_thread(sickle_harvest, url, metadataPrefix="marc21",
                                              **{"from": harvested})
            by_scythe = await asyncio.to_thread(scythe_harvest, url,
                                                from_=harvested)
            gone = {f"oai:{REPO}:{i}" for i in tuan_giao | old_nguvan}
            expected = {f"oai:{REPO}:{i}" for i in kieu | new_nguvan} | gone
            assert set(changed) == set(by_scythe) == expected
            assert {i for i, (_, deleted, _) in changed.items() if deleted} == gone
            assert {i for i, (_, deleted) in by_scythe.items() if deleted} == gone
            # a deleted record stays in the sets it belonged to
            (tuan_giao_id,) = tuan_giao
            assert "library:TGI" in changed[f"oai:{REPO}:{tuan_giao_id}"][2]
            deleted_in_set = await asyncio.to_thread(
                sickle_harvest, url, metadataPrefix="marc21", set="library:TGI",
                **{"from": harvested})
            assert f"oai:{REPO}:{tuan_giao_id}" in deleted_in_set

            # GetRecord of a vanished record: a deleted header, no metadata
            (old_id,) = old_nguvan
            root = await oai_xml(api, verb="GetRecord", metadataPrefix="oai_dc",
                                 identifier=f"oai:{REPO}:{old_id}")
            assert root.xpath("//o:header/@status", namespaces=NS) == ["deleted"]
            assert root.find(".//o:metadata", NS) is None

            # the reader API sends the merged id on to the survivor
            (new_id,) = new_nguvan
            moved = await api.get(f"/api/v1/records/{old_id}", allow_redirects=False)
            assert moved.status == 301
            assert moved.headers["Location"] == f"/api/v1/records/{new_id}"
            assert (await api.get(f"/api/v1/records/{tuan_giao_id}")).status == 404
            # and so does the book's page, keeping the reader's language
            page = await api.get(f"/records/{old_id}?lang=en", allow_redirects=False)
            assert page.status == 301
            assert page.headers["Location"] == f"/records/{new_id}?lang=en"
            assert (await api.get(f"/records/{tuan_giao_id}")).status == 404

            # a reindex keeps the tombstones and every datestamp
            full = await asyncio.to_thread(sickle_harvest, url, metadataPrefix="marc21")
            await reindex(store, built.libraries)
            await store.refresh("tombstones")
            assert await asyncio.to_thread(sickle_harvest, url, metadataPrefix="marc21") == full

            # the book catalogued again under the same id: live again, its tombstone gone
            await built.loader.load([SourceRecord(
                "TGI", "test", "TGI0002",
                book("TGI0002", "Lịch sử Tuần Giáo", author="Lò Văn Pâng", year=2018))])
            await store.refresh("union", "tombstones")
            assert await store.get("tombstones", tuan_giao_id) is None
            root = await oai_xml(api, verb="GetRecord", metadataPrefix="marc21",
                                 identifier=f"oai:{REPO}:{tuan_giao_id}")
            assert root.xpath("//o:header/@status", namespaces=NS) == []


async def holdings_by_book(engine: AsyncOpenSearch, prefix: str) -> dict[str, tuple]:
    """union id → (display title, holdings as (library, record id, call number, copies))."""
    books: dict[str, tuple] = {}
    async for hits in Store(engine, prefix).scan("union", source=["display.title", "holdings"]):
        for hit in hits:
            source = hit["_source"]
            books[hit["_id"]] = (source["display"]["title"], [
                (h["library"], h["record_id"], h["call_number"], h["copies"])
                for h in source["holdings"]
            ])
    return books


async def test_a_second_catalogue_harvests_the_first_library_by_library(
    engine: AsyncOpenSearch, index_prefix: str, tmp_path: Path, api_client: ApiClient, catalogue
):
    """Issue #13 item 5: another Mục lục (its own index prefix) harvests this one over OAI-PMH
    with its own harvesters, one source per library (the set ``library:<CODE>``), and ends with
    the same union records and holdings."""
    async with (
        api_client(catalogue.prefix, catalogue.libraries, oai_page_size=2, **FAST) as api,
        build_catalogue(engine, f"{index_prefix}-oai-second", tuple(catalogue.libraries)) as second,
    ):
        url = str(api.make_url("/oai"))
        for code in second.libraries:
            spec = {"protocol": "oai-pmh", "url": url, "set": f"library:{code}"}
            async for batch in harvest_source(code, spec, state_dir=tmp_path / "state"):
                summary = await second.loader.load(batch.records)
                assert summary.skipped == 0, summary.problems
                await batch.commit()
        first = await holdings_by_book(engine, catalogue.prefix)
        assert await holdings_by_book(engine, second.prefix) == first
        assert any(len(holdings) == 2 for _, holdings in first.values())
