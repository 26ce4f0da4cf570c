"""OAI-PMH harvest from a provider we did not write: pyoai's server (PyPI ``pyoai``).

pyoai builds the responses, resumption tokens, ``from`` filtering and error answers itself; the
test only supplies records (Dublin Core and MARCXML written by pymarc) and serves its bytes over
aiohttp on 127.0.0.1.
"""

from __future__ import annotations

import urllib.parse
from datetime import datetime, timedelta
from pathlib import Path

import pymarc
import pytest
from aiohttp import web
from lxml import etree
from pymarc import Field, Indicators, Subfield

from harvesters.checkpoints import CheckpointStore
from harvesters.oaipmh import CannotDisseminateFormat, OAIClient, harvest
from harvesters.records import SourceRecord
from tests.harvesters.peers import FAST

oaipmh = pytest.importorskip("oaipmh", reason="pyoai not installed (PyPI package `pyoai`)")
from oaipmh import common, error, metadata, server  # noqa: E402

TOTAL = 35
BATCH = 10
START = datetime(2026, 1, 1)


def title(n: int) -> str:
    return f"Truyện cổ dân tộc Thái Điện Biên, quyển {n}"


def marc_element(n: int) -> etree._Element:
    record = pymarc.Record(force_utf8=True, leader="     nam a22     uu 4500")
    record.add_field(Field(tag="001", data=f"TG{n:04d}"))
    record.add_field(Field(tag="245", indicators=Indicators("0", "0"),
                           subfields=[Subfield("a", title(n))]))
    return etree.fromstring(pymarc.record_to_xml(record, namespace=True))


class Repository:
    """pyoai's IBatchingOAIPMH interface over generated records; every 6th one deleted."""

    def __init__(self) -> None:
        self.records = [
            (n, START + timedelta(days=n), n % 6 == 5) for n in range(TOTAL)
        ]

    def identify(self) -> common.Identify:
        return common.Identify(
            repositoryName="Thư viện huyện Tuần Giáo", baseURL="http://127.0.0.1/oai",
            protocolVersion="2.0", adminEmails=["thuvien@example.vn"],
            earliestDatestamp=START, deletedRecord="persistent",
            granularity="YYYY-MM-DDThh:mm:ssZ", compression=["identity"],
        )

    def listMetadataFormats(self, identifier=None):
        return [("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
                 "http://www.openarchives.org/OAI/2.0/oai_dc/"),
                ("marc21", "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd",
                 "http://www.loc.gov/MARC21/slim")]

    def listRecords(self, metadataPrefix, set=None, from_=None, until=None,
                    cursor=0, batch_size=10):
        if metadataPrefix not in ("oai_dc", "marc21"):
            raise error.CannotDisseminateFormatError(metadataPrefix)
        chosen = [r for r in self.records
                  if (from_ is None or r[1] >= from_) and (until is None or r[1] <= until)]
        if not chosen:
            raise error.NoRecordsMatchError("no records")
        out = []
        for n, stamp, deleted in chosen[cursor:cursor + batch_size]:
            header = common.Header(None, f"oai:tuangiao:{n}", stamp, [], deleted)
            meta = common.Metadata(None, {"title": [title(n)], "creator": ["Lò Văn Mười"],
                                          "date": ["2019"], "language": ["vie"],
                                          "marc": [n]})
            out.append((header, meta, None))
        return out

    def listSets(self, cursor=0, batch_size=10):
        raise error.NoSetHierarchyError("no sets")


def marc_writer(element: etree._Element, meta: common.Metadata) -> None:
    element.append(marc_element(meta.getMap()["marc"][0]))


@pytest.fixture
async def provider(aiohttp_server, monkeypatch) -> str:
    # pyoai 2.5 decodes its own resumptionTokens with cgi.parse_qs, gone since Python 3.8.
    monkeypatch.setattr(server.cgi, "parse_qs", urllib.parse.parse_qs, raising=False)
    registry = metadata.MetadataRegistry()
    registry.registerWriter("oai_dc", server.oai_dc_writer)
    registry.registerWriter("marc21", marc_writer)
    oai = server.BatchingServer(Repository(), metadata_registry=registry,
                                resumption_batch_size=BATCH)

    async def handle(request: web.Request) -> web.Response:
        body = oai.handleRequest(dict(request.query))
        return web.Response(body=body, content_type="text/xml")

    app = web.Application()
    app.router.add_get("/oai", handle)
    srv = await aiohttp_server(app, host="127.0.0.1")
    return str(srv.make_url("/oai"))


async def run(url: str, state: Path, **kwargs) -> list[SourceRecord]:
    found: list[SourceRecord] = []
    async with OAIClient(url, source="tuangiao", library="TGI", policy=FAST) as client:
        async for page in harvest(client, CheckpointStore(state), **kwargs):
            found += [i for i in page.records if isinstance(i, SourceRecord)]
            await page.commit()
    return found


@pytest.mark.parametrize("prefix", ["oai_dc", "marc21"])
async def test_full_harvest_every_record_once(provider, tmp_path, prefix):
    found = await run(provider, tmp_path, metadata_prefix=prefix)
    assert [r.source_id for r in found] == [f"oai:tuangiao:{n}" for n in range(TOTAL)]
    assert [r.deleted for r in found] == [n % 6 == 5 for n in range(TOTAL)]
    # A MARC record is the library's record number (001); Dublin Core and a deletion have only
    # the OAI identifier.
    assert [r.local_id for r in found] == [
        f"TG{n:04d}" if prefix == "marc21" and n % 6 != 5 else f"oai:tuangiao:{n}"
        for n in range(TOTAL)
    ]
    live = {r.source_id: r.record for r in found if not r.deleted}
    assert live["oai:tuangiao:7"]["245"]["a"] == title(7)
    if prefix == "oai_dc":
        assert live["oai:tuangiao:7"]["100"]["a"] == "Lò Văn Mười"
    else:
        assert live["oai:tuangiao:7"]["001"].data == "TG0007"
    saved = CheckpointStore(tmp_path).load("tuangiao")
    assert saved.complete and saved.pages == 4 and saved.records_seen == TOTAL


async def test_incremental_from(provider, tmp_path):
    found = await run(provider, tmp_path, metadata_prefix="oai_dc",
                      from_="2026-01-30T00:00:00Z")
    assert [r.source_id for r in found] == [f"oai:tuangiao:{n}" for n in range(29, TOTAL)]


async def test_identify_and_unknown_format(provider, tmp_path):
    async with OAIClient(provider, source="tuangiao", policy=FAST) as client:
        info = await client.identify()
        with pytest.raises(CannotDisseminateFormat):
            await client.list_records(metadata_prefix="mods")
    assert info.repository_name == "Thư viện huyện Tuần Giáo"
    assert info.earliest_datestamp == "2026-01-01T00:00:00Z"
