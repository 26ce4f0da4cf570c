"""A re-harvest of an unchanged library decodes and writes nothing (issue 16): the raw store
keeps the hash of each harvested record's XML, found again by its OAI identifier; a record the
library changed is decoded, alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from opensearchpy import AsyncOpenSearch

from harvesters.unchanged import KnownHarvested
from indexer.harvest_run import Job, Places, Quiet, harvest_one
from indexer.store import alias
from indexer.store.recovery import HarvestStore
from tests.catalogue import libraries, make_loader
from tests.harvesters.oai_provider import Provider

pytestmark = pytest.mark.engine


async def test_a_reharvest_decodes_only_records_whose_xml_changed(
    aiohttp_server, engine: AsyncOpenSearch, index_prefix: str, tmp_path: Path
) -> None:
    provider = Provider(total=25, page_size=6, deleted_every=11)  # 0, 11 and 22 deleted
    server = await aiohttp_server(provider.app(), host="127.0.0.1")
    libs = libraries("TGI")
    prefix = f"{index_prefix}-reharvest"
    loader = make_loader(engine, prefix, libs)
    await loader.store.ensure_indices()
    store = HarvestStore(loader.store, loader, tmp_path / "in-flight")
    job = Job(libs["TGI"], {"protocol": "oai-pmh", "url": str(server.make_url("/oai"))},
              "TGI-oai")
    places = Places(tmp_path, tmp_path / "state", tmp_path / "reports")

    async def harvest() -> tuple[int, int, int, int, int]:
        known = KnownHarvested(loader.raw.stored_harvested)
        report = await harvest_one(job, store, Quiet(), places=places, full=True,
                                   batch_size=10, known=known)
        await store.drain()
        assert report.status == "ok", report.error
        assert report.balanced, report.balance()
        return (report.new, report.updated, report.unchanged, report.deleted, known.undecoded)

    async def stored() -> dict[str, tuple[str, str]]:
        await engine.indices.refresh(index=alias(prefix, "records"))
        found = await engine.search(index=alias(prefix, "records"), body={
            "size": 100, "_source": ["raw_hash", "harvested_at"]})
        return {hit["_id"]: (hit["_source"]["raw_hash"], hit["_source"]["harvested_at"])
                for hit in found["hits"]["hits"]}

    assert await harvest() == (22, 0, 0, 3, 0)
    first = await stored()
    assert len(first) == 22 and all(digest for digest, _ in first.values())

    assert await harvest() == (0, 0, 22, 3, 22)
    assert await stored() == first, "nothing rewritten"

    provider.control_numbers[3] = "DB-NEW-3"  # the library renumbered one record
    assert await harvest() == (0, 1, 21, 3, 21)
    now = await stored()
    assert set(now) == set(first) - {"TGI:DB00003"} | {"TGI:DB-NEW-3"}
    assert {k: v for k, v in now.items() if k != "TGI:DB-NEW-3"} == {
        k: v for k, v in first.items() if k != "TGI:DB00003"}
