"""Issue #11: a harvested holding is the library's own record number (MARC 001), never the OAI
identifier; a library both harvested and file-loaded shows one holding per record; stores keyed
by OAI identifier before the fix are re-keyed by `mucluc reindex` and `mucluc harvest`.

Real engine, real OAI-PMH peer (tests/harvesters/oai_provider.py), `mucluc` in a subprocess,
the search and record API in process.
"""

from __future__ import annotations

from pathlib import Path

import pymarc
import pytest
from aiohttp.test_utils import TestClient, TestServer
from opensearchpy import AsyncOpenSearch

from harvesters.records import SourceRecord
from indexer.load import Loader, LoadSummary
from indexer.migrations import count_old_oai_keys, rekey_oai_records
from indexer.reindex import reindex
from indexer.store import Store, alias
from mucluc.core.library import Library
from mucluc.demo.isbn import make_isbn13
from searchapi.app import create_app
from tests.harvesters.oai_provider import Provider, record_id
from tests.integration.test_harvest_command import content, library, mucluc, workspace
from tests.marc_builders import book, write_marc

pytestmark = pytest.mark.engine

LIBRARIES = {
    "DBI": Library("DBI", "Thư viện tỉnh Điện Biên", "provincial"),
    "TGI": Library("TGI", "Thư viện huyện Tuần Giáo", "district", "DBI"),
}


def thai_tale(control: str, n: int) -> pymarc.Record:
    """Book ``n`` as a library catalogued it under record number ``control`` ("" = no 001)."""
    record = book(control or "-", f"Truyện cổ Thái tập {n}", author="Cầm Trọng",
                  isbn=make_isbn13("978-604-2", f"thai-{n}"), year=2015, pages=100 + n,
                  call_number=f"398.2 C{n}", copies=2)
    if not control:
        record.remove_fields("001")
    return record


class CatalogueProvider(Provider):
    """Tuần Giáo's Koha over OAI-PMH: the same records as its MARC export, 001 and all.
    ``withdrawn`` records are answered as deletions (header and OAI identifier only)."""

    withdrawn: frozenset[int] = frozenset()

    def control_number(self, n: int) -> str:
        return self.control_numbers.get(n, f"TGI-{n}")

    def _record(self, n: int) -> str:
        xml = super()._record(n)
        head = xml[: xml.index("<metadata>")] if "<metadata>" in xml else ""
        if n in self.withdrawn:
            header = head.removeprefix("<record><header>")
            return f'<record><header status="deleted">{header}</record>'
        marc = pymarc.record_to_xml(thai_tale(self.control_number(n), n), namespace=True)
        return f"{head}<metadata>{marc.decode()}</metadata></record>"


async def holdings_of(api: TestClient, n: int) -> tuple[str, list[dict]]:
    body = await (await api.get("/api/v1/search",
                                params={"q": f"Truyện cổ Thái tập {n}", "size": "50"})).json()
    hit = next(h for h in body["hits"] if h["title"] == f"Truyện cổ Thái tập {n}")
    return hit["id"], hit["holdings"]


async def test_harvested_and_file_loaded_library_shows_one_holding_per_record(
    aiohttp_server, tmp_path: Path, engine: AsyncOpenSearch, opensearch_url: str,
    index_prefix: str,
) -> None:
    provider = CatalogueProvider(total=6, page_size=4)
    server = await aiohttp_server(provider.app(), host="127.0.0.1")
    for code, books in (("TGI", range(6)), ("DBI", range(5))):
        (tmp_path / "inbox" / code).mkdir(parents=True)
        write_marc(tmp_path / "inbox" / code / f"{code.lower()}.mrc",
                   [thai_tale(f"{code}-{n}", n) for n in books])
    config = (
        library("DBI", "Thư viện tỉnh Điện Biên", "provincial",
                'protocol = "files"\nname = "dbi-inbox"\npath = "inbox/DBI"')
        + library("TGI", "Thư viện huyện Tuần Giáo", "district",
                  'protocol = "files"\nname = "tgi-inbox"\npath = "inbox/TGI"',
                  f'protocol = "oai-pmh"\nname = "tgi-koha"\nurl = "{server.make_url("/oai")}"')
    )
    env = workspace(tmp_path, config, opensearch_url, f"{index_prefix}-identity")
    prefix = env["MUCLUC_INDEX_PREFIX"]
    code, out, err = await mucluc("harvest", env=env)
    assert code == 0, out + err
    assert "tgi-koha (oai-pmh): ok, 6 fetched" in out

    records, union = await content(engine, prefix)
    assert records == {f"TGI:TGI-{n}" for n in range(6)} | {f"DBI:DBI-{n}" for n in range(5)}
    assert union == {(f"DBI:DBI-{n}", f"TGI:TGI-{n}") for n in range(5)} | {("TGI:TGI-5",)}
    stored = await engine.get(index=alias(prefix, "records"), id="TGI:TGI-3")
    assert stored["_source"]["source_id"] == record_id(3)

    async with TestClient(TestServer(create_app(opensearch_url, prefix, LIBRARIES))) as api:
        _, holdings = await holdings_of(api, 3)
        assert [(h["library"], h["record_id"]) for h in holdings] == [
            ("DBI", "DBI-3"), ("TGI", "TGI-3")]
        book_id, holdings = await holdings_of(api, 5)
        assert [(h["library"], h["record_id"]) for h in holdings] == [("TGI", "TGI-5")]
        record = await (await api.get(f"/api/v1/records/{book_id}")).json()
        assert [(h["library"], h["record_id"]) for h in record["holdings"]] == [("TGI", "TGI-5")]
        assert [m["record_id"] for m in record["members"]] == ["TGI-5"]
        marcxml = await (await api.get(f"/api/v1/records/{book_id}",
                                       params={"format": "marcxml"})).text()
        assert '<controlfield tag="001">TGI-5</controlfield>' in marcxml
        assert "oai:" not in marcxml

    # Koha withdraws book 1 (a deletion carries only the OAI identifier) and renumbers book 2.
    provider.withdrawn = frozenset({1})
    provider.control_numbers = {2: "TGI-2b"}
    code, out, err = await mucluc("harvest", "tgi-koha", env=env)
    assert code == 0, out + err
    assert "6 fetched: 0 new, 1 updated, 4 unchanged, 1 deleted" in out
    records, union = await content(engine, prefix)
    assert records == ({f"TGI:TGI-{n}" for n in (0, 3, 4, 5)} | {"TGI:TGI-2b"}
                       | {f"DBI:DBI-{n}" for n in range(5)})
    assert union == ({(f"DBI:DBI-{n}", f"TGI:TGI-{n}") for n in (0, 3, 4)}
                     | {("DBI:DBI-1",), ("DBI:DBI-2", "TGI:TGI-2b"), ("TGI:TGI-5",)})
    await Store(engine, prefix).drop_all()


