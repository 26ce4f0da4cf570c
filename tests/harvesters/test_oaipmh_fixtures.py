"""OAI-PMH client against real recorded responses (shared/data/oai-fixtures), served over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvesters import oaipmh
from harvesters.checkpoints import CheckpointStore
from harvesters.oaipmh import OAIClient, harvest
from harvesters.records import RecordProblem, SourceRecord
from mucluc.core.errors import HarvestError
from tests.harvesters.peers import FAST

SICKLE_CHAIN = {
    "ListRecords": "sickle/ListRecords.xml",
    "ListRecords2.xml": "sickle/ListRecords2.xml",
    "ListRecords3.xml": "sickle/ListRecords3.xml",
    "ListRecords4.xml": "sickle/ListRecords4.xml",
    "Identify": "vufindharvest/identify_response.xml",
}


async def collect(url: str, state: Path, prefix: str) -> list[oaipmh.Page]:
    pages = []
    async with OAIClient(url, source="fixture", library="DB-TEST", policy=FAST) as client:
        async for page in harvest(client, CheckpointStore(state), metadata_prefix=prefix):
            pages.append(page)
            await page.commit()
    return pages


@pytest.mark.parametrize(
    ("routes", "prefix", "records", "deleted", "problems", "first_id"),
    [
        pytest.param({"ListRecords": "pyoai/fake2_00002.xml"}, "oai_dc", 81, 2, 0, "hdl:1765/9",
                     id="dspace-2004-oai_dc-81-records-2-deleted"),
        pytest.param({"ListRecords": "pyoai/fake1_00005.xml"}, "oai_dc", 16, None, 0, None,
                     id="dspace-2003-oai_dc-16-records"),
        pytest.param(
            {"ListRecords": "vufindharvest/marc.xml",
             "fakeresumptiontoken": "vufindharvest/list_records_response.xml"},
            "marc21", 101, 1, 1, "oai:urm_publish:9925821506101791",
            id="alma-marc21-100-records-then-token-page"),
        pytest.param({"ListRecords": "vufindharvest/oai_doaj.xml"}, "oai_dc", 100, None, None,
                     None, id="doaj-100-records-token-leads-nowhere"),
    ],
)
async def test_recorded_lists(serve_oai_files, tmp_path, routes, prefix, records, deleted,
                              problems, first_id):
    url = await serve_oai_files(routes)
    if "oai_doaj" in routes["ListRecords"]:
        # The DOAJ page carries a resumptionToken this recording cannot answer: the server's 404
        # for it ends the harvest with a clear error naming the source, after the first page.
        with pytest.raises(HarvestError, match=r"fixture: GET .*HTTP 404"):
            await collect(url, tmp_path, prefix)
        async with OAIClient(url, source="fixture", policy=FAST) as client:
            page = await client.list_records(metadata_prefix="oai_dc")
        assert len(page.items) == records
        assert page.complete_list_size is not None and page.cursor is not None
        return
    pages = await collect(url, tmp_path, prefix)
    items = [item for page in pages for item in page.records]
    found = [i for i in items if isinstance(i, SourceRecord)]
    assert len(found) == records
    if deleted is not None:
        assert sum(1 for r in found if r.deleted) == deleted
        assert all(r.record is None for r in found if r.deleted)
    if problems is not None:
        assert sum(1 for i in items if isinstance(i, RecordProblem)) == problems
    if first_id:
        assert found[0].source_id == first_id
    assert all(r.record is not None and r.record.title for r in found if not r.deleted)
    assert [i.offset for i in items] == list(range(len(items)))


async def test_alma_marc21_record_content(serve_oai_files, tmp_path):
    url = await serve_oai_files({"ListRecords": "vufindharvest/marc.xml"})
    async with OAIClient(url, source="alma", library="DB-TEST", policy=FAST) as client:
        page = await client.list_records(metadata_prefix="marc21")
    first = page.items[0]
    assert isinstance(first, SourceRecord) and first.record is not None
    assert first.record["001"].data == "9925821506101791"
    assert first.record["245"]["a"].startswith("Der Soldat")
    assert first.record.leader[9] == "a"
    assert page.resumption_token == "fakeresumptiontoken"
    assert page.response_date == "2016-06-01T07:57:34Z"


async def test_resumption_chain_tokens_deletions_and_missing_identifier(serve_oai_files,
                                                                        tmp_path):
    url = await serve_oai_files(SICKLE_CHAIN)
    pages = await collect(url, tmp_path, "oai_dc")
    assert [p.resumption_token for p in pages] == [
        "ListRecords2.xml", "ListRecords3.xml", "ListRecords4.xml", None]
    assert [p.complete_list_size for p in pages] == [8, 8, 8, None]
    items = [i for p in pages for i in p.records]
    assert [getattr(i, "deleted", None) for i in items] == [True, False] * 3 + [None, False]
    problem = items[6]
    assert isinstance(problem, RecordProblem)
    assert problem.reason == "record header has no identifier" and problem.offset == 6
    record = items[1].record
    assert record["245"]["a"] == "Sample Title"
    assert record["100"]["a"] == "John Doe"
    assert record["260"]["c"] == "2010"
    saved = CheckpointStore(tmp_path).load("fixture")
    assert saved is not None and saved.complete and saved.pages == 4 and saved.records_seen == 8
    # next `from` is the server's responseDate of the first page, in the server's granularity
    assert saved.next_from == "2013-02-27T09:10:56Z"


async def test_identify_and_list_sets(serve_oai_files):
    url = await serve_oai_files({"Identify": "vufindharvest/identify_response.xml",
                                 "ListSets": "vufindharvest/list_sets_response.xml"})
    async with OAIClient(url, source="fixture", policy=FAST) as client:
        info = await client.identify()
        sets = await client.list_sets()
    assert info.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert info.earliest_datestamp == "2000-01-01T00:00:00Z"
    assert info.deleted_record == "transient"
    assert sets == [("Audio (Music)", "Audio (Music)"),
                    ("Audio (Non-Music)", "Audio (Non-Music)")]


@pytest.mark.parametrize(
    ("name", "local_id", "deleted", "creator"),
    [
        pytest.param("sickle/GetRecord_utf8test.xml", "oai:test.example.com:1996652", False,
                     "某人", id="utf8-creator"),
        pytest.param("pyoai/fake2_00000.xml", "hdl:1765/1160", True, None, id="deleted"),
        pytest.param("pyoai/fake2_00001.xml", "hdl:1765/1162", False, "Cavelaars, P.A.D.",
                     id="dspace-working-paper"),
    ],
)
async def test_get_record(serve_oai_files, name, local_id, deleted, creator):
    url = await serve_oai_files({"GetRecord": name})
    async with OAIClient(url, source="fixture", policy=FAST) as client:
        item = await client.get_record(local_id, "oai_dc")
    assert isinstance(item, SourceRecord)
    # Dublin Core has no record number: the OAI identifier is the record's 001 and its local id.
    assert (item.local_id, item.source_id, item.deleted) == (local_id, local_id, deleted)
    if creator:
        assert item.record["100"]["a"] == creator
        assert item.record["001"].data == local_id


@pytest.mark.parametrize(
    ("name", "error"),
    [
        pytest.param("sickle/badResumptionToken.xml", oaipmh.BadResumptionToken,
                     id="sickle-badResumptionToken"),
        pytest.param("vufindharvest/token_error_response.xml", oaipmh.BadResumptionToken,
                     id="vufind-expired-token"),
    ],
)
async def test_error_codes_become_classes(serve_oai_files, name, error):
    url = await serve_oai_files({"ListRecords": name, "foo": name})
    async with OAIClient(url, source="fixture", policy=FAST) as client:
        with pytest.raises(error) as caught:
            await client.list_records(resumption_token="foo")
    assert caught.value.code == "badResumptionToken"
    assert caught.value.source == "fixture"
    assert isinstance(caught.value, HarvestError)


async def test_no_records_match_is_an_empty_harvest(serve_oai_files, tmp_path):
    url = await serve_oai_files({"ListRecords": "sickle/noRecordsMatch.xml",
                                 "Identify": "vufindharvest/identify_response.xml"})
    pages = await collect(url, tmp_path, "marc21")
    assert [len(p.records) for p in pages] == [0]
    saved = CheckpointStore(tmp_path).load("fixture")
    assert saved is not None and saved.complete
    assert saved.next_from == "2002-02-08T14:27:19Z"


async def test_broken_xml_gives_up_with_a_clear_error(serve_oai_files, tmp_path):
    url = await serve_oai_files({"ListRecords": "sickle/ListRecordsBroken.xml"})
    with pytest.raises(HarvestError, match=r"gave up after 4 attempts.*not well-formed"):
        await collect(url, tmp_path, "marc21")
