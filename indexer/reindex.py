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

from indexer.clusters import cluster_records
from indexer.marc_document import marc_record
from indexer.migrations import rekey_oai_records
from indexer.schema import RECORDS_ADDED_FIELDS
from indexer.store import Store
from indexer.store.derived import derived
from indexer.store.types import MEMBER_FIELDS
from indexer.tombstones import tombstone_actions, union_actions, vanished_since
from indexer.union import union_document
from indexer.work_aliases import rebuild_table, resolve
from mucluc.core.library import Library

BULK_PAGE = 1000  # updates per bulk request
# What `indexer.matching` reads of a record's fields (recluster loads only these).
MATCHING_FIELDS = (
    "title", "subtitle", "part", "authors", "year", "edition", "pages", "series", "isbns",
    "issns", "other_ids", "type",
)  # fmt: skip


async def bury_vanished(store: Store, old: str, new: str) -> None:
    """Tombstones for the union records of ``old`` that the rebuild did not make again."""
    async for hits in store.scan(old, source=False, doing="reading the old union index"):
        vanished = await vanished_since(store, old, new, [hit["_id"] for hit in hits])
        await store.bulk_all(await tombstone_actions(store, vanished), "writing tombstones")
    await store.refresh("tombstones")


@dataclass
class ReindexResult:
    index: str
    records: int
    union_documents: int
    seconds: float


async def remap_records(store: Store) -> int:
    """Recompute the derived fields of every stored record from its MARC."""
    records_alias = store.alias("records")
    count = 0
    async for hits in store.scan("records", source=["marc"], doing="reading the raw store"):
        actions: list[dict[str, Any]] = []
        for hit in hits:
            count += 1
            actions += [
                {"update": {"_index": records_alias, "_id": hit["_id"]}},
                {"doc": derived(marc_record(hit["_source"]["marc"]))},
            ]
        await store.bulk_all(actions, "updating stored records")
    await store.refresh("records")
    return count


async def recluster(store: Store) -> int:
    """Decide every cluster again from all stored records; returns how many records moved.

    The same `cluster_records` the Loader runs on each batch's neighbourhood runs here on the
    whole store (hot keys counted over all of it, as the Loader counts them), so a rebuild gives
    the clusters incremental loading maintains (`indexer.cluster_update`). Only the fields
    matching reads are held in memory (no MARC, subjects or summaries).
    """
    records_alias = store.alias("records")
    fields: dict[str, dict[str, Any]] = {}
    current: dict[str, str] = {}
    async for hits in store.scan(
        "records",
        source=["cluster", *(f"fields.{name}" for name in MATCHING_FIELDS)],
        doing="reading the raw store",
    ):
        for hit in hits:
            fields[hit["_id"]] = hit["_source"].get("fields", {})
            current[hit["_id"]] = hit["_source"].get("cluster", "")
    assignment = cluster_records(fields)
    moved = [doc_id for doc_id in sorted(assignment) if assignment[doc_id] != current[doc_id]]
    for start in range(0, len(moved), BULK_PAGE):
        actions: list[dict[str, Any]] = []
        for doc_id in moved[start : start + BULK_PAGE]:
            actions += [
                {"update": {"_index": records_alias, "_id": doc_id}},
                {"doc": {"cluster": assignment[doc_id]}},
            ]
        await store.bulk_all(actions, "updating clusters in the raw store")
    await store.refresh("records")
    return len(moved)


async def reindex(store: Store, libraries: Mapping[str, Library]) -> ReindexResult:
    """Build a new union index from the raw store and point the alias at it."""
    started = time.perf_counter()
    await store.ensure_indices()
    # raw stores made before candidate keys, source ids, first_seen and facts existed
    await store.put_mapping(
        "records", RECORDS_ADDED_FIELDS, "adding the fields of newer raw stores",
    )
    await rekey_oai_records(store, libraries)
    records = await remap_records(store)
    await rebuild_table(store)  # translated titles, from the re-mapped records
    await recluster(store)
    old = await store.current_index("union")
    new = await store.create_versioned("union")
    union_count = 0
    group: list[dict[str, Any]] = []
    current: str | None = None
    pending: dict[str, dict[str, Any] | None] = {}

    async def flush() -> None:
        nonlocal pending
        if pending:
            await resolve(store, pending)  # translated titles → their original's work
            # unchanged books keep their datestamp (read from the old index behind the alias)
            actions = await union_actions(store, pending, index=new)
            await store.bulk_all(actions, "writing the new union index")
            pending = {}

    async for hits in store.scan(
        "records",
        source=MEMBER_FIELDS,
        sort=[{"cluster": "asc"}, {"library": "asc"}, {"local_id": "asc"}],
        doing="reading the raw store",
    ):
        for hit in hits:
            source = hit["_source"]
            if current is not None and source["cluster"] != current:
                pending[current] = union_document(current, group, libraries)
                union_count += 1
                group = []
            current = source["cluster"]
            group.append(source)
        if len(pending) >= BULK_PAGE:
            await flush()
    if current is not None and group:
        pending[current] = union_document(current, group, libraries)
        union_count += 1
    await flush()
    await store.refresh(new)
    if old and old != new:
        await bury_vanished(store, old, new)
    await store.swap_alias("union", new)
    if old and old != new:
        await store.drop_index(old)
    return ReindexResult(
        index=new,
        records=records,
        union_documents=union_count,
        seconds=time.perf_counter() - started,
    )
