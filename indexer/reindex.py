"""Rebuild the union index from the raw store, then swap the alias atomically.

Every stored record is re-mapped from its MARC as received (so a change in the mapping, the
analyzers or the clustering takes effect without harvesting again), its cluster recomputed, and
the union documents written into a fresh versioned index. Searches keep using the old index until
the single alias swap; the old index is then deleted.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from opensearchpy import AsyncOpenSearch
from opensearchpy.exceptions import OpenSearchException

from indexer.clusters import candidate_keys, cluster_key, cluster_records
from indexer.engine import bulk_all, refresh, translate
from indexer.indices import alias, create_versioned, current_index, ensure_indices, swap_alias
from indexer.marc_document import marc_record, record_fields
from indexer.migrations import rekey_oai_records
from indexer.schema import KEYWORD
from indexer.union import union_document
from mucluc.core.library import Library

PAGE = 1000
# What `indexer.matching` reads of a record's fields (recluster loads only these).
MATCHING_FIELDS = (
    "title", "subtitle", "part", "authors", "year", "edition", "pages", "series", "isbns",
    "issns", "other_ids", "type",
)  # fmt: skip


@dataclass
class ReindexResult:
    index: str
    records: int
    union_documents: int
    seconds: float


async def _pages(engine: AsyncOpenSearch, index: str, source: list[str] | bool, sort: list[Any]):  # type: ignore[no-untyped-def]
    after: list[Any] | None = None
    while True:
        body: dict[str, Any] = {
            "query": {"match_all": {}},
            "size": PAGE,
            "sort": sort,
            "_source": source,
        }
        if after is not None:
            body["search_after"] = after
        try:
            response = await engine.search(index=index, body=body)
        except OpenSearchException as exc:
            raise translate(exc, "reading the raw store") from exc
        hits = response["hits"]["hits"]
        if not hits:
            return
        yield hits
        after = hits[-1]["sort"]


async def remap_records(engine: AsyncOpenSearch, prefix: str) -> int:
    """Recompute fields and candidate keys of every stored record from its MARC."""
    records_alias = alias(prefix, "records")
    count = 0
    async for hits in _pages(
        engine,
        records_alias,
        ["marc", "library", "local_id"],
        [{"library": "asc"}, {"local_id": "asc"}],
    ):
        actions: list[dict[str, Any]] = []
        for hit in hits:
            count += 1
            fields = record_fields(marc_record(hit["_source"]["marc"]))
            actions += [
                {"update": {"_index": records_alias, "_id": hit["_id"]}},
                {
                    "doc": {
                        "fields": fields.as_dict(),
                        "cluster_key": cluster_key(fields),
                        "keys": candidate_keys(fields),
                    }
                },
            ]
        if actions:
            await bulk_all(engine, actions, "updating stored records")
    await refresh(engine, records_alias)
    return count


async def recluster(engine: AsyncOpenSearch, prefix: str) -> int:
    """Decide every cluster again from all stored records; returns how many records moved.

    The same `cluster_records` the Loader runs on each batch's neighbourhood runs here on the
    whole store, so a rebuild gives the clusters incremental loading maintains. Only the fields
    matching reads are held in memory (no MARC, subjects or summaries).
    """
    records_alias = alias(prefix, "records")
    fields: dict[str, dict[str, Any]] = {}
    current: dict[str, str] = {}
    async for hits in _pages(
        engine,
        records_alias,
        ["cluster", *(f"fields.{name}" for name in MATCHING_FIELDS)],
        [{"library": "asc"}, {"local_id": "asc"}],
    ):
        for hit in hits:
            fields[hit["_id"]] = hit["_source"].get("fields", {})
            current[hit["_id"]] = hit["_source"].get("cluster", "")
    assignment = cluster_records(fields)
    moved = [doc_id for doc_id in sorted(assignment) if assignment[doc_id] != current[doc_id]]
    for start in range(0, len(moved), PAGE):
        actions: list[dict[str, Any]] = []
        for doc_id in moved[start : start + PAGE]:
            actions += [
                {"update": {"_index": records_alias, "_id": doc_id}},
                {"doc": {"cluster": assignment[doc_id]}},
            ]
        await bulk_all(engine, actions, "updating clusters in the raw store")
    await refresh(engine, records_alias)
    return len(moved)


async def reindex(
    engine: AsyncOpenSearch, prefix: str, libraries: Mapping[str, Library]
) -> ReindexResult:
    """Build a new union index from the raw store and point the alias at it."""
    started = time.perf_counter()
    await ensure_indices(engine, prefix)
    try:  # raw stores made before candidate keys and source ids existed
        await engine.indices.put_mapping(
            index=alias(prefix, "records"),
            body={"properties": {"keys": KEYWORD, "source_id": KEYWORD}},
        )
    except OpenSearchException as exc:
        raise translate(exc, "adding the keys field to the raw store") from exc
    await rekey_oai_records(engine, prefix, libraries)
    records = await remap_records(engine, prefix)
    await recluster(engine, prefix)
    old = await current_index(engine, prefix, "union")
    new = await create_versioned(engine, prefix, "union")
    union_count = 0
    group: list[dict[str, Any]] = []
    current: str | None = None
    actions: list[dict[str, Any]] = []

    async def flush() -> None:
        nonlocal actions
        if actions:
            await bulk_all(engine, actions, "writing the new union index")
            actions = []

    async for hits in _pages(
        engine,
        alias(prefix, "records"),
        ["library", "local_id", "fields", "cluster"],
        [{"cluster": "asc"}, {"library": "asc"}, {"local_id": "asc"}],
    ):
        for hit in hits:
            source = hit["_source"]
            if current is not None and source["cluster"] != current:
                actions += [
                    {"index": {"_index": new, "_id": current}},
                    union_document(current, group, libraries),
                ]
                union_count += 1
                group = []
            current = source["cluster"]
            group.append(source)
        if len(actions) >= 2 * PAGE:
            await flush()
    if current is not None and group:
        actions += [
            {"index": {"_index": new, "_id": current}},
            union_document(current, group, libraries),
        ]
        union_count += 1
    await flush()
    await refresh(engine, new)
    await swap_alias(engine, prefix, "union", new)
    if old and old != new:
        try:
            await engine.indices.delete(index=old)
        except OpenSearchException as exc:
            raise translate(exc, f"deleting the old index {old}") from exc
    return ReindexResult(
        index=new,
        records=records,
        union_documents=union_count,
        seconds=time.perf_counter() - started,
    )
