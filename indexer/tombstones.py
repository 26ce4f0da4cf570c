"""Writing union documents so OAI-PMH can trust their datestamps and see what disappeared.

Two promises the OAI-PMH provider (``searchapi.oai``) builds on:

- a union document's ``updated_at`` moves only when its content changes: a rebuild that gives
  the same document writes nothing (:func:`indexer.union.same_content`);
- a union document that disappears (its last holding removed, or its members merged into another
  cluster) leaves a tombstone under its id in ``<prefix>-tombstones``, with ``merged_into`` naming
  the surviving union id; a union document written again under that id removes the tombstone.

The Loader (:meth:`indexer.load.Loader.rebuild_clusters`) and the reindex
(:func:`indexer.reindex.reindex`) both write through here.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from indexer.schema import KEYWORD
from indexer.store import Store
from indexer.store.types import Tombstone
from indexer.union import now, same_content

Action = dict[str, Any]
_READY: weakref.WeakSet[Store] = weakref.WeakSet()  # stores whose tombstones index exists


@dataclass(frozen=True)
class StoredUnion:
    """What the engine holds under some union ids before they are written: the union
    documents stored (id → source) and the ids that have a tombstone."""

    documents: Mapping[str, Mapping[str, Any]]
    buried: frozenset[str]


async def read_stored(
    store: Store, documents: Mapping[str, dict[str, Any] | None], *,
    absent: Collection[str] = (),
) -> StoredUnion:
    """The stored union documents and tombstones under the ids of ``documents`` (union id →
    new document, or None), in one round trip: the two real-time ``mget`` run together.

    ``absent`` holds ids the caller knows have no union document (a cluster that no record
    belonged to before the batch: :attr:`indexer.batch_plan.Plan.new_clusters`); they are not
    read from the union index (on a first load, none is). Tombstones are read for every id
    given a document, stored or not: only those of ids with no stored document are used.
    """
    await _prepare(store)
    unknown = sorted(set(documents).difference(absent))
    living = sorted(union_id for union_id, doc in documents.items() if doc is not None)
    previous, buried = await asyncio.gather(
        store.mget("union", unknown, doing="reading union records"),
        store.mget("tombstones", living, source=["id"], doing="reading tombstones"),
    )
    return StoredUnion(previous, frozenset(buried))


async def union_actions(
    store: Store,
    documents: Mapping[str, dict[str, Any] | None],
    *,
    index: str | None = None,
    stored: StoredUnion | None = None,
) -> list[Action]:
    """Bulk actions writing ``documents`` (union id → new document, or None when the cluster
    has no member left) into ``index`` (default: the union alias).

    ``stored`` holds what the engine held under those ids before (:func:`read_stored`; read
    from the union alias when not given). Unchanged documents keep their datestamp and are not
    written; new or changed ones remove any tombstone of their id; vanished ones get a
    tombstone.
    """
    await _prepare(store)
    target = index or store.alias("union")
    graves = store.alias("tombstones")
    if stored is None:
        stored = await read_stored(store, documents)
    previous, buried = stored.documents, stored.buried
    actions: list[Action] = []
    vanished: dict[str, Mapping[str, Any]] = {}
    # Only the tombstones that exist are deleted (a real-time read): deleting a missing one is
    # still a write for the engine, and most union documents written are new, not returning.
    for union_id in sorted(documents):
        document = documents[union_id]
        old = previous.get(union_id)
        if document is None:
            if old is not None:
                actions.append({"delete": {"_index": target, "_id": union_id}})
                vanished[union_id] = old
            continue
        if same_content(document, old):
            if index is None:
                continue  # already stored as it is
            document["updated_at"] = old["updated_at"]  # type: ignore[index]
        actions += [{"index": {"_index": target, "_id": union_id}}, document]
        if old is None and union_id in buried:
            actions.append({"delete": {"_index": graves, "_id": union_id}})
    actions += await tombstone_actions(store, vanished)
    return actions


async def tombstone_actions(
    store: Store, vanished: Mapping[str, Mapping[str, Any]]
) -> list[Action]:
    """Tombstones of these vanished union documents (id → the document as last stored)."""
    if not vanished:
        return []
    graves = store.alias("tombstones")
    members = sorted({m for old in vanished.values() for m in old.get("members", [])})
    now_in = await store.mget("records", members, source=["cluster"], doing="reading records")
    deleted_at = now()
    actions: list[Action] = []
    for union_id, old in sorted(vanished.items()):
        clusters = Counter(
            now_in[m]["cluster"] for m in old.get("members", []) if m in now_in
        )
        clusters.pop(union_id, None)
        stone: Tombstone = {
            "id": union_id,
            "deleted_at": deleted_at,
            "updated_at": deleted_at,
            "merged_into": min(clusters, key=lambda c: (-clusters[c], c)) if clusters else "",
            "libraries": list(old.get("libraries", [])),
            "library_kinds": list(old.get("library_kinds", [])),
        }
        actions += [{"index": {"_index": graves, "_id": union_id}}, dict(stone)]
    return actions


async def vanished_since(
    store: Store, old_index: str, new_index: str, page_ids: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Of these ids of ``old_index``, those missing from ``new_index``, with their old source."""
    kept = await store.mget(new_index, list(page_ids), source=["libraries"],
                            doing="reading the new union index")
    gone = [doc_id for doc_id in page_ids if doc_id not in kept]
    return await store.mget(old_index, gone, source=["members", "libraries", "library_kinds"],
                            doing="reading the old union index")


async def _prepare(store: Store) -> None:
    """Catalogues created before tombstones existed get their index before the first write
    (writing to a missing alias would create an index with a guessed mapping), and their union
    index the ``id`` field (their documents gain it when next rebuilt; `mucluc reindex` does
    all of them)."""
    if store in _READY:
        return
    if await store.current_index("tombstones") is None:
        await store.ensure_indices()
    await store.put_mapping("union", {"id": KEYWORD}, "adding the id field to the union index")
    _READY.add(store)
