"""SRU client against Debian's yaz-ztest (package ``yaz``), a real SRU server on 127.0.0.1.

yaz-ztest answers any CQL query with a deterministic number of generated MARC records
(``computer`` → 23) and real SRU diagnostics, in versions 1.1, 1.2 and 2.0.
"""

from __future__ import annotations

import pytest

from harvesters.records import RecordProblem, SourceRecord
from harvesters.sru import SRUClient, SRUDiagnostic
from indexer.node import free_port
from mucluc.core.errors import HarvestError
from tests.harvesters.peers import FAST


@pytest.mark.peers
@pytest.mark.parametrize("version", ["1.1", "1.2", "2.0"])
@pytest.mark.parametrize("escaped", [False, True], ids=["xml", "escaped-string"])
async def test_search_retrieve_pages_through_all_records(ztest, version, escaped):
    async with SRUClient(ztest, source="ztest", library="DB-SRU", version=version,
                         policy=FAST) as client:
        first = await client.search_retrieve("computer", maximum_records=5, escaped=escaped)
        items = [item async for item in client.records("computer", maximum_records=5,
                                                          escaped=escaped)]
    assert first.number_of_records == 23
    assert first.version == version
    assert len(items) == 23
    assert all(isinstance(i, SourceRecord) for i in items)
    assert [i.offset for i in items] == list(range(1, 24))
    assert items[0].local_id == "11224466"
    assert items[0].record["245"]["a"] == "How to program a computer"
    assert all(i.library == "DB-SRU" and i.record["245"] is not None for i in items)


@pytest.mark.peers
async def test_limit_stops_early(ztest):
    async with SRUClient(ztest, source="ztest", policy=FAST) as client:
        items = [item async for item in client.records("computer", maximum_records=4,
                                                          limit=7)]
    assert len(items) == 7


@pytest.mark.peers
@pytest.mark.parametrize("version", ["1.1", "1.2", "2.0"])
async def test_diagnostic_becomes_harvest_error(ztest, version):
    async with SRUClient(ztest, source="ztest", version=version, policy=FAST) as client:
        with pytest.raises(SRUDiagnostic, match="First record position out of range") as caught:
            await client.search_retrieve("computer", start_record=50)
    assert caught.value.uri == "info:srw/diagnostic/1/61"
    assert caught.value.source == "ztest"
    assert isinstance(caught.value, HarvestError)


async def test_unreachable_server_is_a_harvest_error():
    url = f"http://127.0.0.1:{free_port()}/Default"
    async with SRUClient(url, source="gone", policy=FAST) as client:
        with pytest.raises(HarvestError, match=r"gone: GET .* gave up after 4 attempts"):
            await client.search_retrieve("computer")


def test_unknown_version_is_refused():
    with pytest.raises(ValueError, match=r"SRU version '3\.0'"):
        SRUClient("http://127.0.0.1:1/x", source="x", version="3.0")


async def test_surrogate_diagnostic_is_a_record_problem(aiohttp_server):
    from aiohttp import web

    body = (
        '<?xml version="1.0"?><zs:searchRetrieveResponse xmlns:zs="http://www.loc.gov/zing/srw/">'
        "<zs:version>1.2</zs:version><zs:numberOfRecords>2</zs:numberOfRecords><zs:records>"
        "<zs:record><zs:recordSchema>info:srw/schema/1/diagnostics-v1.1</zs:recordSchema>"
        "<zs:recordPacking>xml</zs:recordPacking><zs:recordData>"
        '<diagnostic xmlns="http://www.loc.gov/zing/srw/diagnostic/">'
        "<uri>info:srw/diagnostic/1/65</uri><message>Record deleted by another user</message>"
        "</diagnostic></zs:recordData><zs:recordPosition>1</zs:recordPosition></zs:record>"
        "<zs:record><zs:recordSchema>marcxml</zs:recordSchema><zs:recordPacking>xml"
        '</zs:recordPacking><zs:recordData><record xmlns="http://www.loc.gov/MARC21/slim">'
        '<leader>00000nam a2200000 a 4500</leader><controlfield tag="001">DB1</controlfield>'
        '<datafield tag="245" ind1="0" ind2="0"><subfield code="a">Mường Thanh</subfield>'
        "</datafield></record></zs:recordData><zs:recordPosition>2</zs:recordPosition>"
        "</zs:record></zs:records></zs:searchRetrieveResponse>"
    )

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=body, content_type="text/xml")

    app = web.Application()
    app.router.add_get("/sru", handler)
    server = await aiohttp_server(app, host="127.0.0.1")
    async with SRUClient(str(server.make_url("/sru")), source="local", policy=FAST) as client:
        items = [item async for item in client.records("dc.title=x")]
    assert isinstance(items[0], RecordProblem)
    assert items[0].reason == "surrogate diagnostic: Record deleted by another user"
    assert isinstance(items[1], SourceRecord) and items[1].local_id == "DB1"
