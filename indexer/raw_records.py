"""The raw store's answers the Loader needs: stored checksums, candidate keys, clusters.

:class:`RawRecords` is the :class:`indexer.cluster_update.StoredRecords` of a real catalogue:
each lookup is one round trip for a whole batch (multi-searches over chunks of terms, see
:meth:`indexer.store.Store.where`), never one query per record.
"""

from __future__ import annotations

from typing import Any

from harvesters.records import SourceRecord
from harvesters.unchanged import Stored, StoredHarvested
from indexer import harvest_state
from indexer.store import Store
from indexer.store.catalogue import TERMS_PER_QUERY
from indexer.store.types import MEMBER_FIELDS


class RawRecords:
    """Lookups in the raw store (``records``) of one catalogue."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def stored_from(self, library: str, sources: list[str]) -> dict[str, str]:
        """Record id → local id of the records of ``library`` last loaded from ``sources``
        (file paths): what a re-load of those files should find again."""
        found = await self.where("source", sources)
        return {doc_id: str(doc["local_id"]) for doc_id, doc in found.items()
                if doc.get("library") == library}

    async def existing(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        return await self.store.mget(
            "records", ids, source=["checksum", "cluster", "source_id", "first_seen",
                                    "harvested_at", "raw_hash"],
            doing="reading stored records",
        )

    async def stored_raw(self, ids: list[str]) -> dict[str, Stored]:
        """Record id → what a reader compares before decoding (raw hash, checksum, repairs),
        for the records stored with a raw hash: one ``mget`` of their harvest state
        (:mod:`indexer.harvest_state`), and one of the ``_source`` of those without it."""
        states = await self.store.mget_stored(
            "records", ids, [harvest_state.FIELD], doing="reading stored raw hashes")
        values = await self._harvest_states(
            {doc_id: fields.get(harvest_state.FIELD) for doc_id, fields in states.items()})
        read = {doc_id: harvest_state.read(value)[3] for doc_id, value in values.items()}
        return {doc_id: kept for doc_id, kept in read.items() if kept is not None}

    async def _harvest_states(self, stored: dict[str, list[str] | None]
                              ) -> dict[str, list[Any]]:
        """Record id → its harvest state's values, from the stored field where the record
        has one (``stored``: id → the field as the engine returned it), else from its
        ``_source`` (one ``mget`` for all of those)."""
        values = {doc_id: harvest_state.parse(field[0])
                  for doc_id, field in stored.items() if field}
        without = [doc_id for doc_id in stored if doc_id not in values]
        if without:
            found = await self.store.mget("records", without, source=harvest_state.SOURCE_FIELDS,
                                          doing="reading stored raw hashes")
            values.update((doc_id, harvest_state.from_source(doc))
                          for doc_id, doc in found.items())
        return values

    async def members(self, clusters: list[str]) -> dict[str, list[dict[str, Any]]]:
        grouped: dict[str, list[dict[str, Any]]] = {}
        for source in (await self.where("cluster", clusters)).values():
            grouped.setdefault(source["cluster"], []).append(source)
        return grouped

    async def key_counts(
        self, keys: list[str], *, excluding: list[str] | None = None
    ) -> dict[str, int]:
        """How many stored records carry each of these keys (for `recluster_batch`): one
        multi-search for all of them. Records whose ids are in ``excluding`` are not counted
        (the Loader counts its writes still in flight itself, :mod:`indexer.in_flight`)."""
        bodies = []
        for start in range(0, len(keys), TERMS_PER_QUERY):
            chunk = keys[start : start + TERMS_PER_QUERY]
            query: dict[str, Any] = {"terms": {"keys": chunk}}
            if excluding:
                query = {"bool": {"filter": [query], "must_not": [{"ids": {"values": excluding}}]}}
            bodies.append({
                "size": 0,
                "track_total_hits": False,
                "query": query,
                "aggs": {
                    "keys": {
                        "terms": {
                            "field": "keys",
                            "include": chunk,
                            "size": len(chunk),
                            # count only the matching documents: no global ordinals to rebuild
                            # over every key in the store after each refresh
                            "execution_hint": "map",
                        }
                    }
                },
            })
        counts: dict[str, int] = {}
        for response in await self.store.msearch(
            "records", bodies, doing="counting candidate keys"
        ):
            for bucket in response["aggregations"]["keys"]["buckets"]:
                counts[bucket["key"]] = bucket["doc_count"]
        return counts

    async def with_keys(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        return await self.where("keys", keys)

    async def in_clusters(self, clusters: list[str]) -> dict[str, dict[str, Any]]:
        return await self.where("cluster", clusters)

    async def where(self, name: str, values: list[str]) -> dict[str, dict[str, Any]]:
        """Stored records (id → member fields) whose `name` is one of `values`: every one."""
        return await self.store.where(
            "records", name, values, source=MEMBER_FIELDS, doing=f"reading stored records by {name}"
        )

    async def stored_by_source_id(
        self, items: list[SourceRecord]
    ) -> dict[tuple[str, str], dict[str, str]]:
        """(library, OAI identifier) → {raw-store id: cluster} of the stored records of these
        items' protocol identifiers (``source_id``).

        A record stored before ``source_id`` existed is found by its ``local_id``, which was the
        OAI identifier then (see :mod:`indexer.migrations`).
        """
        found: dict[tuple[str, str], dict[str, str]] = {}
        for doc_id, source in (await self.by_source_id(items)).items():
            key = (source["library"], source.get("source_id") or source["local_id"])
            found.setdefault(key, {})[doc_id] = source["cluster"]
        return found

    async def by_source_id(self, items: list[SourceRecord]) -> dict[str, dict[str, Any]]:
        """Raw-store id → library, local_id, source_id and cluster of the stored records of
        these items' protocol identifiers (see :meth:`stored_by_source_id`)."""
        wanted = {(item.library, item.source_id) for item in items if item.source_id}
        if not wanted:
            return {}
        ids = sorted({source_id for _, source_id in wanted})
        query = {"bool": {
            "filter": [{"terms": {"library": sorted({library for library, _ in wanted})}}],
            "should": [{"terms": {"source_id": ids}}, {"terms": {"local_id": ids}}],
            "minimum_should_match": 1,
        }}  # fmt: skip
        found: dict[str, dict[str, Any]] = {}
        async for hits in self.store.scan(
            "records", query, source=["library", "local_id", "source_id", "cluster"],
            doing="finding stored records by OAI identifier",
        ):
            for hit in hits:
                source = hit["_source"]
                if (source["library"], source.get("source_id") or source["local_id"]) in wanted:
                    found[hit["_id"]] = source
        return found

    async def stored_harvested(self, library: str, identifiers: list[str]
                               ) -> dict[str, list[StoredHarvested]]:
        """OAI identifier → every stored record of ``library`` carrying it, keyed as
        :meth:`stored_by_source_id` keys them, each with its local id and what a harvester
        compares before decoding (:class:`~harvesters.unchanged.KnownHarvested`)."""
        if not identifiers:
            return {}
        wanted = set(identifiers)
        query = {"bool": {
            "filter": [{"term": {"library": library}}],
            "should": [{"terms": {"source_id": sorted(wanted)}},
                       {"terms": {"local_id": sorted(wanted)}}],
            "minimum_should_match": 1,
        }}  # fmt: skip
        stored: dict[str, list[str] | None] = {}
        async for hits in self.store.scan(
            "records", query, source=False, stored_fields=[harvest_state.FIELD],
            doing="reading stored raw hashes by OAI identifier",
        ):
            stored.update((hit["_id"], hit.get("fields", {}).get(harvest_state.FIELD))
                          for hit in hits)
        values = await self._harvest_states(stored)
        found: dict[str, list[StoredHarvested]] = {}
        for value in values.values():
            stored_library, key, local_id, kept = harvest_state.read(value)
            if key in wanted and stored_library == library:
                found.setdefault(key, []).append((local_id, kept))
        return found
