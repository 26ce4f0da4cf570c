"""A file loads into the clusters a rebuild gives, whatever the batch size.

The Loader decides batch N+1 while batch N is still being stored and refreshed (its writes are
held in flight, `indexer.in_flight`), so a batch's neighbourhood must include what the batches
before it wrote, moved and deleted even when the engine does not show it yet. The same records
are loaded from one MARC file with batches of 1, 7 and 1,000, then changed and partly deleted;
after each load the stored clusters and the union documents must be those of `mucluc reindex`
over the same records. The key cap is lowered so that keys turn hot and cool again mid-load.
"""

from __future__ import annotations

import random
from pathlib import Path

import pymarc
import pytest
from opensearchpy import AsyncOpenSearch

from harvesters.files import read_path
from harvesters.records import SourceRecord
from indexer import clusters
from indexer.reindex import reindex
from indexer.store import Store, alias
from tests.catalogue import catalogue as build_catalogue
from tests.marc_builders import book, write_marc

pytestmark = pytest.mark.engine

TITLES = ["Truyện Kiều", "Truyen Kieu", "Truyện Kiểu", "Truyện Kiều xưa", "Tây du ký",
          "Địa chí xã Mường Phăng"]  # fmt: skip
AUTHORS = ["Nguyễn Du", "Nguyễn, Du", "Nguyễn Dư", "Ngô Thừa Ân", ""]
ISBNS = ["", "", "978-604-69-1234-7", "6046912342", "978-604-2-12345-7"]


def records(seed: int, count: int, prefix: str = "R") -> list[pymarc.Record]:
    """Near duplicates, volumes, editions, years and shared ISBNs: chains and conflicts."""
    rng = random.Random(seed)
    return [
        book(f"{prefix}{n}", rng.choice(TITLES), author=rng.choice(AUTHORS),
             year=rng.choice([None, 2015, 2015, 2016]), isbn=rng.choice(ISBNS),
             part=rng.choice(["", "", "", "Tập 1", "Tập 2"]),
             edition=rng.choice(["", "", "Tái bản lần thứ 2"]),
             pages=rng.choice([None, 300, 310, 400]))
        for n in range(count)
    ]  # fmt: skip


async def stored_clusters(engine: AsyncOpenSearch, prefix: str) -> dict[str, str]:
    index = alias(prefix, "records")
    await engine.indices.refresh(index=index)
    response = await engine.search(index=index, body={"size": 1000, "_source": ["cluster"]})
    return {hit["_id"]: hit["_source"]["cluster"] for hit in response["hits"]["hits"]}


async def union_members(engine: AsyncOpenSearch, prefix: str) -> set[frozenset[str]]:
    index = alias(prefix, "union")
    await engine.indices.refresh(index=index)
    response = await engine.search(index=index, body={"size": 1000, "_source": ["members"]})
    return {frozenset(hit["_source"]["members"]) for hit in response["hits"]["hits"]}


@pytest.mark.parametrize("batch_size", [1, 7, 1000])
async def test_batch_size_never_changes_the_clusters(
    engine: AsyncOpenSearch, index_prefix: str, tmp_path: Path, batch_size: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(clusters, "MAX_KEY_GROUP", 4)
    first = records(16, 90)
    path = tmp_path / "dbi.mrc"
    write_marc(path, first)
    prefix = f"{index_prefix}-sizes-{batch_size}"
    async with build_catalogue(engine, prefix, ("DBI",), batch_size=batch_size) as built:
        summary = await built.loader.load(read_path(path, library="DBI"))
        assert (summary.new, summary.skipped) == (90, 0), summary.problems
        # Then changes (records re-described, so they move) and deletions, in the same batches.
        later = [
            SourceRecord(library="DBI", source="test", local_id=record["001"].data, record=record)
            for record in records(61, 60)[::2]  # R0, R2, … R58 described again
        ]
        later += [SourceRecord(library="DBI", source="test", local_id=f"R{n}", record=None,
                               deleted=True) for n in range(1, 90, 4)]  # fmt: skip
        again = await built.loader.load(later)
        assert again.skipped == 0, again.problems
        loaded = await stored_clusters(engine, prefix)
        books = await union_members(engine, prefix)
        assert len(loaded) == 90 - 23
        await reindex(Store(engine, prefix), built.libraries)
        assert await stored_clusters(engine, prefix) == loaded
        assert await union_members(engine, prefix) == books
