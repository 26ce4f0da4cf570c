"""Configured sources of every protocol → committed batches (what `mucluc harvest` consumes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvesters.checkpoints import CheckpointStore
from harvesters.oaipmh import OAIClient, commit_pages, harvest
from harvesters.records import SourceRecord
from harvesters.sources import harvest_source, source_name
from mucluc.core.errors import ConfigError
from tests.harvesters.oai_provider import Provider


async def collect(library: str, spec: dict, state: Path, **kwargs) -> list[str]:
    ids: list[str] = []
    async for batch in harvest_source(library, spec, state_dir=state, **kwargs):
        ids += [i.local_id for i in batch.records if isinstance(i, SourceRecord)]
        await batch.commit()
    return ids


async def test_oai_source_checkpoints_and_resumes_incrementally(aiohttp_server, tmp_path,
                                                                monkeypatch):
    provider = Provider(total=23, page_size=10)
    server = await aiohttp_server(provider.app(), host="127.0.0.1")
    monkeypatch.setenv("TGI_OAI_PASSWORD", "s3cret")
    spec = {"protocol": "oai-pmh", "url": str(server.make_url("/oai")), "username": "tgi",
            "password_env": "TGI_OAI_PASSWORD"}
    assert await collect("TGI", spec, tmp_path) == provider.local_ids, "each record's own 001"
    saved = CheckpointStore(tmp_path).load(source_name("TGI", spec))
    assert saved is not None and saved.complete and saved.pages == 3
    await collect("TGI", spec, tmp_path)
    starts = [q for q in provider.requests
              if q.get("verb") == "ListRecords" and "resumptionToken" not in q]
    assert "from" not in starts[0] and starts[1]["from"] == saved.next_from


@pytest.mark.parametrize(("pages_per_batch", "batch_size", "sizes", "labels"), [
    pytest.param(1, 500, [10, 10, 3], ["page 1", "page 2", "page 3"], id="a-page-a-batch"),
    pytest.param(2, 500, [20, 3], ["pages 1-2", "page 3"], id="two-pages-a-batch"),
    pytest.param(5, 15, [20, 3], ["pages 1-2", "page 3"], id="up-to-batch-size"),
])
async def test_oai_pages_per_batch(aiohttp_server, tmp_path, pages_per_batch, batch_size, sizes,
                                   labels):
    provider = Provider(total=23, page_size=10)
    server = await aiohttp_server(provider.app(), host="127.0.0.1")
    spec = {"protocol": "oai-pmh", "url": str(server.make_url("/oai")),
            "pages_per_batch": pages_per_batch}
    batches, ids = [], []
    async for batch in harvest_source("TGI", spec, state_dir=tmp_path, batch_size=batch_size):
        batches.append(batch)
        ids += [i.local_id for i in batch.records if isinstance(i, SourceRecord)]
        saved = CheckpointStore(tmp_path).load(source_name("TGI", spec))
        assert (saved.pages if saved else 0) == sum(sizes[: len(batches) - 1]) // 10
        await batch.commit()
    assert ids == provider.local_ids
    assert [len(b.records) for b in batches] == sizes
    assert [b.label for b in batches] == labels
    saved = CheckpointStore(tmp_path).load(source_name("TGI", spec))
    assert saved is not None and saved.complete and saved.pages == 3


class CountingStore(CheckpointStore):
    """Checkpoints as the harvest writes them, and how many writes."""

    writes = 0

    def save(self, checkpoint) -> None:
        self.writes += 1
        super().save(checkpoint)


async def test_pages_committed_together_save_once_what_one_by_one_saves(aiohttp_server,
                                                                         tmp_path):
    provider = Provider(total=23, page_size=5)
    server = await aiohttp_server(provider.app(), host="127.0.0.1")
    url = str(server.make_url("/oai"))
    saved = {}
    for way in ("one-by-one", "together"):
        store = CountingStore(tmp_path / way)
        held: list = []
        async with OAIClient(url, source="s", library="TGI") as client:
            async for page in harvest(client, store, full=True, read_ahead=2):
                held.append(page)
                if len(held) == 3 or page.last:
                    if way == "one-by-one":
                        for each in held:
                            await each.commit()
                    else:
                        await commit_pages(held)
                        await commit_pages(held)  # committed pages are not written again
                    held = []
        checkpoint = store.load("s")
        assert checkpoint is not None and checkpoint.complete
        checkpoint.updated_at = ""
        saved[way] = (checkpoint, store.writes)
    assert saved["together"][0] == saved["one-by-one"][0]
    assert (saved["one-by-one"][1], saved["together"][1]) == (5, 2)


@pytest.mark.peers
async def test_sru_source_in_batches(ztest, tmp_path):
    spec = {"protocol": "sru", "url": ztest, "query": "computer", "page_size": 4}
    batches = [b async for b in harvest_source("DBI", spec, state_dir=tmp_path, batch_size=10)]
    assert [len(b.records) for b in batches] == [10, 10, 3]
    assert [b.label for b in batches] == ["records 1-10", "records 11-20", "records 21-23"]


async def test_files_source_relative_to_config(tmp_path):
    inbox = tmp_path / "inbox" / "TH-MP"
    inbox.mkdir(parents=True)
    (inbox / "sach.csv").write_text("Mã,Tên sách,Tác giả\nA1,Vợ chồng A Phủ,Tô Hoài\n"
                                    "A2,Truyện Tây Bắc,Tô Hoài\n", encoding="utf-8")
    spec = {"protocol": "files", "path": "inbox/TH-MP"}
    ids = await collect("TH-MP", spec, tmp_path / "state", base_dir=tmp_path)
    assert ids == ["A1", "A2"]


async def test_password_env_must_be_set_when_the_harvest_starts(tmp_path):
    # The table's shape is checked by load_config (tests/mucluc); the credential is read from
    # the environment only when the source is harvested.
    spec = {"protocol": "oai-pmh", "url": "http://127.0.0.1:9/oai", "username": "u",
            "password_env": "MUCLUC_TEST_UNSET_VARIABLE"}
    with pytest.raises(ConfigError, match=r"MUCLUC_TEST_UNSET_VARIABLE \(password_env\) is not"):
        await collect("TGI", spec, tmp_path)
