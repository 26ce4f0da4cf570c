"""The catalogue-wide table of translated titles: a translation that never names its original
joins the original's work when another record of the same translated title does name it.

A record's work key comes from that record alone (:mod:`indexer.works`). "Orgueil et préjugés"
by Austen, whose record names no original, keys as ``orgueil et prejuges|astn``; another
library's record of the same translation carries a 240 "Pride and prejudice" and keys as
``pride prejudice|astn``. That second record *teaches* an alias: the work id of its own-title key
(``orgueil et prejuges|astn``, :func:`indexer.works.record_work_keys`) stands for the work id of
its key. The table lives in the engine (index kind ``translations``, one document per record
that teaches, written only by the Loader and by a reindex) and is read when union documents are
written: a union document whose work id is a usable alias takes the original's work id instead
(:func:`resolve`; one multi-search per batch of union documents).

Rules callers may rely on:

- **same author**: the translated key holds the author key (and volume, part and material type),
  so an alias never joins two authors' books of one title.
- **ambiguous, unused**: a translated key taught by records naming two different originals is
  not used (:func:`resolution`).
- **one work field**: union documents keep one ``work`` field; nothing else changes.
- **order independence**: when an alias starts, stops or changes, the union documents already
  carrying the affected work ids are written again (:func:`stale_works`, then
  :func:`clusters_of`), so loading the translation before or after its teacher ends in the same
  works; a teacher deleted or changed withdraws what it taught.
- **reindex**: the table is rebuilt from the raw store (:func:`rebuild_table`) before the union
  documents, with the same pure functions (:func:`teaching`, :func:`table`), so a reindex gives
  the works a fresh load gives. The benchmark (``bench/works.py``) uses them too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from indexer.store import Store
from indexer.works import work_id

__all__ = [
    "clusters_of", "rebuild_table", "resolution", "resolve", "stale_works", "table", "teaching",
]

KIND = "translations"


def teaching(fields: Mapping[str, Any]) -> tuple[str, str] | None:
    """(translated work id, original work id) a record's derived fields teach, or None.

    ``work_alias`` is set by :func:`indexer.store.derived.derived` only when the record names its
    original (240/765/534/246/500, or a Latin parallel title) and its own title keys
    differently."""
    alias, key = fields.get("work_alias"), fields.get("work_key")
    if not alias or not key or alias == key:
        return None
    return work_id(alias), work_id(key)


def resolution(originals: Iterable[str]) -> str | None:
    """The original work id an alias stands for: the one every teacher names, or None (no
    teacher, or teachers naming different originals: ambiguous, never used)."""
    found = set(originals)
    return next(iter(found)) if len(found) == 1 else None


def table(fields: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """translated work id → original work id, from many records' derived fields: the table
    the engine holds after loading them, in any order."""
    taught: dict[str, set[str]] = {}
    for record in fields:
        found = teaching(record)
        if found:
            taught.setdefault(found[0], set()).add(found[1])
    return {alias: found for alias, works in taught.items() if (found := resolution(works))}


async def _taught(store: Store, aliases: Iterable[str]) -> dict[str, set[str]]:
    """translated work id → the original work ids its teachers name (one multi-search)."""
    wanted = sorted(set(aliases))
    if not wanted:
        return {}
    found = await store.where(KIND, "translated", wanted, source=["translated", "work"],
                              doing="reading translated titles")
    taught: dict[str, set[str]] = {}
    for source in found.values():
        taught.setdefault(source["translated"], set()).add(source["work"])
    return taught


async def stale_works(
    store: Store, documents: Mapping[str, Mapping[str, Any]], replaced: Iterable[str]
) -> set[str]:
    """Record what a batch teaches; return the work ids whose union documents must be written
    again because an alias started, stopped or changed.

    The table holds one document per teaching record (id: the record's id; its translated and
    original work ids), so a record's teaching is written or withdrawn whole, never merged into
    a document other writers share. ``documents`` are the batch's new or changed raw-store
    documents (id → document with ``fields``); ``replaced`` the ids of stored records the batch
    changes or deletes (what they taught before is withdrawn). No engine call for a batch that
    teaches nothing and replaces nothing; one mget for a batch that only replaces records that
    taught nothing; otherwise also two multi-searches (the aliases before and after) and a bulk.
    """
    new = {doc_id: found for doc_id, doc in documents.items()
           if (found := teaching(doc.get("fields", {})))}
    replaced = set(replaced)
    old = (await store.mget(KIND, sorted(replaced), doing="reading translated titles")
           if replaced else {})
    touched = {alias for alias, _ in new.values()} | {row["translated"] for row in old.values()}
    if not touched:
        return set()
    before = await _taught(store, touched)
    index = store.alias(KIND)
    actions: list[dict[str, Any]] = [{"delete": {"_index": index, "_id": doc_id}}
                                     for doc_id in sorted(old) if doc_id not in new]
    for doc_id, (alias, original) in sorted(new.items()):
        actions += [{"index": {"_index": index, "_id": doc_id}},
                    {"translated": alias, "work": original}]
    await store.bulk_all(actions, "writing translated titles")
    await store.refresh(KIND)
    after = await _taught(store, touched)
    changed: set[str] = set()
    for alias in sorted(touched):
        was, now = resolution(before.get(alias, ())), resolution(after.get(alias, ()))
        if was != now:  # documents under the alias, and those resolved to its old original
            changed |= {alias, *([was] if was else [])}
    return changed


async def clusters_of(store: Store, works: Iterable[str]) -> set[str]:
    """The clusters whose union documents carry one of these work ids (union refreshed first,
    so documents written by earlier batches are seen)."""
    wanted = sorted(set(works))
    if not wanted:
        return set()
    await store.refresh("union")
    found = await store.where("union", "work", wanted, source=False,
                              doing="reading union records by work")
    return set(found)


async def resolve(store: Store, documents: Mapping[str, dict[str, Any] | None]) -> None:
    """Give every union document whose work id is a usable alias the original's work id (in
    place): one multi-search for the whole batch."""
    works = {doc["work"] for doc in documents.values() if doc and doc.get("work")}
    original = {alias: found for alias, taught in (await _taught(store, works)).items()
                if (found := resolution(taught))}
    for doc in documents.values():
        if doc and doc.get("work") in original:
            doc["work"] = original[doc["work"]]


async def rebuild_table(store: Store) -> int:
    """Make the table again from every stored record's derived fields (a reindex, after the
    records are re-mapped); returns how many records teach.

    In place, never emptied: every teaching is written again, then the documents of records that
    no longer teach (or no longer exist) are deleted, so a reader of the table never sees it
    without the aliases that stay."""
    index = store.alias(KIND)
    teaching_ids: set[str] = set()
    async for hits in store.scan("records", source=["fields.work_alias", "fields.work_key"],
                                 doing="reading the raw store"):
        actions: list[dict[str, Any]] = []
        for hit in hits:
            found = teaching(hit["_source"].get("fields", {}))
            if found:
                teaching_ids.add(hit["_id"])
                actions += [{"index": {"_index": index, "_id": hit["_id"]}},
                            {"translated": found[0], "work": found[1]}]
        await store.bulk_all(actions, "writing translated titles")
    await store.refresh(KIND)
    async for hits in store.scan(KIND, source=False, doing="reading translated titles"):
        await store.bulk_all([{"delete": {"_index": index, "_id": hit["_id"]}} for hit in hits
                              if hit["_id"] not in teaching_ids], "deleting translated titles")
    await store.refresh(KIND)
    return len(teaching_ids)
