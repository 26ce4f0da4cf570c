"""The raw store's harvest state (``harvested``, :mod:`indexer.harvest_state`): what a re-harvest
or a reload compares, read without parsing each record's ``_source``. It is never stale: on
every record it is absent or says what ``_source`` says; and both lookups (by OAI identifier,
by record id) give what reading ``_source`` gives, with or without it (records stored before it
existed, or whose raw hash was updated since)."""

from __future__ import annotations

from typing import Any

import pytest
from opensearchpy import AsyncOpenSearch

from harvesters.records import Repair, SourceRecord
from indexer import harvest_state
from indexer.store import alias
from tests.catalogue import catalogue
from tests.marc_builders import book

pytestmark = pytest.mark.engine


async def _documents(engine: AsyncOpenSearch, prefix: str) -> dict[str, dict[str, Any]]:
    index = alias(prefix, "records")
    await engine.indices.refresh(index=index)
    found = await engine.search(index=index, body={
        "size": 100, "_source": harvest_state.SOURCE_FIELDS,
        "stored_fields": [harvest_state.FIELD]})
    return {hit["_id"]: {"source": hit["_source"],
                         "state": hit.get("fields", {}).get(harvest_state.FIELD)}
            for hit in found["hits"]["hits"]}


def _from_source(docs: dict[str, dict[str, Any]], library: str) -> dict[str, list[Any]]:
    """What the lookup read from ``_source`` before the field existed (the reference)."""
    found: dict[str, list[Any]] = {}
    for doc in docs.values():
        values = harvest_state.read(harvest_state.from_source(doc["source"]))
        if values[0] == library:
            found.setdefault(values[1], []).append((values[2], values[3]))
    return found


def _raw_from_source(docs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What the reload's lookup read from ``_source`` before the field existed."""
    read = {doc_id: harvest_state.read(harvest_state.from_source(doc["source"]))[3]
            for doc_id, doc in docs.items()}
    return {doc_id: kept for doc_id, kept in read.items() if kept is not None}


def _never_stale(docs: dict[str, dict[str, Any]]) -> int:
    """Every stored state says what ``_source`` says; how many records have one."""
    for doc_id, doc in docs.items():
        if doc["state"] is not None:
            assert harvest_state.parse(doc["state"][0]) == harvest_state.from_source(
                doc["source"]), doc_id
    return sum(doc["state"] is not None for doc in docs.values())


def _records(raw_hash: str, count: int = 6) -> list[SourceRecord]:
    return [SourceRecord(
        "TGI", "tgi-koha", f"TG{n:03d}", book(f"TG{n:03d}", f"Truyện cổ Thái số {n}"),
        source_id=f"oai:tgi:{n}", raw_hash=f"{raw_hash}{n}",
        repairs=[Repair("245", "Truy\u00ean", "Truyện", "legacy-encoding")] if n == 2 else [])
        for n in range(count)]


async def test_the_harvest_state_is_what_source_says_and_the_lookup_reads_it_either_way(
    engine: AsyncOpenSearch, index_prefix: str
) -> None:
    prefix = f"{index_prefix}-harvest-state"
    identifiers = [f"oai:tgi:{n}" for n in range(8)]  # two of them never stored
    async with catalogue(engine, prefix, ("TGI",)) as built:
        raw = built.loader.raw
        summary = await built.loader.load(_records("first-"))
        assert summary.new == 6, summary.problems
        docs = await _documents(engine, prefix)
        assert _never_stale(docs) == 6, "written with every record"
        looked_up = await raw.stored_harvested("TGI", identifiers)
        assert looked_up == _from_source(docs, "TGI")
        ids = [*docs, "TGI:NOT-STORED"]
        assert await raw.stored_raw(ids) == _raw_from_source(docs)
        assert looked_up["oai:tgi:2"][0][1].repairs == (
            Repair("245", "Truy\u00ean", "Truyện", "legacy-encoding"),)

        # The same MARC from other bytes: only the raw hash is written, and the state goes.
        again = await built.loader.load(_records("second-"))
        assert again.unchanged == 6, again.problems
        docs = await _documents(engine, prefix)
        assert _never_stale(docs) == 0
        assert {doc["source"]["raw_hash"] for doc in docs.values()} == {
            f"second-{n}" for n in range(6)}
        assert await raw.stored_harvested("TGI", identifiers) == _from_source(docs, "TGI")
        assert await raw.stored_raw(ids) == _raw_from_source(docs)

        # Described again: rewritten whole, with its state; the others still read _source.
        changed = _records("third-")[:2]
        changed[0].record = book("TG000", "Truyện cổ Thái, tái bản")
        third = await built.loader.load(changed[:1])
        assert third.updated == 1, third.problems
        docs = await _documents(engine, prefix)
        assert _never_stale(docs) == 1
        assert await raw.stored_harvested("TGI", identifiers) == _from_source(docs, "TGI")
        assert await raw.stored_raw(ids) == _raw_from_source(docs)
        assert await raw.stored_harvested("OTHER", identifiers) == {}