async def old_shaped_store(engine: AsyncOpenSearch, prefix: str) -> None:
    """A store as the code before issue #11 built it: Tuần Giáo's harvested records keyed by OAI
    identifier (book 4 has no 001), books 0-1 also loaded from its MARC file, Điện Biên's 0-2."""
    store = Store(engine, prefix)
    await store.ensure_indices()
    loader = Loader(store, LIBRARIES)
    harvested = [SourceRecord("TGI", "tgi-koha", record_id(n),
                              thai_tale(f"TGI-{n}" if n != 4 else "", n)) for n in range(5)]
    filed = [SourceRecord("TGI", "tgi-inbox", f"TGI-{n}", thai_tale(f"TGI-{n}", n))
             for n in range(2)]
    provincial = [SourceRecord("DBI", "dbi-inbox", f"DBI-{n}", thai_tale(f"DBI-{n}", n))
                  for n in range(3)]
    await loader.load_batch(harvested + filed + provincial, LoadSummary())


@pytest.mark.parametrize("entry", ["rekey_oai_records", "mucluc reindex", "mucluc harvest"])
async def test_old_store_keyed_by_oai_identifier_is_rekeyed_by_001(
    entry: str, tmp_path: Path, engine: AsyncOpenSearch, opensearch_url: str, index_prefix: str,
) -> None:
    prefix = f"{index_prefix}-rekey-{entry.split()[-1].replace('_', '-')}"
    await old_shaped_store(engine, prefix)
    records, union = await content(engine, prefix)
    assert len(records) == 10 and ("DBI:DBI-0", "TGI:TGI-0", f"TGI:{record_id(0)}") in union, \
        "precondition: the defect, two holdings of Tuần Giáo for book 0"
    store = Store(engine, prefix)
    assert await count_old_oai_keys(store) == 5

    if entry == "rekey_oai_records":
        result = await rekey_oai_records(store, LIBRARIES)
        assert (result.found, result.rekeyed, result.without_001) == (5, 4, 1)
    elif entry == "mucluc reindex":
        await reindex(store, LIBRARIES)
    else:
        (tmp_path / "inbox" / "DBI").mkdir(parents=True)
        write_marc(tmp_path / "inbox" / "DBI" / "dbi.mrc", [thai_tale("DBI-0", 0)])
        config = (library("DBI", "Thư viện tỉnh Điện Biên", "provincial",
                          'protocol = "files"\npath = "inbox/DBI"')
                  + library("TGI", "Thư viện huyện Tuần Giáo", "district"))
        code, out, err = await mucluc("harvest", env=workspace(tmp_path, config, opensearch_url,
                                                               prefix))
        assert code == 0, out + err
        assert ("5 harvested records were keyed by their OAI identifier: 4 now by their 001, "
                "1 without a 001 kept it") in err

    records, union = await content(engine, prefix)
    assert records == ({f"TGI:TGI-{n}" for n in range(4)} | {f"TGI:{record_id(4)}"}
                       | {f"DBI:DBI-{n}" for n in range(3)})
    assert union == ({(f"DBI:DBI-{n}", f"TGI:TGI-{n}") for n in range(3)}
                     | {("TGI:TGI-3",), (f"TGI:{record_id(4)}",)})
    found = await engine.mget(index=alias(prefix, "records"),
                              body={"ids": [f"TGI:TGI-{n}" for n in range(4)]
                                    + [f"TGI:{record_id(4)}"]},
                              params={"_source_includes": "local_id,source_id"})
    assert [(d["_source"]["local_id"], d["_source"]["source_id"]) for d in found["docs"]] == [
        *((f"TGI-{n}", record_id(n)) for n in range(4)), (record_id(4), record_id(4))]
    assert await count_old_oai_keys(store) == 0
    again = await rekey_oai_records(store, LIBRARIES)
    assert again.found == 0
    await store.drop_all()
