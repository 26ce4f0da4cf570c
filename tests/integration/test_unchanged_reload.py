"""A reload of an unchanged file decodes nothing it need not (issue 16): the raw store keeps the
hash of each record's bytes, stores made before it gain it, and a changed record is decoded."""

from __future__ import annotations

from pathlib import Path

import pytest
from opensearchpy import AsyncOpenSearch

from harvesters.files import read_path
from tests.catalogue import catalogue as build_catalogue
from tests.marc_builders import book, write_marc

pytestmark = pytest.mark.engine


def books(year: int = 2015) -> list:
    return [
        book("DBI0001", "Truyện Kiều", author="Nguyễn Du", year=year),
        book("DBI0002", "Tắt đèn", author="Ngô Tất Tố", year=2004),
        book("DBI0003", "Số đỏ", author="Vũ Trọng Phụng", year=2010),
    ]


async def test_a_reload_decodes_only_records_whose_bytes_changed(
    engine: AsyncOpenSearch, index_prefix: str, tmp_path: Path
) -> None:
    async with build_catalogue(engine, f"{index_prefix}-reload", ("DBI",), {"DBI": books()},
                               tmp_path) as built:
        loader, path = built.loader, built.files["DBI"]
        index = f"{built.prefix}-records"

        async def stored_hashes() -> dict[str, str]:
            found = await engine.search(index=index, body={"query": {"match_all": {}}},
                                        params={"_source_includes": "raw_hash,checksum"})
            return {hit["_id"]: hit["_source"].get("raw_hash", "")
                    for hit in found["hits"]["hits"]}

        async def reload() -> tuple[int, int, int, int]:
            before = loader.undecoded
            summary = await loader.load(read_path(path, library="DBI"))
            return summary.new, summary.updated, summary.unchanged, loader.undecoded - before

        first = await stored_hashes()
        assert len(first) == 3 and all(first.values())
        assert await reload() == (0, 0, 3, 3)

        # a store made before raw hashes (and so before the harvest state that repeats them,
        # indexer.harvest_state): decoded as before, then given the hashes
        await engine.update_by_query(
            index=index, body={"script": {
                "source": "ctx._source.remove('raw_hash'); ctx._source.remove('harvested')"}},
            params={"refresh": "true"},
        )
        assert not any((await stored_hashes()).values())
        assert await reload() == (0, 0, 3, 0)
        await engine.indices.refresh(index=index)
        assert await stored_hashes() == first
        assert await reload() == (0, 0, 3, 3)

        write_marc(path, books(year=2016))  # one record changed: it alone is decoded
        assert await reload() == (0, 1, 2, 2)
        await engine.indices.refresh(index=index)
        now = await stored_hashes()
        assert now["DBI:DBI0001"] != first["DBI:DBI0001"]
        assert {k: v for k, v in now.items() if k != "DBI:DBI0001"} == {
            k: v for k, v in first.items() if k != "DBI:DBI0001"}
